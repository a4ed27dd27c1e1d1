//! Settings for running several nodes: Redis for shared rate limits and the session cache.

use crate::config::{Env, parse_into};
use anyhow::{Result, bail};
use beep_core::rate_limit::WhenRedisFails;
use serde::Deserialize;

/// Which session cache sits in front of the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SessionCacheChoice {
    /// In-process: on SQLite alone, on PostgreSQL kept in step with every other node by
    /// the database's change notices.
    #[default]
    Auto,
    /// None: every `get-session` reads the database.
    Off,
    /// The same as `auto`, named.
    Local,
    /// In Redis (needs `REDIS_URL`): one round trip per read, and a revocation is seen by the
    /// next read on every node, with no window at all.
    Shared,
}

/// `REDIS_KEY_PREFIX`, `RATE_LIMIT_WHEN_REDIS_FAILS`, `SESSION_CACHE`, `SESSION_CACHE_TTL`.
#[derive(Debug, Clone)]
pub struct ScaleSettings {
    /// Prefix of every Redis key (default `beep-iam:`).
    pub redis_key_prefix: String,
    /// `memory` (default: count per node), `open` (allow) or `closed` (refuse with 503).
    pub when_redis_fails: WhenRedisFails,
    /// Which session cache to use.
    pub session_cache: SessionCacheChoice,
    /// Seconds a cached session is believed at most.
    pub session_cache_ttl: u64,
}

impl Default for ScaleSettings {
    fn default() -> Self {
        Self {
            redis_key_prefix: "beep-iam:".to_owned(),
            when_redis_fails: WhenRedisFails::PerNodeMemory,
            session_cache: SessionCacheChoice::Auto,
            session_cache_ttl: 60,
        }
    }
}

/// The TOML form (`[scale]`); every key optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleFile {
    redis_key_prefix: Option<String>,
    rate_limit_when_redis_fails: Option<String>,
    session_cache: Option<SessionCacheChoice>,
    session_cache_ttl: Option<u64>,
}

impl ScaleSettings {
    /// Applies the file's values.
    pub fn apply_file(&mut self, f: ScaleFile) -> Result<()> {
        if let Some(prefix) = f.redis_key_prefix {
            self.redis_key_prefix = prefix;
        }
        if let Some(mode) = f.rate_limit_when_redis_fails {
            self.when_redis_fails = parse_failure_mode(&mode)?;
        }
        if let Some(choice) = f.session_cache {
            self.session_cache = choice;
        }
        if let Some(ttl) = f.session_cache_ttl {
            self.session_cache_ttl = ttl;
        }
        Ok(())
    }

    /// Applies the environment's values.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(prefix) = env.get("REDIS_KEY_PREFIX") {
            self.redis_key_prefix = prefix;
        }
        if let Some(mode) = env.get("RATE_LIMIT_WHEN_REDIS_FAILS") {
            self.when_redis_fails = parse_failure_mode(&mode)?;
        }
        if let Some(choice) = env.get("SESSION_CACHE") {
            self.session_cache = match choice.trim().to_ascii_lowercase().as_str() {
                "auto" => SessionCacheChoice::Auto,
                "off" => SessionCacheChoice::Off,
                "local" => SessionCacheChoice::Local,
                "shared" => SessionCacheChoice::Shared,
                other => bail!("SESSION_CACHE must be auto, off, local or shared, not {other:?}"),
            };
        }
        parse_into(env, "SESSION_CACHE_TTL", &mut self.session_cache_ttl)
    }

    /// The settings as TOML-like lines.
    pub fn describe(&self) -> String {
        format!(
            "redis_key_prefix = {:?}\nrate_limit_when_redis_fails = {:?}\nsession_cache = {:?}\nsession_cache_ttl = {}\n",
            self.redis_key_prefix,
            self.when_redis_fails,
            self.session_cache,
            self.session_cache_ttl
        )
    }
}

fn parse_failure_mode(text: &str) -> Result<WhenRedisFails> {
    text.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|e| anyhow::anyhow!("RATE_LIMIT_WHEN_REDIS_FAILS: {e}"))
}
