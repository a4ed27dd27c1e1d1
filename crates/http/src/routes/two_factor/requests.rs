//! What the two-factor routes read: one type per body, read by serde and described in the
//! OpenAPI document by its `ToSchema` derive.

use crate::typed_body::{Checked, too_short};
use serde::Deserialize;
use utoipa::ToSchema;

/// `Debug` for a body holding a password or a code: the type's name only.
macro_rules! redacted_debug {
    ($($body:ty),+) => {$(
        impl std::fmt::Debug for $body {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($body), " { [redacted] }"))
            }
        }
    )+};
}

redacted_debug!(
    EnableBody,
    PasswordBody,
    VerifyCodeBody,
    VerifyBackupCodeBody
);

/// Longest code accepted (a backup code is 11 characters; anything longer is not a code).
const MAX_CODE_CHARS: usize = 64;
/// Longest issuer accepted.
const MAX_ISSUER_CHARS: usize = 128;

/// `POST /two-factor/enable`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnableBody {
    /// The user's password.
    #[schema(format = Password)]
    pub password: String,
    /// The issuer authenticator apps show (default: the product's name).
    #[serde(default)]
    pub issuer: Option<String>,
    /// `totp` (the default): an authenticator app, with backup codes; `otp`: codes by mail
    /// only, on at once.
    #[serde(default)]
    pub method: Option<EnableMethod>,
}

/// How two-factor is turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EnableMethod {
    /// An authenticator app (TOTP), confirmed by a first code.
    Totp,
    /// Codes by mail.
    Otp,
}

impl Checked for EnableBody {
    fn check(&self) -> Vec<String> {
        let mut issues = password_issues(&self.password);
        if self
            .issuer
            .as_ref()
            .is_some_and(|i| i.chars().count() > MAX_ISSUER_CHARS)
        {
            issues
                .push("[body.issuer] Too big: expected string to have <=128 characters".to_owned());
        }
        issues
    }
}

/// `POST /two-factor/disable`, `/two-factor/get-totp-uri` and
/// `/two-factor/generate-backup-codes`: the password, to confirm.
#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    /// The user's password.
    #[schema(format = Password)]
    pub password: String,
}

impl Checked for PasswordBody {
    fn check(&self) -> Vec<String> {
        password_issues(&self.password)
    }
}

/// `POST /two-factor/verify-totp` and `/two-factor/verify-otp`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyCodeBody {
    /// The code from the authenticator app or the mail.
    pub code: String,
    /// Trust this device for 30 days: no second factor asked on it until then.
    #[serde(default)]
    pub trust_device: Option<bool>,
    /// On an OAuth login page (better-auth's `oauthProviderClient` adds it): the page's
    /// signed query; the answer is then `{redirect: true, url}` to where the authorization
    /// goes on.
    #[serde(default, rename = "oauth_query")]
    pub oauth_query: Option<String>,
}

impl Checked for VerifyCodeBody {
    fn check(&self) -> Vec<String> {
        code_issues(&self.code)
    }
}

/// `POST /two-factor/verify-backup-code`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBackupCodeBody {
    /// One of the user's unused backup codes.
    pub code: String,
    /// Trust this device for 30 days.
    #[serde(default)]
    pub trust_device: Option<bool>,
    /// On an OAuth login page: the page's signed query, as for `verify-totp`.
    #[serde(default, rename = "oauth_query")]
    pub oauth_query: Option<String>,
    /// better-auth's option to skip the session cookie; accepted and ignored (a session
    /// is always opened).
    #[serde(default)]
    #[allow(dead_code, reason = "read so that its type is checked, then ignored")]
    pub disable_session: Option<bool>,
}

impl Checked for VerifyBackupCodeBody {
    fn check(&self) -> Vec<String> {
        code_issues(&self.code)
    }
}

/// `POST /two-factor/send-otp` (an empty body is fine).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendOtpBody {
    /// Accepted for better-auth clients; trust is asked for when verifying.
    #[serde(default)]
    #[allow(dead_code, reason = "read so that its type is checked, then ignored")]
    pub trust_device: Option<bool>,
}

impl Checked for SendOtpBody {}

fn password_issues(password: &str) -> Vec<String> {
    if password.is_empty() {
        vec![too_short("password")]
    } else {
        Vec::new()
    }
}

fn code_issues(code: &str) -> Vec<String> {
    if code.is_empty() {
        vec![too_short("code")]
    } else if code.chars().count() > MAX_CODE_CHARS {
        vec!["[body.code] Too big: expected string to have <=64 characters".to_owned()]
    } else {
        Vec::new()
    }
}
