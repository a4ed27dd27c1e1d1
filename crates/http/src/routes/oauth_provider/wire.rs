//! What the provider's routes answer: clients in RFC 7591 shape (the secret only on create
//! and rotate), token responses (RFC 6749 §5.1) and introspection (RFC 7662 §2.2).

use beep_domain::OAuthClient;
use serde::Serialize;
use utoipa::ToSchema;

/// A client as better-auth's `schemaToOAuth` shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthClient)]
pub struct OAuthClientJson {
    /// The public client id.
    pub client_id: String,
    /// The secret: only in the answers of create and rotate-secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `0` (secrets do not expire); present for clients with a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
    /// The scopes it may ask users for, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The user who registered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// When it was registered, in seconds since the epoch.
    pub client_id_issued_at: i64,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Its home page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    /// Its logo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    /// People responsible for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<String>>,
    /// Its terms of service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    /// Its privacy policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    /// RFC 7591 `software_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_id: Option<String>,
    /// RFC 7591 `software_version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// RFC 7591 `software_statement`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_statement: Option<String>,
    /// Where users are sent back with a code.
    pub redirect_uris: Vec<String>,
    /// Where users may be sent after signing out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// How it authenticates at the token endpoint.
    pub token_endpoint_auth_method: String,
    /// Its grants.
    pub grant_types: Vec<String>,
    /// Its response types.
    pub response_types: Vec<String>,
    /// `web` or `native`.
    pub application_type: String,
    /// Whether it is switched off.
    pub disabled: bool,
    /// Whether its users skip consent.
    pub skip_consent: bool,
    /// Whether it may end its users' sessions.
    pub enable_end_session: bool,
    /// Whether its authorization requests need PKCE.
    pub require_pkce: bool,
    /// Scopes it may take with `client_credentials` (shown to admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_credentials_scopes: Option<Vec<String>>,
}

impl OAuthClientJson {
    /// `client` as its owner sees it; admins also see its client-credentials scopes.
    pub fn of(client: &OAuthClient, secret: Option<&str>, admin: bool) -> Self {
        let meta = &client.metadata;
        Self {
            client_id: client.client_id.clone(),
            client_secret: secret.map(str::to_owned),
            client_secret_expires_at: client.secret_digest.as_ref().map(|_| 0),
            scope: client.scopes.as_ref().map(|s| s.join(" ")),
            user_id: client.owner.as_ref().map(|u| u.to_string()),
            client_id_issued_at: client.audit.created_at.timestamp(),
            client_name: meta.name.clone(),
            client_uri: meta.uri.clone(),
            logo_uri: meta.icon.clone(),
            contacts: meta.contacts.clone(),
            tos_uri: meta.tos.clone(),
            policy_uri: meta.policy.clone(),
            software_id: meta.software_id.clone(),
            software_version: meta.software_version.clone(),
            software_statement: meta.software_statement.clone(),
            redirect_uris: meta.redirect_uris.clone(),
            post_logout_redirect_uris: meta.post_logout_redirect_uris.clone(),
            token_endpoint_auth_method: client.auth_method.as_str().to_owned(),
            grant_types: meta
                .grant_types
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect(),
            response_types: meta.response_types.clone(),
            application_type: meta.application_type.as_str().to_owned(),
            disabled: client.disabled,
            skip_consent: client.skip_consent,
            enable_end_session: client.enable_end_session,
            require_pkce: client.require_pkce,
            client_credentials_scopes: admin.then(|| client.client_credentials_scopes.clone()),
        }
    }
}

/// What any signed-in user may see of a client (for a consent page).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthPublicClient)]
pub struct PublicClientJson {
    /// The public client id.
    pub client_id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Its home page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    /// Its logo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    /// People responsible for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<String>>,
    /// Its terms of service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    /// Its privacy policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    /// Always empty: redirect URIs are not shown to others.
    pub redirect_uris: Vec<String>,
}

impl From<&OAuthClient> for PublicClientJson {
    fn from(client: &OAuthClient) -> Self {
        let meta = &client.metadata;
        Self {
            client_id: client.client_id.clone(),
            client_name: meta.name.clone(),
            client_uri: meta.uri.clone(),
            logo_uri: meta.icon.clone(),
            contacts: meta.contacts.clone(),
            tos_uri: meta.tos.clone(),
            policy_uri: meta.policy.clone(),
            redirect_uris: Vec::new(),
        }
    }
}

/// A token response (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthTokenResponse)]
pub struct TokenJson {
    /// The access token (opaque).
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// When it expires, in seconds since the epoch.
    pub expires_at: i64,
    /// `Bearer`.
    pub token_type: &'static str,
    /// What it grants, space-separated.
    pub scope: String,
    /// A refresh token (with `offline_access`), usable once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The ID token (with `openid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// An introspection answer (RFC 7662 §2.2): `{"active": false}` or the token's claims.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthIntrospection)]
pub struct IntrospectionJson {
    /// Whether the token is active.
    pub active: bool,
    /// The issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The client it was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The same client (the authorized party).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// The user it acts for (absent for `client_credentials`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The session it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Expiry, in seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, in seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// What it grants, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `Bearer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
}

impl IntrospectionJson {
    /// `{"active": false}`.
    pub fn inactive() -> Self {
        Self {
            active: false,
            iss: None,
            client_id: None,
            azp: None,
            sub: None,
            sid: None,
            exp: None,
            iat: None,
            scope: None,
            token_type: None,
        }
    }
}

/// An OAuth error answer (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthError)]
#[allow(dead_code)] // `ApiError::OAuth` writes this shape; the type describes it.
pub struct OAuthErrorJson {
    /// `invalid_request`, `invalid_client`, `unauthorized_client`, `unsupported_grant_type`,
    /// `invalid_scope`, `invalid_redirect_uri`, `invalid_client_metadata`, `not_found`, …
    pub error: String,
    /// What was wrong.
    pub error_description: String,
}

/// Where the user goes next, for a script that follows it itself.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthRedirect)]
#[allow(dead_code)] // Written as JSON by hand; this type describes it.
pub struct RedirectJson {
    /// Always `true`.
    pub redirect: bool,
    /// The URL.
    pub url: String,
}

/// A consent, as the consent routes answer it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthConsent)]
#[serde(rename_all = "camelCase")]
pub struct ConsentJson {
    /// The consent's id.
    pub id: String,
    /// The client consented to.
    pub client_id: String,
    /// The user who consented.
    pub user_id: String,
    /// The scopes consented to.
    pub scopes: Vec<String>,
    /// When it was first given.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

impl From<&beep_domain::OAuthConsent> for ConsentJson {
    fn from(consent: &beep_domain::OAuthConsent) -> Self {
        let time = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        Self {
            id: consent.id.to_string(),
            client_id: consent.client_id.clone(),
            user_id: consent.user_id.to_string(),
            scopes: consent.scopes.clone(),
            created_at: time(consent.audit.created_at),
            updated_at: time(consent.audit.updated_at),
        }
    }
}
