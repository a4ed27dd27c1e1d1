//! The `team_member` table.

use sea_orm::entity::prelude::*;

/// A row of `team_member`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team_member")]
pub struct Model {
    /// `tmem_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The team.
    #[sea_orm(unique_key = "team_user")]
    pub team_id: String,
    /// The member.
    #[sea_orm(unique_key = "team_user", indexed)]
    pub user_id: String,
    /// Roles within the team, comma-joined.
    pub role: String,
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

/// A team membership dies with its team or its user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The team.
    #[sea_orm(
        belongs_to = "super::team::Entity",
        from = "Column::TeamId",
        to = "super::team::Column::Id",
        on_delete = "Cascade"
    )]
    Team,
    /// The member.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
