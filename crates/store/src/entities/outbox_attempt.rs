//! The `outbox_attempt` table: one row per delivery attempt of an outbox mail.

use sea_orm::entity::prelude::*;

/// A row of `outbox_attempt`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_attempt")]
pub struct Model {
    /// Row id (time-ordered).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The mail.
    #[sea_orm(indexed)]
    pub mail_id: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// The node that made it.
    pub node: String,
    /// `sent`, `transient` or `permanent`.
    pub outcome: String,
    /// Why it failed, if it did (never the mail's body).
    pub error: Option<String>,
    /// When it started.
    pub started_at: DateTimeUtc,
    /// When the transport answered.
    pub finished_at: DateTimeUtc,
}

/// Each attempt belongs to one mail; attempts go with it.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The mail this attempt delivered.
    #[sea_orm(
        belongs_to = "super::outbox_mail::Entity",
        from = "Column::MailId",
        to = "super::outbox_mail::Column::Id",
        on_delete = "Cascade"
    )]
    Mail,
}

impl Related<super::outbox_mail::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mail.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
