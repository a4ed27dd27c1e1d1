//! The outbox worker: claims due mails with a lease, delivers them through the transport,
//! and records each attempt. Any number of nodes may run one over the same database; the
//! lease keeps a mail with one node at a time, and a dead node's lease runs out.

use super::outbox::SealedBody;
use crate::Auth;
use beep_domain::OutboxMail;
use beep_email::{Mail, SendError, Transport};
use beep_store::StoreError;
use beep_store::repos::outbox::{self, Attempt, AttemptOutcome};
use chrono::Duration;
use rand::Rng;
use std::future::Future;
use tokio::task::JoinSet;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// This node's name in leases and attempt records (unique per process).
    pub node: String,
    /// Mails claimed, and sent concurrently, per round.
    pub batch: u64,
    /// How long a claim holds; longer than any transport timeout.
    pub lease: Duration,
    /// Attempts before a mail is given up.
    pub max_attempts: i32,
    /// Delay after the first failure; it doubles with each further one.
    pub retry_base: std::time::Duration,
    /// The longest delay between attempts.
    pub retry_max: std::time::Duration,
    /// How often to look for mail queued by other nodes or due for a retry.
    pub poll_interval: std::time::Duration,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            node: format!("node_{}", crate::tokens::random_alphanumeric(12)),
            batch: 16,
            lease: Duration::minutes(2),
            max_attempts: 10,
            retry_base: std::time::Duration::from_secs(5),
            retry_max: std::time::Duration::from_secs(3600),
            poll_interval: std::time::Duration::from_secs(2),
        }
    }
}

/// Delivers the outbox. Cheap to clone.
#[derive(Clone)]
pub struct OutboxWorker {
    auth: Auth,
    transport: Transport,
    settings: OutboxSettings,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("transport", &self.transport.kind())
            .field("settings", &self.settings)
            .finish()
    }
}

impl OutboxWorker {
    /// A worker for `auth`'s outbox over `transport`.
    pub fn new(auth: Auth, transport: Transport, settings: OutboxSettings) -> Self {
        Self {
            auth,
            transport,
            settings,
        }
    }

