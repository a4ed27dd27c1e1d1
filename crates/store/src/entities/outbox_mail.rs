//! The `outbox_mail` table: mails written by flows, delivered by the outbox worker.

use super::enums::DbOutboxStatus;
use sea_orm::entity::prelude::*;

/// A row of `outbox_mail`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_mail")]
pub struct Model {
    /// `mail_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The template's name.
    pub template: String,
    /// The recipient address (indexed: mails per recipient are throttled).
    #[sea_orm(indexed)]
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// Sealed text and HTML parts; NULL once delivered or given up.
    #[sea_orm(column_type = "Text", nullable)]
    pub sealed_body: Option<String>,
    /// pending, sent or failed.
    #[sea_orm(indexed)]
    pub status: DbOutboxStatus,
    /// Attempts started.
    pub attempts: i32,
    /// Not before.
    #[sea_orm(indexed)]
    pub next_attempt_at: DateTimeUtc,
    /// Node holding the delivery lease.
    pub lease_owner: Option<String>,
    /// End of that lease.
    pub lease_until: Option<DateTimeUtc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the transport accepted the mail.
    pub sent_at: Option<DateTimeUtc>,
    /// Audit: created.
    #[sea_orm(indexed)]
    pub created_at: DateTimeUtc,
    /// Audit: last change.
    pub updated_at: DateTimeUtc,
    /// Audit: creator.
    pub created_by: Option<String>,
    /// Audit: last changer.
    pub updated_by: Option<String>,
    /// Audit: optimistic-concurrency version.
    pub version: i32,
}

/// Each mail has its attempts.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The attempts made to deliver it.
    #[sea_orm(has_many = "super::outbox_attempt::Entity")]
    Attempts,
}

impl Related<super::outbox_attempt::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attempts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
