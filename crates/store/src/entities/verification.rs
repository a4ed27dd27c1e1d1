//! The `verification` table: single-use proofs, keyed by purpose and token digest.

use sea_orm::entity::prelude::*;

/// A row of `verification`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification")]
pub struct Model {
    /// `verif_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `purpose:` plus the token digest.
    #[sea_orm(unique)]
    pub identifier: String,
    /// What the proof grants.
    pub value: String,
    /// Expiry.
    pub expires_at: DateTimeUtc,
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

/// Verification rows stand alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
