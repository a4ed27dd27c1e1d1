//! Settings of API keys: `API_KEY_SESSIONS` (`x-api-key` stands for its user's session, default
//! false), `API_KEY_METADATA` (keys may carry metadata, default false),
//! `API_KEY_DEFAULT_PREFIX` (prefix of keys created without one), and the rate limit new keys
//! get: `API_KEY_RATE_LIMIT_ENABLED` (default true), `API_KEY_RATE_LIMIT_MAX` (uses per window,
//! default 10) and `API_KEY_RATE_LIMIT_WINDOW` (seconds, default one day).

use crate::config::{Env, parse_bool_into, parse_into};
use anyhow::{Result, bail};
use beep_core::api_keys::ApiKeyConfig;
use chrono::Duration;

/// The longest rate-limit window a setting may give (one year): more is a typo.
const MAX_WINDOW_SECONDS: i64 = 366 * 24 * 3600;

/// `API_KEY_*`.
#[derive(Debug, Clone)]
pub struct ApiKeySettings {
    /// Whether `x-api-key` opens a session.
    pub sessions: bool,
    /// Whether keys may carry metadata.
    pub metadata: bool,
    /// The prefix of keys created without one.
    pub default_prefix: Option<String>,
    /// Whether new keys count their uses against a rate limit.
    pub rate_limit_enabled: bool,
    /// Uses per window.
    pub rate_limit_max: i64,
    /// The window in seconds.
    pub rate_limit_window: i64,
}

impl Default for ApiKeySettings {
    fn default() -> Self {
        let core = ApiKeyConfig::default();
        Self {
            sessions: core.sessions,
            metadata: core.metadata_enabled,
            default_prefix: core.default_prefix,
            rate_limit_enabled: core.rate_limit_enabled,
            rate_limit_max: core.rate_limit_max,
            rate_limit_window: core.rate_limit_window.num_seconds(),
        }
    }
}

impl ApiKeySettings {
    /// Reads the `API_KEY_*` variables.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        parse_bool_into(env, "API_KEY_SESSIONS", &mut self.sessions)?;
        parse_bool_into(env, "API_KEY_METADATA", &mut self.metadata)?;
        parse_bool_into(
            env,
            "API_KEY_RATE_LIMIT_ENABLED",
            &mut self.rate_limit_enabled,
        )?;
        parse_into(env, "API_KEY_RATE_LIMIT_MAX", &mut self.rate_limit_max)?;
        parse_into(
            env,
            "API_KEY_RATE_LIMIT_WINDOW",
            &mut self.rate_limit_window,
        )?;
        if let Some(prefix) = env.get("API_KEY_DEFAULT_PREFIX") {
            let prefix = prefix.trim().to_owned();
            let (shortest, longest) = ApiKeyConfig::default().prefix_length;
            let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if !(shortest..=longest).contains(&prefix.len()) || !prefix.chars().all(allowed) {
                bail!(
                    "API_KEY_DEFAULT_PREFIX: {prefix:?} is not {shortest} to {longest} letters, digits, '_' or '-'"
                );
            }
            self.default_prefix = Some(prefix);
        }
        if self.rate_limit_max < 1 {
            bail!(
                "API_KEY_RATE_LIMIT_MAX: {} is not a positive number of uses",
                self.rate_limit_max
            );
        }
        if !(1..=MAX_WINDOW_SECONDS).contains(&self.rate_limit_window) {
            bail!(
                "API_KEY_RATE_LIMIT_WINDOW: {} is not between 1 and {MAX_WINDOW_SECONDS} seconds",
                self.rate_limit_window
            );
        }
        Ok(())
    }

    /// The core's settings.
    pub fn to_core(&self) -> ApiKeyConfig {
        ApiKeyConfig {
            sessions: self.sessions,
            metadata_enabled: self.metadata,
            default_prefix: self.default_prefix.clone(),
            rate_limit_enabled: self.rate_limit_enabled,
            rate_limit_max: self.rate_limit_max,
            rate_limit_window: Duration::seconds(self.rate_limit_window),
            ..ApiKeyConfig::default()
        }
    }

    /// The `[api_key]` part of `config check`.
    pub fn describe(&self) -> String {
        format!(
            "[api_key]\nsessions = {}\nmetadata = {}\ndefault_prefix = {:?}\nrate_limit_enabled = {}\nrate_limit_max = {}\nrate_limit_window = {}\n",
            self.sessions,
            self.metadata,
            self.default_prefix.as_deref().unwrap_or(""),
            self.rate_limit_enabled,
            self.rate_limit_max,
            self.rate_limit_window
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<ApiKeySettings> {
        let mut settings = ApiKeySettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn unset_variables_give_better_auths_defaults() {
        let core = read(&[]).unwrap().to_core();

        assert!(!core.sessions);
        assert!(!core.metadata_enabled);
        assert!(core.rate_limit_enabled);
        assert_eq!(core.rate_limit_max, 10);
        assert_eq!(core.rate_limit_window, Duration::days(1));
        assert_eq!(core.default_prefix, None);
    }

    #[test]
    fn the_variables_reach_the_core_and_config_check() {
        let settings = read(&[
            ("API_KEY_SESSIONS", "true"),
            ("API_KEY_METADATA", "1"),
            ("API_KEY_DEFAULT_PREFIX", "beep_"),
            ("API_KEY_RATE_LIMIT_ENABLED", "false"),
            ("API_KEY_RATE_LIMIT_MAX", "500"),
            ("API_KEY_RATE_LIMIT_WINDOW", "60"),
        ])
        .unwrap();

        let core = settings.to_core();
        let described = settings.describe();

        assert!(core.sessions);
        assert!(core.metadata_enabled);
        assert_eq!(core.default_prefix.as_deref(), Some("beep_"));
        assert!(!core.rate_limit_enabled);
        assert_eq!(core.rate_limit_max, 500);
        assert_eq!(core.rate_limit_window, Duration::minutes(1));
        assert!(described.contains("sessions = true"), "{described}");
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert!(read(&[("API_KEY_RATE_LIMIT_MAX", "0")]).is_err());
        assert!(read(&[("API_KEY_RATE_LIMIT_WINDOW", "0")]).is_err());
        assert!(read(&[("API_KEY_DEFAULT_PREFIX", "has space")]).is_err());
        assert!(read(&[("API_KEY_SESSIONS", "maybe")]).is_err());
    }
}
