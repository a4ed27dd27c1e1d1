//! Token introspection (RFC 7662) and revocation (RFC 7009) for authenticated clients. A
//! client learns about, and ends, only the tokens issued to it.

use super::credential_digest;
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::{OAuthAccessToken, OAuthClient};
use beep_store::repos::{oauth_access_tokens, sessions};

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
    /// An active access token.
    Active(Box<OAuthAccessToken>),
}

impl Auth {
    /// `POST /oauth2/introspect`: whether `token` is an active token issued to `client`.
    pub async fn introspect_token(
        &self,
        client: &OAuthClient,
        token: &str,
        hint: TokenHint,
    ) -> Result<Introspection, AuthError> {
        if hint == TokenHint::RefreshToken {
            // No refresh tokens are issued yet, so none is active.
            return Ok(Introspection::Inactive);
        }
        Ok(match self.active_access_token(client, token).await? {
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
        let digest = credential_digest(token);
        if oauth_access_tokens::delete_issued_to(self.store().conn(), &digest, &client.client_id)
            .await?
        {
            tracing::info!(target: "audit", client_id = %client.client_id, "oauth access token revoked");
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
    ) -> Result<Option<OAuthAccessToken>, AuthError> {
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
        Ok(Some(found))
    }
}
