//! Users.

pub use super::filter::{Comparison, FieldValue};
use super::filter::{compare, search};
use crate::entities::user;
use crate::error::StoreError;
use beep_domain::{Email, User, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, UpdateMany,
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
    let mut update = changed_by(id, now);
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
    let result = changed_by(id, now)
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
    let result = changed_by(id, now)
        .col_expr(user::Column::Email, Expr::value(to.as_str()))
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .filter(user::Column::Id.eq(id.as_str()))
        .filter(user::Column::Email.eq(from.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Sets whether the user must present a second factor. The version moves on, so a session
/// cache that keyed on it sees the change.
pub async fn set_two_factor_enabled(
    conn: &impl ConnectionTrait,
    id: &UserId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    changed_by(id, now)
        .col_expr(user::Column::TwoFactorEnabled, Expr::value(enabled))
        .filter(user::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// A user column that the admin's list-users may sort or filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserField {
    /// `id`
    Id,
    /// `name`
    Name,
    /// `email`
    Email,
    /// `emailVerified`
    EmailVerified,
    /// `image`
    Image,
    /// `role` (the stored, comma-joined text)
    Role,
    /// `banned`
    Banned,
    /// `banReason`
    BanReason,
    /// `banExpires`
    BanExpires,
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
}

impl UserField {
    fn column(self) -> user::Column {
        match self {
            Self::Id => user::Column::Id,
            Self::Name => user::Column::Name,
            Self::Email => user::Column::Email,
            Self::EmailVerified => user::Column::EmailVerified,
            Self::Image => user::Column::Image,
            Self::Role => user::Column::Role,
            Self::Banned => user::Column::Banned,
            Self::BanReason => user::Column::BanReason,
            Self::BanExpires => user::Column::BanExpires,
            Self::CreatedAt => user::Column::CreatedAt,
            Self::UpdatedAt => user::Column::UpdatedAt,
        }
    }
}

/// One filter of list-users: a field compared with one value, or several for `In`/`NotIn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// The field compared.
    pub field: UserField,
    /// How.
    pub comparison: Comparison,
    /// With what.
    pub values: Vec<FieldValue>,
}

/// The search box of list-users: `email` or `name` holding some text, whatever its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSearch {
    /// [`UserField::Email`] or [`UserField::Name`].
    pub field: UserField,
    /// `Contains`, `StartsWith` or `EndsWith`.
    pub matching: Comparison,
    /// The text.
    pub text: String,
}

/// A page of list-users.
#[derive(Debug, Clone, Default)]
pub struct UserPage {
    /// At most this many users.
    pub limit: u64,
    /// Skipping this many first.
    pub offset: u64,
    /// Sorted by this field, ascending unless the flag says descending (else by age).
    pub sort: Option<(UserField, bool)>,
    /// Only the users the search finds.
    pub search: Option<UserSearch>,
    /// Only the users this filter keeps.
    pub filter: Option<UserFilter>,
}

/// A page of users and how many the search and filter keep in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    page: &UserPage,
) -> Result<(Vec<User>, u64), StoreError> {
    let mut query = user::Entity::find();
    if let Some(found) = &page.search {
        query = query.filter(search(found.field.column(), found.matching, &found.text));
    }
    if let Some(filter) = &page.filter {
        query = query.filter(compare(
            filter.field.column(),
            filter.comparison,
            &filter.values,
        ));
    }
    let total = query.clone().count(conn).await?;
    query = match page.sort {
        Some((field, descending)) => {
            let order = if descending { Order::Desc } else { Order::Asc };
            query.order_by(field.column(), order)
        }
        None => query.order_by_asc(user::Column::CreatedAt),
    };
    let users = query
        .order_by_asc(user::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(conn)
        .await?
        .into_iter()
        .map(User::from)
        .collect();
    Ok((users, total))
}

/// What an admin may change of a user; `None` leaves a field as it is.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AdminChange {
    /// New display name.
    pub name: Option<String>,
    /// New avatar (`Some(None)` clears it).
    pub image: Option<Option<String>>,
    /// New (lower-cased) address.
    pub email: Option<Email>,
    /// Whether the address counts as proven.
    pub email_verified: Option<bool>,
    /// New roles, comma-joined.
    pub role: Option<String>,
}

impl AdminChange {
    /// Whether the change changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Applies an admin's change to user `id`; `false` when there is no such user. A taken
/// address gives [`StoreError::Conflict`].
pub async fn apply_admin_change(
    conn: &impl ConnectionTrait,
    id: &UserId,
    change: &AdminChange,
    admin: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut update = changed_by(admin, now);
    if let Some(name) = &change.name {
        update = update.col_expr(user::Column::Name, Expr::value(name.clone()));
    }
    if let Some(image) = &change.image {
        update = update.col_expr(user::Column::Image, Expr::value(image.clone()));
    }
    if let Some(email) = &change.email {
        update = update.col_expr(user::Column::Email, Expr::value(email.as_str()));
    }
    if let Some(verified) = change.email_verified {
        update = update.col_expr(user::Column::EmailVerified, Expr::value(verified));
    }
    if let Some(role) = &change.role {
        update = update.col_expr(user::Column::Role, Expr::value(role.clone()));
    }
    let result = update
        .filter(user::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A ban: why, and until when (`None`: for good).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// The admin's reason.
    pub reason: String,
    /// When it ends by itself.
    pub expires: Option<DateTime<Utc>>,
}

/// Bans user `id` (`Some`) or lifts the ban (`None`); `false` when there is no such user.
pub async fn set_ban(
    conn: &impl ConnectionTrait,
    id: &UserId,
    ban: Option<&Ban>,
    by: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = changed_by(by, now)
        .col_expr(user::Column::Banned, Expr::value(ban.is_some()))
        .col_expr(
            user::Column::BanReason,
            Expr::value(ban.map(|b| b.reason.clone())),
        )
        .col_expr(
            user::Column::BanExpires,
            Expr::value(ban.and_then(|b| b.expires)),
        )
        .filter(user::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// An update by `actor` (the user, or an admin), with the audit fields moved on.
fn changed_by(actor: &UserId, now: DateTime<Utc>) -> UpdateMany<user::Entity> {
    user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedBy, Expr::value(actor.as_str()))
        .col_expr(
            user::Column::Version,
            Expr::col(user::Column::Version).add(1),
        )
}
