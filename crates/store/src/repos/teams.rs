//! Teams inside organizations, and who is in them with which team roles.

use crate::entities::{team, team_member};
use crate::error::StoreError;
use beep_domain::{OrganizationId, Roles, Team, TeamId, TeamMember, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// Inserts a team.
pub async fn insert(conn: &impl ConnectionTrait, t: &Team) -> Result<(), StoreError> {
    let row = team::ActiveModel {
        id: Set(t.id.to_string()),
        name: Set(t.name.clone()),
        organization_id: Set(t.organization_id.to_string()),
        created_at: Set(t.audit.created_at),
        updated_at: Set(t.audit.updated_at),
        created_by: Set(t.audit.created_by.clone()),
        updated_by: Set(t.audit.updated_by.clone()),
        version: Set(t.audit.version),
    };
    team::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The team with this id, in any organization.
pub async fn find(conn: &impl ConnectionTrait, id: &str) -> Result<Option<Team>, StoreError> {
    Ok(team::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(Team::from))
}

/// The team with this id if it belongs to the organization.
pub async fn find_in(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    id: &str,
) -> Result<Option<Team>, StoreError> {
    Ok(find(conn, id).await?.filter(|t| t.organization_id == *org))
}

/// The organization's teams, oldest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
) -> Result<Vec<Team>, StoreError> {
    Ok(team::Entity::find()
        .filter(team::Column::OrganizationId.eq(org.as_str()))
        .order_by_asc(team::Column::CreatedAt)
        .order_by_asc(team::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Team::from)
        .collect())
}

/// How many teams the organization has.
pub async fn count(conn: &impl ConnectionTrait, org: &OrganizationId) -> Result<u64, StoreError> {
    Ok(team::Entity::find()
        .filter(team::Column::OrganizationId.eq(org.as_str()))
        .count(conn)
        .await?)
}

/// Renames a team.
pub async fn rename(
    conn: &impl ConnectionTrait,
    id: &TeamId,
    name: Option<&str>,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = super::audited_update::<team::Entity>(actor, now);
    if let Some(name) = name {
        update = update.col_expr(team::Column::Name, Expr::value(name));
    }
    let result = update
        .filter(team::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Deletes a team; its members go with it (foreign keys cascade).
pub async fn delete(conn: &impl ConnectionTrait, id: &TeamId) -> Result<bool, StoreError> {
    let result = team::Entity::delete_by_id(id.as_str()).exec(conn).await?;
    Ok(result.rows_affected == 1)
}

/// The user's teams: in one organization, or in every organization.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    org: Option<&OrganizationId>,
) -> Result<Vec<Team>, StoreError> {
    let mut query = team::Entity::find()
        .inner_join(team_member::Entity)
        .filter(team_member::Column::UserId.eq(user_id.as_str()));
    if let Some(org) = org {
        query = query.filter(team::Column::OrganizationId.eq(org.as_str()));
    }
    Ok(query
        .order_by_asc(team::Column::CreatedAt)
        .order_by_asc(team::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Team::from)
        .collect())
}

/// The ids of the user's teams, in every organization.
pub async fn ids_of_user(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<TeamId>, StoreError> {
    Ok(team_member::Entity::find()
        .select_only()
        .column(team_member::Column::TeamId)
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .into_tuple::<String>()
        .all(conn)
        .await?
        .into_iter()
        .map(TeamId::from_trusted)
        .collect())
}

/// Inserts a team membership.  A duplicate gives [`StoreError::Conflict`].
pub async fn insert_member(conn: &impl ConnectionTrait, m: &TeamMember) -> Result<(), StoreError> {
    let row = team_member::ActiveModel {
        id: Set(m.id.to_string()),
        team_id: Set(m.team_id.to_string()),
        user_id: Set(m.user_id.to_string()),
        role: Set(m.role.stored()),
        created_at: Set(m.audit.created_at),
        updated_at: Set(m.audit.updated_at),
        created_by: Set(m.audit.created_by.clone()),
        updated_by: Set(m.audit.updated_by.clone()),
        version: Set(m.audit.version),
    };
    team_member::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user's membership of the team.
pub async fn member(
    conn: &impl ConnectionTrait,
    team: &TeamId,
    user_id: &UserId,
) -> Result<Option<TeamMember>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team.as_str()))
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .one(conn)
        .await?
        .map(TeamMember::from))
}

/// Everyone in the team, oldest first.
pub async fn members(
    conn: &impl ConnectionTrait,
    team: &TeamId,
) -> Result<Vec<TeamMember>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team.as_str()))
        .order_by_asc(team_member::Column::CreatedAt)
        .order_by_asc(team_member::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(TeamMember::from)
        .collect())
}

/// Sets a team member's roles.
pub async fn set_member_roles(
    conn: &impl ConnectionTrait,
    team: &TeamId,
    user_id: &UserId,
    roles: &Roles,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = super::audited_update::<team_member::Entity>(actor, now)
        .col_expr(team_member::Column::Role, Expr::value(roles.stored()))
        .filter(team_member::Column::TeamId.eq(team.as_str()))
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes the user out of the team.
pub async fn remove_member(
    conn: &impl ConnectionTrait,
    team: &TeamId,
    user_id: &UserId,
) -> Result<bool, StoreError> {
    let result = team_member::Entity::delete_many()
        .filter(team_member::Column::TeamId.eq(team.as_str()))
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Takes the user out of every team of the organization (they left it, or were removed).
pub async fn remove_from_organization(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    user_id: &UserId,
) -> Result<u64, StoreError> {
    let team_ids: Vec<String> = list(conn, org)
        .await?
        .into_iter()
        .map(|t| t.id.into())
        .collect();
    if team_ids.is_empty() {
        return Ok(0);
    }
    Ok(team_member::Entity::delete_many()
        .filter(team_member::Column::TeamId.is_in(team_ids))
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?
        .rows_affected)
}
