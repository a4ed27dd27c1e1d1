//! The two-factor family in the OpenAPI document, derived from its request and answer types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{Op, bad_request, collect, forbidden};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "Two-factor",
    "Second factors: TOTP (authenticator apps) with ten backup codes, and codes by mail. A \
     user with two-factor on answers `{twoFactorRedirect, twoFactorMethods}` to every first \
     factor (password or social sign-in) with the signed `two_factor` cookie, then passes \
     one of the `verify-*` routes. Wrong codes: 5 per sign-in, 10 in a row lock every code \
     for 15 minutes.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<EnableBody>(&mut all);
    collect::<PasswordBody>(&mut all);
    collect::<VerifyCodeBody>(&mut all);
    collect::<VerifyBackupCodeBody>(&mut all);
    collect::<SendOtpBody>(&mut all);
    collect::<EnabledJson>(&mut all);
    collect::<EnabledByMailJson>(&mut all);
    collect::<TotpUriJson>(&mut all);
    collect::<BackupCodesJson>(&mut all);
    collect::<PassedJson>(&mut all);
    collect::<StatusJson>(&mut all);
    collect::<TwoFactorRedirectJson>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

fn post(path: &'static str, id: &str, summary: &str) -> Op {
    Op::post(path, id, TAG.0, summary)
}

/// The refusals of a code check.
const CODE_REFUSALS: &str = "`INVALID_CODE`, `INVALID_BACKUP_CODE`, `INVALID_TWO_FACTOR_COOKIE`: \
                             wrong code, or no sign-in waiting and no session";
/// What ends a code check before the code is looked at.
const CODE_LIMITS: &str = "`TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE`, `TOTP_NOT_ENABLED`, \
                           `BACKUP_CODES_NOT_ENABLED`, `OTP_HAS_EXPIRED`, `OTP_NOT_CONFIGURED`";

/// A code check: with the session (managing) or the `two_factor` cookie (signing in).
fn code_check(op: Op) -> Op {
    op.optional_session()
        .description(
            "With a session: checks the code for the signed-in user (a first good TOTP code \
             turns two-factor on) and replaces the session. Without one: finishes the sign-in \
             the signed `two_factor` cookie names. `trustDevice: true` also sets the \
             `trust_device` cookie (30 days). With `oauth_query` (an OAuth login page's \
             signed query, which better-auth's `oauthProviderClient` adds) a pass answers \
             `{redirect: true, url}`, where the authorization goes on; a query that does not \
             verify is refused with OAuth's `invalid_request` before the code is looked at.",
        )
        .ok_of::<PassedJson>("`{token, user}` with the new session's cookies (or `{redirect, url}` with `oauth_query`)")
        .reply(
            "400",
            crate::routes::oauth_provider::openapi::either_error(&format!(
                "{}; `invalid_request` (an `oauth_query` that does not verify)",
                bad_request(CODE_LIMITS)
            )),
        )
        .error("401", CODE_REFUSALS)
        .error("403", &forbidden(""))
        .error(
            "429",
            "`ACCOUNT_TEMPORARILY_LOCKED`: 10 wrong codes in a row; or the rate limit",
        )
}

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    let password = json!({"password": "correct horse battery staple"});
    vec![
        post(
            "/two-factor/enable",
            "enableTwoFactor",
            "Start a TOTP enrolment",
        )
        .description(
            "Answers the authenticator URI and ten backup codes, once. Two-factor is on \
                 only after a first code from the app passes `verify-totp` with the session.",
        )
        .session()
        .body_of::<EnableBody>(password.clone())
        .ok_of::<EnabledJson>(
            "`{method: \"totp\", totpURI, backupCodes}`; with `method: \"otp\"`, \
             `{method: \"otp\"}` and a new session",
        )
        .error(
            "400",
            &bad_request(
                "`INVALID_PASSWORD`, `TOTP_ALREADY_ENABLED`, `OTP_NOT_CONFIGURED`, \
                 `CREDENTIAL_ACCOUNT_NOT_FOUND`",
            ),
        )
        .error("403", &forbidden("")),
        post(
            "/two-factor/disable",
            "disableTwoFactor",
            "Turn two-factor off",
        )
        .description("Removes the enrolment and every trusted device, and replaces the session.")
        .session()
        .body_of::<PasswordBody>(password.clone())
        .ok_of::<StatusJson>("`{status: true}` with the new session's cookies")
        .error("400", &bad_request("`INVALID_PASSWORD`"))
        .error("403", &forbidden("")),
        post(
            "/two-factor/get-totp-uri",
            "getTotpUri",
            "The authenticator URI again",
        )
        .session()
        .body_of::<PasswordBody>(password.clone())
        .ok_of::<TotpUriJson>("`{totpURI}`")
        .error(
            "400",
            &bad_request("`INVALID_PASSWORD`, `TOTP_NOT_ENABLED`"),
        )
        .error("403", &forbidden("")),
        post(
            "/two-factor/generate-backup-codes",
            "generateBackupCodes",
            "Replace the backup codes",
        )
        .session()
        .body_of::<PasswordBody>(password)
        .ok_of::<BackupCodesJson>("`{status: true, backupCodes}`; the old codes stop working")
        .error(
            "400",
            &bad_request("`INVALID_PASSWORD`, `TWO_FACTOR_NOT_ENABLED`"),
        )
        .error("403", &forbidden("")),
        code_check(post(
            "/two-factor/verify-totp",
            "verifyTotp",
            "Check a TOTP code",
        ))
        .body_of::<VerifyCodeBody>(json!({"code": "123456", "trustDevice": false})),
        post(
            "/two-factor/send-otp",
            "sendTwoFactorOtp",
            "Mail a one-time code",
        )
        .description(
            "Mails a 6-digit code, good for 3 minutes and 5 tries, for the session's user \
                 or the sign-in the `two_factor` cookie names.",
        )
        .optional_session()
        .body_of::<SendOtpBody>(json!({}))
        .ok_of::<StatusJson>("`{status: true}`")
        .error("400", &bad_request("`OTP_NOT_CONFIGURED`"))
        .error("401", "`INVALID_TWO_FACTOR_COOKIE`")
        .error("403", &forbidden("")),
        code_check(post(
            "/two-factor/verify-otp",
            "verifyTwoFactorOtp",
            "Check a mailed code",
        ))
        .body_of::<VerifyCodeBody>(json!({"code": "123456"})),
        code_check(post(
            "/two-factor/verify-backup-code",
            "verifyBackupCode",
            "Check a backup code (used up)",
        ))
        .body_of::<VerifyBackupCodeBody>(json!({"code": "abcde-12345"})),
    ]
}
