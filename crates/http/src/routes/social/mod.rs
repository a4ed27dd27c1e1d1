//! The social sign-in family: better-auth's `/sign-in/social`, `/callback/{providerId}`,
//! `/link-social` and the linked-account routes. Request types are in `requests.rs`, answers
//! in `wire.rs`, and the OpenAPI description (`openapi.rs`) is derived from both.
//!
//! A sign-in is bound to the browser that started it by the signed `state` cookie: one
//! random value per browser (kept across sign-ins, so two tabs share it), whose digest the
//! pending sign-in holds.

mod accounts;
pub(crate) mod openapi;
mod requests;
mod sign_in;
mod wire;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use requests::SignInSocialBody;

/// The browser-binding cookie (`<prefix>.state`).
pub(crate) const BINDING_COOKIE: &str = "state";
/// Its lifetime: as long as a sign-in may take.
pub(crate) const BINDING_MAX_AGE_SECS: u64 = 600;

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in/social", post(sign_in::sign_in_social))
        .route("/link-social", post(sign_in::link_social))
        .route(
            "/callback/{provider}",
            get(sign_in::callback).post(sign_in::callback_form_post),
        )
        .route("/list-accounts", get(accounts::list_accounts))
        .route("/unlink-account", post(accounts::unlink_account))
        .route("/get-access-token", post(accounts::get_access_token))
        .route("/refresh-token", post(accounts::refresh_token))
        .route("/account-info", get(accounts::account_info))
}

/// Every fixed path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/sign-in/social",
    "/link-social",
    "/list-accounts",
    "/unlink-account",
    "/get-access-token",
    "/refresh-token",
    "/account-info",
];

/// Whether a path is one of the family's, the callbacks included.
pub fn is_route(path: &str) -> bool {
    PATHS.contains(&path)
        || path
            .strip_prefix("/callback/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Reads a JSON body as the family's sign-in request, for the fuzz targets.
#[doc(hidden)]
pub fn parse_sign_in_request(body: serde_json::Value) -> Result<(), ApiError> {
    crate::typed_body::parse::<SignInSocialBody>(body).map(drop)
}

/// Refuses landing URLs that are neither a same-site path nor a trusted origin's
/// (better-auth: 403 `INVALID_CALLBACK_URL` and its two siblings).
fn check_urls(state: &AppState, body: &SignInSocialBody) -> Result<(), ApiError> {
    let checks = [
        (
            &body.callback_url,
            "INVALID_CALLBACK_URL",
            "Invalid callbackURL",
        ),
        (
            &body.error_callback_url,
            "INVALID_ERROR_CALLBACK_URL",
            "Invalid errorCallbackURL",
        ),
        (
            &body.new_user_callback_url,
            "INVALID_NEW_USER_CALLBACK_URL",
            "Invalid newUserCallbackURL",
        ),
    ];
    for (url, code, message) in checks {
        if let Some(url) = url
            && state.settings.trusted_origins.check_redirect(url).is_err()
        {
            return Err(ApiError::coded(http::StatusCode::FORBIDDEN, code, message));
        }
    }
    Ok(())
}
