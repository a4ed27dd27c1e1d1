//! The `account` table: password credentials now, OAuth links later.

use sea_orm::entity::prelude::*;

/// A row of `account`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    /// `acct_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The provider's id for the user.
    #[sea_orm(unique_key = "provider_account")]
    pub account_id: String,
    /// `credential`, `github`, …
    #[sea_orm(unique_key = "provider_account")]
    pub provider_id: String,
    /// Owner.
    #[sea_orm(indexed)]
    pub user_id: String,
    /// Password hash (PHC argon2id, or legacy scrypt `salt:key`).
    pub password_hash: Option<String>,
    /// OAuth access token (encrypted, later).
    pub access_token: Option<String>,
    /// OAuth refresh token (encrypted, later).
    pub refresh_token: Option<String>,
    /// OpenID Connect id token.
    pub id_token: Option<String>,
    /// When the access token lapses.
    pub access_token_expires_at: Option<DateTimeUtc>,
    /// When the refresh token lapses.
    pub refresh_token_expires_at: Option<DateTimeUtc>,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
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

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("account::Model")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("user_id", &self.user_id)
            .field("secrets", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// An account belongs to a user and dies with it.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
