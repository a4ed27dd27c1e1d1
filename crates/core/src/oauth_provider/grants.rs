//! The token endpoint's `client_credentials` grant (RFC 6749 §4.4): a client acting for
//! itself with the scopes an admin gave it, and the opaque access tokens every grant issues
//! (32 random letters; only their digest is stored). The grants that act for a user are in
//! `user_grants.rs`.

use super::error::{OAuthError, OAuthErrorCode};
use super::{STANDARD_SCOPES, credential_digest, random_letters, scope_list, whole_seconds};
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::{
    Audit, ClientAuthMethod, GrantType, OAuthAccessToken, OAuthAccessTokenId, OAuthClient,
    OAuthGrantId, Secret, SessionId, UserId,
};
use beep_store::repos::oauth_access_tokens;
use chrono::{DateTime, Utc};

/// What a grant that acts for a user issued: the access token, and a refresh token (with
/// `offline_access`) and an ID token (with `openid`).
#[derive(Debug)]
pub struct IssuedTokens {
    /// The access token.
    pub access: IssuedAccessToken,
    /// The refresh token, shown once.
    pub refresh_token: Option<Secret<String>>,
    /// The signed ID token.
    pub id_token: Option<String>,
}

/// An access token just issued, with its text (shown once).
#[derive(Debug)]
pub struct IssuedAccessToken {
    /// The token.
    pub token: Secret<String>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// What it grants.
    pub scopes: Vec<String>,
}

impl Auth {
    /// `grant_type=client_credentials` for an authenticated `client`, with the `scope` it
    /// asks for (all of its client-credentials scopes when it names none).
    pub async fn grant_client_credentials(
        &self,
        client: &OAuthClient,
        scope: Option<&str>,
    ) -> Result<IssuedAccessToken, AuthError> {
        if client.auth_method == ClientAuthMethod::None {
            return Err(unauthorized(
                "public clients cannot use the client_credentials grant",
            ));
        }
        if !client.allows(GrantType::ClientCredentials) {
            return Err(unauthorized(
                "client is not authorized to use grant type client_credentials",
            ));
        }
        if client.client_credentials_scopes.is_empty() {
            return Err(unauthorized(
                "client has no authorized client_credentials scopes",
            ));
        }
        let scopes = match scope {
            None => client.client_credentials_scopes.clone(),
            Some(scope) => {
                let requested = scope_list(scope);
                let invalid: Vec<&str> = requested
                    .iter()
                    .filter(|s| {
                        !client.client_credentials_scopes.contains(s)
                            || STANDARD_SCOPES.contains(&s.as_str())
                    })
                    .map(String::as_str)
                    .collect();
                if !invalid.is_empty() {
                    return Err(OAuthError::bad(
                        OAuthErrorCode::InvalidScope,
                        format!("The following scopes are invalid: {}", invalid.join(", ")),
                    )
                    .into());
                }
                requested
            }
        };
        let lifetime = self.config().oauth_provider.m2m_access_token_expires_in;
        let (issued, row) = self.new_access_token(client, scopes, lifetime, None);
        oauth_access_tokens::insert(self.store().conn(), &row).await?;
        Ok(issued)
    }

    /// A new opaque token for `client` (acting for `user` when given), and the row to store.
    pub(super) fn new_access_token(
        &self,
        client: &OAuthClient,
        scopes: Vec<String>,
        lifetime: chrono::Duration,
        user: Option<TokenUser>,
    ) -> (IssuedAccessToken, OAuthAccessToken) {
        let issued_at = whole_seconds(self.now());
        let expires_at = issued_at + lifetime;
        let token = Secret::new(random_letters());
        let user = user.unwrap_or_default();
        let row = OAuthAccessToken {
            id: OAuthAccessTokenId::generate(),
            token_digest: credential_digest(token.expose()),
            client_id: client.client_id.clone(),
            user_id: user.user_id,
            session_id: user.session_id,
            grant_id: user.grant_id,
            scopes: scopes.clone(),
            expires_at,
            audit: Audit::created(issued_at, None),
        };
        let issued = IssuedAccessToken {
            token,
            issued_at,
            expires_at,
            scopes,
        };
        (issued, row)
    }
}

/// Who a user's access token acts for, and what it descends from.
#[derive(Debug, Default, Clone)]
pub(super) struct TokenUser {
    pub(super) user_id: Option<UserId>,
    pub(super) session_id: Option<SessionId>,
    pub(super) grant_id: Option<OAuthGrantId>,
}

pub(super) fn unauthorized(description: &str) -> AuthError {
    OAuthError::bad(OAuthErrorCode::UnauthorizedClient, description).into()
}
