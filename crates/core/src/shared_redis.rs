//! The Redis that nodes share for rate-limit counters and the session cache.
//!
//! Redis is a helper, never the source of truth: every call is bounded by a short timeout,
//! and after a failure the node skips Redis for a moment (a breaker) instead of paying the
//! timeout on every request. Callers fall back (per-node memory, the database) and carry on.

use beep_domain::Secret;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{FromRedisValue, Script, ToRedisArgs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]`; may hold a password, so it stays wrapped.
    pub url: Secret<String>,
    /// Prefix of every key this server writes, so several deployments (or tests) can share
    /// one Redis.
    pub key_prefix: String,
    /// The longest a request waits for Redis before falling back.
    pub timeout: Duration,
    /// How long Redis is skipped after a failure.
    pub retry_after: Duration,
}

impl RedisConfig {
    /// Defaults for a URL: prefix `beep-iam:`, 250 ms timeout, 1 s pause after a failure.
    pub fn new(url: Secret<String>) -> Self {
        Self {
            url,
            key_prefix: "beep-iam:".to_owned(),
            timeout: Duration::from_millis(250),
            retry_after: Duration::from_secs(1),
        }
    }
}

/// Redis could not answer; the caller falls back.
#[derive(Debug, thiserror::Error)]
pub enum RedisUnavailable {
    /// A recent call failed, so Redis is skipped for a moment.
    #[error("Redis is paused after a recent failure")]
    Paused,
    /// The call took longer than the timeout.
    #[error("Redis did not answer in time")]
    TimedOut,
    /// Redis answered with an error, or the connection failed.
    #[error("Redis failed: {0}")]
    Failed(String),
}

/// A shared, cheaply cloned connection to Redis with a timeout and a breaker.
#[derive(Clone)]
pub struct SharedRedis {
    inner: Arc<Inner>,
}

struct Inner {
    connection: ConnectionManager,
    key_prefix: String,
    timeout: Duration,
    retry_after_ms: u64,
    started: Instant,
    /// Milliseconds since `started` before which Redis is not tried.
    paused_until_ms: AtomicU64,
    /// Whether the last call failed (to log the change, not every failure).
    down: AtomicBool,
}

impl std::fmt::Debug for SharedRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRedis")
            .field("key_prefix", &self.inner.key_prefix)
            .field("down", &self.inner.down.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SharedRedis {
    /// A handle that connects on first use, so a server starts even while Redis is down.
    /// Fails only on a malformed URL (the error never repeats the URL, which may hold a
    /// password).
    pub fn connect(config: &RedisConfig) -> Result<Self, RedisUnavailable> {
        let client = redis::Client::open(config.url.expose().as_str())
            .map_err(|_| RedisUnavailable::Failed("REDIS_URL is not a valid Redis URL".into()))?;
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.timeout))
            .set_response_timeout(Some(config.timeout))
            .set_number_of_retries(1)
            .set_max_delay(config.retry_after);
        let connection = ConnectionManager::new_lazy_with_config(client, manager_config)
            .map_err(|e| RedisUnavailable::Failed(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                connection,
                key_prefix: config.key_prefix.clone(),
                timeout: config.timeout,
                retry_after_ms: u64::try_from(config.retry_after.as_millis()).unwrap_or(1000),
                started: Instant::now(),
                paused_until_ms: AtomicU64::new(0),
                down: AtomicBool::new(false),
            }),
        })
    }

    /// The full key for a name: the configured prefix, then `name`.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.inner.key_prefix)
    }

    /// Runs a Lua script (atomic in Redis) with these keys and arguments (a tuple gives one
    /// argument per element).
    pub async fn run_script<T: FromRedisValue>(
        &self,
        script: &Script,
        keys: &[&str],
        args: impl ToRedisArgs,
    ) -> Result<T, RedisUnavailable> {
        let mut invocation = script.prepare_invoke();
        invocation.key(keys).arg(args);
        let mut connection = self.inner.connection.clone();
        self.guarded(async move { invocation.invoke_async(&mut connection).await })
            .await
    }

    async fn guarded<T>(
        &self,
        call: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, RedisUnavailable> {
        let inner = &self.inner;
        if self.elapsed_ms() < inner.paused_until_ms.load(Ordering::Relaxed) {
            return Err(RedisUnavailable::Paused);
        }
        let outcome = match tokio::time::timeout(inner.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(RedisUnavailable::Failed(error.to_string())),
            Err(_) => Err(RedisUnavailable::TimedOut),
        };
        match &outcome {
            Ok(_) => {
                if inner.down.swap(false, Ordering::Relaxed) {
                    tracing::info!(
                        "Redis answers again; shared rate limits and session cache resume"
                    );
                }
            }
            Err(error) => {
                inner
                    .paused_until_ms
                    .store(self.elapsed_ms() + inner.retry_after_ms, Ordering::Relaxed);
                if !inner.down.swap(true, Ordering::Relaxed) {
                    tracing::warn!(%error, "Redis unavailable; falling back (rate limits per node, sessions from the database)");
                }
            }
        }
        outcome
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.inner.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}
