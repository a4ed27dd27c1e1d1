//! The `jwks` table: the key pairs JWTs are signed with (better-auth's table name).

use sea_orm::entity::prelude::*;

/// A row of `jwks`.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jwks")]
pub struct Model {
    /// `jwk_…`, the `kid`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The JWS algorithm.
    pub alg: String,
    /// The public key as JWK JSON text.
    pub public_key: String,
    /// The sealed PKCS#8 private key (hex).
    pub private_key: String,
    /// When it stops signing; `NULL` for never.
    pub expires_at: Option<DateTimeUtc>,
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
        f.debug_struct("jwks::Model")
            .field("id", &self.id)
            .field("alg", &self.alg)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// No relations: a key belongs to the server, not to a user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
