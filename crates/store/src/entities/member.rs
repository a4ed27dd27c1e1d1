//! The `member` table: who belongs to which organization, with which role.

use super::enums::DbMemberStatus;
use sea_orm::entity::prelude::*;

/// A row of `member`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member")]
pub struct Model {
    /// `mem_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The organization.
    #[sea_orm(unique_key = "organization_user")]
    pub organization_id: String,
    /// The member.
    #[sea_orm(unique_key = "organization_user", indexed)]
    pub user_id: String,
    /// Roles, comma-joined (`admin,member`).
    pub role: String,
    /// Standing.
    pub status: DbMemberStatus,
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

/// A membership dies with its organization or its user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The organization.
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
    /// The member.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
