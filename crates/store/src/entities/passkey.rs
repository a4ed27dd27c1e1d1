//! The `passkey` table: WebAuthn credentials, by their credential id.

use sea_orm::entity::prelude::*;

/// A row of `passkey`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkey")]
pub struct Model {
    /// `pk_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The name the user gave it.
    pub name: Option<String>,
    /// Whose it is.
    pub user_id: String,
    /// The authenticator's credential id, base64url (unique).
    #[sea_orm(unique)]
    pub credential_id: String,
    /// The COSE public key, standard base64.
    pub public_key: String,
    /// The last signature counter seen.
    pub counter: i64,
    /// `singleDevice` or `multiDevice`.
    pub device_type: String,
    /// Backed up when last seen.
    pub backed_up: bool,
    /// Comma-separated transports.
    pub transports: String,
    /// The authenticator model (UUID).
    pub aaguid: Option<String>,
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
