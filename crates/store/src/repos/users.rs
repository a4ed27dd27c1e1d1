//! Users.

use crate::entities::user;
use crate::error::StoreError;
use beep_domain::{Email, User, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, UpdateMany,
};

/// Inserts a new user. A taken email gives [`StoreError::Conflict`].
pub async fn insert(conn: &impl ConnectionTrait, user: &User) -> Result<(), StoreError> {
    let row = user::ActiveModel {
        id: Set(user.id.to_string()),
        name: Set(user.name.clone()),
        email: Set(user.email.to_string()),
        email_verified: Set(user.email_verified),
        image: Set(user.image.clone()),
        two_factor_enabled: Set(user.two_factor_enabled),
        role: Set(user.role.clone()),
        banned: Set(user.banned),
        ban_reason: Set(user.ban_reason.clone()),
        ban_expires: Set(user.ban_expires),
        created_at: Set(user.audit.created_at),
        updated_at: Set(user.audit.updated_at),
        created_by: Set(user.audit.created_by.clone()),
        updated_by: Set(user.audit.updated_by.clone()),
        version: Set(user.audit.version),
    };
    user::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user with this id.
pub async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: &UserId,
) -> Result<Option<User>, StoreError> {
    Ok(user::Entity::find_by_id(id.as_str())
        .one(conn)
        .await?
        .map(User::from))
}

/// The user with this (lower-cased) email.
pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<User>, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?
        .map(User::from))
}

/// The profile fields update-user may change; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct ProfileChange {
    /// New display name.
    pub name: Option<String>,
    /// New avatar (`Some(None)` clears it).
    pub image: Option<Option<String>>,
}

/// Applies a profile change if the row is still at `expected_version`; otherwise
/// [`StoreError::Stale`].
pub async fn update_profile(
    conn: &impl ConnectionTrait,
    id: &UserId,
    expected_version: i32,
    change: &ProfileChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = changed_by_self(id, now);
    if let Some(name) = &change.name {
        update = update.col_expr(user::Column::Name, Expr::value(name.clone()));
    }
    if let Some(image) = &change.image {
        update = update.col_expr(user::Column::Image, Expr::value(image.clone()));
    }
    let result = update
        .filter(user::Column::Id.eq(id.as_str()))
        .filter(user::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Deletes a user; sessions, accounts and memberships go with it (foreign keys cascade).
pub async fn delete(conn: &impl ConnectionTrait, id: &UserId) -> Result<bool, StoreError> {
    let result = user::Entity::delete_by_id(id.as_str()).exec(conn).await?;
    Ok(result.rows_affected == 1)
}

/// Holds the user's row until the transaction ends (PostgreSQL: `SELECT … FOR UPDATE`;
/// SQLite's write transactions are serial anyway). Every transaction that writes a user's
/// sessions' organization context takes it first, so two of them cannot interleave their
/// reads of the user's memberships with their writes.
pub async fn lock(conn: &impl ConnectionTrait, id: &UserId) -> Result<(), StoreError> {
    use sea_orm::{DbBackend, Statement};
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            r#"SELECT id FROM "user" WHERE id = $1 FOR UPDATE"#,
            [id.as_str().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Number of users (for tests and the CLI).
pub async fn count(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(user::Entity::find().count(conn).await?)
}

/// Marks the user's address as verified if it is still `email` (a link sent to an older
/// address must not verify a newer one). `false` when the address changed or the user is gone.
pub async fn mark_email_verified(
    conn: &impl ConnectionTrait,
    id: &UserId,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = changed_by_self(id, now)
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .filter(user::Column::Id.eq(id.as_str()))
        .filter(user::Column::Email.eq(email.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Moves the user from address `from` to the verified address `to`. `false` when the address
/// is no longer `from`; [`StoreError::Conflict`] when `to` belongs to someone else by now.
pub async fn change_email(
    conn: &impl ConnectionTrait,
    id: &UserId,
    from: &Email,
    to: &Email,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = changed_by_self(id, now)
        .col_expr(user::Column::Email, Expr::value(to.as_str()))
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .filter(user::Column::Id.eq(id.as_str()))
        .filter(user::Column::Email.eq(from.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// An update of user `id` by that user, with the audit fields moved on.
fn changed_by_self(id: &UserId, now: DateTime<Utc>) -> UpdateMany<user::Entity> {
    user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedBy, Expr::value(id.as_str()))
        .col_expr(
            user::Column::Version,
            Expr::col(user::Column::Version).add(1),
        )
}

/// Sets whether the user must present a second factor. The version moves on, so a session
/// cache that keyed on it sees the change.
pub async fn set_two_factor_enabled(
    conn: &impl ConnectionTrait,
    id: &UserId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::TwoFactorEnabled, Expr::value(enabled))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedBy, Expr::value(id.as_str()))
        .col_expr(
            user::Column::Version,
            Expr::col(user::Column::Version).add(1),
        )
        .filter(user::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}
