//! JWT signing keys: the newest one signs, every one still in its grace period is published.

use crate::entities::jwks;
use crate::error::StoreError;
use beep_domain::JsonWebKey;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Stores a new key.
pub async fn insert(conn: &impl ConnectionTrait, key: &JsonWebKey) -> Result<(), StoreError> {
    let row = jwks::ActiveModel {
        id: Set(key.id.to_string()),
        alg: Set(key.algorithm.clone()),
        public_key: Set(key.public_jwk.clone()),
        private_key: Set(key.sealed_private_key.clone()),
        expires_at: Set(key.expires_at),
        created_at: Set(key.audit.created_at),
        updated_at: Set(key.audit.updated_at),
        created_by: Set(key.audit.created_by.clone()),
        updated_by: Set(key.audit.updated_by.clone()),
        version: Set(key.audit.version),
    };
    jwks::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The newest key of `algorithm` that may still sign at `now` (no expiry, or expiring after
/// `now`).
pub async fn newest_signing(
    conn: &impl ConnectionTrait,
    algorithm: &str,
    now: DateTime<Utc>,
) -> Result<Option<JsonWebKey>, StoreError> {
    Ok(jwks::Entity::find()
        .filter(jwks::Column::Alg.eq(algorithm))
        .filter(
            Condition::any()
                .add(jwks::Column::ExpiresAt.is_null())
                .add(jwks::Column::ExpiresAt.gt(now)),
        )
        .order_by_desc(jwks::Column::CreatedAt)
        .order_by_desc(jwks::Column::Id)
        .one(conn)
        .await?
        .map(JsonWebKey::from))
}

/// Every key a verifier should still accept at `now`: no expiry, or expired less than
/// `grace` ago. Newest first.
pub async fn published(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    grace: chrono::Duration,
) -> Result<Vec<JsonWebKey>, StoreError> {
    Ok(jwks::Entity::find()
        .filter(
            Condition::any()
                .add(jwks::Column::ExpiresAt.is_null())
                .add(jwks::Column::ExpiresAt.gt(now - grace)),
        )
        .order_by_desc(jwks::Column::CreatedAt)
        .order_by_desc(jwks::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(JsonWebKey::from)
        .collect())
}
