//! The `trusted_device` table: devices that may skip the second factor for a while.

use sea_orm::entity::prelude::*;

/// A row of `trusted_device`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trusted_device")]
pub struct Model {
    /// `tdev_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Whose device.
    pub user_id: String,
    /// SHA-256 of the cookie's token, hex (unique).
    #[sea_orm(unique)]
    pub token_digest: String,
    /// When the trust ends.
    pub expires_at: DateTimeUtc,
    /// The user agent that asked to be trusted.
    pub user_agent: String,
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

/// The foreign key to `user` is declared in the migration.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
