//! The grants that act for a user: `authorization_code` (RFC 6749 §4.1.3, with PKCE per
//! RFC 7636 §4.6) and `refresh_token` (RFC 6749 §6, rotated on every use as OAuth 2.1
//! §4.3.1 asks of public clients, and here of every client).
//!
//! A code is redeemed once and a refresh token used once, each by a conditional update, so
//! two requests racing on one cannot both win. Presenting either again is taken as theft:
//! the whole family of the grant (every access and refresh token it led to) is revoked.

use super::authorize::is_pkce_text;
use super::error::{OAuthError, OAuthErrorCode};
use super::grants::{IssuedTokens, TokenUser, unauthorized};
use super::id_token::IdTokenFacts;
use super::{credential_digest, random_letters, scope_list, whole_seconds};
use crate::auth::Auth;
use crate::error::AuthError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_domain::{
    Audit, GrantType, OAuthAccessToken, OAuthClient, OAuthGrant, OAuthGrantId, OAuthRefreshToken,
    OAuthRefreshTokenId, Secret, SessionId, User, UserId,
};
use beep_store::repos::{oauth_access_tokens, oauth_grants, oauth_refresh_tokens, sessions, users};
use beep_store::{DatabaseTransaction, StoreError};
use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// What the client sends to exchange a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeExchange<'a> {
    /// `code`.
    pub code: Option<&'a str>,
    /// `redirect_uri`, which must be the authorization request's.
    pub redirect_uri: Option<&'a str>,
    /// `code_verifier` (PKCE).
    pub code_verifier: Option<&'a str>,
}

/// The user side of the tokens one grant issues.
struct UserIssue<'a> {
    grant_id: &'a OAuthGrantId,
    user: &'a User,
    session_id: Option<SessionId>,
    /// What the access token grants.
    scopes: Vec<String>,
    /// What a new refresh token may later be exchanged for (a narrowed refresh keeps the
    /// original scopes, RFC 6749 §6).
    refresh_scopes: Vec<String>,
    auth_time: DateTime<Utc>,
    nonce: Option<&'a str>,
}

/// A new refresh token, and the row to store.
struct NewRefreshToken {
    token: Secret<String>,
    row: OAuthRefreshToken,
}

/// The tokens one grant issues, made and signed but not stored yet.
struct PreparedTokens {
    issued: IssuedTokens,
    access_row: OAuthAccessToken,
    refresh: Option<NewRefreshToken>,
}

impl PreparedTokens {
    /// Stores the rows in `tx`, commits it, and hands out the tokens.
    async fn commit(self, tx: DatabaseTransaction) -> Result<IssuedTokens, AuthError> {
        oauth_access_tokens::insert(&tx, &self.access_row).await?;
        if let Some(refresh) = &self.refresh {
            oauth_refresh_tokens::insert(&tx, &refresh.row).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(IssuedTokens {
            refresh_token: self.refresh.map(|r| r.token),
            ..self.issued
        })
    }
}

impl Auth {
    /// `grant_type=authorization_code` for an authenticated `client`.
    pub async fn grant_authorization_code(
        &self,
        client: &OAuthClient,
        exchange: CodeExchange<'_>,
    ) -> Result<IssuedTokens, AuthError> {
        if !client.allows(GrantType::AuthorizationCode) {
            return Err(unauthorized(
                "client is not authorized to use grant type authorization_code",
            ));
        }
        let code = exchange
            .code
            .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
        let now = self.now();
        let conn = self.store().conn();
        let Some(grant) = oauth_grants::find_by_code_digest(conn, &credential_digest(code))
            .await?
            .filter(|g| g.client_id == client.client_id)
        else {
            return Err(invalid_grant("invalid code"));
        };
        if grant.redeemed_at.is_some() {
            return Err(self
                .revoke_stolen(&grant.id, "authorization code replayed")
                .await);
        }
        if grant.code_expires_at <= now {
            return Err(invalid_grant("invalid code"));
        }
        match exchange.redirect_uri {
            None => return Err(OAuthError::invalid_request("redirect_uri is required").into()),
            Some(uri) if uri != grant.redirect_uri => {
                return Err(invalid_grant("redirect_uri mismatch"));
            }
            Some(_) => {}
        }
        check_verifier(grant.code_challenge.as_deref(), exchange.code_verifier)?;
        let session_open = match &grant.session_id {
            Some(id) => sessions::find_by_id(conn, id)
                .await?
                .is_some_and(|s| s.expires_at > now),
            None => false,
        };
        if !session_open {
            return Err(invalid_grant("session no longer exists"));
        }
        let user = self.grant_user(&grant.user_id).await?;
        let issue = UserIssue {
            grant_id: &grant.id,
            user: &user,
            session_id: grant.session_id.clone(),
            scopes: grant.scopes.clone(),
            refresh_scopes: grant.scopes.clone(),
            auth_time: grant.auth_time,
            nonce: grant.nonce.as_deref(),
        };
        let prepared = self.prepare_user_tokens(client, &issue).await?;
        let tx = self.store().write().await?;
        if !oauth_grants::redeem(&tx, &grant.id, now).await? {
            drop(tx);
            return Err(self
                .revoke_stolen(&grant.id, "authorization code replayed")
                .await);
        }
        prepared.commit(tx).await
    }

