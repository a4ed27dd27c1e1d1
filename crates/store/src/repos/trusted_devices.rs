//! Devices trusted to skip the second factor, by the digest of their cookie's token.

use crate::entities::trusted_device;
use crate::error::StoreError;
use beep_domain::{TrustedDevice, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Records a trusted device.
pub async fn insert(conn: &impl ConnectionTrait, device: &TrustedDevice) -> Result<(), StoreError> {
    let row = trusted_device::ActiveModel {
        id: Set(device.id.to_string()),
        user_id: Set(device.user_id.to_string()),
        token_digest: Set(device.token_digest.clone()),
        expires_at: Set(device.expires_at),
        user_agent: Set(device.user_agent.clone()),
        created_at: Set(device.audit.created_at),
        updated_at: Set(device.audit.updated_at),
        created_by: Set(device.audit.created_by.clone()),
        updated_by: Set(device.audit.updated_by.clone()),
        version: Set(device.audit.version),
    };
    trusted_device::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user's device with this token digest, if it is still trusted at `now`.
pub async fn find_trusted(
    conn: &impl ConnectionTrait,
    user: &UserId,
    token_digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<TrustedDevice>, StoreError> {
    Ok(trusted_device::Entity::find()
        .filter(trusted_device::Column::TokenDigest.eq(token_digest))
        .filter(trusted_device::Column::UserId.eq(user.as_str()))
        .filter(trusted_device::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?
        .map(TrustedDevice::from))
}

/// Ends the trust of every device of the user; how many there were.
pub async fn delete_for_user(
    conn: &impl ConnectionTrait,
    user: &UserId,
) -> Result<u64, StoreError> {
    Ok(trusted_device::Entity::delete_many()
        .filter(trusted_device::Column::UserId.eq(user.as_str()))
        .exec(conn)
        .await?
        .rows_affected)
}
