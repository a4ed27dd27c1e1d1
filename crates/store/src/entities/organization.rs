//! The `organization` table.

use super::enums::{DbOrganizationType, DbSubscriptionStatus, DbSubscriptionTier};
use sea_orm::entity::prelude::*;

/// A row of `organization`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    /// `org_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Display name.
    pub name: String,
    /// Unique URL name.
    #[sea_orm(unique)]
    pub slug: String,
    /// Logo URL.
    pub logo: Option<String>,
    /// Free-form JSON.
    pub metadata: Option<Json>,
    /// Kind of organization.
    #[sea_orm(column_name = "type")]
    pub kind: DbOrganizationType,
    /// Made for one user at sign-up.
    pub is_personal: bool,
    /// Owning user.
    #[sea_orm(indexed)]
    pub owner_user_id: Option<String>,
    /// Plan.
    pub subscription_tier: DbSubscriptionTier,
    /// Plan standing.
    pub subscription_status: DbSubscriptionStatus,
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

/// The owner link is cleared, not cascaded, when the user goes (the user's personal
/// organization is deleted explicitly by the delete-user flow).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::OwnerUserId",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Owner,
}

impl ActiveModelBehavior for ActiveModel {}
