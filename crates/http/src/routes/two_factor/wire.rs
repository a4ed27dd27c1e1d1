//! What the two-factor routes answer, in better-auth's shapes.

use crate::wire::UserJson;
use serde::Serialize;
use utoipa::ToSchema;

/// `POST /two-factor/enable`: the URI for the authenticator app and the backup codes, once.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnabledJson {
    /// Always `totp` here.
    pub method: &'static str,
    /// `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&digits=6&period=30`
    #[serde(rename = "totpURI")]
    pub totp_uri: String,
    /// Ten single-use codes, `xxxxx-xxxxx`.
    #[serde(rename = "backupCodes")]
    pub backup_codes: Vec<String>,
}

/// `POST /two-factor/enable` with `method: "otp"`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnabledByMailJson {
    /// Always `otp`.
    pub method: &'static str,
}

/// `POST /two-factor/get-totp-uri`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpUriJson {
    /// The authenticator URI.
    #[serde(rename = "totpURI")]
    pub totp_uri: String,
}

/// `POST /two-factor/generate-backup-codes`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupCodesJson {
    /// Always `true`.
    pub status: bool,
    /// The new codes; the old ones no longer work.
    pub backup_codes: Vec<String>,
}

/// A second factor passed: the session's public handle and the user.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassedJson {
    /// The new session's public handle (its id).
    pub token: String,
    /// The user.
    pub user: UserJson,
}

/// `{status: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// Always `true`.
    pub status: bool,
}

/// A first factor passed but the user has a second one: no session yet; the signed
/// `two_factor` cookie names the waiting sign-in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorRedirectJson {
    /// Always `true`: better-auth's client calls `onTwoFactorRedirect`.
    pub two_factor_redirect: bool,
    /// What the user may answer with: `totp` and/or `otp` (and backup codes, with `totp`).
    pub two_factor_methods: Vec<String>,
}
