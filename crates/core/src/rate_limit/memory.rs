//! The per-node limiter: better-auth's algorithm over an in-memory map.
//!
//! Keep `{count, last}`; a request after the window starts a new count; inside it, one over
//! the maximum is refused until `last + window`. The map is bounded: expired buckets are
//! swept when it grows past its limit.

use super::{ClientKey, Decision, RateLimitRules};
use std::collections::HashMap;
use std::sync::Mutex;

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
        let key = client.bucket_key(path);
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

    /// The rules it applies.
    pub(crate) fn rules(&self) -> &RateLimitRules {
        &self.rules
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

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
    fn the_map_stays_bounded_under_a_flood_of_addresses() {
        let limiter = RateLimiter::new(RateLimitRules::default(), 1000);
        for i in 0..20_000u32 {
            let addr = IpAddr::from(i.to_be_bytes());
            limiter.check(&ClientKey::from_ip(addr), "/ok", u64::from(i));
        }
        assert!(limiter.len() <= 1000);
    }
}
