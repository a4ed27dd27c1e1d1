//! Counters shared by every node through Redis: the same algorithm as the per-node limiter,
//! run as one Lua script so concurrent requests on different nodes count exactly once each.
//! Redis's own clock decides windows, so nodes with skewed clocks still agree, and every
//! bucket key is written with its window as expiry: none outlives its window.

use super::{ClientKey, Decision, RateLimitRules, RateLimiter};
use crate::shared_redis::SharedRedis;
use redis::Script;

/// What the limiter does while Redis is unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenRedisFails {
    /// Count in this node's memory instead (each node then allows the limit on its own).
    #[default]
    PerNodeMemory,
    /// Let every request through.
    Open,
    /// Refuse every request (`503`) until Redis is back.
    Closed,
}

impl std::str::FromStr for WhenRedisFails {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "memory" => Ok(Self::PerNodeMemory),
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => Err(format!("{other:?} is not one of memory, open, closed")),
        }
    }
}

/// Returns 0 when allowed, else the milliseconds until the window ends.
const CHECK: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'count', 'last')
local count = tonumber(bucket[1])
local last = tonumber(bucket[2])
if count == nil or last == nil or now - last >= window then
  redis.call('HSET', KEYS[1], 'count', 1, 'last', now)
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
if count >= max then
  local left = last + window - now
  if left < 1 then left = 1 end
  return left
end
redis.call('HSET', KEYS[1], 'count', count + 1, 'last', now)
redis.call('PEXPIRE', KEYS[1], window)
return 0
";

/// The Redis-backed limiter, with its fallback.
#[derive(Debug)]
pub struct SharedRateLimiter {
    redis: SharedRedis,
    /// `<prefix>rl:`, built once rather than per request.
    key_prefix: String,
    script: Script,
    fallback: RateLimiter,
    when_fails: WhenRedisFails,
}

impl SharedRateLimiter {
    /// A limiter counting in Redis under `redis`'s key prefix.
    pub fn new(
        rules: RateLimitRules,
        max_buckets: usize,
        redis: SharedRedis,
        when_fails: WhenRedisFails,
    ) -> Self {
        Self {
            key_prefix: redis.key("rl:"),
            redis,
            script: Script::new(CHECK),
            fallback: RateLimiter::new(rules, max_buckets),
            when_fails,
        }
    }

    /// Counts a request in Redis; while Redis is unreachable, does what `when_fails` says.
    pub async fn check(&self, client: &ClientKey, path: &str, now_ms: u64) -> Decision {
        let rule = self.fallback.rules().rule_for(path);
        let key = format!("{}{}", self.key_prefix, client.bucket_key(path));
        let outcome: Result<u64, _> = self
            .redis
            .run_script(&self.script, &[&key], (rule.window_ms, rule.max))
            .await;
        match (outcome, self.when_fails) {
            (Ok(0), _) => Decision::Allowed,
            (Ok(left_ms), _) => Decision::Limited {
                retry_after_secs: left_ms.div_ceil(1000).max(1),
            },
            (Err(_), WhenRedisFails::PerNodeMemory) => self.fallback.check(client, path, now_ms),
            (Err(_), WhenRedisFails::Open) => Decision::Allowed,
            (Err(_), WhenRedisFails::Closed) => Decision::Unavailable,
        }
    }
}
