//! Token introspection (RFC 7662) and revocation (RFC 7009) for authenticated clients. A
//! client learns about, and ends, only the tokens issued to it. Revoking a refresh token
//! revokes its whole grant (RFC 7009 §2.1: the access tokens of the same grant go too).

use super::credential_digest;
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::{OAuthClient, SessionId, UserId};
use beep_store::repos::{oauth_access_tokens, oauth_grants, oauth_refresh_tokens, sessions};
use chrono::{DateTime, Utc};

/// `token_type_hint`: which kind of token the client thinks it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHint {
    /// `access_token`.
    AccessToken,
    /// `refresh_token`.
    RefreshToken,
    /// No hint, or one this server does not know (ignored, RFC 7009 §2.1).
    None,
}

impl TokenHint {
    /// The hint named `name`.
    pub fn parse(name: Option<&str>) -> Self {
        match name {
            Some("access_token") => TokenHint::AccessToken,
            Some("refresh_token") => TokenHint::RefreshToken,
            _ => TokenHint::None,
        }
    }
}

/// What introspection says of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Introspection {
    /// `{"active": false}`: unknown, expired, revoked, or another client's.
    Inactive,
    /// An active token.
    Active(Box<ActiveToken>),
}

/// The claims of an active access or refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveToken {
    /// The `client_id` it was issued to.
    pub client_id: String,
    /// The user it acts for; `None` for `client_credentials`.
    pub user_id: Option<UserId>,
    /// The session it came from.
    pub session_id: Option<SessionId>,
    /// What it grants.
    pub scopes: Vec<String>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether it is a refresh token.
    pub refresh: bool,
}

impl Auth {
    /// `POST /oauth2/introspect`: whether `token` is an active token issued to `client`. The
    /// hint only decides which kind is looked for first.
    pub async fn introspect_token(
        &self,
        client: &OAuthClient,
        token: &str,
        hint: TokenHint,
    ) -> Result<Introspection, AuthError> {
        let found = if hint == TokenHint::RefreshToken {
            match self.active_refresh_token(client, token).await? {
                Some(found) => Some(found),
                None => self.active_access_token(client, token).await?,
            }
        } else {
            match self.active_access_token(client, token).await? {
                Some(found) => Some(found),
                None => self.active_refresh_token(client, token).await?,
            }
        };
        Ok(match found {
            Some(found) => Introspection::Active(Box::new(found)),
            None => Introspection::Inactive,
        })
    }

    /// `POST /oauth2/revoke`: ends `token` if it was issued to `client`. An unknown token, or
    /// one of another client, changes nothing and is not an error (RFC 7009 §2.2).
    pub async fn revoke_token(
        &self,
        client: &OAuthClient,
        token: &str,
        _hint: TokenHint,
    ) -> Result<(), AuthError> {
        let conn = self.store().conn();
        let digest = credential_digest(token);
        if oauth_access_tokens::delete_issued_to(conn, &digest, &client.client_id).await? {
            tracing::info!(target: "audit", client_id = %client.client_id, "oauth access token revoked");
            return Ok(());
        }
        if let Some(refresh) = oauth_refresh_tokens::find_by_digest(conn, &digest)
            .await?
            .filter(|t| t.client_id == client.client_id)
        {
            oauth_grants::revoke_family(conn, &refresh.grant_id, self.now()).await?;
            tracing::info!(target: "audit", client_id = %client.client_id, grant_id = %refresh.grant_id, "oauth refresh token revoked with its grant");
        }
        Ok(())
    }

    /// The access token whose text is `token`, if it was issued to `client` (which has
    /// authenticated, so it is enabled) and is still good: not expired, and its session
    /// (when it has one) still open.
    async fn active_access_token(
        &self,
        client: &OAuthClient,
        token: &str,
    ) -> Result<Option<ActiveToken>, AuthError> {
        let conn = self.store().conn();
        let now = self.now();
        let Some(found) = oauth_access_tokens::find_by_digest(conn, &credential_digest(token))
            .await?
            .filter(|t| t.expires_at > now && t.client_id == client.client_id)
        else {
            return Ok(None);
        };
        if let Some(session_id) = &found.session_id {
            let open = sessions::find_by_id(conn, session_id)
                .await?
                .is_some_and(|s| s.expires_at > now);
            if !open {
                return Ok(None);
            }
        }
        Ok(Some(ActiveToken {
            client_id: found.client_id,
            user_id: found.user_id,
            session_id: found.session_id,
            scopes: found.scopes,
            issued_at: found.audit.created_at,
            expires_at: found.expires_at,
            refresh: false,
        }))
    }

    /// The refresh token whose text is `token`, if it was issued to `client` and is neither
    /// used, revoked nor expired.
    async fn active_refresh_token(
        &self,
        client: &OAuthClient,
        token: &str,
    ) -> Result<Option<ActiveToken>, AuthError> {
        let now = self.now();
        Ok(
            oauth_refresh_tokens::find_by_digest(self.store().conn(), &credential_digest(token))
                .await?
                .filter(|t| {
                    t.client_id == client.client_id && t.revoked_at.is_none() && t.expires_at > now
                })
                .map(|found| ActiveToken {
                    client_id: found.client_id,
                    user_id: Some(found.user_id),
                    session_id: found.session_id,
                    scopes: found.scopes,
                    issued_at: found.audit.created_at,
                    expires_at: found.expires_at,
                    refresh: true,
                }),
        )
    }
}
