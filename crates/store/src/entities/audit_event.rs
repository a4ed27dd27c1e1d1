//! The `audit_event` table: the append-only audit log.

use sea_orm::entity::prelude::*;

/// A row of `audit_event`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    /// `evt_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The action's published name (`user.signed_in`).
    pub action: String,
    /// Who did it.
    pub actor_id: Option<String>,
    /// Whom it concerns.
    pub subject_id: Option<String>,
    /// The organization it happened in.
    pub organization_id: Option<String>,
    /// The caller's IP address.
    pub ip_address: Option<String>,
    /// The caller's user agent.
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent: Option<String>,
    /// Further facts, a JSON object.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations: the log outlives what it names.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
