//! A configured provider at run time: its endpoints (defaults, discovery, overrides) and, for
//! OpenID Connect providers, its signing keys, fetched once and again when a token names a
//! key not seen before.

use super::client::{ProviderCallError, ProviderClient};
use super::config::{ProviderKind, ProviderSettings, TokenAuth};
use super::id_token::Jwks;
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::sync::{OnceCell, RwLock};

/// A provider's keys are fetched again at most this often (an unknown `kid` cannot make
/// the server hammer the provider).
const JWKS_REFETCH_AFTER: Duration = Duration::from_secs(60);

/// Where a provider's endpoints are.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// The issuer ID tokens must name (OpenID Connect only). Microsoft's multi-tenant
    /// issuer holds `{tenantid}`, filled from the token's `tid`.
    pub issuer: Option<String>,
    /// The authorization endpoint.
    pub authorization: String,
    /// The token endpoint.
    pub token: String,
    /// The user-info endpoint.
    pub userinfo: Option<String>,
    /// GitHub's list of addresses.
    pub emails: Option<String>,
    /// The keys ID tokens are signed with.
    pub jwks: Option<String>,
}

/// A provider, ready to use.
#[derive(Debug)]
pub struct Provider {
    /// What was configured.
    pub settings: ProviderSettings,
    endpoints: OnceCell<Endpoints>,
    keys: RwLock<Option<(Jwks, Instant)>>,
}

impl Provider {
    /// A provider from its settings; nothing is fetched until first use.
    pub fn new(settings: ProviderSettings) -> Self {
        Self {
            settings,
            endpoints: OnceCell::new(),
            keys: RwLock::new(None),
        }
    }

    /// The id clients name it by.
    pub fn id(&self) -> &str {
        &self.settings.id
    }

    /// How the client authenticates at the token endpoint.
    pub fn token_auth(&self) -> TokenAuth {
        self.settings
            .token_auth
            .unwrap_or(match self.settings.kind {
                ProviderKind::GitHub => TokenAuth::Post,
                _ => TokenAuth::Basic,
            })
    }

    /// The endpoints, discovering them on first use for OpenID Connect providers. A failed
    /// discovery is tried again on the next call.
    pub async fn endpoints(
        &self,
        client: &ProviderClient,
    ) -> Result<&Endpoints, ProviderCallError> {
        self.endpoints
            .get_or_try_init(|| self.resolve_endpoints(client))
            .await
    }

    async fn resolve_endpoints(
        &self,
        client: &ProviderClient,
    ) -> Result<Endpoints, ProviderCallError> {
        let settings = &self.settings;
        let o = &settings.endpoints;
        let mut endpoints = match settings.kind {
            kind if kind.is_openid() => self.discover(client).await?,
            ProviderKind::GitHub => Endpoints {
                authorization: "https://github.com/login/oauth/authorize".into(),
                token: "https://github.com/login/oauth/access_token".into(),
                userinfo: Some("https://api.github.com/user".into()),
                emails: Some("https://api.github.com/user/emails".into()),
                ..Endpoints::default()
            },
            ProviderKind::Discord => Endpoints {
                authorization: "https://discord.com/oauth2/authorize".into(),
                token: "https://discord.com/api/oauth2/token".into(),
                userinfo: Some("https://discord.com/api/users/@me".into()),
                ..Endpoints::default()
            },
            _ => Endpoints {
                authorization: "https://x.com/i/oauth2/authorize".into(),
                token: "https://api.x.com/2/oauth2/token".into(),
                userinfo: Some(
                    "https://api.x.com/2/users/me?user.fields=profile_image_url,confirmed_email"
                        .into(),
                ),
                ..Endpoints::default()
            },
        };
        if let Some(url) = &o.authorization {
            endpoints.authorization.clone_from(url);
        }
        if let Some(url) = &o.token {
            endpoints.token.clone_from(url);
        }
        if o.userinfo.is_some() {
            endpoints.userinfo.clone_from(&o.userinfo);
        }
        if o.emails.is_some() {
            endpoints.emails.clone_from(&o.emails);
        }
        if o.jwks.is_some() {
            endpoints.jwks.clone_from(&o.jwks);
        }
        Ok(endpoints)
    }

    /// Reads `<issuer>/.well-known/openid-configuration`; its `issuer` must be the one
    /// configured (OpenID Connect Discovery §4.3), so a document cannot redirect trust.
    async fn discover(&self, client: &ProviderClient) -> Result<Endpoints, ProviderCallError> {
        let issuer = self
            .settings
            .effective_issuer()
            .ok_or(ProviderCallError::BadAnswer("no issuer configured"))?;
        let document = client
            .get_json(&format!("{issuer}/.well-known/openid-configuration"), None)
            .await?;
        let text = |name: &str| document[name].as_str().map(str::to_owned);
        let announced = text("issuer").ok_or(ProviderCallError::BadAnswer("no issuer"))?;
        let multi_tenant = announced.contains("{tenantid}");
        if announced.trim_end_matches('/') != issuer && !multi_tenant {
            return Err(ProviderCallError::BadAnswer("discovery issuer mismatch"));
        }
        Ok(Endpoints {
            issuer: Some(announced),
            authorization: text("authorization_endpoint")
                .ok_or(ProviderCallError::BadAnswer("no authorization_endpoint"))?,
            token: text("token_endpoint")
                .ok_or(ProviderCallError::BadAnswer("no token_endpoint"))?,
            userinfo: text("userinfo_endpoint"),
            emails: None,
            jwks: text("jwks_uri"),
        })
    }

    /// The provider's signing keys holding `kid`: the cached set, or a fresh one when the
    /// cache lacks the key and was fetched over a minute ago.
    pub async fn keys_for(
        &self,
        client: &ProviderClient,
        kid: Option<&str>,
    ) -> Result<Jwks, ProviderCallError> {
        if let Some((keys, fetched)) = self.keys.read().await.as_ref()
            && (keys.has(kid) || fetched.elapsed() < JWKS_REFETCH_AFTER)
        {
            return Ok(keys.clone());
        }
        let mut cached = self.keys.write().await;
        if let Some((keys, fetched)) = cached.as_ref()
            && (keys.has(kid) || fetched.elapsed() < JWKS_REFETCH_AFTER)
        {
            return Ok(keys.clone());
        }
        let url = self
            .endpoints(client)
            .await?
            .jwks
            .clone()
            .ok_or(ProviderCallError::BadAnswer("no jwks_uri"))?;
        let keys: Jwks = serde_json::from_value(client.get_json(&url, None).await?)
            .map_err(|_| ProviderCallError::BadAnswer("JWKS"))?;
        *cached = Some((keys.clone(), Instant::now()));
        Ok(keys)
    }
}

/// A text or boolean claim read as a boolean (`"true"` counts: some providers send text).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true",
        _ => false,
    }
}
