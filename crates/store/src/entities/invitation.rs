//! The `invitation` table.

use super::enums::DbInvitationStatus;
use sea_orm::entity::prelude::*;

/// A row of `invitation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    /// `inv_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The organization.
    #[sea_orm(indexed)]
    pub organization_id: String,
    /// The invitee's address.
    #[sea_orm(indexed)]
    pub email: String,
    /// Roles on joining, comma-joined.
    pub role: String,
    /// Teams on joining, comma-joined ids (`None` for none).
    pub team_id: Option<String>,
    /// Standing.
    pub status: DbInvitationStatus,
    /// Expiry.
    pub expires_at: DateTimeUtc,
    /// Who invited.
    pub inviter_id: String,
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

/// An invitation dies with its organization or its inviter.
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
    /// The inviter.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::InviterId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    Inviter,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
