//! What can go wrong in a flow, in terms a client can act on. The HTTP edge maps each
//! variant to better-auth's status and code.

use beep_domain::{EmailError, PasswordRejection};
use beep_store::StoreError;

/// A flow failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The email address is malformed.
    #[error("Invalid email")]
    InvalidEmail(#[from] EmailError),
    /// The new password breaks a rule.
    #[error("{0}")]
    Password(#[from] PasswordRejection),
    /// A field is missing, too long or otherwise unusable.
    #[error("{field}: {reason}")]
    InvalidField {
        /// The field, as named in the request.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A query parameter is unusable.
    #[error("{parameter}: {reason}")]
    InvalidParameter {
        /// The parameter, as named in the request.
        parameter: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Sign-up with an email that already has a user.
    #[error("User already exists. Use another email.")]
    UserAlreadyExists,
    /// Sign-in failed; deliberately silent about which half was wrong.
    #[error("Invalid email or password")]
    InvalidEmailOrPassword,
    /// A password given to confirm an action was wrong.
    #[error("Invalid password")]
    InvalidPassword,
    /// The user has no password to check.
    #[error("Credential account not found")]
    CredentialAccountNotFound,
    /// Sign-up with email and password is turned off.
    #[error("Email and password sign up is not enabled")]
    SignUpDisabled,
    /// Deleting users is turned off.
    #[error("Delete user is disabled")]
    DeleteUserDisabled,
    /// The session is too old for a sensitive action.
    #[error("Session expired. Re-authenticate to perform this action.")]
    SessionExpired,
    /// The session is older than the freshness window for this action.
    #[error("Session is not fresh")]
    SessionNotFresh,
    /// Too many wrong passwords for this account; wait before trying again.
    #[error("Too many attempts. Please try again later.")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// A mailed token is unknown, used, forged or made for another purpose.
    #[error("Invalid token")]
    InvalidToken,
    /// A mailed token was real but is past its lifetime.
    #[error("Token expired")]
    TokenExpired,
    /// The user a token was made for no longer exists.
    #[error("User not found")]
    UserNotFound,
    /// A signed-in user asked for a verification mail to another address.
    #[error("Email mismatch")]
    EmailMismatch,
    /// The address is verified already.
    #[error("Email is already verified")]
    EmailAlreadyVerified,
    /// Sign-in with a correct password, but the address must be verified first.
    #[error("Email not verified")]
    EmailNotVerified,
    /// A change of email to the current address.
    #[error("Email is the same")]
    EmailIsTheSame,
    /// Changing the email is turned off.
    #[error("Change email is disabled")]
    ChangeEmailDisabled,
    /// An organization flow refused the request.
    #[error("{0}")]
    Organization(#[from] crate::organizations::OrganizationError),
    /// A social sign-in or linked-account request was refused.
    #[error("{0}")]
    Social(#[from] crate::social::SocialError),
    /// A second-factor request was refused.
    #[error(transparent)]
    TwoFactor(#[from] crate::two_factor::TwoFactorError),
    /// A passkey request was refused.
    #[error(transparent)]
    Passkey(#[from] crate::passkeys::PasskeyError),
    /// An admin request was refused.
    #[error(transparent)]
    Admin(#[from] crate::admin::AdminError),
    /// An API-key request was refused.
    #[error(transparent)]
    ApiKey(#[from] crate::api_keys::ApiKeyError),
    /// An OAuth provider request was refused.
    #[error(transparent)]
    OAuth(#[from] crate::oauth_provider::OAuthError),
    /// The row changed under us (a concurrent update won).
    #[error("The resource was changed concurrently; retry")]
    Conflict,
    /// The database is unreachable for now.
    #[error("Service temporarily unavailable")]
    Unavailable,
    /// Something that should not happen; details go to the log, not to the client.
    #[error("Internal error")]
    Internal(String),
}

impl From<StoreError> for AuthError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable => AuthError::Unavailable,
            StoreError::Stale | StoreError::Conflict => AuthError::Conflict,
            other => AuthError::Internal(other.to_string()),
        }
    }
}

impl From<crate::password_hasher::HashError> for AuthError {
    fn from(err: crate::password_hasher::HashError) -> Self {
        AuthError::Internal(err.to_string())
    }
}
