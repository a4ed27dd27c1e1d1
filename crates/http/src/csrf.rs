//! better-auth's origin check (§2.6) on state-changing requests:
//! - with a `Cookie` header, the `Origin` (or `Referer`) must be trusted;
//! - sign-up and sign-in without cookies are checked for login CSRF: a cross-site
//!   navigation is refused, and any `Origin`/`Referer` sent must be trusted;
//! - GET, HEAD and OPTIONS are not checked here (they change nothing).

use crate::error::ApiError;
use crate::rate_limit::BASE_PATH;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, header};

const LOGIN_PATHS: [&str; 3] = ["/sign-up/email", "/sign-in/email", "/sign-in/social"];

/// Middleware: refuses cross-origin state changes with 403.
pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let path = req.uri().path().strip_prefix(BASE_PATH).unwrap_or_default();
    // A provider's form_post comes from its own origin; that route only redirects to the
    // GET form, where the sign-in's own checks run.
    if path.starts_with("/callback/") {
        return next.run(req).await;
    }
    match verdict(&state, req.headers(), path) {
        Ok(()) => next.run(req).await,
        Err(error) => error.into_response(),
    }
}

fn verdict(state: &AppState, headers: &HeaderMap, path: &str) -> Result<(), ApiError> {
    let trusted = &state.settings.trusted_origins;
    let origin = request_origin(headers);
    if headers.contains_key(header::COOKIE) {
        return match origin.as_deref() {
            None | Some("null") if same_origin_null(headers) => Ok(()),
            None | Some("null") => Err(forbidden(
                "MISSING_OR_NULL_ORIGIN",
                "Missing or null Origin",
            )),
            Some(origin) if trusted.is_trusted_origin(origin) => Ok(()),
            Some(_) => Err(forbidden("INVALID_ORIGIN", "Invalid origin")),
        };
    }
    if LOGIN_PATHS.contains(&path) {
        let site = header_str(headers, "sec-fetch-site");
        let mode = header_str(headers, "sec-fetch-mode");
        if site == Some("cross-site") && mode == Some("navigate") {
            return Err(forbidden(
                "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
                "Cross-site navigation login blocked",
            ));
        }
        if let Some(origin) = origin.as_deref()
            && !trusted.is_trusted_origin(origin)
        {
            return Err(forbidden("INVALID_ORIGIN", "Invalid origin"));
        }
    }
    Ok(())
}

/// `Origin: null` from a same-origin fetch counts as the base URL.
fn same_origin_null(headers: &HeaderMap) -> bool {
    header_str(headers, "origin") == Some("null")
        && header_str(headers, "sec-fetch-site") == Some("same-origin")
}

/// The `Origin` header, else the origin part of `Referer`.
fn request_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = header_str(headers, "origin") {
        return Some(origin.to_owned());
    }
    let referer = header_str(headers, "referer")?;
    let (scheme, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}"))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn forbidden(code: &'static str, message: &'static str) -> ApiError {
    ApiError::coded(StatusCode::FORBIDDEN, code, message)
}
