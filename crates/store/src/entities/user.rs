//! The `user` table.

use sea_orm::entity::prelude::*;

/// A row of `user`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    /// `user_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Display name.
    pub name: String,
    /// Lower-cased address.
    #[sea_orm(unique)]
    pub email: String,
    /// Whether the address is proven.
    pub email_verified: bool,
    /// Avatar URL.
    pub image: Option<String>,
    /// Whether a second factor is required.
    pub two_factor_enabled: bool,
    /// Roles, comma-separated.
    pub role: String,
    /// Whether the user is banned.
    pub banned: bool,
    /// Why, as the admin said.
    pub ban_reason: Option<String>,
    /// When the ban ends by itself (`None`: never).
    pub ban_expires: Option<DateTimeUtc>,
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

/// `user` has no outgoing foreign keys.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
