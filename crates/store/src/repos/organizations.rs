//! Organizations and memberships.

use crate::entities::{member, organization};
use crate::error::StoreError;
use beep_domain::{Member, Organization, UserId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Inserts an organization. A taken slug gives [`StoreError::Conflict`].
pub async fn insert(conn: &impl ConnectionTrait, org: &Organization) -> Result<(), StoreError> {
    let row = organization::ActiveModel {
        id: Set(org.id.to_string()),
        name: Set(org.name.clone()),
        slug: Set(org.slug.clone()),
        logo: Set(org.logo.clone()),
        metadata: Set(org.metadata.clone()),
        kind: Set(org.kind.into()),
        is_personal: Set(org.is_personal),
        owner_user_id: Set(org.owner_user_id.as_ref().map(ToString::to_string)),
        subscription_tier: Set(org.subscription_tier.into()),
        subscription_status: Set(org.subscription_status.into()),
        created_at: Set(org.audit.created_at),
        updated_at: Set(org.audit.updated_at),
        created_by: Set(org.audit.created_by.clone()),
        updated_by: Set(org.audit.updated_by.clone()),
        version: Set(org.audit.version),
    };
    organization::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Inserts a membership. A duplicate (same organization and user) gives
/// [`StoreError::Conflict`].
pub async fn insert_member(conn: &impl ConnectionTrait, member: &Member) -> Result<(), StoreError> {
    let row = member::ActiveModel {
        id: Set(member.id.to_string()),
        organization_id: Set(member.organization_id.to_string()),
        user_id: Set(member.user_id.to_string()),
        role: Set(member.role.into()),
        status: Set(member.status.into()),
        created_at: Set(member.audit.created_at),
        updated_at: Set(member.audit.updated_at),
        created_by: Set(member.audit.created_by.clone()),
        updated_by: Set(member.audit.updated_by.clone()),
        version: Set(member.audit.version),
    };
    member::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Every active membership of the user with its organization: personal organization
/// first, then by age.
pub async fn active_memberships(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<(Member, Organization)>, StoreError> {
    let rows = member::Entity::find()
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .filter(member::Column::Status.eq(crate::entities::enums::DbMemberStatus::Active))
        .find_also_related(organization::Entity)
        .order_by_desc(organization::Column::IsPersonal)
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(member, org)| Some((member.into(), org?.into())))
        .collect())
}

/// The user's personal organizations (normally one).
pub async fn personal_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Organization>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::OwnerUserId.eq(user_id.as_str()))
        .filter(organization::Column::IsPersonal.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(Organization::from)
        .collect())
}

/// Deletes the user's personal organizations (members, teams and invitations cascade).
pub async fn delete_personal_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<u64, StoreError> {
    Ok(organization::Entity::delete_many()
        .filter(organization::Column::OwnerUserId.eq(user_id.as_str()))
        .filter(organization::Column::IsPersonal.eq(true))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Memberships of a user, in any status.
pub async fn memberships_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Member>, StoreError> {
    Ok(member::Entity::find()
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(Member::from)
        .collect())
}
