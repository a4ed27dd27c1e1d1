//! The discovery documents: `/api/auth/.well-known/openid-configuration` (OpenID Connect
//! Discovery) and RFC 8414 metadata, at both `/api/auth/.well-known/oauth-authorization-server`
//! and the root `/.well-known/oauth-authorization-server/api/auth` RFC 8414 §3 names. GET and
//! HEAD only; cached for 15 seconds, as better-auth serves them.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use beep_core::oauth_provider::discovery_document;
use http::{HeaderValue, header};

/// The routes under the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(document))
        .route("/.well-known/oauth-authorization-server", get(document))
}

/// The route outside the base path (RFC 8414 §3.1: the well-known prefix before the
/// issuer's path).
pub(crate) fn root_routes() -> Router<AppState> {
    Router::new().route(
        "/.well-known/oauth-authorization-server/api/auth",
        get(document),
    )
}

async fn document(State(state): State<AppState>) -> Result<Response, ApiError> {
    let config = state.auth.config();
    let body = discovery_document(&config.oauth_provider, config.jwt.algorithm.as_str());
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(
            "public, max-age=15, stale-while-revalidate=15, stale-if-error=86400",
        ),
    );
    Ok(response)
}
