//! Sessions, looked up by the SHA-256 digest of their secret token.

use crate::entities::{session, user};
use crate::error::StoreError;
use beep_domain::{OrganizationId, Session, SessionId, TeamId, User, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Inserts a new session.
pub async fn insert(conn: &impl ConnectionTrait, session: &Session) -> Result<(), StoreError> {
    let row = session::ActiveModel {
        id: Set(session.id.to_string()),
        token_digest: Set(session.token_digest.clone()),
        user_id: Set(session.user_id.to_string()),
        expires_at: Set(session.expires_at),
        ip_address: Set(session.ip_address.clone()),
        user_agent: Set(session.user_agent.clone()),
        remember_me: Set(session.remember_me),
        active_organization_id: Set(session
            .active_organization_id
            .as_ref()
            .map(ToString::to_string)),
        active_team_id: Set(session.active_team_id.as_ref().map(ToString::to_string)),
        organization_context: Set(session.organization_context.clone()),
        impersonated_by: Set(session.impersonated_by.as_ref().map(ToString::to_string)),
        created_at: Set(session.audit.created_at),
        updated_at: Set(session.audit.updated_at),
        created_by: Set(session.audit.created_by.clone()),
        updated_by: Set(session.audit.updated_by.clone()),
        version: Set(session.audit.version),
    };
    session::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The session whose token has this digest, with its user, in one query.
pub async fn find_with_user(
    conn: &impl ConnectionTrait,
    token_digest: &str,
) -> Result<Option<(Session, User)>, StoreError> {
    let found = session::Entity::find()
        .filter(session::Column::TokenDigest.eq(token_digest))
        .find_also_related(user::Entity)
        .one(conn)
        .await?;
    Ok(found.and_then(|(session, user)| Some((session.into(), user?.into()))))
}

/// Moves a session's expiry forward (sliding refresh).
pub async fn extend(
    conn: &impl ConnectionTrait,
    id: &SessionId,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            session::Column::Version,
            Expr::col(session::Column::Version).add(1),
        )
        .filter(session::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The user's sessions that have not expired, oldest first.
pub async fn list_active(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Session>, StoreError> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id.as_str()))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_asc(session::Column::CreatedAt)
        .order_by_asc(session::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Session::from)
        .collect())
}

/// Deletes one session.
pub async fn delete(conn: &impl ConnectionTrait, id: &SessionId) -> Result<bool, StoreError> {
    let result = session::Entity::delete_by_id(id.as_str())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes one of the user's sessions by id; another user's session is left alone.
pub async fn delete_owned(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    id: &str,
) -> Result<bool, StoreError> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes every session of the user, except `keep` when given. Returns how many went.
pub async fn delete_all_for_user(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    keep: Option<&SessionId>,
) -> Result<u64, StoreError> {
    let mut delete =
        session::Entity::delete_many().filter(session::Column::UserId.eq(user_id.as_str()));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::Id.ne(keep.as_str()));
    }
    Ok(delete.exec(conn).await?.rows_affected)
}

/// Deletes sessions that expired before `now`.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Deletes the session whose token has this digest (sign-out).
pub async fn delete_by_digest(
    conn: &impl ConnectionTrait,
    token_digest: &str,
) -> Result<bool, StoreError> {
    let result = session::Entity::delete_many()
        .filter(session::Column::TokenDigest.eq(token_digest))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Sets the organization and team a session acts in.
pub async fn set_active(
    conn: &impl ConnectionTrait,
    id: &SessionId,
    organization: Option<&OrganizationId>,
    team: Option<&TeamId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = session::Entity::update_many()
        .col_expr(
            session::Column::ActiveOrganizationId,
            Expr::value(organization.map(OrganizationId::as_str)),
        )
        .col_expr(
            session::Column::ActiveTeamId,
            Expr::value(team.map(TeamId::as_str)),
        )
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            session::Column::Version,
            Expr::col(session::Column::Version).add(1),
        )
        .filter(session::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// What a user's sessions must say about their organizations after a membership changed.
#[derive(Debug, Clone)]
pub struct OrganizationsOfUser<'a> {
    /// The new `organization_context`.
    pub context: &'a serde_json::Value,
    /// The organizations the user is still a member of.
    pub organizations: &'a [OrganizationId],
    /// Where a session whose active organization is gone acts now (the personal one).
    pub fallback: Option<&'a OrganizationId>,
    /// The teams the user is still in.
    pub teams: &'a [TeamId],
}

/// Rewrites every session of the user: the organization context, and the active
/// organization and team where the user no longer belongs to them.
pub async fn set_organizations(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    now: DateTime<Utc>,
    orgs: &OrganizationsOfUser<'_>,
) -> Result<(), StoreError> {
    let bump = |update: sea_orm::UpdateMany<session::Entity>| {
        update
            .col_expr(session::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                session::Column::Version,
                Expr::col(session::Column::Version).add(1),
            )
            .filter(session::Column::UserId.eq(user_id.as_str()))
    };
    bump(session::Entity::update_many())
        .col_expr(
            session::Column::OrganizationContext,
            Expr::value(orgs.context.clone()),
        )
        .exec(conn)
        .await?;
    let kept: Vec<&str> = orgs
        .organizations
        .iter()
        .map(OrganizationId::as_str)
        .collect();
    bump(session::Entity::update_many())
        .col_expr(
            session::Column::ActiveOrganizationId,
            Expr::value(orgs.fallback.map(OrganizationId::as_str)),
        )
        .col_expr(session::Column::ActiveTeamId, Expr::value(None::<String>))
        .filter(session::Column::ActiveOrganizationId.is_not_null())
        .filter(session::Column::ActiveOrganizationId.is_not_in(kept))
        .exec(conn)
        .await?;
    let teams: Vec<&str> = orgs.teams.iter().map(TeamId::as_str).collect();
    bump(session::Entity::update_many())
        .col_expr(session::Column::ActiveTeamId, Expr::value(None::<String>))
        .filter(session::Column::ActiveTeamId.is_not_null())
        .filter(session::Column::ActiveTeamId.is_not_in(teams))
        .exec(conn)
        .await?;
    Ok(())
}

/// The ids of the users whose sessions act in this team.
pub async fn users_in_team(
    conn: &impl ConnectionTrait,
    team: &TeamId,
) -> Result<Vec<UserId>, StoreError> {
    use sea_orm::QuerySelect;
    Ok(session::Entity::find()
        .select_only()
        .column(session::Column::UserId)
        .distinct()
        .filter(session::Column::ActiveTeamId.eq(team.as_str()))
        .into_tuple::<String>()
        .all(conn)
        .await?
        .into_iter()
        .map(UserId::from_trusted)
        .collect())
}

/// The session with this id (its public handle).
pub async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: &SessionId,
) -> Result<Option<Session>, StoreError> {
    Ok(session::Entity::find_by_id(id.as_str())
        .one(conn)
        .await?
        .map(Session::from))
}
