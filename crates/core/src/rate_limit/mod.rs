//! better-auth's rate limiter: per client address and path, a window and a maximum, with
//! stricter rules on the endpoints that guess passwords or send mail.
//!
//! One node counts in memory ([`RateLimiter`]); several nodes share counters in Redis
//! ([`SharedRateLimiter`]), falling back as configured when Redis is unreachable.

mod memory;
mod shared;

pub use memory::RateLimiter;
pub use shared::{SharedRateLimiter, WhenRedisFails};

use crate::shared_redis::SharedRedis;
use std::net::IpAddr;

/// A window and the number of requests allowed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Window length in milliseconds.
    pub window_ms: u64,
    /// Requests allowed per window.
    pub max: u32,
}

impl Rule {
    /// `max` requests per `window_secs` seconds.
    pub const fn per_seconds(max: u32, window_secs: u64) -> Self {
        Self {
            window_ms: window_secs * 1000,
            max,
        }
    }
}

/// The rules: a default and better-auth's special paths.
#[derive(Debug, Clone)]
pub struct RateLimitRules {
    /// For every path without a special rule (better-auth: 100 per 10 s).
    pub default: Rule,
    /// Sign-in, sign-up, change-password, change-email (better-auth: 3 per 10 s).
    pub credentials: Rule,
    /// Mail-sending endpoints (better-auth: 3 per 60 s).
    pub email: Rule,
    /// The OAuth token endpoint, where client secrets are guessed (better-auth's
    /// oauth-provider: 20 per 60 s).
    pub oauth_token: Rule,
}

impl Default for RateLimitRules {
    fn default() -> Self {
        Self {
            default: Rule::per_seconds(100, 10),
            credentials: Rule::per_seconds(3, 10),
            email: Rule::per_seconds(3, 60),
            oauth_token: Rule::per_seconds(20, 60),
        }
    }
}

impl RateLimitRules {
    /// The rule for a path below the base path (for example `/sign-in/email`).
    pub fn rule_for(&self, path: &str) -> Rule {
        const CREDENTIAL_PREFIXES: [&str; 4] =
            ["/sign-in", "/sign-up", "/change-password", "/change-email"];
        const EMAIL_PATHS: [&str; 3] = [
            "/request-password-reset",
            "/send-verification-email",
            "/two-factor/send-otp",
        ];
        if EMAIL_PATHS.contains(&path) || path.starts_with("/forget-password") {
            self.email
        } else if path == "/oauth2/token" || path == "/device/token" {
            self.oauth_token
        } else if CREDENTIAL_PREFIXES.iter().any(|p| path.starts_with(p))
            || path.starts_with("/two-factor/")
            || path == "/passkey/verify-authentication"
            || path == "/oauth2/login-page"
            || path == "/oauth2/device-page"
            || path.starts_with("/device")
        {
            self.credentials
        } else {
            self.default
        }
    }
}

/// Whether a request may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allowed,
    /// Refused; the client may retry after this many seconds.
    Limited {
        /// Seconds until the window ends (rounded up).
        retry_after_secs: u64,
    },
    /// The shared counters are unreachable and the server is configured to fail closed.
    Unavailable,
}

/// The limiter a server uses: per node, or shared through Redis.
#[derive(Debug)]
pub enum RateLimit {
    /// Counters in this node's memory.
    PerNode(RateLimiter),
    /// Counters in Redis, shared by every node.
    Shared(SharedRateLimiter),
}

impl RateLimit {
    /// A per-node limiter holding at most `max_buckets` live buckets.
    pub fn per_node(rules: RateLimitRules, max_buckets: usize) -> Self {
        Self::PerNode(RateLimiter::new(rules, max_buckets))
    }

    /// A limiter whose counters live in Redis; `when_fails` says what happens while Redis is
    /// unreachable (the fallback map holds at most `max_buckets`).
    pub fn shared(
        rules: RateLimitRules,
        max_buckets: usize,
        redis: SharedRedis,
        when_fails: WhenRedisFails,
    ) -> Self {
        Self::Shared(SharedRateLimiter::new(
            rules,
            max_buckets,
            redis,
            when_fails,
        ))
    }

    /// Counts a request from `client` to `path` (at `now_ms` on this node's clock) and
    /// decides on it.
    pub async fn check(&self, client: &ClientKey, path: &str, now_ms: u64) -> Decision {
        match self {
            Self::PerNode(limiter) => limiter.check(client, path, now_ms),
            Self::Shared(limiter) => limiter.check(client, path, now_ms).await,
        }
    }
}

/// The canonical identity of a client address for rate limiting: IPv4-mapped IPv6 becomes
/// IPv4, and IPv6 is grouped by /64 (one subscriber's prefix), so spelling an address
/// differently or rotating inside a prefix lands in the same bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(String);

impl ClientKey {
    /// The key of an address.
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(v4.to_string()),
                None => {
                    let s = v6.segments();
                    Self(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
                }
            },
        }
    }

    /// One shared key for requests whose address is unknown.
    pub fn unknown() -> Self {
        Self("unknown".to_owned())
    }

    /// The bucket of this client on one path.
    pub(crate) fn bucket_key(&self, path: &str) -> String {
        format!("{}|{path}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> ClientKey {
        ClientKey::from_ip(text.parse().unwrap())
    }

    #[test]
    fn ipv6_spellings_and_one_prefix_share_a_bucket() {
        assert_eq!(ip("2001:db8::1"), ip("2001:DB8:0:0::1"));
        assert_eq!(ip("2001:db8::1"), ip("2001:db8::ffff:1"));
        assert_eq!(ip("::ffff:203.0.113.5"), ip("203.0.113.5"));
        assert_ne!(ip("2001:db8:0:1::1"), ip("2001:db8::1"));
    }

    #[test]
    fn the_oauth_token_endpoint_allows_twenty_a_minute() {
        let rules = RateLimitRules::default();
        assert_eq!(rules.rule_for("/oauth2/token"), Rule::per_seconds(20, 60));
        assert_eq!(rules.rule_for("/oauth2/introspect"), rules.default);
    }

    #[test]
    fn mail_endpoints_allow_three_a_minute() {
        let rules = RateLimitRules::default();
        assert_eq!(
            rules.rule_for("/request-password-reset"),
            Rule::per_seconds(3, 60)
        );
        assert_eq!(rules.rule_for("/sign-up/email"), Rule::per_seconds(3, 10));
        assert_eq!(
            rules.rule_for("/two-factor/verify-totp"),
            Rule::per_seconds(3, 10)
        );
        assert_eq!(
            rules.rule_for("/two-factor/send-otp"),
            Rule::per_seconds(3, 60)
        );
        assert_eq!(rules.rule_for("/get-session"), Rule::per_seconds(100, 10));
    }
}
