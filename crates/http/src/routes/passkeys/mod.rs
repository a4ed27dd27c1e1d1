//! The passkey family: better-auth's `/passkey/*` routes. Ceremonies (options, then the
//! authenticator's answer) are in `ceremonies.rs`, the user's list in `management.rs`;
//! request types in `requests.rs`, answers in `wire.rs`, the OpenAPI description
//! (`openapi.rs`) derived from both.
//!
//! One cookie, signed: `better-auth-passkey` names the challenge of a ceremony in progress
//! (5 minutes, single use).

mod ceremonies;
mod management;
pub(crate) mod openapi;
mod requests;
mod wire;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The cookie naming a ceremony's challenge (`<prefix>.better-auth-passkey`).
pub(crate) const CHALLENGE_COOKIE: &str = "better-auth-passkey";

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/passkey/generate-register-options",
            get(ceremonies::registration_options),
        )
        .route(
            "/passkey/verify-registration",
            post(ceremonies::verify_registration),
        )
        .route(
            "/passkey/generate-authenticate-options",
            get(ceremonies::authentication_options),
        )
        .route(
            "/passkey/verify-authentication",
            post(ceremonies::verify_authentication),
        )
        .route("/passkey/list-user-passkeys", get(management::list))
        .route("/passkey/update-passkey", post(management::update))
        .route("/passkey/delete-passkey", post(management::delete))
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/passkey/generate-register-options",
    "/passkey/verify-registration",
    "/passkey/generate-authenticate-options",
    "/passkey/verify-authentication",
    "/passkey/list-user-passkeys",
    "/passkey/update-passkey",
    "/passkey/delete-passkey",
];

/// Reads a JSON body as one of the family's request types (`route` picks which), for the
/// fuzz targets.
#[doc(hidden)]
pub fn parse_any_request(route: u8, body: serde_json::Value) -> Result<(), crate::error::ApiError> {
    use crate::typed_body::parse;
    use requests::*;
    match route % 4 {
        0 => parse::<VerifyRegistrationBody>(body).map(drop),
        1 => parse::<VerifyAuthenticationBody>(body).map(drop),
        2 => parse::<UpdatePasskeyBody>(body).map(drop),
        _ => parse::<DeletePasskeyBody>(body).map(drop),
    }
}
