//! beep-iam as an OAuth 2.1 / OpenID provider (better-auth's `@better-auth/oauth-provider`,
//! 1.7 wire shape): applications register as clients, take access tokens at the token
//! endpoint, and resource servers check those tokens by introspection.
//!
//! What is built: client management by their owners (`clients`), client authentication at
//! the token endpoints (`client_auth`), the authorization request (`authorize`) with its
//! signed hand-off to the login and consent pages (`signed_query`) and the user's answer
//! (`consent`), the token endpoint's grants (`grants`: `authorization_code`,
//! `refresh_token`, `client_credentials`), ID tokens (`id_token`), userinfo (`userinfo`),
//! introspection and revocation (`introspection`), and the discovery documents
//! (`metadata`). A client's secret, every code and every token are random letters stored as
//! their SHA-256, so the database never holds a usable credential.

mod authorize;
mod client_auth;
mod clients;
mod consent;
mod device;
mod end_session;
mod error;
mod grants;
mod id_token;
mod introspection;
mod metadata;
mod redirect_uris;
mod signed_query;
mod sweep;
mod user_grants;
mod userinfo;

pub use authorize::{AuthorizeStep, Continuation};
pub use client_auth::{PresentedClient, PresentedMethod};
pub use clients::{ClientChanges, CreatedOAuthClient, NewOAuthClient};
pub use consent::{ConsentAnswer, ConsentRef, PendingAuthorization};
pub use device::{DEVICE_CODE_GRANT, DeviceView, IssuedDeviceCode};
pub use end_session::{EndSessionOutcome, EndSessionRequest};
pub use error::{OAuthError, OAuthErrorCode};
pub use grants::{IssuedAccessToken, IssuedTokens};
pub use introspection::{ActiveToken, Introspection, TokenHint};
pub use metadata::discovery_document;
pub use user_grants::CodeExchange;
pub use userinfo::ORGANIZATION_SCOPE;

use chrono::Duration;

/// The scopes every OpenID provider offers (better-auth's defaults).
pub const STANDARD_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Settings of the provider.
#[derive(Debug, Clone)]
pub struct OAuthProviderConfig {
    /// The issuer (`<base URL>/api/auth`), also the base of every endpoint URL.
    pub issuer: String,
    /// Every scope clients may be given: the standard four, then the operator's own.
    pub scopes: Vec<String>,
    /// Lifetime of an access token issued for a user.
    pub access_token_expires_in: Duration,
    /// Lifetime of an access token a client takes for itself (`client_credentials`).
    pub m2m_access_token_expires_in: Duration,
    /// How long an authorization code (and a signed hand-off to the pages) stays good.
    pub code_expires_in: Duration,
    /// Lifetime of a refresh token (each use rotates it).
    pub refresh_token_expires_in: Duration,
    /// Lifetime of an ID token.
    pub id_token_expires_in: Duration,
    /// Where a user without a session signs in; the signed request is appended as its query.
    pub login_page: String,
    /// Where a signed-in user chooses an account (`prompt=select_account`); the signed
    /// request is appended as its query.
    pub select_account_page: String,
    /// Where a user is asked to consent; the signed request is appended as its query.
    pub consent_page: String,
    /// How long a device authorization (RFC 8628) waits for the user.
    pub device_code_expires_in: Duration,
    /// The shortest time between two polls of a device, at first.
    pub device_interval: Duration,
    /// Where the user enters a device's code (`verification_uri`).
    pub device_verification_uri: String,
    /// Whether `/oauth2/register` (RFC 7591) is open to signed-in users.
    pub dynamic_registration: bool,
    /// Whether it is open to anyone, without a session (needs `dynamic_registration`).
    pub unauthenticated_registration: bool,
}

impl OAuthProviderConfig {
    /// The defaults for a server at `base_url` (`https://auth.example.com`).
    pub fn for_base_url(base_url: &str) -> Self {
        let issuer = format!("{}/api/auth", base_url.trim_end_matches('/'));
        Self {
            login_page: format!("{issuer}/oauth2/login-page"),
            select_account_page: format!("{issuer}/oauth2/login-page"),
            consent_page: format!("{issuer}/oauth2/consent-page"),
            device_verification_uri: format!("{issuer}/oauth2/device-page"),
            device_code_expires_in: Duration::minutes(30),
            device_interval: Duration::seconds(5),
            issuer,
            scopes: STANDARD_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            access_token_expires_in: Duration::hours(1),
            m2m_access_token_expires_in: Duration::hours(1),
            code_expires_in: Duration::minutes(10),
            refresh_token_expires_in: Duration::days(30),
            id_token_expires_in: Duration::hours(10),
            dynamic_registration: false,
            unauthenticated_registration: false,
        }
    }

    /// The config with the operator's `extra` scopes added after the standard ones.
    pub fn with_scopes(mut self, extra: impl IntoIterator<Item = String>) -> Self {
        for scope in extra {
            if !self.scopes.contains(&scope) {
                self.scopes.push(scope);
            }
        }
        self
    }
}

impl Default for OAuthProviderConfig {
    fn default() -> Self {
        Self::for_base_url("http://localhost:3000")
    }
}

/// What a stored secret or token is checked against: base64url (no padding) of its SHA-256.
pub fn credential_digest(text: &str) -> String {
    crate::api_keys::key_digest(text)
}

/// 32 random ASCII letters: better-auth's client ids, client secrets and opaque tokens.
fn random_letters() -> String {
    crate::tokens::random_letters(32)
}

/// `now` cut to whole seconds: `exp`, `iat` and `auth_time` are seconds on the wire.
fn whole_seconds(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// Splits a `scope` parameter on single spaces (RFC 6749 §3.3); an empty entry stays, so the
/// caller refuses it.
fn scope_list(scope: &str) -> Vec<String> {
    scope.split(' ').map(str::to_owned).collect()
}
