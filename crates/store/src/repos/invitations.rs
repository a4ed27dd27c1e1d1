//! Invitations to join an organization.

use crate::convert::{team_ids_from_stored, team_ids_to_stored};
use crate::entities::enums::DbInvitationStatus;
use crate::entities::{invitation, organization};
use crate::error::StoreError;
use beep_domain::{
    Email, Invitation, InvitationId, InvitationStatus, Organization, OrganizationId, TeamId, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

/// Inserts an invitation.
pub async fn insert(conn: &impl ConnectionTrait, inv: &Invitation) -> Result<(), StoreError> {
    let row = invitation::ActiveModel {
        id: Set(inv.id.to_string()),
        organization_id: Set(inv.organization_id.to_string()),
        email: Set(inv.email.to_string()),
        role: Set(inv.role.stored()),
        team_id: Set(team_ids_to_stored(&inv.team_ids)),
        status: Set(inv.status.into()),
        expires_at: Set(inv.expires_at),
        inviter_id: Set(inv.inviter_id.to_string()),
        created_at: Set(inv.audit.created_at),
        updated_at: Set(inv.audit.updated_at),
        created_by: Set(inv.audit.created_by.clone()),
        updated_by: Set(inv.audit.updated_by.clone()),
        version: Set(inv.audit.version),
    };
    invitation::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The invitation with this id.
pub async fn find(
    conn: &impl ConnectionTrait,
    id: &InvitationId,
) -> Result<Option<Invitation>, StoreError> {
    Ok(invitation::Entity::find_by_id(id.as_str())
        .one(conn)
        .await?
        .map(Invitation::from))
}

/// Every invitation of the organization, in any status, oldest first.
pub async fn list_for_organization(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
) -> Result<Vec<Invitation>, StoreError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.as_str()))
        .order_by_asc(invitation::Column::CreatedAt)
        .order_by_asc(invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Invitation::from)
        .collect())
}

/// The pending, unexpired invitations sent to this address, with their organizations.
pub async fn pending_for_email(
    conn: &impl ConnectionTrait,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Vec<(Invitation, Option<Organization>)>, StoreError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .find_also_related(organization::Entity)
        .order_by_asc(invitation::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|(inv, org)| (inv.into(), org.map(Organization::from)))
        .collect())
}

/// The pending, unexpired invitations of the organization for this address.
pub async fn pending_for(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, StoreError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.as_str()))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_asc(invitation::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(Invitation::from)
        .collect())
}

/// How many pending, unexpired invitations the organization has.
pub async fn count_pending(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .count(conn)
        .await?)
}

/// Moves an invitation from `pending` to `to`; `false` when it was not pending any more (a
/// concurrent answer won), so each invitation is answered once.
pub async fn answer(
    conn: &impl ConnectionTrait,
    id: &InvitationId,
    to: InvitationStatus,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let to: DbInvitationStatus = to.into();
    let result = super::audited_update::<invitation::Entity>(actor, now)
        .col_expr(invitation::Column::Status, ActiveEnum::as_enum(&to))
        .filter(invitation::Column::Id.eq(id.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives a pending invitation a new expiry (a resend).
pub async fn extend(
    conn: &impl ConnectionTrait,
    id: &InvitationId,
    expires_at: DateTime<Utc>,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = super::audited_update::<invitation::Entity>(actor, now)
        .col_expr(invitation::Column::ExpiresAt, Expr::value(expires_at))
        .filter(invitation::Column::Id.eq(id.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes a removed team out of the organization's pending invitations.
pub async fn forget_team(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    team: &TeamId,
) -> Result<(), StoreError> {
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.as_str()))
        .filter(invitation::Column::Status.eq(DbInvitationStatus::Pending))
        .filter(invitation::Column::TeamId.is_not_null())
        .all(conn)
        .await?;
    for row in pending {
        let ids = team_ids_from_stored(row.team_id.as_deref());
        if !ids.contains(team) {
            continue;
        }
        let kept: Vec<TeamId> = ids.into_iter().filter(|id| id != team).collect();
        invitation::Entity::update_many()
            .col_expr(
                invitation::Column::TeamId,
                Expr::value(team_ids_to_stored(&kept)),
            )
            .filter(invitation::Column::Id.eq(row.id))
            .exec(conn)
            .await?;
    }
    Ok(())
}
