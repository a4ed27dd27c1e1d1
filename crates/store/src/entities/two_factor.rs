//! The `two_factor` table: one TOTP enrolment per user, its secrets sealed.

use sea_orm::entity::prelude::*;

/// A row of `two_factor`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "two_factor")]
pub struct Model {
    /// `tfa_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Whose enrolment (unique).
    #[sea_orm(unique)]
    pub user_id: String,
    /// The sealed TOTP secret.
    pub secret: String,
    /// The sealed JSON list of unused backup codes.
    pub backup_codes: String,
    /// Confirmed by a code from the authenticator.
    pub verified: bool,
    /// The last TOTP step accepted.
    pub last_totp_step: Option<i64>,
    /// Wrong codes in a row.
    pub failed_attempts: i32,
    /// Locked until then after too many wrong codes.
    pub locked_until: Option<DateTimeUtc>,
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
