//! Device authorization over HTTP (RFC 8628, better-auth's `deviceAuthorization()`):
//! `/device/code` for the device, `/device/token` for its polls (answering with a session
//! token, as better-auth does; the same grant at `/oauth2/token` answers with OAuth tokens),
//! and `/device`, `/device/approve`, `/device/deny` for the signed-in user's page.

use super::refusal;
use crate::body::JsonOrFormFields;
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::routes::RequestClient;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use beep_core::oauth_provider::{DEVICE_CODE_GRANT, OAuthError, OAuthErrorCode};
use http::{HeaderValue, header};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

/// The routes, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/device/code", post(device_code))
        .route("/device/token", post(device_token))
        .route("/device", get(view))
        .route("/device/approve", post(approve))
        .route("/device/deny", post(deny))
}

/// Never cached: these answers hold codes and tokens.
fn uncached(body: serde_json::Value) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| refusal(OAuthError::invalid_request(format!("{name} is required"))))
}

/// `POST /device/code`: `{client_id, scope?}` as a form or JSON.
async fn device_code(
    State(state): State<AppState>,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let client_id = body.optional_string("client_id");
    let scope = body.optional_string("scope");
    body.finish()?;
    let client_id = required(client_id, "client_id")?;
    let issued = state
        .auth
        .request_device_code(&client_id, scope.as_deref())
        .await?;
    Ok(uncached(json!({
        "device_code": issued.device_code.expose(),
        "user_code": issued.user_code,
        "verification_uri": issued.verification_uri,
        "verification_uri_complete": issued.verification_uri_complete,
        "expires_in": issued.expires_in,
        "interval": issued.interval,
    })))
}

/// `POST /device/token`: `{grant_type, device_code, client_id}`.
async fn device_token(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let grant_type = body.optional_string("grant_type");
    let device_code = body.optional_string("device_code");
    let client_id = body.optional_string("client_id");
    body.finish()?;
    if grant_type.as_deref() != Some(DEVICE_CODE_GRANT) {
        return Err(refusal(OAuthError::bad(
            OAuthErrorCode::UnsupportedGrantType,
            format!("grant_type must be {DEVICE_CODE_GRANT}"),
        )));
    }
    let device_code = required(device_code, "device_code")?;
    let client_id = required(client_id, "client_id")?;
    let (token, expires_at, scopes) = state
        .auth
        .device_session_token(&client_id, &device_code, &client)
        .await?;
    Ok(uncached(json!({
        "access_token": token.expose(),
        "token_type": "Bearer",
        "expires_in": (expires_at - state.auth.now()).num_seconds(),
        "scope": scopes.join(" "),
    })))
}

/// `GET /device?user_code=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserCodeQuery {
    /// The code the device shows.
    pub user_code: String,
}

/// `GET /device?user_code=`: the code's state; signed in, this claims it.
async fn view(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    crate::query::Query(query): crate::query::Query<UserCodeQuery>,
) -> Result<Response, ApiError> {
    let user = current.map(|c| c.active.user);
    let view = state
        .auth
        .view_device_code(user.as_ref(), &query.user_code)
        .await?;
    Ok(uncached(json!({
        "user_code": view.user_code,
        "status": view.status.as_str(),
        "client_id": view.client_id,
        "scope": view.scopes.join(" "),
    })))
}

async fn answer(
    state: &AppState,
    current: Option<CurrentSession>,
    mut body: crate::body::Fields,
    approve: bool,
) -> Result<Response, ApiError> {
    let user_code = body.optional_string("userCode");
    body.finish()?;
    let Some(current) = current else {
        return Err(ApiError::OAuth {
            status: http::StatusCode::UNAUTHORIZED,
            error: "unauthorized",
            description: "Authentication required".to_owned(),
            challenge: None,
        });
    };
    let user_code = required(user_code, "userCode")?;
    state
        .auth
        .answer_device_code(&current.active.user, &user_code, approve)
        .await?;
    Ok(Json(json!({ "success": true })).into_response())
}

/// `POST /device/approve` (signed in): `{userCode}`.
async fn approve(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    JsonOrFormFields(body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    answer(&state, current, body, true).await
}

/// `POST /device/deny` (signed in): `{userCode}`.
async fn deny(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    JsonOrFormFields(body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    answer(&state, current, body, false).await
}
