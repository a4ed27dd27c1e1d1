//! The `webhook_delivery` table: one audit event on its way to one webhook endpoint.

use sea_orm::entity::prelude::*;

/// A row of `webhook_delivery`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    /// `whd_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The event (`evt_…`): the `webhook-id` header, the same on every retry.
    pub event_id: String,
    /// Where it goes.
    #[sea_orm(column_type = "Text")]
    pub endpoint_url: String,
    /// The exact body that is signed and sent.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// pending, delivered or failed.
    pub status: String,
    /// Attempts started.
    pub attempts: i32,
    /// Not before.
    pub next_attempt_at: DateTimeUtc,
    /// Node holding the delivery lease.
    pub lease_owner: Option<String>,
    /// End of that lease.
    pub lease_until: Option<DateTimeUtc>,
    /// Why the last attempt failed.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When the endpoint accepted it.
    pub delivered_at: Option<DateTimeUtc>,
    /// Queued.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
