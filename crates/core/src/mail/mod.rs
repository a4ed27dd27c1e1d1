//! Mail from the flows: queued in the flow's own transaction (the outbox), sealed at rest,
//! delivered afterwards by [`OutboxWorker`] with retries, on whichever node claims it first.

mod outbox;
mod sealing;
mod worker;

pub use sealing::SealingKey;
pub use worker::{OutboxSettings, OutboxWorker};

pub(crate) use outbox::OUTBOX_PURPOSE;
pub(crate) use worker::backoff;
