//! The harness of the HTTP tests: a real server on an ephemeral port over a fresh database,
//! with a clock the test can move, and helpers that hide the HTTP plumbing.

#![allow(dead_code)]

pub mod mail;
pub mod org;
pub mod soft_authenticator;
pub mod two_factor;

use base64::Engine as _;
use beep_core::mail::{OutboxSettings, OutboxWorker};
use beep_core::session_cache::{LocalSessionCache, SessionCache};
use beep_core::{Auth, AuthConfig, EmailConfig, HashingConfig, ManualClock, OrganizationConfig};
use beep_domain::Secret;
use beep_email::{Transport, TransportConfig};
use beep_http::{AppState, HttpSettings, TrustedOrigins};
use beep_store::Backend;
use beep_store::testing::{TestDb, count_rows};
use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use tokio::sync::oneshot;

/// The secret the test servers sign with.
pub const SECRET: &str = "http-test-secret-0123456789abcdef0123456789";
/// A password that passes every rule.
pub const PASSWORD: &str = "Correct-Horse-Battery-Staple";

/// How a test server is set up.
#[derive(Clone)]
pub struct Options {
    pub rate_limit: bool,
    pub cookie_cache: bool,
    pub delete_user: bool,
    pub trusted_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public base URL, when it is not the server's own `http://127.0.0.1:port`.
    pub base_url: Option<String>,
    /// Deliver the outbox to this SMTP server (no delivery when `None`).
    pub smtp_url: Option<String>,
    /// Unverified users may not sign in.
    pub require_verification: bool,
    /// Following a verification link signs the user in.
    pub auto_sign_in_after_verification: bool,
    /// The anti-enumeration answer floor (short by default, so tests run fast).
    pub enumeration_floor: std::time::Duration,
    /// Organization limits and invitation links.
    pub organization: OrganizationConfig,
    /// Social sign-in providers (their callbacks point at this server).
    pub social_providers: Vec<beep_core::social::ProviderSettings>,
    /// Every user must turn two-factor on (`TWO_FACTOR_REQUIRED`).
    pub two_factor_required: bool,
    /// Passkeys must verify the user (`PASSKEY_REQUIRE_USER_VERIFICATION`).
    pub passkey_requires_user_verification: bool,
    /// What JWT keys sign with (`JWT_ALGORITHM`).
    pub jwt_algorithm: beep_core::jwt::JwtAlgorithm,
    /// get-session answers `set-auth-jwt` (`JWT_SESSION_HEADER`).
    pub jwt_session_header: bool,
    /// API keys (`API_KEY_*`).
    pub api_key: beep_core::api_keys::ApiKeyConfig,
    /// The admin API (`ADMIN_*`).
    pub admin: beep_core::admin::AdminConfig,
    /// Scopes of the OAuth provider beyond the standard four (`OIDC_PROVIDER_SCOPES`).
    pub oauth_scopes: Vec<String>,
    /// RFC 7591 registration: off, for signed-in users, or for anyone.
    pub oauth_registration: (bool, bool),
    /// Seconds a device must wait between polls (0: never `slow_down`, for real clients
    /// polling against the test's clock, which stands still).
    pub device_interval_secs: i64,
}

impl Options {
    /// The defaults with the `session_data` cookie cache off.
    pub fn without_cookie_cache() -> Self {
        Self {
            cookie_cache: false,
            ..Self::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rate_limit: false,
            cookie_cache: true,
            delete_user: true,
            trusted_origins: vec!["https://app.example.com".into()],
            max_body_bytes: 64 * 1024,
            trusted_proxies: Vec::new(),
            base_url: None,
            smtp_url: None,
            require_verification: false,
            auto_sign_in_after_verification: false,
            enumeration_floor: std::time::Duration::from_millis(20),
            organization: OrganizationConfig::default(),
            social_providers: Vec::new(),
            two_factor_required: false,
            passkey_requires_user_verification: false,
            jwt_algorithm: beep_core::jwt::JwtAlgorithm::EdDsa,
            jwt_session_header: true,
            api_key: beep_core::api_keys::ApiKeyConfig::default(),
            admin: beep_core::admin::AdminConfig::default(),
            oauth_scopes: Vec::new(),
            oauth_registration: (false, false),
            device_interval_secs: 0,
        }
    }
}

impl Options {
    /// The defaults, delivering mail to `sink`.
    pub fn mailing_to(sink: &beep_email::testing::SmtpSink) -> Self {
        Self {
            smtp_url: Some(sink.url()),
            ..Self::default()
        }
    }
}

