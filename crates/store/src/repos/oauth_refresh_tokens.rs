//! OAuth refresh tokens: found by the digest of their text, used once each (rotation).

use crate::convert::audit_of;
use crate::entities::oauth_refresh_token;
use crate::error::StoreError;
use beep_domain::{Audit, OAuthGrantId, OAuthRefreshToken, OAuthRefreshTokenId, SessionId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Stores a new refresh token.
pub async fn insert(
    conn: &impl ConnectionTrait,
    token: &OAuthRefreshToken,
) -> Result<(), StoreError> {
    let row = oauth_refresh_token::ActiveModel {
        id: Set(token.id.to_string()),
        token_digest: Set(token.token_digest.clone()),
        grant_id: Set(token.grant_id.to_string()),
        client_id: Set(token.client_id.clone()),
        user_id: Set(token.user_id.to_string()),
        session_id: Set(token.session_id.as_ref().map(|s| s.to_string())),
        scopes: Set(serde_json::Value::from(token.scopes.clone()).to_string()),
        auth_time: Set(token.auth_time),
        expires_at: Set(token.expires_at),
        revoked_at: Set(token.revoked_at),
        created_at: Set(token.audit.created_at),
        updated_at: Set(token.audit.updated_at),
        created_by: Set(token.audit.created_by.clone()),
        updated_by: Set(token.audit.updated_by.clone()),
        version: Set(token.audit.version),
    };
    oauth_refresh_token::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The refresh token whose text has this digest, revoked or not.
pub async fn find_by_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<OAuthRefreshToken>, StoreError> {
    Ok(oauth_refresh_token::Entity::find()
        .filter(oauth_refresh_token::Column::TokenDigest.eq(digest))
        .one(conn)
        .await?
        .map(OAuthRefreshToken::from))
}

/// Marks `id` revoked at `now` if it was not yet: whether this call did. Of two requests
/// racing to rotate one token, exactly one wins; the other is reuse.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    id: &OAuthRefreshTokenId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = oauth_refresh_token::Entity::update_many()
        .col_expr(oauth_refresh_token::Column::RevokedAt, Expr::value(now))
        .col_expr(oauth_refresh_token::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            oauth_refresh_token::Column::Version,
            Expr::col(oauth_refresh_token::Column::Version).add(1),
        )
        .filter(oauth_refresh_token::Column::Id.eq(id.as_str()))
        .filter(oauth_refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes every refresh token that expired by `now`, used or not (a used one is kept until
/// then so its reuse is still recognised): how many went.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(oauth_refresh_token::Entity::delete_many()
        .filter(oauth_refresh_token::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected)
}

impl From<oauth_refresh_token::Model> for OAuthRefreshToken {
    fn from(row: oauth_refresh_token::Model) -> Self {
        OAuthRefreshToken {
            id: OAuthRefreshTokenId::from_trusted(row.id),
            token_digest: row.token_digest,
            grant_id: OAuthGrantId::from_trusted(row.grant_id),
            client_id: row.client_id,
            user_id: UserId::from_trusted(row.user_id),
            session_id: row.session_id.map(SessionId::from_trusted),
            scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
            auth_time: row.auth_time,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            audit: audit_of!(row),
        }
    }
}