    /// `grant_type=refresh_token` for an authenticated `client`, narrowed to `scope` when
    /// given.
    pub async fn grant_refresh_token(
        &self,
        client: &OAuthClient,
        refresh_token: Option<&str>,
        scope: Option<&str>,
    ) -> Result<IssuedTokens, AuthError> {
        if !client.allows(GrantType::RefreshToken) {
            return Err(unauthorized(
                "client is not authorized to use grant type refresh_token",
            ));
        }
        let text = refresh_token.ok_or_else(|| {
            OAuthError::invalid_request("Missing a required refresh_token for refresh_token grant")
        })?;
        let now = self.now();
        let conn = self.store().conn();
        let Some(old) = oauth_refresh_tokens::find_by_digest(conn, &credential_digest(text))
            .await?
            .filter(|t| t.client_id == client.client_id)
        else {
            return Err(invalid_grant("invalid refresh token"));
        };
        if old.revoked_at.is_some() {
            return Err(self
                .revoke_stolen(&old.grant_id, "refresh token reused")
                .await);
        }
        if old.expires_at <= now {
            return Err(invalid_grant("invalid refresh token"));
        }
        let scopes = match scope {
            None => old.scopes.clone(),
            Some(scope) => {
                let requested: Vec<String> = scope_list(scope)
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(extra) = requested.iter().find(|s| !old.scopes.contains(s)) {
                    return Err(OAuthError::bad(
                        OAuthErrorCode::InvalidScope,
                        format!("unable to issue scope {extra}"),
                    )
                    .into());
                }
                requested
            }
        };
        let user = self.grant_user(&old.user_id).await?;
        // The new access token ends with the session only while there is one to end with.
        let session_id = match &old.session_id {
            Some(id) => sessions::find_by_id(conn, id)
                .await?
                .filter(|s| s.expires_at > now)
                .map(|s| s.id),
            None => None,
        };
        let issue = UserIssue {
            grant_id: &old.grant_id,
            user: &user,
            session_id,
            scopes,
            refresh_scopes: old.scopes.clone(),
            auth_time: old.auth_time,
            nonce: None,
        };
        let prepared = self.prepare_user_tokens(client, &issue).await?;
        let tx = self.store().write().await?;
        if !oauth_refresh_tokens::revoke(&tx, &old.id, now).await? {
            drop(tx);
            return Err(self
                .revoke_stolen(&old.grant_id, "refresh token reused")
                .await);
        }
        prepared.commit(tx).await
    }

    /// `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4) at the token
    /// endpoint: the device's poll; on approval, user tokens under a new grant of their own.
    pub async fn grant_device_code(
        &self,
        client: &OAuthClient,
        device_code: Option<&str>,
    ) -> Result<IssuedTokens, AuthError> {
        let device_code =
            device_code.ok_or_else(|| OAuthError::invalid_request("device_code is required"))?;
        let (approved, user) = self
            .poll_device_code(&client.client_id, device_code)
            .await?;
        let now = whole_seconds(self.now());
        // The grant stands for the approval; it has no code to redeem.
        let grant = OAuthGrant {
            id: OAuthGrantId::generate(),
            code_digest: credential_digest(&random_letters()),
            client_id: client.client_id.clone(),
            user_id: user.id.clone(),
            session_id: None,
            redirect_uri: String::new(),
            scopes: approved.scopes.clone(),
            nonce: None,
            code_challenge: None,
            auth_time: whole_seconds(approved.audit.updated_at),
            code_expires_at: now,
            redeemed_at: Some(now),
            audit: Audit::created(now, Some(user.id.as_str())),
        };
        let issue = UserIssue {
            grant_id: &grant.id,
            user: &user,
            session_id: None,
            scopes: approved.scopes.clone(),
            refresh_scopes: approved.scopes.clone(),
            auth_time: grant.auth_time,
            nonce: None,
        };
        let prepared = self.prepare_user_tokens(client, &issue).await?;
        let tx = self.store().write().await?;
        oauth_grants::insert(&tx, &grant).await?;
        prepared.commit(tx).await
    }

