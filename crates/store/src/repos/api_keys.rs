//! API keys: found by the digest of their secret when used, by id and owner when managed.
//! Every change is conditional on the row's version, so a use or an update that raced
//! another one reports it instead of overwriting it.

use crate::entities::api_key;
use crate::error::StoreError;
use beep_domain::{ApiKey, ApiKeyId, ApiKeyOwner, ApiKeyUse};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// Stores a new key.
pub async fn insert(conn: &impl ConnectionTrait, key: &ApiKey) -> Result<(), StoreError> {
    let (user_id, organization_id) = owner_columns(&key.owner);
    let row = api_key::ActiveModel {
        id: Set(key.id.to_string()),
        config_id: Set(key.config_id.clone()),
        name: Set(key.name.clone()),
        start: Set(key.start.clone()),
        prefix: Set(key.prefix.clone()),
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        key_digest: Set(key.key_digest.clone()),
        enabled: Set(key.enabled),
        expires_at: Set(key.expires_at),
        remaining: Set(key.remaining),
        refill_interval: Set(key.refill_interval_ms),
        refill_amount: Set(key.refill_amount),
        last_refill_at: Set(key.last_refill_at),
        rate_limit_enabled: Set(key.rate_limit_enabled),
        rate_limit_time_window: Set(key.rate_limit_time_window_ms),
        rate_limit_max: Set(key.rate_limit_max),
        request_count: Set(key.request_count),
        last_request: Set(key.last_request),
        permissions: Set(key.permissions.clone()),
        metadata: Set(key.metadata.clone()),
        created_at: Set(key.audit.created_at),
        updated_at: Set(key.audit.updated_at),
        created_by: Set(key.audit.created_by.clone()),
        updated_by: Set(key.audit.updated_by.clone()),
        version: Set(key.audit.version),
    };
    api_key::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The key whose secret has this digest.
pub async fn find_by_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<ApiKey>, StoreError> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::KeyDigest.eq(digest))
        .one(conn)
        .await?
        .map(ApiKey::from))
}

/// The key with this id, whoever owns it.
pub async fn find(conn: &impl ConnectionTrait, id: &str) -> Result<Option<ApiKey>, StoreError> {
    Ok(api_key::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .map(ApiKey::from))
}

/// The key with `id`, its row held until the transaction ends (PostgreSQL: `SELECT … FOR
/// UPDATE`; SQLite's write transactions are serial anyway), so racing uses of one key queue
/// instead of failing over each other's changes.
pub async fn find_locked(
    conn: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<ApiKey>, StoreError> {
    use sea_orm::{DbBackend, Statement};
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            r#"SELECT id FROM "apikey" WHERE id = $1 FOR UPDATE"#,
            [id.into()],
        ))
        .await?;
    }
    find(conn, id).await
}

/// The order a list is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiKeyOrder {
    /// Oldest first (the default).
    #[default]
    CreatedAt,
    /// By last change.
    UpdatedAt,
    /// By name.
    Name,
    /// By expiry.
    ExpiresAt,
    /// By last use.
    LastRequest,
}

/// Which page of an owner's keys to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiKeyPage {
    /// Most keys to return (`None`: all).
    pub limit: Option<u64>,
    /// Keys to skip.
    pub offset: u64,
    /// The sort column.
    pub order: ApiKeyOrder,
    /// Newest (largest) first.
    pub descending: bool,
}