    /// Delivers until `shutdown` completes: at once when this node queues mail, otherwise
    /// every poll interval. A round in progress finishes before it stops.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(transport = self.transport.kind(), node = %self.settings.node, "outbox worker started");
        tokio::pin!(shutdown);
        loop {
            let delivered = match self.deliver_due().await {
                Ok(count) => count,
                Err(err) => {
                    tracing::warn!(error = %err, "outbox round failed");
                    0
                }
            };
            if delivered > 0 {
                continue;
            }
            tokio::select! {
                () = self.auth.outbox_signal().notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                () = &mut shutdown => break,
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// One round: claims up to a batch of due mails and delivers them concurrently.
    /// Returns how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let now = self.auth.now();
        let store = self.auth.store();
        let claimed = outbox::claim_due(
            store.conn(),
            store.backend(),
            &self.settings.node,
            now,
            now + self.settings.lease,
            self.settings.batch,
        )
        .await?;
        let count = claimed.len();
        let mut sending = JoinSet::new();
        for mail in claimed {
            let worker = self.clone();
            sending.spawn(async move { worker.deliver(mail).await });
        }
        while let Some(joined) = sending.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "recording a delivery failed"),
                Err(err) => tracing::error!(error = %err, "a delivery task failed"),
            }
        }
        Ok(count)
    }

    /// Sends one claimed mail and records the outcome.
    async fn deliver(&self, mail: OutboxMail) -> Result<(), StoreError> {
        let started_at = self.auth.now();
        let outcome = match self.open(&mail) {
            Some(message) => match self.transport.send(&message).await {
                Ok(()) => AttemptOutcome::Sent,
                Err(error) => self.after_failure(&mail, error),
            },
            None => AttemptOutcome::GaveUp {
                error: "the sealed body does not open (was the secret changed?)".to_owned(),
            },
        };
        match &outcome {
            AttemptOutcome::Sent => {
                tracing::info!(mail_id = %mail.id, template = %mail.template, attempt = mail.attempts, "mail sent");
            }
            AttemptOutcome::Retry { error, at } => {
                tracing::warn!(mail_id = %mail.id, attempt = mail.attempts, %error, retry_at = %at, "mail delivery failed; will retry");
            }
            AttemptOutcome::GaveUp { error } => {
                tracing::error!(mail_id = %mail.id, attempt = mail.attempts, %error, "mail delivery given up");
            }
        }
        let kept = outbox::finish_attempt(
            self.auth.store().conn(),
            &Attempt {
                mail_id: &mail.id,
                number: mail.attempts,
                node: &self.settings.node,
                started_at,
                finished_at: self.auth.now(),
                outcome: &outcome,
            },
        )
        .await?;
        if !kept {
            tracing::warn!(mail_id = %mail.id, "the lease ran out during delivery; another node may send this mail again");
        }
        Ok(())
    }

    /// The mail as the transport takes it, or `None` if its body cannot be opened.
    fn open(&self, mail: &OutboxMail) -> Option<Mail> {
        let plain = self.auth.outbox_key().open(mail.sealed_body.as_deref()?)?;
        let body: SealedBody = serde_json::from_slice(&plain).ok()?;
        Some(Mail {
            from: self.auth.config().email.from.clone(),
            to: mail.recipient.clone(),
            subject: mail.subject.clone(),
            text: body.text,
            html: body.html,
            message_id: format!("{}@{}", mail.id, self.auth.mail_host()),
        })
    }

    /// Retry with a doubling, jittered delay (or the far end's `Retry-After`), until the
    /// attempts run out; a permanent refusal ends it at once.
    fn after_failure(&self, mail: &OutboxMail, error: SendError) -> AttemptOutcome {
        let (reason, retry_after) = match error {
            SendError::Permanent { reason } => return AttemptOutcome::GaveUp { error: reason },
            SendError::Transient {
                reason,
                retry_after,
            } => (reason, retry_after),
        };
        if mail.attempts >= self.settings.max_attempts {
            return AttemptOutcome::GaveUp {
                error: format!("{reason} (after {} attempts)", mail.attempts),
            };
        }
        let delay = backoff(
            mail.attempts,
            self.settings.retry_base,
            self.settings.retry_max,
            retry_after,
        );
        let delay = Duration::from_std(delay).unwrap_or(Duration::hours(1));
        AttemptOutcome::Retry {
            at: self.auth.now() + delay,
            error: reason,
        }
    }
}

/// The delay after the `attempt`-th failure: `base × 2^(attempt-1)` within ±20 %, at least
/// what the far end asked for, at most `max`.
fn backoff(
    attempt: i32,
    base: std::time::Duration,
    max: std::time::Duration,
    asked: Option<std::time::Duration>,
) -> std::time::Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let exponential = base.saturating_mul(1u32 << doublings).min(max);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    let jittered = exponential.mul_f64(jitter);
    jittered.max(asked.unwrap_or_default()).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as Std;

    #[test]
    fn the_delay_doubles_within_its_jitter_and_stops_at_the_maximum() {
        let base = Std::from_secs(5);
        let max = Std::from_secs(3600);
        for (attempt, nominal) in [(1, 5.0), (2, 10.0), (3, 20.0), (5, 80.0)] {
            let delay = backoff(attempt, base, max, None).as_secs_f64();
            assert!(
                delay >= nominal * 0.8 && delay <= nominal * 1.2,
                "{attempt}: {delay}"
            );
        }
        let capped = backoff(40, base, max, None);
        assert!(capped <= max && capped >= max.mul_f64(0.8), "{capped:?}");
    }

    #[test]
    fn the_far_ends_retry_after_is_respected_up_to_the_maximum() {
        let base = Std::from_secs(1);
        let max = Std::from_secs(60);
        assert!(backoff(1, base, max, Some(Std::from_secs(30))) >= Std::from_secs(30));
        assert_eq!(backoff(1, base, max, Some(Std::from_secs(900))), max);
    }
}