    /// The user a grant acts for, if they still exist and are not banned.
    async fn grant_user(&self, user_id: &UserId) -> Result<User, AuthError> {
        let now = self.now();
        users::find_by_id(self.store().conn(), user_id)
            .await?
            .filter(|u| !u.is_banned_at(now))
            .ok_or_else(|| invalid_grant("the user is no longer active"))
    }

    /// The tokens of `issue` (the ID token signed), and the rows to store with them.
    async fn prepare_user_tokens(
        &self,
        client: &OAuthClient,
        issue: &UserIssue<'_>,
    ) -> Result<PreparedTokens, AuthError> {
        let config = &self.config().oauth_provider;
        let (access, access_row) = self.new_access_token(
            client,
            issue.scopes.clone(),
            config.access_token_expires_in,
            Some(TokenUser {
                user_id: Some(issue.user.id.clone()),
                session_id: issue.session_id.clone(),
                grant_id: Some(issue.grant_id.clone()),
            }),
        );
        let offline = issue.refresh_scopes.iter().any(|s| s == "offline_access");
        let refresh = (offline && client.allows(GrantType::RefreshToken)).then(|| {
            let now = whole_seconds(self.now());
            let token = Secret::new(random_letters());
            let row = OAuthRefreshToken {
                id: OAuthRefreshTokenId::generate(),
                token_digest: credential_digest(token.expose()),
                grant_id: issue.grant_id.clone(),
                client_id: client.client_id.clone(),
                user_id: issue.user.id.clone(),
                session_id: issue.session_id.clone(),
                scopes: issue.refresh_scopes.clone(),
                auth_time: issue.auth_time,
                expires_at: now + config.refresh_token_expires_in,
                revoked_at: None,
                audit: Audit::created(now, None),
            };
            NewRefreshToken { token, row }
        });
        let id_token = if issue.scopes.iter().any(|s| s == "openid") {
            Some(
                self.sign_id_token(IdTokenFacts {
                    client_id: &client.client_id,
                    user: issue.user,
                    scopes: &issue.scopes,
                    nonce: issue.nonce,
                    auth_time: issue.auth_time,
                    session_id: issue.session_id.as_ref(),
                    access_token: access.token.expose(),
                    issued_at: access.issued_at,
                })
                .await?,
            )
        } else {
            None
        };
        let issued = IssuedTokens {
            access,
            refresh_token: None,
            id_token,
        };
        Ok(PreparedTokens {
            issued,
            access_row,
            refresh,
        })
    }

    /// Revokes the family of `grant_id` after a code or refresh token came back a second
    /// time, and the refusal to answer with.
    async fn revoke_stolen(&self, grant_id: &OAuthGrantId, what: &str) -> AuthError {
        tracing::warn!(target: "audit", grant_id = %grant_id, "{what}: the grant's tokens are revoked");
        if let Err(err) =
            oauth_grants::revoke_family(self.store().conn(), grant_id, self.now()).await
        {
            return err.into();
        }
        invalid_grant(if what.starts_with("refresh") {
            "invalid refresh token"
        } else {
            "invalid code"
        })
    }
}

/// PKCE at the token endpoint (RFC 7636 §4.6): a code made with a challenge needs the
/// verifier whose S256 it is; a code made without one takes no verifier.
fn check_verifier(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), AuthError> {
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(OAuthError::invalid_request(
            "code_verifier provided but PKCE was not used in authorization",
        )
        .into()),
        (Some(_), None) => Err(OAuthError::invalid_request(
            "code_verifier required because PKCE was used in authorization",
        )
        .into()),
        (Some(challenge), Some(verifier)) => {
            if !is_pkce_text(verifier) {
                return Err(OAuthError::invalid_request(
                    "code_verifier must be 43 to 128 unreserved characters",
                )
                .into());
            }
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                Ok(())
            } else {
                Err(invalid_grant("code verification failed"))
            }
        }
    }
}

fn invalid_grant(description: &str) -> AuthError {
    OAuthError::bad(OAuthErrorCode::InvalidGrant, description).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifier_matches_its_challenge() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

        assert!(check_verifier(Some(challenge), Some(verifier)).is_ok());
        assert!(check_verifier(Some(challenge), Some(&verifier.replace('d', "e"))).is_err());
        assert!(check_verifier(Some(challenge), None).is_err());
        assert!(check_verifier(None, Some(verifier)).is_err());
    }
}
