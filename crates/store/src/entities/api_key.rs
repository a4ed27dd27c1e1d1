//! The `apikey` table: API keys, found by the digest of their secret.

use sea_orm::entity::prelude::*;

/// A row of `apikey`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "apikey")]
pub struct Model {
    /// `ak_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The configuration (`default`).
    pub config_id: String,
    /// The owner's name for it.
    pub name: Option<String>,
    /// The key's first characters.
    pub start: Option<String>,
    /// The key's prefix.
    pub prefix: Option<String>,
    /// The owning user (or NULL when an organization owns it).
    pub user_id: Option<String>,
    /// The owning organization (or NULL when a user owns it).
    pub organization_id: Option<String>,
    /// base64url SHA-256 of the key (unique).
    #[sea_orm(unique)]
    pub key_digest: String,
    /// Whether it may be used.
    pub enabled: bool,
    /// When it stops working.
    pub expires_at: Option<DateTimeUtc>,
    /// Uses left (NULL: unlimited).
    pub remaining: Option<i64>,
    /// Refill interval, ms.
    pub refill_interval: Option<i64>,
    /// Refill amount.
    pub refill_amount: Option<i64>,
    /// Last refill.
    pub last_refill_at: Option<DateTimeUtc>,
    /// Whether the rate limit applies.
    pub rate_limit_enabled: bool,
    /// Rate-limit window, ms.
    pub rate_limit_time_window: i64,
    /// Uses per window.
    pub rate_limit_max: i64,
    /// Uses in the current window.
    pub request_count: i64,
    /// Last use.
    pub last_request: Option<DateTimeUtc>,
    /// Permissions, JSON text.
    pub permissions: Option<String>,
    /// Metadata, JSON text.
    pub metadata: Option<String>,
    /// Audit: created.
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

/// The foreign keys to `user` and `organization` are declared in the migration.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
