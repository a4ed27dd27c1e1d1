//! The JWT family: better-auth's `jwt()` plugin. `GET /token` answers a JWT of the caller's
//! session, `GET /jwks` the keys that verify it, and every get-session that finds a session
//! adds a fresh JWT in the `set-auth-jwt` header (unless `JWT_SESSION_HEADER=false`).
//! Answers are in `wire.rs`, the OpenAPI description in `openapi.rs`.

pub(crate) mod openapi;
mod wire;

use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::UserJson;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use beep_core::jwt::JsonWebKeySet;
use beep_domain::{User, UserId};
use http::{HeaderMap, HeaderValue};
use serde_json::{Map, Value};
use wire::TokenJson;

/// The header get-session answers a JWT in.
pub(crate) const JWT_HEADER: &str = "set-auth-jwt";

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/token", get(token))
        .route("/jwks", get(jwks))
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &["/token", "/jwks"];

/// `GET /token`: `{token}`, a JWT of the session's user.
async fn token(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Json<TokenJson>, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    let token = sign_user(&state, &caller.user).await?;
    Ok(Json(TokenJson { token }))
}

/// `GET /jwks`: the public keys of the JWTs (`{keys: [...]}`).
async fn jwks(State(state): State<AppState>) -> Result<Json<JsonWebKeySet>, ApiError> {
    Ok(Json(state.auth.json_web_key_set().await?))
}

/// A JWT whose claims are `user` as get-session shows it.
async fn sign_user(state: &AppState, user: &User) -> Result<String, ApiError> {
    let claims = match serde_json::to_value(UserJson::from(user)) {
        Ok(Value::Object(claims)) => claims,
        _ => Map::new(),
    };
    Ok(state.auth.issue_jwt(&user.id, claims).await?)
}

/// Adds `set-auth-jwt` for `user` to a get-session answer, when the setting is on.
pub(crate) async fn add_session_jwt(
    state: &AppState,
    headers: &mut HeaderMap,
    user: &User,
) -> Result<(), ApiError> {
    if !state.auth.config().jwt.session_header {
        return Ok(());
    }
    let token = sign_user(state, user).await?;
    insert_jwt(headers, &token);
    Ok(())
}

/// [`add_session_jwt`] for an answer served from a cookie cache: the user is read back from
/// the cached `{session, user}` body.
pub(crate) async fn add_cached_session_jwt(
    state: &AppState,
    headers: &mut HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    if !state.auth.config().jwt.session_header {
        return Ok(());
    }
    let Ok(Value::Object(mut answer)) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    let Some(Value::Object(claims)) = answer.remove("user") else {
        return Ok(());
    };
    let Some(id) = claims.get("id").and_then(Value::as_str) else {
        return Ok(());
    };
    let subject = UserId::from_trusted(id.to_owned());
    let token = state.auth.issue_jwt(&subject, claims).await?;
    insert_jwt(headers, &token);
    Ok(())
}

fn insert_jwt(headers: &mut HeaderMap, token: &str) {
    if let Ok(value) = HeaderValue::from_str(token) {
        headers.insert(JWT_HEADER, value);
        headers.insert(
            http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(crate::cors::EXPOSED_HEADERS),
        );
    }
}
