//! beep-iam as an OAuth 2.1 / OpenID provider (better-auth's `@better-auth/oauth-provider`):
//! the applications registered to use it ([`OAuthClient`]) and the access tokens it issued
//! to them ([`OAuthAccessToken`]). A client's secret and every token are kept only as the
//! SHA-256 of their text, so a database dump hands nobody a usable credential.

use crate::{Audit, OAuthAccessTokenId, OAuthClientId, OAuthGrantId, SessionId, UserId};
use chrono::{DateTime, Utc};

/// How a client proves who it is at the token endpoint (RFC 7591 `token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuthMethod {
    /// A public client: no secret (PKCE protects its codes).
    None,
    /// The secret in `Authorization: Basic` (the default).
    ClientSecretBasic,
    /// The secret in the form body.
    ClientSecretPost,
}

impl ClientAuthMethod {
    /// Every method, in the order discovery lists them.
    pub const ALL: [ClientAuthMethod; 3] = [
        ClientAuthMethod::None,
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
    ];

    /// The RFC 7591 name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuthMethod::None => "none",
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
        }
    }

    /// The method named `name`, if it is one this server supports.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.as_str() == name)
    }

    /// Whether a client of this method holds a secret.
    pub fn has_secret(self) -> bool {
        self != ClientAuthMethod::None
    }
}

/// RFC 7591 `application_type`: where the client runs, which decides its redirect URIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationType {
    /// A web server or a browser app: https redirect URIs on a real host.
    Web,
    /// An app on the user's device: loopback or private-use-scheme redirect URIs too.
    Native,
}

impl ApplicationType {
    /// The RFC 7591 name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationType::Web => "web",
            ApplicationType::Native => "native",
        }
    }

    /// The type named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "web" => Some(ApplicationType::Web),
            "native" => Some(ApplicationType::Native),
            _ => None,
        }
    }
}

/// An OAuth grant a client may use at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    /// `authorization_code`: a user signs in and consents, the client trades the code.
    AuthorizationCode,
    /// `client_credentials`: the client acts for itself, with no user.
    ClientCredentials,
    /// `refresh_token`: a longer-lived token for new access tokens.
    RefreshToken,
}

impl GrantType {
    /// Every grant, in the order discovery lists them.
    pub const ALL: [GrantType; 3] = [
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
        GrantType::RefreshToken,
    ];

    /// The RFC 6749 name.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::RefreshToken => "refresh_token",
        }
    }

    /// The grant named `name`, if this server supports it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|grant| grant.as_str() == name)
    }
}

/// A client's self-description (RFC 7591 metadata) that its owner may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadata {
    /// `client_name`.
    pub name: Option<String>,
    /// `client_uri`: its home page.
    pub uri: Option<String>,
    /// `logo_uri`.
    pub icon: Option<String>,
    /// `contacts`: people responsible for it.
    pub contacts: Option<Vec<String>>,
    /// `tos_uri`.
    pub tos: Option<String>,
    /// `policy_uri`.
    pub policy: Option<String>,
    /// `software_id`.
    pub software_id: Option<String>,
    /// `software_version`.
    pub software_version: Option<String>,
    /// `software_statement`.
    pub software_statement: Option<String>,
    /// `redirect_uris`, matched exactly.
    pub redirect_uris: Vec<String>,
    /// `post_logout_redirect_uris`, matched exactly.
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// `application_type`.
    pub application_type: ApplicationType,
    /// `grant_types`.
    pub grant_types: Vec<GrantType>,
    /// `response_types` (`["code"]` when it uses the authorization code grant).
    pub response_types: Vec<String>,
}

/// A registered client application.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// The row's id.
    pub id: OAuthClientId,
    /// The public `client_id` (32 random letters, unique).
    pub client_id: String,
    /// base64url SHA-256 of the secret; `None` for a public client.
    pub secret_digest: Option<String>,
    /// `token_endpoint_auth_method`, fixed at creation.
    pub auth_method: ClientAuthMethod,
    /// A disabled client is refused everywhere and its tokens are inactive.
    pub disabled: bool,
    /// Whether users are not asked to consent (first-party clients).
    pub skip_consent: bool,
    /// Whether it may end its users' sessions (RP-initiated logout).
    pub enable_end_session: bool,
    /// Whether its authorization requests need PKCE.
    pub require_pkce: bool,
    /// The scopes it may ask users for; `None`: every scope of the server.
    pub scopes: Option<Vec<String>>,
    /// The scopes it may take for itself with `client_credentials` (set by an admin).
    pub client_credentials_scopes: Vec<String>,
    /// The user who registered it; `None` for a client registered without a session.
    pub owner: Option<UserId>,
    /// What it says of itself.
    pub metadata: ClientMetadata,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for OAuthClient {
    // The digest is what a secret is checked against: keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("auth_method", &self.auth_method)
            .field("disabled", &self.disabled)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl OAuthClient {
    /// Whether it may use `grant`.
    pub fn allows(&self, grant: GrantType) -> bool {
        self.metadata.grant_types.contains(&grant)
    }
}

/// An opaque access token the provider issued, stored by its digest.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthAccessToken {
    /// The row's id.
    pub id: OAuthAccessTokenId,
    /// base64url SHA-256 of the token (unique).
    pub token_digest: String,
    /// The `client_id` it was issued to.
    pub client_id: String,
    /// The user it acts for; `None` for `client_credentials`.
    pub user_id: Option<UserId>,
    /// The session it came from, while that session lasts.
    pub session_id: Option<SessionId>,
    /// The user's authorization it descends from; `None` for `client_credentials`.
    /// Revoking the grant (a replayed code, a reused refresh token) deletes the token.
    pub grant_id: Option<OAuthGrantId>,
    /// What it grants.
    pub scopes: Vec<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Audit fields (`created_at` is the token's `iat`).
    pub audit: Audit,
}

impl std::fmt::Debug for OAuthAccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthAccessToken")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_methods_and_grants_round_trip_their_names() {
        for method in ClientAuthMethod::ALL {
            assert_eq!(ClientAuthMethod::parse(method.as_str()), Some(method));
        }
        for grant in GrantType::ALL {
            assert_eq!(GrantType::parse(grant.as_str()), Some(grant));
        }
        assert_eq!(ClientAuthMethod::parse("private_key_jwt"), None);
        assert_eq!(GrantType::parse("password"), None);
    }
}
