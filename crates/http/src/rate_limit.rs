//! The rate-limit layer: every request under `/api/auth` is counted before routing (unknown
//! paths too), and a refused one gets 429 with `X-Retry-After`.

use crate::client_ip::client_ip;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use beep_core::rate_limit::{ClientKey, Decision};
use http::StatusCode;

/// The base path every auth route lives under.
pub const BASE_PATH: &str = "/api/auth";

/// The hosted pages whose GET is counted apart from their POST.
const HOSTED_PAGES: [&str; 3] = [
    "/oauth2/login-page",
    "/oauth2/consent-page",
    "/oauth2/device-page",
];

/// Middleware: counts the request and refuses it when over the limit.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.settings.rate_limit_enabled {
        return next.run(req).await;
    }
    let Some(path) = req.uri().path().strip_prefix(BASE_PATH).map(str::to_owned) else {
        return next.run(req).await;
    };
    let path = if !crate::routes::is_route(&path) {
        "/*".to_owned()
    } else if req.method() == http::Method::GET && HOSTED_PAGES.contains(&path.as_str()) {
        // Showing a hosted page is not a sign-in attempt: its form's POST is counted as one.
        format!("{path} (page)")
    } else {
        path
    };
    let (parts, body) = req.into_parts();
    let client = client_ip(&state, &parts).map_or_else(ClientKey::unknown, ClientKey::from_ip);
    let now_ms = u64::try_from(state.auth.now().timestamp_millis()).unwrap_or_default();
    match state.limiter.check(&client, &path, now_ms).await {
        Decision::Allowed => next.run(Request::from_parts(parts, body)).await,
        Decision::Limited { retry_after_secs } => {
            ApiError::TooManyRequests { retry_after_secs }.into_response()
        }
        Decision::Unavailable => ApiError::coded(
            StatusCode::SERVICE_UNAVAILABLE,
            "RATE_LIMITER_UNAVAILABLE",
            "Rate limiting is unavailable; try again shortly",
        )
        .into_response(),
    }
}
