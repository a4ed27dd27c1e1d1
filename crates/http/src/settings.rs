//! Settings of the HTTP edge.

use crate::origin::TrustedOrigins;
use beep_domain::Secret;
use std::net::IpAddr;
use std::time::Duration;

/// How cookies are named and flagged.
#[derive(Debug, Clone)]
pub struct CookieSettings {
    /// Prefix of every cookie name (better-auth: `better-auth`).
    pub prefix: String,
    /// `Secure` flag and `__Secure-` name prefix (on when the base URL is https).
    pub secure: bool,
    /// Lifetime of the `session_data` cookie cache; `None` turns the cache off.
    pub cache_max_age: Option<Duration>,
}

/// Everything the edge needs besides the core.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The server's public origin, for example `http://127.0.0.1:3000` (no trailing slash).
    pub base_url: String,
    /// The secret that signs cookies.
    pub secret: Secret<String>,
    /// Cookie naming and flags.
    pub cookies: CookieSettings,
    /// Origins allowed to send cookie-bearing requests and to be redirect targets.
    pub trusted_origins: TrustedOrigins,
    /// Whether the rate limiter runs.
    pub rate_limit_enabled: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// How long a client may take to send its request headers before the connection closes.
    pub header_read_timeout: Duration,
}

impl HttpSettings {
    /// Settings for a server at `base_url` with this secret and the defaults: cookie cache
    /// on for 5 minutes, rate limiting on, 64 KiB bodies.
    pub fn new(base_url: &str, secret: Secret<String>) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let secure = base_url.starts_with("https://");
        Self {
            trusted_origins: TrustedOrigins::new(&base_url, &[]),
            base_url,
            secret,
            cookies: CookieSettings {
                prefix: "better-auth".to_owned(),
                secure,
                cache_max_age: Some(Duration::from_secs(300)),
            },
            rate_limit_enabled: true,
            trusted_proxies: Vec::new(),
            max_body_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}
