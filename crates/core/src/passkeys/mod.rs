//! Passkeys (better-auth's `@better-auth/passkey`): WebAuthn credentials a user registers
//! from a signed-in session and then signs in with, with no password and no email typed
//! (discoverable credentials), or presents as the second factor after a password.
//!
//! The relying party's checks are our own, on `ring` (no OpenSSL): CBOR and COSE keys
//! (`cbor.rs`, `cose.rs`) and the two ceremonies (`ceremony.rs`). Each ceremony starts with
//! options and a challenge (`challenge.rs`, single-use, 5 minutes, named by the signed
//! `better-auth-passkey` cookie), and ends in `registration.rs` or `authentication.rs`.

mod authentication;
pub mod cbor;
pub mod ceremony;
mod challenge;
pub mod cose;
mod management;
mod options;
mod registration;
mod responses;

pub use authentication::PasskeySignIn;
pub use challenge::PasskeyChallengeToken;
pub use options::{
    AuthenticatorSelection, CreationOptions, CredentialDescriptor, CredentialParameter,
    RegistrationQuery, RelyingParty, RequestOptions, UserEntity,
};

use chrono::Duration;

/// Settings of passkeys.
#[derive(Debug, Clone)]
pub struct PasskeyConfig {
    /// The relying party id: the host name passkeys are bound to (default: the base URL's).
    pub rp_id: String,
    /// The name authenticators show (default: the product's name).
    pub rp_name: Option<String>,
    /// The origins a ceremony may come from (default: the base URL's and the trusted ones).
    pub origins: Vec<String>,
    /// How long a ceremony's challenge lasts.
    pub challenge_lifetime: Duration,
    /// Refuse authenticators that did not verify the user (better-auth: not required).
    pub require_user_verification: bool,
    /// Most passkeys one user may register.
    pub max_per_user: u64,
}

impl Default for PasskeyConfig {
    fn default() -> Self {
        Self {
            rp_id: "localhost".to_owned(),
            rp_name: None,
            origins: vec!["http://localhost:3000".to_owned()],
            challenge_lifetime: Duration::minutes(5),
            require_user_verification: false,
            max_per_user: 50,
        }
    }
}

impl PasskeyConfig {
    /// The settings for a server at `base_url`: passkeys bound to its host name, ceremonies
    /// accepted from its origin and from `trusted_origins` (exact origins only; patterns
    /// such as `https://*.example.com` cannot name a WebAuthn origin).
    pub fn for_base_url(base_url: &str, trusted_origins: &[String]) -> Self {
        let mut origins: Vec<String> = std::iter::once(base_url)
            .chain(trusted_origins.iter().map(String::as_str))
            .filter_map(origin_of)
            .collect();
        origins.dedup();
        Self {
            rp_id: origin_of(base_url)
                .as_deref()
                .and_then(host_of)
                .unwrap_or("localhost")
                .to_owned(),
            origins,
            ..Self::default()
        }
    }
}

/// `scheme://host[:port]` of an http(s) URL without a wildcard, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let plain = !authority.is_empty() && !authority.contains(['*', '@']);
    (matches!(scheme, "http" | "https") && plain).then(|| format!("{scheme}://{authority}"))
}

/// The host name of an origin (without the port).
fn host_of(origin: &str) -> Option<&str> {
    let authority = origin.split_once("://")?.1;
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next();
    }
    authority.split(':').next()
}

/// Why a passkey request was refused; each has better-auth's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// No ceremony is waiting (cookie missing, forged, used or expired, or of the other kind).
    #[error("Challenge not found")]
    ChallengeNotFound,
    /// The ceremony was started by another user's session.
    #[error("You are not allowed to register this passkey")]
    NotAllowedToRegister,
    /// The registration response did not verify.
    #[error("Failed to verify registration")]
    FailedToVerifyRegistration,
    /// None of the user's passkeys has that id.
    #[error("Passkey not found")]
    PasskeyNotFound,
    /// No passkey has the credential id a sign-in presents.
    #[error("Passkey not found")]
    UnknownCredential,
    /// The authentication response did not verify.
    #[error("Authentication failed")]
    AuthenticationFailed,
    /// The user has the most passkeys allowed.
    #[error("Too many passkeys")]
    TooManyPasskeys,
}

impl PasskeyError {
    /// better-auth's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ChallengeNotFound => "CHALLENGE_NOT_FOUND",
            Self::NotAllowedToRegister => "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY",
            Self::FailedToVerifyRegistration => "FAILED_TO_VERIFY_REGISTRATION",
            Self::PasskeyNotFound | Self::UnknownCredential => "PASSKEY_NOT_FOUND",
            Self::AuthenticationFailed => "AUTHENTICATION_FAILED",
            Self::TooManyPasskeys => "TOO_MANY_PASSKEYS",
        }
    }
}

#[cfg(test)]
mod tests;
