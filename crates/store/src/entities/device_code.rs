//! The `device_code` table: device authorizations, found by the digest of either code.

use sea_orm::entity::prelude::*;

/// A row of `device_code`. `scopes` holds a JSON array as text; `status` is checked in the
/// migration.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_code")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub device_code_digest: String,
    #[sea_orm(unique)]
    pub user_code_digest: String,
    pub client_id: String,
    pub user_id: Option<String>,
    pub status: String,
    pub scopes: String,
    pub expires_at: DateTimeUtc,
    pub last_polled_at: Option<DateTimeUtc>,
    pub interval_secs: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub version: i32,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("device_code::Model")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// The foreign keys to `oauth_client` and `user` are declared in the migration.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
