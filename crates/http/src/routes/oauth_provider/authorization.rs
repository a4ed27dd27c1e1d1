//! The user-facing side of the provider: `/oauth2/authorize` (GET with a query, or POST with
//! a form, OpenID Connect Core §3.1.2.1), the consent answer `/oauth2/consent`,
//! `/oauth2/continue` after an account-selection, sign-up or post-login page, and
//! `/oauth2/userinfo` for bearer tokens.
//!
//! Every step of the authorization flow answers with where the user goes next: a `302` for
//! a browser navigating, or `200 {"redirect": true, "url"}` for a script's fetch
//! (`Sec-Fetch-Mode: cors`, or `Accept: application/json`, as better-auth answers; or a JSON
//! body, which no HTML form sends).

use super::refusal;
use crate::body::{Fields, JsonOrFormFields, read_form_pairs};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use beep_core::oauth_provider::{
    AuthorizeStep, ConsentAnswer, Continuation, EndSessionOutcome, EndSessionRequest, OAuthError,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Value, json};

/// The routes, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/authorize", get(authorize).post(authorize))
        .route("/oauth2/consent", post(consent))
        .route("/oauth2/continue", post(continue_authorization))
        .route("/oauth2/userinfo", get(userinfo).post(userinfo))
        .route("/oauth2/end-session", get(end_session).post(end_session))
}

/// Where the user goes next, in the form the caller can follow.
fn redirect_answer(headers: &HeaderMap, url: &str) -> Response {
    let says_json = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"))
    };
    let from_script = headers
        .get("sec-fetch-mode")
        .is_some_and(|v| v.as_bytes() == b"cors")
        || says_json(header::ACCEPT)
        || says_json(header::CONTENT_TYPE);
    match HeaderValue::from_str(url) {
        Ok(location) if !from_script => {
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        _ => Json(json!({ "redirect": true, "url": url })).into_response(),
    }
}

/// `GET|POST /oauth2/authorize`.
async fn authorize(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers().clone();
    let params = parameters(&state, query, req).await?;
    let session = current.map(|c| c.active);
    let url = state
        .auth
        .authorize(params, session.as_ref(), AuthorizeStep::Request)
        .await?;
    Ok(redirect_answer(&headers, &url))
}

/// The parameters of a GET's query or a POST's form.
async fn parameters(
    state: &AppState,
    query: Option<String>,
    req: Request,
) -> Result<Vec<(String, String)>, ApiError> {
    if req.method() == Method::POST {
        read_form_pairs(req, state).await
    } else {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&query.unwrap_or_default())
            .map_err(|_| refusal(OAuthError::invalid_request("the query is not URL-encoded")))
    }
}

/// `GET|POST /oauth2/end-session` (RP-initiated logout): `id_token_hint`, `client_id`,
/// `post_logout_redirect_uri`, `state`.
async fn end_session(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    let params = parameters(&state, query, req).await?;
    let one = |name: &str| {
        params
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let outcome = state
        .auth
        .end_session(EndSessionRequest {
            id_token_hint: one("id_token_hint"),
            client_id: one("client_id"),
            post_logout_redirect_uri: one("post_logout_redirect_uri"),
            state: one("state"),
        })
        .await?;
    Ok(match outcome {
        EndSessionOutcome::Redirect(url) => match HeaderValue::from_str(&url) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        },
        EndSessionOutcome::SignedOut => super::pages::page(
            StatusCode::OK,
            "Signed out",
            "<h1>You are signed out</h1><p>You can close this page.</p>",
            "",
        ),
    })
}

/// `POST /oauth2/consent` (signed in): `{accept, scope?, oauth_query}`, as JSON or a form.
async fn consent(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    headers: HeaderMap,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let active = current.ok_or_else(ApiError::unauthorized)?.active;
    let accept = bool_field(&mut body, "accept");
    let scope = body.optional_string("scope");
    let oauth_query = body.required_string("oauth_query");
    body.finish()?;
    let Some(accept) = accept else {
        return Err(refusal(OAuthError::invalid_request(
            "accept must be true or false",
        )));
    };
    let url = state
        .auth
        .answer_consent(
            &active,
            ConsentAnswer {
                accept,
                scope,
                oauth_query,
            },
        )
        .await?;
    Ok(redirect_answer(&headers, &url))
}

/// `POST /oauth2/continue` (signed in): `{selected | created | postLogin: true,
/// oauth_query}`, as JSON or a form: the authorization goes on past the page that held it.
async fn continue_authorization(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    headers: HeaderMap,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let active = current.ok_or_else(ApiError::unauthorized)?.active;
    let selected = bool_field(&mut body, "selected");
    let created = bool_field(&mut body, "created");
    let post_login = bool_field(&mut body, "postLogin");
    let oauth_query = body.required_string("oauth_query");
    body.finish()?;
    // better-auth looks at them in this order.
    let how = [
        (selected, Continuation::Selected),
        (created, Continuation::Created),
        (post_login, Continuation::PostLogin),
    ]
    .into_iter()
    .find_map(|(flag, how)| (flag == Some(true)).then_some(how))
    .ok_or_else(|| refusal(OAuthError::invalid_request("Missing parameters")))?;
    let url = state
        .auth
        .continue_after_page(&oauth_query, &active, how)
        .await?;
    Ok(redirect_answer(&headers, &url))
}

/// `name`: a JSON boolean, or `true`/`false` from a form.
fn bool_field(body: &mut Fields, name: &str) -> Option<bool> {
    match body.take(name) {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        _ => None,
    }
}

/// `GET|POST /oauth2/userinfo` with `Authorization: Bearer`.
async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| refusal(OAuthError::invalid_token("authorization header not found")))?;
    let claims = state.auth.userinfo(token).await?;
    Ok(Json(Value::Object(claims)).into_response())
}
