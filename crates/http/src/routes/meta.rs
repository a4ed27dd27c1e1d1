//! `/ok`, `/error`, the health probes and the 404 fallback.

use crate::query::Query;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_store::MigrationState;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

/// `GET /ok`.
pub async fn ok() -> Json<serde_json::Value> {
    Json(json!({ "ok": true }))
}

/// Unknown routes and wrong methods: 404 with an empty body, as better-auth answers.
pub async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// `GET /health/live`: the process is up.
pub async fn health_live() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /health/ready`: the database answers, the schema is current, and the node is not
/// draining for shutdown.
pub async fn health_ready(State(state): State<AppState>) -> Response {
    if state.readiness.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        )
            .into_response();
    }
    let store = state.auth.store();
    let checked = match store.ping().await {
        Ok(()) => store.migration_state().await.ok(),
        Err(_) => None,
    };
    match checked {
        Some(MigrationState::Current) => Json(json!({ "status": "ok" })).into_response(),
        Some(other) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "schema not current", "detail": format!("{other:?}") })),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "database unreachable" })),
        )
            .into_response(),
    }
}

/// Query of `GET /error`.
#[derive(Debug, Deserialize)]
pub struct ErrorQuery {
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /error`: a small page naming the error, every value HTML-escaped, under a strict CSP.
pub async fn error_page(Query(query): Query<ErrorQuery>) -> Response {
    let error = escape_html(query.error.as_deref().unwrap_or("unknown_error"));
    let description = escape_html(query.error_description.as_deref().unwrap_or(""));
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title></head>\
         <body><h1>Something went wrong</h1><p><code>{error}</code></p><p>{description}</p></body></html>"
    );
    html_page(
        body,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    )
}

/// An HTML response under `csp`, never sniffed as another type and sending no referrer.
pub(crate) fn html_page(body: impl IntoResponse, csp: HeaderValue) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            other => out.push(other),
        }
    }
    out
}
