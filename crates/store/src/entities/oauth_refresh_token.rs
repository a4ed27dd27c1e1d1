//! The `oauth_refresh_token` table: refresh tokens, found by the digest of their text.

use sea_orm::entity::prelude::*;

/// A row of `oauth_refresh_token`. `scopes` holds a JSON array as text.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_refresh_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub token_digest: String,
    pub grant_id: String,
    pub client_id: String,
    pub user_id: String,
    pub session_id: Option<String>,
    pub scopes: String,
    pub auth_time: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub version: i32,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("oauth_refresh_token::Model")
            .field("id", &self.id)
            .field("grant_id", &self.grant_id)
            .finish_non_exhaustive()
    }
}

/// The foreign keys to `oauth_grant`, `oauth_client`, `user` and `session` are declared in
/// the migration.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
