//! API keys (better-auth's `@better-auth/api-key`, 1.7 shape): secrets a program presents in
//! `x-api-key` instead of a session. A key is 64 random letters after an optional prefix; only
//! its SHA-256 is stored, so a key is shown once, at creation, and never again.
//!
//! A use ([`Auth::verify_api_key`](crate::Auth::verify_api_key)) is one indexed lookup by
//! that digest (no password hash: the key has 375 bits of entropy) and, when the key counts
//! its uses, one conditional update. Keys belong to a user or to an organization; an
//! organization's keys are managed by its owners.

mod create;
mod error;
mod manage;
mod verify;

pub use create::{NewApiKey, ServerLimits};
pub use error::ApiKeyError;
pub use manage::{ApiKeyChanges, ApiKeyList};
pub use verify::VerifiedApiKey;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_domain::{ApiKey, Secret};
use chrono::Duration;
use sha2::{Digest as _, Sha256};

/// Settings of API keys.
#[derive(Debug, Clone)]
pub struct ApiKeyConfig {
    /// Random letters after the prefix (better-auth: 64).
    pub key_length: usize,
    /// The prefix of keys created without one.
    pub default_prefix: Option<String>,
    /// How many leading characters are kept as `start`.
    pub start_length: usize,
    /// Allowed prefix lengths.
    pub prefix_length: (usize, usize),
    /// Allowed name lengths.
    pub name_length: (usize, usize),
    /// Whether a key must be given a name.
    pub require_name: bool,
    /// Whether keys may carry metadata.
    pub metadata_enabled: bool,
    /// Whether new keys count their uses against a rate limit.
    pub rate_limit_enabled: bool,
    /// The rate limit's window.
    pub rate_limit_window: Duration,
    /// Uses per window.
    pub rate_limit_max: i64,
    /// Shortest and longest lifetime a key may be created with.
    pub expires_in_range: (Duration, Duration),
    /// The lifetime of a key created without one (`None`: no expiry).
    pub default_expires_in: Option<Duration>,
    /// Whether `x-api-key` stands for its user's session (`enableSessionForAPIKeys`).
    pub sessions: bool,
}

impl Default for ApiKeyConfig {
    fn default() -> Self {
        Self {
            key_length: 64,
            default_prefix: None,
            start_length: 6,
            prefix_length: (1, 32),
            name_length: (1, 32),
            require_name: false,
            metadata_enabled: false,
            rate_limit_enabled: true,
            rate_limit_window: Duration::days(1),
            rate_limit_max: 10,
            expires_in_range: (Duration::days(1), Duration::days(365)),
            default_expires_in: None,
            sessions: false,
        }
    }
}

/// The full secret of a key, as its owner receives it once.
#[derive(Debug)]
pub struct ApiKeySecret(Secret<String>);

impl ApiKeySecret {
    fn generate(prefix: Option<&str>, length: usize) -> Self {
        let letters = crate::tokens::random_letters(length);
        Self(Secret::new(format!("{}{letters}", prefix.unwrap_or(""))))
    }

    /// The key itself.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A key just made: the stored row, and the secret that is never readable again.
#[derive(Debug)]
pub struct CreatedApiKey {
    /// The stored key.
    pub key: ApiKey,
    /// The full secret.
    pub secret: ApiKeySecret,
}

/// What the row stores of a key: base64url (no padding) of its SHA-256.
pub fn key_digest(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_its_prefix_then_letters_only() {
        let secret = ApiKeySecret::generate(Some("live_"), 64);

        let letters = secret.expose().strip_prefix("live_").unwrap();

        assert_eq!(letters.len(), 64);
        assert!(letters.chars().all(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn the_digest_is_better_auths_base64url_sha256() {
        // SHA-256("abc"), base64url without padding.
        assert_eq!(
            key_digest("abc"),
            "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn the_secret_never_prints() {
        let secret = ApiKeySecret::generate(None, 64);

        assert!(!format!("{secret:?}").contains(secret.expose()));
    }
}
