//! OAuth grants: made when a user authorizes a client, redeemed once by their code. A grant
//! is also the family of every token its code led to, so revoking it ends all of them.

use crate::convert::audit_of;
use crate::entities::{oauth_access_token, oauth_grant, oauth_refresh_token};
use crate::error::StoreError;
use beep_domain::{Audit, OAuthGrant, OAuthGrantId, SessionId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Stores a new grant.
pub async fn insert(conn: &impl ConnectionTrait, grant: &OAuthGrant) -> Result<(), StoreError> {
    let row = oauth_grant::ActiveModel {
        id: Set(grant.id.to_string()),
        code_digest: Set(grant.code_digest.clone()),
        client_id: Set(grant.client_id.clone()),
        user_id: Set(grant.user_id.to_string()),
        session_id: Set(grant.session_id.as_ref().map(|s| s.to_string())),
        redirect_uri: Set(grant.redirect_uri.clone()),
        scopes: Set(serde_json::Value::from(grant.scopes.clone()).to_string()),
        nonce: Set(grant.nonce.clone()),
        code_challenge: Set(grant.code_challenge.clone()),
        auth_time: Set(grant.auth_time),
        code_expires_at: Set(grant.code_expires_at),
        redeemed_at: Set(grant.redeemed_at),
        created_at: Set(grant.audit.created_at),
        updated_at: Set(grant.audit.updated_at),
        created_by: Set(grant.audit.created_by.clone()),
        updated_by: Set(grant.audit.updated_by.clone()),
        version: Set(grant.audit.version),
    };
    oauth_grant::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The grant whose code has this digest, redeemed or not.
pub async fn find_by_code_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<OAuthGrant>, StoreError> {
    Ok(oauth_grant::Entity::find()
        .filter(oauth_grant::Column::CodeDigest.eq(digest))
        .one(conn)
        .await?
        .map(OAuthGrant::from))
}

/// Marks the code of `grant_id` redeemed at `now`, if nobody redeemed it first: whether this
/// call did. Two token requests racing on one code cannot both win.
pub async fn redeem(
    conn: &impl ConnectionTrait,
    grant_id: &OAuthGrantId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = oauth_grant::Entity::update_many()
        .col_expr(oauth_grant::Column::RedeemedAt, Expr::value(now))
        .col_expr(oauth_grant::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            oauth_grant::Column::Version,
            Expr::col(oauth_grant::Column::Version).add(1),
        )
        .filter(oauth_grant::Column::Id.eq(grant_id.as_str()))
        .filter(oauth_grant::Column::RedeemedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes the family of `grant_id`: its access tokens go, its refresh tokens are marked
/// revoked at `now`. The grant row stays, so a later replay of its code is still known.
pub async fn revoke_family(
    conn: &impl ConnectionTrait,
    grant_id: &OAuthGrantId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    oauth_access_token::Entity::delete_many()
        .filter(oauth_access_token::Column::GrantId.eq(grant_id.as_str()))
        .exec(conn)
        .await?;
    oauth_refresh_token::Entity::update_many()
        .col_expr(oauth_refresh_token::Column::RevokedAt, Expr::value(now))
        .col_expr(oauth_refresh_token::Column::UpdatedAt, Expr::value(now))
        .filter(oauth_refresh_token::Column::GrantId.eq(grant_id.as_str()))
        .filter(oauth_refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes every grant of `user_id` for `client_id`, and with them their tokens (consent
/// withdrawn).
pub async fn delete_of(
    conn: &impl ConnectionTrait,
    client_id: &str,
    user_id: &UserId,
) -> Result<(), StoreError> {
    oauth_grant::Entity::delete_many()
        .filter(oauth_grant::Column::ClientId.eq(client_id))
        .filter(oauth_grant::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes every grant that has nothing left: its code expired by `now` and no access or
/// refresh token of its family remains. How many went.
pub async fn delete_spent(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let grant_id = (oauth_grant::Entity, oauth_grant::Column::Id);
    let refresh_tokens = Query::select()
        .expr(Expr::val(1))
        .from(oauth_refresh_token::Entity)
        .and_where(
            Expr::col((
                oauth_refresh_token::Entity,
                oauth_refresh_token::Column::GrantId,
            ))
            .equals(grant_id),
        )
        .to_owned();
    let access_tokens = Query::select()
        .expr(Expr::val(1))
        .from(oauth_access_token::Entity)
        .and_where(
            Expr::col((
                oauth_access_token::Entity,
                oauth_access_token::Column::GrantId,
            ))
            .equals(grant_id),
        )
        .to_owned();
    Ok(oauth_grant::Entity::delete_many()
        .filter(oauth_grant::Column::CodeExpiresAt.lte(now))
        .filter(Expr::exists(refresh_tokens).not())
        .filter(Expr::exists(access_tokens).not())
        .exec(conn)
        .await?
        .rows_affected)
}

impl From<oauth_grant::Model> for OAuthGrant {
    fn from(row: oauth_grant::Model) -> Self {
        OAuthGrant {
            id: OAuthGrantId::from_trusted(row.id),
            code_digest: row.code_digest,
            client_id: row.client_id,
            user_id: UserId::from_trusted(row.user_id),
            session_id: row.session_id.map(SessionId::from_trusted),
            redirect_uri: row.redirect_uri,
            scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
            nonce: row.nonce,
            code_challenge: row.code_challenge,
            auth_time: row.auth_time,
            code_expires_at: row.code_expires_at,
            redeemed_at: row.redeemed_at,
            audit: audit_of!(row),
        }
    }
}
