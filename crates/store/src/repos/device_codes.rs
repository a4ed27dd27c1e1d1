//! Device authorizations. Every change of one is a conditional update, so a poll racing
//! another, or an approval racing a denial, changes the row once.

use crate::convert::audit_of;
use crate::entities::device_code;
use crate::error::StoreError;
use beep_domain::{Audit, DeviceCode, DeviceCodeId, DeviceCodeStatus, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

/// Stores a new device authorization.
pub async fn insert(conn: &impl ConnectionTrait, code: &DeviceCode) -> Result<(), StoreError> {
    let row = device_code::ActiveModel {
        id: Set(code.id.to_string()),
        device_code_digest: Set(code.device_code_digest.clone()),
        user_code_digest: Set(code.user_code_digest.clone()),
        client_id: Set(code.client_id.clone()),
        user_id: Set(code.user_id.as_ref().map(|u| u.to_string())),
        status: Set(code.status.as_str().to_owned()),
        scopes: Set(serde_json::Value::from(code.scopes.clone()).to_string()),
        expires_at: Set(code.expires_at),
        last_polled_at: Set(code.last_polled_at),
        interval_secs: Set(code.interval_secs),
        created_at: Set(code.audit.created_at),
        updated_at: Set(code.audit.updated_at),
        created_by: Set(code.audit.created_by.clone()),
        updated_by: Set(code.audit.updated_by.clone()),
        version: Set(code.audit.version),
    };
    device_code::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The authorization whose device code has this digest.
pub async fn find_by_device_code(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<DeviceCode>, StoreError> {
    find_where(conn, device_code::Column::DeviceCodeDigest.eq(digest)).await
}

/// The authorization whose user code has this digest.
pub async fn find_by_user_code(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<DeviceCode>, StoreError> {
    find_where(conn, device_code::Column::UserCodeDigest.eq(digest)).await
}

async fn find_where(
    conn: &impl ConnectionTrait,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Option<DeviceCode>, StoreError> {
    device_code::Entity::find()
        .filter(condition)
        .one(conn)
        .await?
        .map(DeviceCode::try_from)
        .transpose()
}

/// Records a poll at `now` if the last one was at or before `earliest` (or there was
/// none): whether the device waited long enough.
pub async fn record_poll(
    conn: &impl ConnectionTrait,
    id: &DeviceCodeId,
    now: DateTime<Utc>,
    earliest: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = device_code::Entity::update_many()
        .col_expr(device_code::Column::LastPolledAt, Expr::value(now))
        .filter(device_code::Column::Id.eq(id.as_str()))
        .filter(
            Condition::any()
                .add(device_code::Column::LastPolledAt.is_null())
                .add(device_code::Column::LastPolledAt.lte(earliest)),
        )
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A poll that came too soon: the interval grows by five seconds (RFC 8628 §3.5) and the
/// poll counts as the last one.
pub async fn slow_down(
    conn: &impl ConnectionTrait,
    id: &DeviceCodeId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    device_code::Entity::update_many()
        .col_expr(device_code::Column::LastPolledAt, Expr::value(now))
        .col_expr(
            device_code::Column::IntervalSecs,
            Expr::col(device_code::Column::IntervalSecs).add(5),
        )
        .filter(device_code::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Claims a pending authorization for `user_id` if nobody else has: whether it is theirs.
pub async fn claim(
    conn: &impl ConnectionTrait,
    id: &DeviceCodeId,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = device_code::Entity::update_many()
        .col_expr(device_code::Column::UserId, Expr::value(user_id.as_str()))
        .col_expr(device_code::Column::UpdatedAt, Expr::value(now))
        .filter(device_code::Column::Id.eq(id.as_str()))
        .filter(device_code::Column::Status.eq(DeviceCodeStatus::Pending.as_str()))
        .filter(
            Condition::any()
                .add(device_code::Column::UserId.is_null())
                .add(device_code::Column::UserId.eq(user_id.as_str())),
        )
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Moves a pending authorization claimed by `user_id` to `status`: whether it moved.
pub async fn decide(
    conn: &impl ConnectionTrait,
    id: &DeviceCodeId,
    user_id: &UserId,
    status: DeviceCodeStatus,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = device_code::Entity::update_many()
        .col_expr(device_code::Column::Status, Expr::value(status.as_str()))
        .col_expr(device_code::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            device_code::Column::UpdatedBy,
            Expr::value(user_id.as_str()),
        )
        .col_expr(
            device_code::Column::Version,
            Expr::col(device_code::Column::Version).add(1),
        )
        .filter(device_code::Column::Id.eq(id.as_str()))
        .filter(device_code::Column::UserId.eq(user_id.as_str()))
        .filter(device_code::Column::Status.eq(DeviceCodeStatus::Pending.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes the authorization `id` (used, denied or expired): whether this call did, so a
/// token is handed out once.
pub async fn delete(conn: &impl ConnectionTrait, id: &DeviceCodeId) -> Result<bool, StoreError> {
    let result = device_code::Entity::delete_many()
        .filter(device_code::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes every device authorization that expired by `now`: how many went.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(device_code::Entity::delete_many()
        .filter(device_code::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected)
}

impl TryFrom<device_code::Model> for DeviceCode {
    type Error = StoreError;

    fn try_from(row: device_code::Model) -> Result<Self, StoreError> {
        let status = DeviceCodeStatus::parse(&row.status)
            .ok_or_else(|| StoreError::Schema(format!("device code status {:?}", row.status)))?;
        Ok(DeviceCode {
            id: DeviceCodeId::from_trusted(row.id),
            device_code_digest: row.device_code_digest,
            user_code_digest: row.user_code_digest,
            client_id: row.client_id,
            user_id: row.user_id.map(UserId::from_trusted),
            status,
            scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
            expires_at: row.expires_at,
            last_polled_at: row.last_polled_at,
            interval_secs: row.interval_secs,
            audit: audit_of!(row),
        })
    }
}
