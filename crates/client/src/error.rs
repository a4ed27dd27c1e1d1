//! Why a caller was not verified.

use beep_domain::jws::JwsError;

/// A credential that did not verify, or a server that could not be asked. Messages never
/// include the credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The request carries no credential.
    #[error("no credential")]
    Missing,
    /// A token that is not a well-formed JWS, or claims that are not what the server writes.
    #[error("malformed token")]
    Malformed,
    /// The token's algorithm is not accepted.
    #[error("token algorithm not accepted")]
    Algorithm,
    /// No key of the server's key set has the token's `kid`, even after fetching it again.
    #[error("token signed by an unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("token signature invalid")]
    Signature,
    /// `iss` is not the configured issuer.
    #[error("token issuer mismatch")]
    Issuer,
    /// `aud` does not name the configured audience.
    #[error("token audience mismatch")]
    Audience,
    /// Past `exp`, or before `nbf`.
    #[error("token expired")]
    Expired,
    /// The server knows no session for this credential (signed out, revoked or expired).
    #[error("no session for this credential")]
    NoSession,
    /// The server refused the API key, with its code (`INVALID_API_KEY`, `KEY_DISABLED`,
    /// `KEY_EXPIRED`, `USAGE_EXCEEDED`, `RATE_LIMITED`, `KEY_NOT_FOUND` for a missing
    /// permission).
    #[error("API key refused: {0}")]
    ApiKeyRefused(String),
    /// An organization's API key, where a user is needed.
    #[error("API key names no user")]
    NotAUserKey,
    /// The server could not be reached or answered something unexpected.
    #[error("beep-iam unavailable: {0}")]
    Unavailable(String),
}

impl VerifyError {
    /// Whether the caller is at fault (401), rather than the auth server being away (503).
    pub fn is_unauthorized(&self) -> bool {
        !matches!(self, Self::Unavailable(_))
    }
}

impl From<JwsError> for VerifyError {
    fn from(err: JwsError) -> Self {
        match err {
            JwsError::Malformed => Self::Malformed,
            JwsError::Algorithm => Self::Algorithm,
            JwsError::UnknownKey => Self::UnknownKey,
            JwsError::Signature => Self::Signature,
        }
    }
}