/// A running server.
pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    pub clock: Arc<ManualClock>,
    pub auth: Auth,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestServer {
    /// A server with the default options on `backend`.
    pub async fn start(backend: Backend) -> Self {
        Self::with(backend, Options::default()).await
    }

    /// A server with these options on `backend`.
    pub async fn with(backend: Backend, options: Options) -> Self {
        let db = TestDb::new(backend).await;
        let clock = Arc::new(ManualClock::starting_now());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let public = options.base_url.clone().unwrap_or_else(|| base.clone());
        let config = AuthConfig {
            hashing: HashingConfig::minimal(),
            delete_user_enabled: options.delete_user,
            email: EmailConfig {
                links_base: format!("{public}/api/auth"),
                require_verification: options.require_verification,
                auto_sign_in_after_verification: options.auto_sign_in_after_verification,
                enumeration_floor: options.enumeration_floor,
                ..EmailConfig::default()
            },
            organization: OrganizationConfig {
                invitation_url: format!("{public}/accept-invitation/{{id}}"),
                ..options.organization.clone()
            },
            social: beep_core::SocialConfig {
                providers: options.social_providers.clone(),
                callback_base: format!("{public}/api/auth"),
                ..beep_core::SocialConfig::default()
            },
            two_factor: beep_core::two_factor::TwoFactorConfig {
                required: options.two_factor_required,
                ..beep_core::two_factor::TwoFactorConfig::default()
            },
            // Browsers refuse an IP address as the relying party id: passkeys are bound to
            // `localhost` on the same port, as `PASSKEY_RP_ID`/`PASSKEY_ORIGINS` would set.
            passkey: beep_core::passkeys::PasskeyConfig {
                require_user_verification: options.passkey_requires_user_verification,
                ..beep_core::passkeys::PasskeyConfig::for_base_url(
                    &passkey_origin(&public),
                    &options.trusted_origins,
                )
            },
            jwt: beep_core::jwt::JwtConfig {
                algorithm: options.jwt_algorithm,
                session_header: options.jwt_session_header,
                ..beep_core::jwt::JwtConfig::for_base_url(&public)
            },
            api_key: options.api_key.clone(),
            admin: options.admin.clone(),
            oauth_provider: beep_core::oauth_provider::OAuthProviderConfig {
                dynamic_registration: options.oauth_registration.0,
                unauthenticated_registration: options.oauth_registration.1,
                device_interval: chrono::Duration::seconds(options.device_interval_secs),
                ..beep_core::oauth_provider::OAuthProviderConfig::for_base_url(&public)
                    .with_scopes(options.oauth_scopes.clone())
            },
            secret: Secret::new(SECRET.to_owned()),
            ..AuthConfig::default()
        };
        // As `serve` does: on SQLite (one node) get-session reads through an in-process cache.
        let cache = match backend {
            Backend::Sqlite => SessionCache::Local(LocalSessionCache::new(
                std::time::Duration::from_secs(60),
                1000,
            )),
            Backend::Postgres => SessionCache::Off,
        };
        let auth =
            Auth::with_session_cache(db.store.clone(), clock.clone(), config, cache).unwrap();
        let mut settings = HttpSettings::new(&public, Secret::new(SECRET.to_owned()));
        settings.trusted_origins = TrustedOrigins::new(&public, &options.trusted_origins);
        settings.trusted_proxies = options.trusted_proxies.clone();
        settings.rate_limit_enabled = options.rate_limit;
        settings.max_body_bytes = options.max_body_bytes;
        settings.header_read_timeout = std::time::Duration::from_secs(1);
        if !options.cookie_cache {
            settings.cookies.cache_max_age = None;
        }
        let state = AppState::new(auth.clone(), settings);
        let (stop, stopped) = oneshot::channel::<()>();
        let (stop_mail, mail_stopped) = oneshot::channel::<()>();
        tokio::spawn(beep_http::serve(
            listener,
            state,
            Box::pin(async move {
                let _ = stopped.await;
                let _ = stop_mail.send(());
            }),
        ));
        if let Some(url) = &options.smtp_url {
            let transport = Transport::new(TransportConfig::Smtp {
                url: url.clone(),
                timeout: std::time::Duration::from_secs(5),
            })
            .unwrap();
            let settings = OutboxSettings {
                poll_interval: std::time::Duration::from_millis(50),
                retry_base: std::time::Duration::from_millis(50),
                ..OutboxSettings::default()
            };
            let worker = OutboxWorker::new(auth.clone(), transport, settings);
            tokio::spawn(worker.run(async move {
                let _ = mail_stopped.await;
            }));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base,
            http,
            db,
            clock,
            auth,
            stop: Some(stop),
        }
    }

    /// Full URL of an auth path such as `/sign-in/email`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/auth{path}", self.base)
    }

    /// A POST with a JSON body, sent from the trusted origin.
    pub async fn post(&self, path: &str, body: Value, session: Option<&Session>) -> Reply {
        let mut request = self
            .http
            .post(self.url(path))
            .header("origin", &self.base)
            .json(&body);
        if let Some(session) = session {
            request = request.header("cookie", session.cookie_header());
        }
        Reply::from(request.send().await.unwrap()).await
    }

    /// A GET, with the session's cookies if given.
    pub async fn get(&self, path: &str, session: Option<&Session>) -> Reply {
        let mut request = self.http.get(self.url(path));
        if let Some(session) = session {
            request = request.header("cookie", session.cookie_header());
        }
        Reply::from(request.send().await.unwrap()).await
    }

    /// A GET with a raw `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Reply {
        self.send(self.http.get(self.url(path)).header("cookie", cookie))
            .await
    }

    /// Any request, built by the test.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        Reply::from(request.send().await.unwrap()).await
    }

    /// Signs up a user with `email` and the standard password, returning their session.
    pub async fn sign_up(&self, email: &str) -> Session {
        let reply = self
            .post(
                "/sign-up/email",
                json!({ "name": "Test User", "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "sign-up failed: {}", reply.text);
        Session::from_reply(&reply)
    }

    /// Signs in with the standard password, returning the new session.
    pub async fn sign_in(&self, email: &str) -> Session {
        let reply = self
            .post(
                "/sign-in/email",
                json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "sign-in failed: {}", reply.text);
        Session::from_reply(&reply)
    }

    /// Rows in a table.
    pub async fn rows(&self, table: &str) -> i64 {
        count_rows(self.db.store.conn(), table).await
    }
}

/// A signed-in client: the cookies the server set.
#[derive(Debug, Clone)]
pub struct Session {
    /// `better-auth.session_token` value as sent by the server (URL-encoded).
    pub token_cookie: String,
    /// `better-auth.session_data`, if the server set one.
    pub data_cookie: Option<String>,
    /// The `set-auth-token` header (`token.signature`).
    pub bearer: String,
    /// The JSON `token` (the public handle).
    pub handle: String,
    /// The user id.
    pub user_id: String,
}

impl Session {
    pub fn from_reply(reply: &Reply) -> Self {
        Self {
            token_cookie: reply
                .cookie_value("better-auth.session_token")
                .expect("session cookie"),
            data_cookie: reply.cookie_value("better-auth.session_data"),
            bearer: reply
                .header("set-auth-token")
                .expect("set-auth-token header"),
            handle: reply.json["token"].as_str().unwrap_or_default().to_owned(),
            user_id: reply.json["user"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// The `Cookie` header for this session.
    pub fn cookie_header(&self) -> String {
        match &self.data_cookie {
            Some(data) if !data.is_empty() => {
                format!(
                    "better-auth.session_token={}; better-auth.session_data={data}",
                    self.token_cookie
                )
            }
            _ => format!("better-auth.session_token={}", self.token_cookie),
        }
    }

    /// The cookies this client holds after `reply`: what it set replaces what was there, and
    /// a cookie it expired is gone.
    pub fn after(&self, reply: &Reply) -> Self {
        let mut next = self.clone();
        if let Some(token) = reply.cookie_value("better-auth.session_token") {
            next.token_cookie = token;
        }
        if let Some(data) = reply.cookie_value("better-auth.session_data") {
            next.data_cookie = (!data.is_empty()).then_some(data);
        }
        if let Some(bearer) = reply.header("set-auth-token") {
            next.bearer = bearer;
        }
        next
    }

    /// The same session without its cookie cache.
    pub fn without_cache(&self) -> Self {
        Self {
            data_cookie: None,
            ..self.clone()
        }
    }

    /// The secret token inside the signed cookie.
    pub fn secret_token(&self) -> String {
        self.bearer.split('.').next().unwrap().to_owned()
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The `Set-Cookie` line for a cookie name.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The value a `Set-Cookie` gives a cookie.
    pub fn cookie_value(&self, name: &str) -> Option<String> {
        let line = self.set_cookie(name)?;
        let first = line.split(';').next()?;
        Some(first.split_once('=')?.1.to_owned())
    }

    /// `{message, code}` as a pair.
    pub fn error(&self) -> (u16, String) {
        (
            self.status,
            self.json["code"].as_str().unwrap_or_default().to_owned(),
        )
    }
}

/// The origin passkeys are used from on a server at `base`: the same, with `localhost` for
/// the loopback address.
pub fn passkey_origin(base: &str) -> String {
    base.replace("://127.0.0.1", "://localhost")
}

/// better-auth's cookie signature, computed independently of the server's code.
pub fn expected_signature(token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Runs a test body on both databases.
#[macro_export]
macro_rules! on_both {
    ($($name:ident => $body:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body(beep_store::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body(beep_store::Backend::Postgres).await;
                }
            }
        )+
    };
}