/// A page of the owner's keys with the owner's total count of keys in `config_id`.
pub async fn list_for_owner(
    conn: &impl ConnectionTrait,
    owner: &ApiKeyOwner,
    config_id: Option<&str>,
    page: ApiKeyPage,
) -> Result<(Vec<ApiKey>, u64), StoreError> {
    let owned = || {
        let query = owned_by(owner);
        match config_id {
            Some(config) => query.filter(api_key::Column::ConfigId.eq(config)),
            None => query,
        }
    };
    let total = owned().count(conn).await?;
    let column = match page.order {
        ApiKeyOrder::CreatedAt => api_key::Column::CreatedAt,
        ApiKeyOrder::UpdatedAt => api_key::Column::UpdatedAt,
        ApiKeyOrder::Name => api_key::Column::Name,
        ApiKeyOrder::ExpiresAt => api_key::Column::ExpiresAt,
        ApiKeyOrder::LastRequest => api_key::Column::LastRequest,
    };
    let direction = if page.descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    // SQLite takes no OFFSET without a LIMIT: an absent limit is the largest one.
    let limit = page.limit.unwrap_or(i64::MAX as u64);
    let rows = owned()
        .order_by(column, direction.clone())
        .order_by(api_key::Column::Id, direction)
        .limit(limit)
        .offset(page.offset)
        .all(conn)
        .await?;
    Ok((rows.into_iter().map(ApiKey::from).collect(), total))
}

fn owned_by(owner: &ApiKeyOwner) -> Select<api_key::Entity> {
    let query = api_key::Entity::find();
    match owner {
        ApiKeyOwner::User(id) => query.filter(api_key::Column::UserId.eq(id.as_str())),
        ApiKeyOwner::Organization(id) => {
            query.filter(api_key::Column::OrganizationId.eq(id.as_str()))
        }
    }
}

/// Records one use (its counters); `false` when the row changed since `key` was read.
pub async fn record_use(
    conn: &impl ConnectionTrait,
    key: &ApiKey,
    claimed: &ApiKeyUse,
) -> Result<bool, StoreError> {
    use api_key::Column as C;
    let updated = api_key::Entity::update_many()
        .col_expr(C::Remaining, Expr::value(claimed.remaining))
        .col_expr(C::LastRefillAt, Expr::value(claimed.last_refill_at))
        .col_expr(C::RequestCount, Expr::value(claimed.request_count))
        .col_expr(C::LastRequest, Expr::value(claimed.last_request))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(key.id.as_str()))
        .filter(C::Version.eq(key.audit.version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Writes the key's settings as `key` holds them (name, enabled, expiry, quota, refill, rate
/// limit, permissions, metadata); `false` when the row changed since it was read.
pub async fn save_settings(
    conn: &impl ConnectionTrait,
    key: &ApiKey,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use api_key::Column as C;
    let updated = api_key::Entity::update_many()
        .col_expr(C::Name, Expr::value(key.name.clone()))
        .col_expr(C::Enabled, Expr::value(key.enabled))
        .col_expr(C::ExpiresAt, Expr::value(key.expires_at))
        .col_expr(C::Remaining, Expr::value(key.remaining))
        .col_expr(C::RefillInterval, Expr::value(key.refill_interval_ms))
        .col_expr(C::RefillAmount, Expr::value(key.refill_amount))
        .col_expr(C::RateLimitEnabled, Expr::value(key.rate_limit_enabled))
        .col_expr(
            C::RateLimitTimeWindow,
            Expr::value(key.rate_limit_time_window_ms),
        )
        .col_expr(C::RateLimitMax, Expr::value(key.rate_limit_max))
        .col_expr(C::Permissions, Expr::value(key.permissions.clone()))
        .col_expr(C::Metadata, Expr::value(key.metadata.clone()))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(actor))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(key.id.as_str()))
        .filter(C::Version.eq(key.audit.version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Deletes the key; whether it was there.
pub async fn delete(conn: &impl ConnectionTrait, id: &ApiKeyId) -> Result<bool, StoreError> {
    Ok(api_key::Entity::delete_by_id(id.to_string())
        .exec(conn)
        .await?
        .rows_affected
        == 1)
}

fn owner_columns(owner: &ApiKeyOwner) -> (Option<String>, Option<String>) {
    match owner {
        ApiKeyOwner::User(id) => (Some(id.to_string()), None),
        ApiKeyOwner::Organization(id) => (None, Some(id.to_string())),
    }
}
