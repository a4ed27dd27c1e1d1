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
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// This node's name in leases and attempt records (unique per process).
    pub node: String,
    /// Mails sent concurrently (and claimed at most at once).
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
            batch: 32,
            lease: Duration::minutes(2),
            max_attempts: 10,
            retry_base: std::time::Duration::from_secs(5),
            retry_max: std::time::Duration::from_secs(3600),
            poll_interval: std::time::Duration::from_secs(2),
        }
    }
}

/// One delivery attempt, before it is recorded.
struct FinishedAttempt {
    mail: OutboxMail,
    outcome: AttemptOutcome,
    started_at: chrono::DateTime<chrono::Utc>,
    finished_at: chrono::DateTime<chrono::Utc>,
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

    /// Delivers until `shutdown` completes. Mail is claimed as soon as it is queued on this
    /// node (or, from other nodes and for retries, every poll interval), whenever one of the
    /// `batch` delivery slots is free; sends run concurrently and a recorder writes finished
    /// attempts in groups (one commit for all that finished meanwhile: on SQLite every commit
    /// is an fsync that sign-ups would otherwise queue behind). At shutdown, sends in flight
    /// finish and are recorded.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(transport = self.transport.kind(), node = %self.settings.node, "outbox worker started");
        let slots = usize::try_from(self.settings.batch).unwrap_or(1).max(1);
        let permits = Arc::new(Semaphore::new(slots));
        let (finished, to_record) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(self.clone().record_finished(to_record));
        tokio::pin!(shutdown);
        loop {
            let free = permits.available_permits();
            if free > 0 {
                match self.claim_and_send(free, &permits, &finished).await {
                    Ok(0) => {}
                    Ok(_) => continue,
                    Err(err) => tracing::warn!(error = %err, "claiming outbox mail failed"),
                }
            }
            let slot_freed = async {
                if free == 0 {
                    let _ = permits.acquire().await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = self.auth.outbox_signal().notified() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                () = slot_freed => {}
                () = &mut shutdown => break,
            }
        }
        let _ = permits
            .acquire_many(u32::try_from(slots).unwrap_or(u32::MAX))
            .await;
        drop(finished);
        let _ = recorder.await;
        tracing::info!("outbox worker stopped");
    }

    /// Claims up to `limit` due mails and starts sending each in its own task.
    async fn claim_and_send(
        &self,
        limit: usize,
        permits: &Arc<Semaphore>,
        finished: &mpsc::UnboundedSender<FinishedAttempt>,
    ) -> Result<usize, StoreError> {
        let now = self.auth.now();
        let store = self.auth.store();
        let claimed = outbox::claim_due(
            store.conn(),
            store.backend(),
            &self.settings.node,
            now,
            now + self.settings.lease,
            u64::try_from(limit).unwrap_or(1),
        )
        .await?;
        let count = claimed.len();
        for mail in claimed {
            // This loop is the only claimer, so the permits counted as free are there; a
            // claimed mail is sent even without one, never left leased and idle.
            let permit = permits.clone().try_acquire_owned().ok();
            let worker = self.clone();
            let finished = finished.clone();
            tokio::spawn(async move {
                let done = worker.attempt(mail).await;
                let _ = finished.send(done);
                drop(permit);
            });
        }
        Ok(count)
    }

    /// Records finished attempts as they come, all that are waiting in one transaction. A
    /// failed write is retried; if it keeps failing the mails stay leased and are sent again
    /// when the lease runs out (at least once, never lost).
    async fn record_finished(self, mut to_record: mpsc::UnboundedReceiver<FinishedAttempt>) {
        while let Some(first) = to_record.recv().await {
            let mut group = vec![first];
            while let Ok(more) = to_record.try_recv() {
                group.push(more);
            }
            for attempt in 1..=3 {
                match self.record(&group).await {
                    Ok(()) => break,
                    Err(err) if attempt < 3 => {
                        tracing::warn!(error = %err, "recording deliveries failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    }
                    Err(err) => {
                        tracing::error!(error = %err, mails = group.len(), "recording deliveries failed; they will be sent again after their lease");
                    }
                }
            }
        }
    }

    /// Sends one claimed mail.
    async fn attempt(&self, mail: OutboxMail) -> FinishedAttempt {
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
        FinishedAttempt {
            mail,
            outcome,
            started_at,
            finished_at: self.auth.now(),
        }
    }

    /// Records a round's attempts in one transaction.
    async fn record(&self, finished: &[FinishedAttempt]) -> Result<(), StoreError> {
        if finished.is_empty() {
            return Ok(());
        }
        let tx = self.auth.store().write().await?;
        for done in finished {
            let kept = outbox::finish_attempt(
                &tx,
                &Attempt {
                    mail_id: &done.mail.id,
                    number: done.mail.attempts,
                    node: &self.settings.node,
                    started_at: done.started_at,
                    finished_at: done.finished_at,
                    outcome: &done.outcome,
                },
            )
            .await?;
            if !kept {
                tracing::warn!(mail_id = %done.mail.id, "the lease ran out during delivery, or the mail was deleted; another node may send it again");
            }
        }
        tx.commit().await.map_err(StoreError::from)
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
/// what the far end asked for, at most `max`. Webhooks retry by the same rule.
pub(crate) fn backoff(
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
