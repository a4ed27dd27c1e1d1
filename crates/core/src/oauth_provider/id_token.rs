//! ID tokens (OpenID Connect Core §2, §3.1.3.6): who the user is, for the client that asked
//! with `openid`, signed with the server's current JWT key so any library verifies it
//! against `/jwks`. They carry `auth_time`, `nonce`, `sid` and `at_hash`, the left half of
//! the access token's hash under the signing algorithm's hash function.

use crate::auth::Auth;
use crate::error::AuthError;
use crate::jwt::{JwtAlgorithm, signed_compact};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_domain::{SessionId, User};
use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest as _, Sha256, Sha512};

/// What an ID token is about.
pub(super) struct IdTokenFacts<'a> {
    /// The audience.
    pub(super) client_id: &'a str,
    /// The user.
    pub(super) user: &'a User,
    /// The scopes granted, which decide the user claims.
    pub(super) scopes: &'a [String],
    /// The authorization request's `nonce` (only at the code exchange).
    pub(super) nonce: Option<&'a str>,
    /// When the user authenticated.
    pub(super) auth_time: DateTime<Utc>,
    /// The session the grant was made from, while it lasts.
    pub(super) session_id: Option<&'a SessionId>,
    /// The access token issued with it.
    pub(super) access_token: &'a str,
    /// When it is issued.
    pub(super) issued_at: DateTime<Utc>,
}

impl Auth {
    /// The signed ID token for `facts`.
    pub(super) async fn sign_id_token(&self, facts: IdTokenFacts<'_>) -> Result<String, AuthError> {
        let key = self.current_signing_key().await?;
        let config = &self.config().oauth_provider;
        let mut claims = self.user_claims(facts.user, facts.scopes).await?;
        let iat = facts.issued_at.timestamp();
        claims.insert("iss".to_owned(), json!(config.issuer));
        claims.insert("aud".to_owned(), json!(facts.client_id));
        claims.insert("azp".to_owned(), json!(facts.client_id));
        claims.insert("iat".to_owned(), json!(iat));
        claims.insert(
            "exp".to_owned(),
            json!(iat + config.id_token_expires_in.num_seconds()),
        );
        claims.insert("auth_time".to_owned(), json!(facts.auth_time.timestamp()));
        claims.insert("acr".to_owned(), json!("0"));
        claims.insert(
            "at_hash".to_owned(),
            json!(token_hash(facts.access_token, key.pair.algorithm())),
        );
        if let Some(nonce) = facts.nonce {
            claims.insert("nonce".to_owned(), json!(nonce));
        }
        if let Some(sid) = facts.session_id {
            claims.insert("sid".to_owned(), json!(sid.as_str()));
        }
        signed_compact(&key, claims)
    }
}

/// `at_hash`: base64url of the left half of the token's hash, the hash being the one of the
/// signing algorithm (SHA-512 for EdDSA with Ed25519, SHA-256 for ES256 and RS256).
fn token_hash(token: &str, algorithm: JwtAlgorithm) -> String {
    let digest = match algorithm {
        JwtAlgorithm::EdDsa => Sha512::digest(token.as_bytes()).to_vec(),
        JwtAlgorithm::Es256 | JwtAlgorithm::Rs256 => Sha256::digest(token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_algorithms_hash() {
        // OpenID Connect Core §3.1.3.6, checked against an independent computation.
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        let sha256 = Sha256::digest(token.as_bytes());
        assert_eq!(
            token_hash(token, JwtAlgorithm::Rs256),
            URL_SAFE_NO_PAD.encode(&sha256[..16])
        );
        assert_eq!(token_hash(token, JwtAlgorithm::EdDsa).len(), 43);
    }
}
