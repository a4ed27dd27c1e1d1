//! A sign-in between leaving for the provider and coming back: kept server-side under the
//! digest of its `state` (single use, 10 minutes), sealed, and bound to the browser that
//! started it by the digest of that browser's binding cookie.
//!
//! The binding is per browser, not per sign-in: two sign-ins started in two tabs share it,
//! so both finish (better-auth's `state_mismatch` across tabs, #4969/#5034, comes from one
//! cookie holding one state). Nothing of the state's format lives in the cookie, so an
//! upgrade cannot orphan a sign-in in flight either.

use crate::mail::SealingKey;
use crate::tokens::{digest_hex, random_alphanumeric};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The purpose prefix of state rows in the verification table (never a mailed token's).
pub const STATE_PURPOSE: &str = "oauth-state";

/// The purpose the pending sign-ins are sealed for.
pub const SEALING_PURPOSE: &str = "oauth-state";

/// What a sign-in in flight remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// The provider it went to.
    pub provider: String,
    /// The PKCE verifier (RFC 7636), sent with the code.
    pub code_verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// Where to go after success.
    pub callback_url: String,
    /// Where to go after a failure (`None`: the server's error page).
    pub error_url: Option<String>,
    /// Where a brand-new user goes instead of `callback_url`.
    pub new_user_url: Option<String>,
    /// Set when a signed-in user is linking this provider to their account.
    pub link_user_id: Option<String>,
    /// SHA-256 of the browser binding that started it.
    pub browser: String,
    /// Whether the client explicitly asked for a new account to be created.
    pub request_sign_up: bool,
}

/// The values of one authorization request.
#[derive(Debug)]
pub struct Challenge {
    /// The `state` parameter (32 characters).
    pub state: String,
    /// The PKCE verifier (64 characters).
    pub code_verifier: String,
    /// `code_challenge`: base64url of the verifier's SHA-256.
    pub code_challenge: String,
    /// The `nonce` parameter.
    pub nonce: String,
}

impl Challenge {
    /// Fresh random values.
    pub fn generate() -> Self {
        let code_verifier = random_alphanumeric(64);
        let code_challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(code_verifier.as_bytes()));
        Self {
            state: random_alphanumeric(32),
            code_verifier,
            code_challenge,
            nonce: random_alphanumeric(32),
        }
    }
}

/// The verification identifier a state is stored under.
pub fn identifier(state: &str) -> String {
    format!("{STATE_PURPOSE}:{}", digest_hex(state))
}

/// Whether a `state` parameter can be one of ours (junk never reaches the database).
pub fn plausible(state: &str) -> bool {
    state.len() == 32 && state.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A sealed pending sign-in, for the row's value.
pub fn seal(key: &SealingKey, pending: &PendingSignIn) -> String {
    key.seal(&serde_json::to_vec(pending).unwrap_or_default())
}

/// Opens a row's value; `None` if it was not sealed by this server for this purpose.
pub fn open(key: &SealingKey, sealed: &str) -> Option<PendingSignIn> {
    serde_json::from_slice(&key.open(sealed)?).ok()
}

/// A new browser binding (the cookie's value).
pub fn new_binding() -> String {
    random_alphanumeric(32)
}

/// The digest of a binding, as stored with a pending sign-in.
pub fn binding_digest(binding: &str) -> String {
    digest_hex(binding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_s256_of_the_verifier() {
        let challenge = Challenge::generate();
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(challenge.code_verifier.as_bytes()));
        assert_eq!(challenge.code_challenge, expected);
        assert!(plausible(&challenge.state));
        assert!(!plausible("short"));
        assert!(!plausible(&"x".repeat(31).replace('x', "'")));
    }
}
