//! The webhook worker: claims due deliveries with a lease, posts each signed to its endpoint,
//! and records the outcome. Like the mail outbox: any number of nodes, one holder per
//! delivery at a time, a dead node's lease runs out, so every committed event arrives at
//! least once, under the same `webhook-id` each time.

use super::{WebhookEndpoint, sign};
use crate::Auth;
use crate::mail::backoff;
use beep_store::StoreError;
use beep_store::repos::outbox::AttemptOutcome;
use beep_store::repos::webhook_deliveries::{self, WebhookDelivery};
use chrono::Duration;
use std::future::Future;
use std::time::Duration as StdDuration;
use tokio::task::JoinSet;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// This node's name in leases (unique per process).
    pub node: String,
    /// Deliveries posted concurrently (and claimed at most at once).
    pub batch: u64,
    /// How long a claim holds; longer than the request timeout.
    pub lease: Duration,
    /// How long an endpoint has to answer.
    pub timeout: StdDuration,
    /// Attempts before a delivery is given up.
    pub max_attempts: i32,
    /// Delay after the first failure; it doubles with each further one.
    pub retry_base: StdDuration,
    /// The longest delay between attempts.
    pub retry_max: StdDuration,
    /// How often to look for due deliveries.
    pub poll_interval: StdDuration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            node: format!("node_{}", crate::tokens::random_alphanumeric(12)),
            batch: 16,
            lease: Duration::minutes(1),
            timeout: StdDuration::from_secs(15),
            max_attempts: 12,
            retry_base: StdDuration::from_secs(5),
            retry_max: StdDuration::from_secs(6 * 3600),
            poll_interval: StdDuration::from_secs(1),
        }
    }
}

/// Delivers the webhook outbox. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WebhookWorker {
    auth: Auth,
    http: reqwest::Client,
    settings: WebhookSettings,
}

impl WebhookWorker {
    /// A worker for `auth`'s webhook outbox.
    pub fn new(auth: Auth, settings: WebhookSettings) -> Self {
        // No redirects: an endpoint cannot bounce a signed event to another host.
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(StdDuration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("beep-iam-webhooks")
            .build()
            .unwrap_or_default();
        Self {
            auth,
            http,
            settings,
        }
    }

    /// Delivers until `shutdown` completes: a round claims what is due, posts it all
    /// concurrently and records the outcomes in one transaction; rounds follow each other at
    /// once while there is work, else every poll interval. At shutdown the round in flight
    /// finishes and is recorded.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(node = %self.settings.node, endpoints = self.auth.config().audit.webhooks.len(), "webhook worker started");
        tokio::pin!(shutdown);
        loop {
            let delivered = match self.round().await {
                Ok(count) => count,
                Err(err) => {
                    tracing::warn!(error = %err, "delivering webhooks failed");
                    0
                }
            };
            if delivered > 0 {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(self.settings.poll_interval) => {}
                () = &mut shutdown => break,
            }
        }
        tracing::info!("webhook worker stopped");
    }

    /// One round; returns how many deliveries it attempted.
    pub async fn round(&self) -> Result<usize, StoreError> {
        let now = self.auth.now();
        let store = self.auth.store();
        let claimed = webhook_deliveries::claim_due(
            store.conn(),
            store.backend(),
            &self.settings.node,
            now,
            now + self.settings.lease,
            self.settings.batch.max(1),
        )
        .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let count = claimed.len();
        let mut posts = JoinSet::new();
        for delivery in claimed {
            let worker = self.clone();
            posts.spawn(async move {
                let outcome = worker.attempt(&delivery).await;
                (delivery, outcome)
            });
        }
        let mut finished = Vec::with_capacity(count);
        while let Some(done) = posts.join_next().await {
            if let Ok(done) = done {
                finished.push(done);
            }
        }
        let tx = store.write().await?;
        let now = self.auth.now();
        for (delivery, outcome) in &finished {
            let kept = webhook_deliveries::finish_attempt(
                &tx,
                &delivery.id,
                &self.settings.node,
                outcome,
                now,
            )
            .await?;
            if !kept {
                tracing::warn!(delivery_id = %delivery.id, "the lease ran out during delivery; another node may deliver it again");
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(count)
    }

    /// Posts one delivery.
    async fn attempt(&self, delivery: &WebhookDelivery) -> AttemptOutcome {
        let Some(endpoint) = self.endpoint(&delivery.endpoint_url) else {
            return AttemptOutcome::GaveUp {
                error: "the endpoint is no longer configured".to_owned(),
            };
        };
        let timestamp = self.auth.now().timestamp();
        let id = delivery.event_id.as_str();
        let signature = sign(&endpoint.secret, id, timestamp, &delivery.payload);
        let sent = self
            .http
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        let outcome = match sent {
            Ok(response) if response.status().is_success() => AttemptOutcome::Sent,
            // 410 Gone: the receiver asks for no more.
            Ok(response) if response.status() == reqwest::StatusCode::GONE => {
                AttemptOutcome::GaveUp {
                    error: "the endpoint answered 410 Gone".to_owned(),
                }
            }
            Ok(response) => {
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(StdDuration::from_secs);
                self.retry(
                    delivery,
                    format!("the endpoint answered {}", response.status().as_u16()),
                    retry_after,
                )
            }
            // The error names the URL only, never the body or the signature.
            Err(err) => self.retry(delivery, describe(&err), None),
        };
        match &outcome {
            AttemptOutcome::Sent => {
                tracing::info!(event_id = %delivery.event_id, attempt = delivery.attempts, "webhook delivered");
            }
            AttemptOutcome::Retry { error, at } => {
                tracing::warn!(event_id = %delivery.event_id, attempt = delivery.attempts, %error, retry_at = %at, "webhook delivery failed; will retry");
            }
            AttemptOutcome::GaveUp { error } => {
                tracing::error!(event_id = %delivery.event_id, attempt = delivery.attempts, %error, "webhook delivery given up");
            }
        }
        outcome
    }

    fn endpoint(&self, url: &str) -> Option<&WebhookEndpoint> {
        self.auth
            .config()
            .audit
            .webhooks
            .iter()
            .find(|endpoint| endpoint.url == url)
    }

    /// Another attempt later, until the attempts run out.
    fn retry(
        &self,
        delivery: &WebhookDelivery,
        error: String,
        retry_after: Option<StdDuration>,
    ) -> AttemptOutcome {
        if delivery.attempts >= self.settings.max_attempts {
            return AttemptOutcome::GaveUp {
                error: format!("{error} (after {} attempts)", delivery.attempts),
            };
        }
        let delay = backoff(
            delivery.attempts,
            self.settings.retry_base,
            self.settings.retry_max,
            retry_after,
        );
        AttemptOutcome::Retry {
            at: self.auth.now() + Duration::from_std(delay).unwrap_or(Duration::hours(1)),
            error,
        }
    }
}

/// A transport error in a few words.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the endpoint did not answer in time".to_owned()
    } else if err.is_connect() {
        "the endpoint could not be reached".to_owned()
    } else {
        "the request to the endpoint failed".to_owned()
    }
}
