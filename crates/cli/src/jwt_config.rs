//! Settings of the JWTs: `JWT_ALGORITHM` (EdDSA, ES256 or RS256), `JWT_EXPIRES_IN` (seconds,
//! default 900), `JWT_ISSUER` and `JWT_AUDIENCE` (default the base URL),
//! `JWT_ROTATION_INTERVAL` (seconds a key signs, default 30 days; 0 never rotates),
//! `JWT_GRACE_PERIOD` (seconds a retired key stays published, default 30 days) and
//! `JWT_SESSION_HEADER` (get-session answers `set-auth-jwt`, default true).

use crate::config::{Env, parse_bool_into, parse_into};
use anyhow::{Result, bail};
use beep_core::jwt::{JwtAlgorithm, JwtConfig};
use chrono::Duration;

/// The longest lifetime a setting may give (ten years): more is a typo, and overflows dates.
const MAX_SECONDS: i64 = 10 * 366 * 24 * 3600;

/// `JWT_*`; issuer and audience follow the base URL when unset.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// The algorithm new keys sign with.
    pub algorithm: JwtAlgorithm,
    /// A token's lifetime in seconds.
    pub expires_in: i64,
    /// `iss`, when not the base URL.
    pub issuer: Option<String>,
    /// `aud`, when not the base URL.
    pub audience: Option<String>,
    /// Seconds a key signs; 0 for never rotated.
    pub rotation_interval: i64,
    /// Seconds a retired key stays published.
    pub grace_period: i64,
    /// Whether get-session answers `set-auth-jwt`.
    pub session_header: bool,
}

impl Default for JwtSettings {
    fn default() -> Self {
        let core = JwtConfig::default();
        Self {
            algorithm: core.algorithm,
            expires_in: core.expires_in.num_seconds(),
            issuer: None,
            audience: None,
            rotation_interval: core.rotation_interval.map_or(0, |d| d.num_seconds()),
            grace_period: core.grace_period.num_seconds(),
            session_header: core.session_header,
        }
    }
}

impl JwtSettings {
    /// Reads the `JWT_*` variables.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        let text = |name: &str| {
            env.get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(name) = text("JWT_ALGORITHM") {
            let Some(algorithm) = JwtAlgorithm::parse(&name) else {
                let known: Vec<_> = JwtAlgorithm::ALL.iter().map(|a| a.as_str()).collect();
                bail!("JWT_ALGORITHM: {name:?} is not one of {}", known.join(", "));
            };
            self.algorithm = algorithm;
        }
        self.issuer = text("JWT_ISSUER").or(self.issuer.take());
        self.audience = text("JWT_AUDIENCE").or(self.audience.take());
        parse_into(env, "JWT_EXPIRES_IN", &mut self.expires_in)?;
        parse_into(env, "JWT_ROTATION_INTERVAL", &mut self.rotation_interval)?;
        parse_into(env, "JWT_GRACE_PERIOD", &mut self.grace_period)?;
        parse_bool_into(env, "JWT_SESSION_HEADER", &mut self.session_header)?;
        if !(1..=MAX_SECONDS).contains(&self.expires_in) {
            bail!(
                "JWT_EXPIRES_IN: {} is not between 1 and {MAX_SECONDS} seconds",
                self.expires_in
            );
        }
        for (name, value) in [
            ("JWT_ROTATION_INTERVAL", self.rotation_interval),
            ("JWT_GRACE_PERIOD", self.grace_period),
        ] {
            if !(0..=MAX_SECONDS).contains(&value) {
                bail!("{name}: {value} is not between 0 and {MAX_SECONDS} seconds");
            }
        }
        Ok(())
    }

    /// The core's settings for a server at `base_url`.
    pub fn to_core(&self, base_url: &str) -> JwtConfig {
        let mut config = JwtConfig::for_base_url(base_url);
        config.algorithm = self.algorithm;
        config.expires_in = Duration::seconds(self.expires_in);
        if let Some(issuer) = &self.issuer {
            config.issuer = issuer.clone();
        }
        if let Some(audience) = &self.audience {
            config.audience = audience.clone();
        }
        config.rotation_interval =
            (self.rotation_interval > 0).then(|| Duration::seconds(self.rotation_interval));
        config.grace_period = Duration::seconds(self.grace_period);
        config.session_header = self.session_header;
        config
    }

    /// The `[jwt]` part of `config check`, for a server at `base_url`.
    pub fn describe(&self, base_url: &str) -> String {
        let core = self.to_core(base_url);
        format!(
            "[jwt]\nalgorithm = {:?}\nexpires_in = {}\nissuer = {:?}\naudience = {:?}\nrotation_interval = {}\ngrace_period = {}\nsession_header = {}\n",
            core.algorithm.as_str(),
            self.expires_in,
            core.issuer,
            core.audience,
            self.rotation_interval,
            self.grace_period,
            core.session_header
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<JwtSettings> {
        let mut settings = JwtSettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn unset_variables_give_eddsa_for_the_base_url() {
        let core = read(&[]).unwrap().to_core("https://auth.example.com/");

        assert_eq!(core.algorithm, JwtAlgorithm::EdDsa);
        assert_eq!(core.issuer, "https://auth.example.com");
        assert_eq!(core.audience, "https://auth.example.com");
        assert_eq!(core.expires_in, Duration::minutes(15));
        assert_eq!(core.rotation_interval, Some(Duration::days(30)));
        assert!(core.session_header);
    }

    #[test]
    fn the_variables_reach_the_core_and_config_check() {
        let settings = read(&[
            ("JWT_ALGORITHM", "rs256"),
            ("JWT_EXPIRES_IN", "60"),
            ("JWT_ISSUER", "https://issuer.example"),
            ("JWT_AUDIENCE", "api"),
            ("JWT_ROTATION_INTERVAL", "0"),
            ("JWT_GRACE_PERIOD", "3600"),
            ("JWT_SESSION_HEADER", "false"),
        ])
        .unwrap();

        let core = settings.to_core("http://localhost:3000");
        let described = settings.describe("http://localhost:3000");

        assert_eq!(core.algorithm, JwtAlgorithm::Rs256);
        assert_eq!(core.expires_in, Duration::seconds(60));
        assert_eq!(core.issuer, "https://issuer.example");
        assert_eq!(core.audience, "api");
        assert_eq!(core.rotation_interval, None, "0 never rotates");
        assert_eq!(core.grace_period, Duration::hours(1));
        assert!(!core.session_header);
        assert!(described.contains("algorithm = \"RS256\""), "{described}");
    }

    #[test]
    fn a_shared_secret_algorithm_is_refused() {
        let refused = read(&[("JWT_ALGORITHM", "HS256")]).unwrap_err();

        assert!(
            refused.to_string().contains("EdDSA, ES256, RS256"),
            "{refused}"
        );
    }

    #[test]
    fn a_lifetime_out_of_range_is_refused() {
        assert!(read(&[("JWT_EXPIRES_IN", "0")]).is_err());
        assert!(read(&[("JWT_GRACE_PERIOD", "-5")]).is_err());
        assert!(read(&[("JWT_ROTATION_INTERVAL", "999999999999")]).is_err());
    }
}
