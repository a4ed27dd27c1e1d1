//! JWTs for resource servers (better-auth's `jwt()` plugin): `GET /token` signs the caller's
//! session user into a short-lived token, `GET /jwks` publishes the public keys that verify it.
//! Keys are made on first use, stored sealed in the database (so every node signs with the
//! same ones), rotated on a schedule, and published through a grace period after rotation so
//! tokens signed just before stay verifiable.

mod key_pair;
mod recent_tokens;
mod signing_keys;
mod tokens;
mod verify;

pub use key_pair::{JwtAlgorithm, KeyPair, KeyPairError};
pub(crate) use signing_keys::SigningKeys;
pub use tokens::JsonWebKeySet;
pub(crate) use tokens::signed_compact;

use chrono::Duration;

/// Settings of the JWTs and their keys.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    /// What new keys sign with (EdDSA unless configured).
    pub algorithm: JwtAlgorithm,
    /// A token's lifetime (`exp - iat`; better-auth: 15 minutes).
    pub expires_in: Duration,
    /// `iss` (default: the base URL).
    pub issuer: String,
    /// `aud` (default: the base URL).
    pub audience: String,
    /// How long a key signs before a new one takes over; `None` keeps the first key for good.
    pub rotation_interval: Option<Duration>,
    /// How long a key that stopped signing stays in the JWKS.
    pub grace_period: Duration,
    /// Whether get-session answers with a fresh token in `set-auth-jwt`.
    pub session_header: bool,
}

impl JwtConfig {
    /// The defaults for a server at `base_url` (`https://auth.example.com`).
    pub fn for_base_url(base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/').to_owned();
        Self {
            algorithm: JwtAlgorithm::EdDsa,
            expires_in: Duration::minutes(15),
            issuer: base.clone(),
            audience: base,
            rotation_interval: Some(Duration::days(30)),
            grace_period: Duration::days(30),
            session_header: true,
        }
    }
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self::for_base_url("http://localhost:3000")
    }
}
