//! Second factors (better-auth's `twoFactor()`): TOTP with backup codes, one-time codes by
//! mail, devices trusted for a while, and the challenge a first factor leaves behind when
//! the user has a second factor.
//!
//! Where a code is checked, it is checked against one of two contexts: the signed-in
//! session (managing the factors) or the challenge of a sign-in in progress (the
//! `two_factor` cookie). Wrong codes count per challenge (5, then a new sign-in is needed)
//! and per user (10 in a row lock every code out for 15 minutes).

mod backup_codes;
mod challenge;
mod enrolment;
pub mod totp;
mod verify;

pub use backup_codes::BackupCodes;
pub use challenge::{ChallengeToken, SecondFactorChallenge};
pub use enrolment::Enrolment;
pub use verify::{CodeContext, SecondFactor, SecondFactorPassed};

use crate::mail::SealingKey;
use chrono::Duration;

/// Settings of the second factors.
#[derive(Debug, Clone)]
pub struct TwoFactorConfig {
    /// The issuer shown in authenticator apps (default: the product's name).
    pub issuer: Option<String>,
    /// How long a sign-in may wait for its second factor.
    pub challenge_lifetime: Duration,
    /// Wrong codes one challenge takes before it ends.
    pub attempts_per_challenge: u32,
    /// Wrong codes in a row that lock a user's second factor.
    pub lock_after: i32,
    /// How long that lock lasts.
    pub lock_for: Duration,
    /// How long a mailed code is good for.
    pub otp_lifetime: Duration,
    /// Whether codes may be sent by mail as a second factor.
    pub otp_enabled: bool,
    /// How long a trusted device skips the second factor.
    pub trust_device_for: Duration,
    /// Every user must turn two-factor on: until then a session may only enrol (and read
    /// or end itself).
    pub required: bool,
}

impl Default for TwoFactorConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            challenge_lifetime: Duration::minutes(10),
            attempts_per_challenge: 5,
            lock_after: 10,
            lock_for: Duration::minutes(15),
            otp_lifetime: Duration::minutes(3),
            otp_enabled: true,
            trust_device_for: Duration::days(30),
            required: false,
        }
    }
}

/// Why a second-factor request was refused; each has better-auth's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TwoFactorError {
    /// The code is wrong, used, or outside its window.
    #[error("Invalid code")]
    InvalidCode,
    /// No sign-in is waiting for a second factor (cookie missing, forged or expired).
    #[error("Invalid two factor cookie")]
    InvalidTwoFactorCookie,
    /// The user has no TOTP enrolment.
    #[error("TOTP not enabled")]
    TotpNotEnabled,
    /// The user's TOTP is already confirmed and in force.
    #[error("TOTP is already enabled")]
    TotpAlreadyEnabled,
    /// The user has not turned two-factor on.
    #[error("Two factor isn't enabled")]
    TwoFactorNotEnabled,
    /// The user has no backup codes.
    #[error("Backup codes aren't enabled")]
    BackupCodesNotEnabled,
    /// The backup code is not one of the user's unused codes.
    #[error("Invalid backup code")]
    InvalidBackupCode,
    /// The mailed code lapsed.
    #[error("OTP has expired")]
    OtpHasExpired,
    /// Codes by mail are turned off.
    #[error("OTP is not available")]
    OtpNotConfigured,
    /// This challenge (or mailed code) took too many wrong codes.
    #[error("Too many attempts. Please request a new code.")]
    TooManyAttempts,
    /// Too many wrong codes in a row: every code is refused for a while.
    #[error(
        "Too many failed verification attempts. Your account is temporarily locked. Please try again later."
    )]
    AccountLocked,
}

impl TwoFactorError {
    /// better-auth's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidCode => "INVALID_CODE",
            Self::InvalidTwoFactorCookie => "INVALID_TWO_FACTOR_COOKIE",
            Self::TotpNotEnabled => "TOTP_NOT_ENABLED",
            Self::TotpAlreadyEnabled => "TOTP_ALREADY_ENABLED",
            Self::TwoFactorNotEnabled => "TWO_FACTOR_NOT_ENABLED",
            Self::BackupCodesNotEnabled => "BACKUP_CODES_NOT_ENABLED",
            Self::InvalidBackupCode => "INVALID_BACKUP_CODE",
            Self::OtpHasExpired => "OTP_HAS_EXPIRED",
            Self::OtpNotConfigured => "OTP_NOT_CONFIGURED",
            Self::TooManyAttempts => "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE",
            Self::AccountLocked => "ACCOUNT_TEMPORARILY_LOCKED",
        }
    }
}

/// Purpose of the key that seals TOTP secrets and backup codes.
const SECRETS_PURPOSE: &str = "two-factor-secrets";
/// Purpose of the key that digests mailed codes.
const OTP_PURPOSE: &str = "two-factor-otp";

/// The keys of the second factors, derived from the server secret.
#[derive(Debug, Clone)]
pub(crate) struct TwoFactorKeys {
    /// Seals TOTP secrets and backup codes at rest.
    pub(crate) secrets: SealingKey,
    /// Keys the digest of a mailed code (a 6-digit code's plain SHA-256 is a lookup away).
    pub(crate) otp: SealingKey,
}

impl TwoFactorKeys {
    /// The keys for `secret`.
    pub(crate) fn derive(secret: &str) -> Self {
        Self {
            secrets: SealingKey::derive(secret, SECRETS_PURPOSE),
            otp: SealingKey::derive(secret, OTP_PURPOSE),
        }
    }
}

/// Six random digits, for a mailed code.
pub(crate) fn two_factor_digits() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}
