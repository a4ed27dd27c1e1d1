//! The two-factor family: better-auth's `/two-factor/*` routes, and the cookies a sign-in
//! with a second factor uses. Request types are in `requests.rs`, answers in `wire.rs`, and
//! the OpenAPI description (`openapi.rs`) is derived from both.
//!
//! Two cookies, both signed: `two_factor` names a sign-in waiting for its second factor
//! (10 minutes), `trust_device` lets a device skip the second factor for 30 days (revoked
//! with every device of the user when two-factor is turned off).

mod factors;
pub(crate) mod openapi;
mod requests;
mod wire;

use crate::cookies::{SESSION_DATA, SESSION_TOKEN};
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use beep_core::two_factor::SecondFactorChallenge;
use http::{HeaderMap, header};

pub(crate) use factors::set_passed_cookies;
pub(crate) use wire::TwoFactorRedirectJson;

/// The cookie naming a sign-in that waits for its second factor (`<prefix>.two_factor`).
pub(crate) const CHALLENGE_COOKIE: &str = "two_factor";
/// The cookie of a trusted device (`<prefix>.trust_device`).
pub(crate) const TRUST_DEVICE_COOKIE: &str = "trust_device";

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/two-factor/enable", post(factors::enable))
        .route("/two-factor/disable", post(factors::disable))
        .route("/two-factor/get-totp-uri", post(factors::get_totp_uri))
        .route("/two-factor/verify-totp", post(factors::verify_totp))
        .route("/two-factor/send-otp", post(factors::send_otp))
        .route("/two-factor/verify-otp", post(factors::verify_otp))
        .route(
            "/two-factor/generate-backup-codes",
            post(factors::generate_backup_codes),
        )
        .route(
            "/two-factor/verify-backup-code",
            post(factors::verify_backup_code),
        )
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/two-factor/enable",
    "/two-factor/disable",
    "/two-factor/get-totp-uri",
    "/two-factor/verify-totp",
    "/two-factor/send-otp",
    "/two-factor/verify-otp",
    "/two-factor/generate-backup-codes",
    "/two-factor/verify-backup-code",
];

/// Reads a JSON body as one of the family's request types (`route` picks which), for the
/// fuzz targets.
#[doc(hidden)]
pub fn parse_any_request(route: u8, body: serde_json::Value) -> Result<(), crate::error::ApiError> {
    use crate::typed_body::parse;
    use requests::*;
    match route % 5 {
        0 => parse::<EnableBody>(body).map(drop),
        1 => parse::<PasswordBody>(body).map(drop),
        2 => parse::<VerifyCodeBody>(body).map(drop),
        3 => parse::<VerifyBackupCodeBody>(body).map(drop),
        _ => parse::<SendOtpBody>(body).map(drop),
    }
}

/// Routes a session may use before its user has turned two-factor on, when
/// `TWO_FACTOR_REQUIRED` is set: enrolling, and reading or ending the session.
const UNENROLLED_PATHS: &[&str] = &[
    "/two-factor/enable",
    "/two-factor/verify-totp",
    "/two-factor/get-totp-uri",
    "/two-factor/send-otp",
    "/two-factor/verify-otp",
    "/get-session",
    "/sign-out",
    "/list-sessions",
    "/revoke-session",
    "/revoke-sessions",
];

/// Whether a path (below the base path or not) serves a session whose user has not turned
/// two-factor on yet.
pub(crate) fn serves_unenrolled(path: &str) -> bool {
    let path = path
        .strip_prefix(crate::rate_limit::BASE_PATH)
        .unwrap_or(path);
    UNENROLLED_PATHS.contains(&path)
}

/// The trust token a device presents, if its cookie is ours.
pub(crate) fn trusted_device(state: &AppState, headers: &HeaderMap) -> Option<String> {
    state.jar().read_signed(headers, TRUST_DEVICE_COOKIE)
}

/// Sets the `two_factor` cookie of a challenge on `headers`, and clears any session cookies
/// (so a code sent next cannot be taken for the management of an earlier session's user).
pub(crate) fn set_challenge_cookie(
    state: &AppState,
    headers: &mut HeaderMap,
    challenge: &SecondFactorChallenge,
) {
    let jar = state.jar();
    let lifetime = state.auth.config().two_factor.challenge_lifetime;
    let max_age = u64::try_from(lifetime.num_seconds()).unwrap_or(600);
    headers.append(
        header::SET_COOKIE,
        jar.set(
            CHALLENGE_COOKIE,
            &jar.sign(challenge.token.expose()),
            Some(max_age),
        ),
    );
    headers.append(header::SET_COOKIE, jar.expire(SESSION_TOKEN));
    headers.append(header::SET_COOKIE, jar.expire(SESSION_DATA));
}

/// The answer to a first factor that needs a second: `{twoFactorRedirect, twoFactorMethods}`
/// with the challenge cookie.
pub(crate) fn second_factor_required(
    state: &AppState,
    challenge: &SecondFactorChallenge,
) -> Response {
    let mut response = Json(TwoFactorRedirectJson {
        two_factor_redirect: true,
        two_factor_methods: challenge.methods.iter().map(|m| (*m).to_owned()).collect(),
    })
    .into_response();
    set_challenge_cookie(state, response.headers_mut(), challenge);
    response
}
