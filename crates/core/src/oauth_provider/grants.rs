//! The token endpoint's grants. Built so far: `client_credentials` (RFC 6749 §4.4), a
//! client acting for itself with the scopes an admin gave it. The token is 32 random
//! letters; only its digest is stored.

use super::error::{OAuthError, OAuthErrorCode};
use super::{STANDARD_SCOPES, credential_digest, random_letters, scope_list};
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::{
    Audit, ClientAuthMethod, GrantType, OAuthAccessToken, OAuthAccessTokenId, OAuthClient, Secret,
};
use beep_store::repos::oauth_access_tokens;
use chrono::{DateTime, Utc};

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
        self.issue_access_token(client, scopes, lifetime).await
    }

    /// Stores and returns a new opaque token for `client` (no user).
    async fn issue_access_token(
        &self,
        client: &OAuthClient,
        scopes: Vec<String>,
        lifetime: chrono::Duration,
    ) -> Result<IssuedAccessToken, AuthError> {
        // Token times are whole seconds: `exp` and `iat` are seconds on the wire.
        let issued_at = DateTime::from_timestamp(self.now().timestamp(), 0).unwrap_or(self.now());
        let expires_at = issued_at + lifetime;
        let token = Secret::new(random_letters());
        let row = OAuthAccessToken {
            id: OAuthAccessTokenId::generate(),
            token_digest: credential_digest(token.expose()),
            client_id: client.client_id.clone(),
            user_id: None,
            session_id: None,
            scopes: scopes.clone(),
            expires_at,
            audit: Audit::created(issued_at, None),
        };
        oauth_access_tokens::insert(self.store().conn(), &row).await?;
        Ok(IssuedAccessToken {
            token,
            issued_at,
            expires_at,
            scopes,
        })
    }
}

fn unauthorized(description: &str) -> AuthError {
    OAuthError::bad(OAuthErrorCode::UnauthorizedClient, description).into()
}
