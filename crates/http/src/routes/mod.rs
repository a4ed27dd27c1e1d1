//! The routes under `/api/auth`, grouped by concern.

mod account;
pub(crate) mod admin;
pub(crate) mod api_keys;
mod credentials;
mod email;
pub(crate) mod jwt;
mod meta;
pub(crate) mod oauth_provider;
pub(crate) mod organization;
pub(crate) mod passkeys;
mod sessions;
pub(crate) mod social;
pub(crate) mod two_factor;

use crate::client_ip::client_ip;
use crate::cookies::SESSION_TOKEN;
use crate::error::ApiError;
use crate::openapi::{DescribeOptions, Published};
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::routing::{get, post};
use beep_core::ClientInfo;
use http::request::Parts;
use http::{StatusCode, header};
use std::sync::Arc;

pub(crate) use meta::escape_html;
pub(crate) use meta::html_page;
pub use meta::{health_live, health_ready, not_found};

/// Whether a path below the base path is a route (the rate limiter counts any other path in
/// one shared bucket per client, so junk paths cannot flood its table).
pub fn is_route(path: &str) -> bool {
    PATHS.contains(&path)
        || organization::PATHS.contains(&path)
        || social::is_route(path)
        || two_factor::PATHS.contains(&path)
        || passkeys::PATHS.contains(&path)
        || jwt::PATHS.contains(&path)
        || api_keys::PATHS.contains(&path)
        || admin::PATHS.contains(&path)
        || oauth_provider::PATHS.contains(&path)
}

/// Every route path below the base path.
pub fn auth_paths() -> impl Iterator<Item = &'static str> {
    PATHS
        .iter()
        .chain(organization::PATHS)
        .chain(social::PATHS)
        .chain(two_factor::PATHS)
        .chain(passkeys::PATHS)
        .chain(jwt::PATHS)
        .chain(api_keys::PATHS)
        .chain(admin::PATHS)
        .chain(oauth_provider::PATHS)
        .copied()
}

/// The foundation's route paths below the base path.
const PATHS: &[&str] = &[
    "/ok",
    "/error",
    "/sign-up/email",
    "/sign-in/email",
    "/sign-out",
    "/get-session",
    "/list-sessions",
    "/revoke-session",
    "/revoke-sessions",
    "/revoke-other-sessions",
    "/update-user",
    "/change-password",
    "/verify-password",
    "/delete-user",
    "/send-verification-email",
    "/verify-email",
    "/request-password-reset",
    "/reset-password",
    "/change-email",
    "/openapi.json",
    "/reference",
];

/// The better-auth routes, relative to the base path.
pub fn auth_routes(state: &AppState) -> Router<AppState> {
    let mut router = Router::new()
        .route("/ok", get(meta::ok))
        .route("/error", get(meta::error_page))
        .route("/sign-up/email", post(credentials::sign_up))
        .route("/sign-in/email", post(credentials::sign_in))
        .route("/sign-out", post(sessions::sign_out))
        .route(
            "/get-session",
            get(sessions::get_session).post(sessions::get_session_post),
        )
        .route("/list-sessions", get(sessions::list_sessions))
        .route("/revoke-session", post(sessions::revoke_session))
        .route("/revoke-sessions", post(sessions::revoke_sessions))
        .route(
            "/revoke-other-sessions",
            post(sessions::revoke_other_sessions),
        )
        .route("/update-user", post(account::update_user))
        .route("/change-password", post(account::change_password))
        .route("/verify-password", post(account::verify_password))
        .route(
            "/send-verification-email",
            post(email::send_verification_email),
        )
        .route("/verify-email", get(email::verify_email))
        .route(
            "/request-password-reset",
            post(email::request_password_reset),
        )
        .route("/reset-password", post(email::reset_password))
        .route("/reset-password/{token}", get(email::reset_password_link))
        .route("/change-email", post(email::change_email))
        .merge(organization::routes())
        .merge(social::routes())
        .merge(two_factor::routes())
        .merge(passkeys::routes())
        .merge(jwt::routes())
        .merge(api_keys::routes())
        .merge(admin::routes())
        .merge(oauth_provider::routes());
    let delete_user_enabled = state.auth.config().delete_user_enabled;
    if delete_user_enabled {
        router = router.route("/delete-user", post(account::delete_user));
    }
    // The description is rendered once here, from the configuration (never from a request's
    // `Host`), and describes exactly the routes mounted above.
    let published = Arc::new(Published::new(&DescribeOptions {
        base_url: state.settings.base_url.clone(),
        session_cookie: state.jar().name(SESSION_TOKEN),
        delete_user_enabled,
    }));
    let page = published.clone();
    router
        .route(
            "/openapi.json",
            get(move || async move { published.json_response() }),
        )
        .route(
            "/reference",
            get(move || async move { page.html_response() }),
        )
}

/// Where the request came from, for the sessions it creates.
pub struct RequestClient(pub ClientInfo);

impl FromRequestParts<AppState> for RequestClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip_address = client_ip(state, parts)
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Self(ClientInfo {
            ip_address,
            user_agent,
        }))
    }
}

/// Refuses a `callbackURL` that is not a same-site path or a trusted origin.
fn check_callback(state: &AppState, callback: Option<&str>) -> Result<(), ApiError> {
    match callback {
        Some(url) if state.settings.trusted_origins.check_redirect(url).is_err() => {
            Err(ApiError::coded(
                StatusCode::FORBIDDEN,
                "INVALID_CALLBACK_URL",
                "Invalid callbackURL",
            ))
        }
        _ => Ok(()),
    }
}

/// Fields a client may never set on a user (mass assignment).
const PROTECTED_USER_FIELDS: [&str; 9] = [
    "id",
    "emailVerified",
    "role",
    "banned",
    "banReason",
    "banExpires",
    "createdAt",
    "updatedAt",
    "twoFactorEnabled",
];

fn refuse_protected_fields(fields: &crate::body::Fields) -> Result<(), ApiError> {
    if PROTECTED_USER_FIELDS.iter().any(|f| fields.has(f)) {
        return Err(ApiError::coded(
            StatusCode::BAD_REQUEST,
            "FIELD_NOT_ALLOWED",
            "Field not allowed to be set",
        ));
    }
    Ok(())
}
