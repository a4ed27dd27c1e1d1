//! Opaque OAuth access tokens: one indexed lookup by the digest of the token's text.

use crate::convert::audit_of;
use crate::entities::oauth_access_token;
use crate::error::StoreError;
use beep_domain::{Audit, OAuthAccessToken, OAuthAccessTokenId, OAuthGrantId, SessionId, UserId};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Stores a new token.
pub async fn insert(
    conn: &impl ConnectionTrait,
    token: &OAuthAccessToken,
) -> Result<(), StoreError> {
    let row = oauth_access_token::ActiveModel {
        id: Set(token.id.to_string()),
        token_digest: Set(token.token_digest.clone()),
        client_id: Set(token.client_id.clone()),
        user_id: Set(token.user_id.as_ref().map(|u| u.to_string())),
        session_id: Set(token.session_id.as_ref().map(|s| s.to_string())),
        grant_id: Set(token.grant_id.as_ref().map(|g| g.to_string())),
        scopes: Set(serde_json::Value::from(token.scopes.clone()).to_string()),
        expires_at: Set(token.expires_at),
        created_at: Set(token.audit.created_at),
        updated_at: Set(token.audit.updated_at),
        created_by: Set(token.audit.created_by.clone()),
        updated_by: Set(token.audit.updated_by.clone()),
        version: Set(token.audit.version),
    };
    oauth_access_token::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The token whose text has this digest, expired or not.
pub async fn find_by_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<OAuthAccessToken>, StoreError> {
    Ok(oauth_access_token::Entity::find()
        .filter(oauth_access_token::Column::TokenDigest.eq(digest))
        .one(conn)
        .await?
        .map(OAuthAccessToken::from))
}

/// Deletes the token with this digest if it was issued to `client_id`; whether one went.
pub async fn delete_issued_to(
    conn: &impl ConnectionTrait,
    digest: &str,
    client_id: &str,
) -> Result<bool, StoreError> {
    let result = oauth_access_token::Entity::delete_many()
        .filter(oauth_access_token::Column::TokenDigest.eq(digest))
        .filter(oauth_access_token::Column::ClientId.eq(client_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Deletes every access token of the grant `grant_id` (its family is revoked).
pub async fn delete_of_grant(
    conn: &impl ConnectionTrait,
    grant_id: &OAuthGrantId,
) -> Result<u64, StoreError> {
    let result = oauth_access_token::Entity::delete_many()
        .filter(oauth_access_token::Column::GrantId.eq(grant_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes every token that expired by `now`: how many went.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    Ok(oauth_access_token::Entity::delete_many()
        .filter(oauth_access_token::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected)
}

impl From<oauth_access_token::Model> for OAuthAccessToken {
    fn from(row: oauth_access_token::Model) -> Self {
        OAuthAccessToken {
            id: OAuthAccessTokenId::from_trusted(row.id),
            token_digest: row.token_digest,
            client_id: row.client_id,
            user_id: row.user_id.map(UserId::from_trusted),
            session_id: row.session_id.map(SessionId::from_trusted),
            grant_id: row.grant_id.map(OAuthGrantId::from_trusted),
            scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
            expires_at: row.expires_at,
            audit: audit_of!(row),
        }
    }
}
