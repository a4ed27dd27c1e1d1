//! Settings of social sign-in: which providers are configured, with what credentials, and
//! where their endpoints are (every URL can be overridden, so tests point them at 127.0.0.1).

use beep_domain::Secret;
use chrono::Duration;

/// The kinds of provider beep-iam knows how to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Google, through OpenID Connect.
    Google,
    /// Microsoft Entra ID, through OpenID Connect (v2.0 endpoints of a tenant).
    Microsoft,
    /// LinkedIn, through OpenID Connect ("Sign In with LinkedIn using OpenID Connect").
    LinkedIn,
    /// GitHub: OAuth 2.0, profile from its REST API, the address from `/user/emails`.
    GitHub,
    /// Discord: OAuth 2.0, profile from `/users/@me`.
    Discord,
    /// Twitter / X: OAuth 2.0 with PKCE, profile from `/2/users/me`.
    Twitter,
    /// Any other OpenID Connect provider, found by its issuer's discovery document
    /// (better-auth's generic-oauth).
    OpenIdConnect,
}

impl ProviderKind {
    /// The kind a configured provider name stands for (`None`: a generic OIDC provider).
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "google" => Self::Google,
            "microsoft" => Self::Microsoft,
            "linkedin" => Self::LinkedIn,
            "github" => Self::GitHub,
            "discord" => Self::Discord,
            "twitter" => Self::Twitter,
            _ => return None,
        })
    }

    /// Whether the provider signs ID tokens that carry the user's identity.
    pub fn is_openid(self) -> bool {
        matches!(
            self,
            Self::Google | Self::Microsoft | Self::LinkedIn | Self::OpenIdConnect
        )
    }

    /// The scopes asked for when the configuration names none (better-auth's defaults).
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Google | Self::LinkedIn | Self::OpenIdConnect => &["openid", "profile", "email"],
            Self::Microsoft => &["openid", "profile", "email", "User.Read", "offline_access"],
            Self::GitHub => &["read:user", "user:email"],
            Self::Discord => &["identify", "email"],
            Self::Twitter => &["users.read", "tweet.read", "offline.access", "users.email"],
        }
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAuth {
    /// HTTP Basic with the URL-encoded id and secret (RFC 6749 §2.3.1).
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Post,
}

/// Endpoints set by hand; anything left `None` comes from the provider's defaults or, for
/// OpenID Connect providers, from discovery.
#[derive(Debug, Clone, Default)]
pub struct EndpointOverrides {
    /// The authorization endpoint.
    pub authorization: Option<String>,
    /// The token endpoint.
    pub token: Option<String>,
    /// The user-info (profile) endpoint.
    pub userinfo: Option<String>,
    /// GitHub's `/user/emails`.
    pub emails: Option<String>,
    /// The JWKS of an OpenID Connect provider.
    pub jwks: Option<String>,
}

/// One configured provider.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// The id clients name it by (`google`, or a generic provider's name) and the
    /// `providerId` of its accounts.
    pub id: String,
    /// What it is.
    pub kind: ProviderKind,
    /// The OAuth client id.
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: Secret<String>,
    /// Scopes asked for on every sign-in; empty: the kind's defaults.
    pub scopes: Vec<String>,
    /// The OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`).
    /// Defaults per kind; required for a generic provider.
    pub issuer: Option<String>,
    /// Microsoft's tenant (`common`, `organizations`, `consumers` or a tenant id).
    pub tenant_id: Option<String>,
    /// Endpoints set by hand.
    pub endpoints: EndpointOverrides,
    /// Token endpoint authentication; `None`: the kind's usual one.
    pub token_auth: Option<TokenAuth>,
    /// A sign-in whose address matches an existing user links to that user only when the
    /// provider says the address is verified and this is `true`.
    pub trust_email_verified: bool,
    /// New users may be created through this provider.
    pub sign_up_enabled: bool,
}

impl ProviderSettings {
    /// A provider of `kind` named `id` with these credentials and the defaults.
    pub fn new(id: &str, kind: ProviderKind, client_id: &str, client_secret: &str) -> Self {
        Self {
            id: id.to_owned(),
            kind,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(client_secret.to_owned()),
            scopes: Vec::new(),
            issuer: None,
            tenant_id: None,
            endpoints: EndpointOverrides::default(),
            token_auth: None,
            trust_email_verified: true,
            sign_up_enabled: true,
        }
    }

    /// The issuer to discover, by kind when not configured.
    pub fn effective_issuer(&self) -> Option<String> {
        if let Some(issuer) = &self.issuer {
            return Some(issuer.trim_end_matches('/').to_owned());
        }
        match self.kind {
            ProviderKind::Google => Some("https://accounts.google.com".to_owned()),
            ProviderKind::Microsoft => Some(format!(
                "https://login.microsoftonline.com/{}/v2.0",
                self.tenant_id.as_deref().unwrap_or("common")
            )),
            ProviderKind::LinkedIn => Some("https://www.linkedin.com/oauth".to_owned()),
            _ => None,
        }
    }

    /// The scopes of a sign-in: the configured ones (or the defaults) plus `extra`.
    pub fn scopes_with(&self, extra: &[String]) -> Vec<String> {
        let mut scopes: Vec<String> = if self.scopes.is_empty() {
            self.kind
                .default_scopes()
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        } else {
            self.scopes.clone()
        };
        for scope in extra {
            if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
        scopes
    }
}

/// Social sign-in as a whole.
#[derive(Debug, Clone)]
pub struct SocialConfig {
    /// The configured providers.
    pub providers: Vec<ProviderSettings>,
    /// How long a started sign-in can be finished (better-auth: 10 minutes).
    pub state_lifetime: Duration,
    /// Where the provider sends the browser back: `<base URL>/api/auth`, plus
    /// `/callback/<provider>`.
    pub callback_base: String,
    /// How long one call to a provider may take.
    pub provider_timeout: std::time::Duration,
}

impl Default for SocialConfig {
    fn default() -> Self {
        Self {
            providers: Vec::new(),
            state_lifetime: Duration::minutes(10),
            callback_base: "http://localhost:3000/api/auth".to_owned(),
            provider_timeout: std::time::Duration::from_secs(10),
        }
    }
}
