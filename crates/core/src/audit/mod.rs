//! The audit log and the webhooks that announce it. Every security event is written in the
//! transaction of the change it records (so a rolled-back change leaves no event, and a
//! committed one always has its event), together with one delivery per subscribed webhook
//! endpoint; the [`WebhookWorker`] delivers those from the outbox, signed as Standard Webhooks.

mod config;
mod entry;
mod origin;
mod retention;
mod signature;
mod worker;

pub use config::{AuditConfig, WebhookEndpoint, WebhookSecret, WebhookSecretError};
pub use entry::{AuditEntry, EventData, WebhookPayload};
pub use origin::with_request_origin;
pub use signature::{SIGNATURE_VERSION, sign};
pub use worker::{WebhookSettings, WebhookWorker};
