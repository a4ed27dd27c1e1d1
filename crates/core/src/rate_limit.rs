//! better-auth's rate limiter: per client address and path, a window and a maximum, with
//! stricter rules on the endpoints that guess passwords or send mail.
//!
//! The algorithm is better-auth's: keep `{count, last}`; a request after the window starts
//! a new count; inside it, one over the maximum is refused until `last + window`. The map is
//! bounded: expired buckets are swept when it grows past its limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

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
}

impl Default for RateLimitRules {
    fn default() -> Self {
        Self {
            default: Rule::per_seconds(100, 10),
            credentials: Rule::per_seconds(3, 10),
            email: Rule::per_seconds(3, 60),
        }
    }
}

impl RateLimitRules {
    /// The rule for a path below the base path (for example `/sign-in/email`).
    pub fn rule_for(&self, path: &str) -> Rule {
        const CREDENTIAL_PREFIXES: [&str; 4] =
            ["/sign-in", "/sign-up", "/change-password", "/change-email"];
        const EMAIL_PATHS: [&str; 2] = ["/request-password-reset", "/send-verification-email"];
        if CREDENTIAL_PREFIXES.iter().any(|p| path.starts_with(p))
            || path.starts_with("/two-factor/")
        {
            self.credentials
        } else if EMAIL_PATHS.contains(&path) || path.starts_with("/forget-password") {
            self.email
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
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    count: u32,
    last_ms: u64,
    window_ms: u64,
    max: u32,
}

/// An in-memory limiter for one node.
#[derive(Debug)]
pub struct RateLimiter {
    rules: RateLimitRules,
    buckets: Mutex<HashMap<String, Bucket>>,
    max_buckets: usize,
}

impl RateLimiter {
    /// A limiter with these rules, holding at most `max_buckets` live buckets.
    pub fn new(rules: RateLimitRules, max_buckets: usize) -> Self {
        Self {
            rules,
            buckets: Mutex::new(HashMap::new()),
            max_buckets,
        }
    }

    /// Counts a request from `client` to `path` at `now_ms` and decides on it.
    pub fn check(&self, client: &ClientKey, path: &str, now_ms: u64) -> Decision {
        let rule = self.rules.rule_for(path);
        let key = format!("{}|{path}", client.0);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= self.max_buckets && !buckets.contains_key(&key) {
            buckets.retain(|_, b| now_ms.saturating_sub(b.last_ms) < b.window_ms);
            if buckets.len() >= self.max_buckets {
                // Still full of live buckets: forget the oldest half of those not refusing
                // anyone, rather than grow; a client being limited stays limited.
                let mut ages: Vec<u64> = buckets.values().map(|b| b.last_ms).collect();
                ages.sort_unstable();
                let cutoff = ages[ages.len() / 2];
                buckets.retain(|_, b| b.last_ms > cutoff || b.count >= b.max);
            }
        }
        let fresh = Bucket {
            count: 1,
            last_ms: now_ms,
            window_ms: rule.window_ms,
            max: rule.max,
        };
        let bucket = buckets.entry(key).or_insert(Bucket { count: 0, ..fresh });
        if bucket.count == 0 || now_ms.saturating_sub(bucket.last_ms) >= rule.window_ms {
            *bucket = fresh;
            return Decision::Allowed;
        }
        if bucket.count >= rule.max {
            let remaining = (bucket.last_ms + rule.window_ms).saturating_sub(now_ms);
            return Decision::Limited {
                retry_after_secs: remaining.div_ceil(1000).max(1),
            };
        }
        bucket.count += 1;
        bucket.last_ms = now_ms;
        Decision::Allowed
    }

    /// Live buckets (for tests and metrics).
    pub fn len(&self) -> usize {
        self.buckets.lock().map(|b| b.len()).unwrap_or(0)
    }

    /// Whether no bucket is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> ClientKey {
        ClientKey::from_ip(text.parse().unwrap())
    }

    #[test]
    fn the_fourth_sign_in_within_ten_seconds_is_refused() {
        let limiter = RateLimiter::new(RateLimitRules::default(), 1000);
        let client = ip("203.0.113.5");
        for t in [0, 1000, 2000] {
            assert_eq!(
                limiter.check(&client, "/sign-in/email", t),
                Decision::Allowed
            );
        }
        assert_eq!(
            limiter.check(&client, "/sign-in/email", 2500),
            Decision::Limited {
                retry_after_secs: 10
            }
        );
        assert_eq!(
            limiter.check(&client, "/sign-in/email", 12_000),
            Decision::Allowed
        );
    }

    #[test]
    fn paths_and_clients_have_separate_buckets() {
        let limiter = RateLimiter::new(RateLimitRules::default(), 1000);
        for _ in 0..3 {
            limiter.check(&ip("203.0.113.5"), "/sign-in/email", 0);
        }
        assert_eq!(
            limiter.check(&ip("203.0.113.6"), "/sign-in/email", 0),
            Decision::Allowed
        );
        assert_eq!(
            limiter.check(&ip("203.0.113.5"), "/get-session", 0),
            Decision::Allowed
        );
    }

    #[test]
    fn ipv6_spellings_and_one_prefix_share_a_bucket() {
        assert_eq!(ip("2001:db8::1"), ip("2001:DB8:0:0::1"));
        assert_eq!(ip("2001:db8::1"), ip("2001:db8::ffff:1"));
        assert_eq!(ip("::ffff:203.0.113.5"), ip("203.0.113.5"));
        assert_ne!(ip("2001:db8:0:1::1"), ip("2001:db8::1"));
    }

    #[test]
    fn the_map_stays_bounded_under_a_flood_of_addresses() {
        let limiter = RateLimiter::new(RateLimitRules::default(), 1000);
        for i in 0..20_000u32 {
            let addr = IpAddr::from(i.to_be_bytes());
            limiter.check(&ClientKey::from_ip(addr), "/ok", u64::from(i));
        }
        assert!(limiter.len() <= 1000);
    }

    #[test]
    fn mail_endpoints_allow_three_a_minute() {
        let rules = RateLimitRules::default();
        assert_eq!(
            rules.rule_for("/request-password-reset"),
            Rule::per_seconds(3, 60)
        );
        assert_eq!(rules.rule_for("/sign-up/email"), Rule::per_seconds(3, 10));
        assert_eq!(rules.rule_for("/get-session"), Rule::per_seconds(100, 10));
    }
}
