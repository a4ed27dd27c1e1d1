//! Reading, listing and ending sessions.

use super::jwt;
use super::{RequestClient, api_keys, check_callback};
use crate::body::JsonFields;
use crate::cookie_cache;
use crate::cookies::{SESSION_DATA, SESSION_TOKEN, percent_decode};
use crate::current_session::{
    CurrentSession, append_cache_cookie, carries_session_cookie, clear_session, issue_session,
    presented_token,
};
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::verified_cookie_caches::TokenCookieKey;
use crate::wire::{SessionJson, SessionWithUser, UserJson};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::SessionToken;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

/// Query flags of get-session.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSessionQuery {
    disable_cookie_cache: Option<String>,
    disable_refresh: Option<String>,
}

fn flag(value: &Option<String>) -> bool {
    value.as_deref() == Some("true")
}

/// `GET /get-session`: `{session, user}` or `null`; never 401.
pub async fn get_session(
    State(state): State<AppState>,
    Query(query): Query<GetSessionQuery>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(key) = api_keys::presented_api_key(&state, &headers) {
        return session_of_key_answer(&state, key, &client).await;
    }
    let jar = state.jar();
    let now_ms = state.auth.now().timestamp_millis();
    let cache_on =
        state.settings.cookies.cache_max_age.is_some() && !flag(&query.disable_cookie_cache);
    // A remembered pair proves its session cookie valid: no need to verify it again.
    if cache_on && let Some(body) = answer_from_verified_pair(&state, &headers, now_ms) {
        return cached_answer(&state, body).await;
    }
    let Some(token) = presented_token(jar, &headers) else {
        let mut response = no_store(Json(Value::Null).into_response());
        if carries_session_cookie(jar, &headers) {
            clear_session(&state, response.headers_mut());
        }
        return Ok(response);
    };
    if cache_on && let Some(body) = answer_from_cookie_cache(&state, &headers, &token, now_ms) {
        return cached_answer(&state, body).await;
    }

    let Some(active) = state
        .auth
        .read_session(&token, !flag(&query.disable_refresh))
        .await?
    else {
        let mut response = no_store(Json(Value::Null).into_response());
        if carries_session_cookie(jar, &headers) {
            clear_session(&state, response.headers_mut());
        }
        return Ok(response);
    };
    let body = SessionWithUser {
        session: SessionJson::from(&active.session),
        user: UserJson::from(&active.user),
    };
    let mut response = no_store(Json(body).into_response());
    jwt::add_session_jwt(&state, response.headers_mut(), &active.user).await?;
    let from_cookie = carries_session_cookie(jar, &headers);
    if active.refreshed {
        issue_session(
            &state,
            response.headers_mut(),
            &token,
            &active.session,
            &active.user,
        );
    } else if cache_on && from_cookie {
        append_cache_cookie(
            &state,
            response.headers_mut(),
            &token,
            &active.session,
            &active.user,
        );
    }
    Ok(response)
}

/// A get-session answer served from a cookie cache, with its JWT.
async fn cached_answer(state: &AppState, body: Bytes) -> Result<Response, ApiError> {
    let mut response = json_body(body.clone());
    jwt::add_cached_session_jwt(state, response.headers_mut(), &body).await?;
    Ok(response)
}

/// A `{session, user}` JSON body, not to be stored by caches.
fn json_body(body: Bytes) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(response)
}

/// The body for a session and cookie cache pair that this node verified before, if both
/// cookies are exactly as they were then and nothing voided the cache since.
fn answer_from_verified_pair(state: &AppState, headers: &HeaderMap, now_ms: i64) -> Option<Bytes> {
    let jar = state.jar();
    let key = TokenCookieKey::of(jar.read_raw(headers, SESSION_TOKEN)?);
    let raw_data = jar.read_raw(headers, SESSION_DATA)?;
    state
        .verified_cookie_caches
        .answer(key, raw_data, now_ms, |session, user, cached_at| {
            state.auth.recent_changes().voids(session, user, cached_at)
        })
}

/// The body a valid, unrevoked `session_data` cookie for `token` answers with, if the request
/// has one. A pair that passes is remembered for [`answer_from_verified_pair`].
fn answer_from_cookie_cache(
    state: &AppState,
    headers: &HeaderMap,
    token: &SessionToken,
    now_ms: i64,
) -> Option<Bytes> {
    let jar = state.jar();
    let raw_data = jar.read_raw(headers, SESSION_DATA)?;
    let cached = cookie_cache::decode(jar, &percent_decode(raw_data), token.expose(), now_ms)?;
    if state
        .auth
        .recent_changes()
        .voids(&cached.session_id, &cached.user_id, cached.updated_at)
    {
        return None;
    }
    let body = Bytes::from(cached.body());
    // Remembered only when `token` came from a valid session cookie (which `presented_token`
    // prefers): a bearer request's cookie proves nothing, so it takes the full check each time.
    if let Some(raw_token) = jar.read_raw(headers, SESSION_TOKEN)
        && jar.read_signed(headers, SESSION_TOKEN).is_some()
    {
        let key = TokenCookieKey::of(raw_token);
        state
            .verified_cookie_caches
            .remember(key, raw_data, &cached, body.clone(), now_ms);
    }
    Some(body)
}

/// get-session for an `x-api-key`: the session the key stands for, with no cookies (the key
/// is the credential; nothing is stored).
async fn session_of_key_answer(
    state: &AppState,
    key: &str,
    client: &beep_core::ClientInfo,
) -> Result<Response, ApiError> {
    let active = api_keys::session_of_api_key(state, key, client).await?;
    let body = SessionWithUser {
        session: SessionJson::from(&active.session),
        user: UserJson::from(&active.user),
    };
    let mut response = no_store(Json(body).into_response());
    jwt::add_session_jwt(state, response.headers_mut(), &active.user).await?;
    Ok(response)
}

/// `POST /get-session`: refused, as better-auth does without `deferSessionRefresh`.
pub async fn get_session_post() -> ApiError {
    ApiError::coded(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
        "POST method requires deferSessionRefresh to be enabled in session config",
    )
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /sign-out`: ends the presented session, if any, and always clears the cookies.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let callback = body.optional_string("callbackURL");
    body.finish()?;
    check_callback(&state, callback.as_deref())?;
    if let Some(token) = presented_token(state.jar(), &headers) {
        state.auth.sign_out(&token).await?;
    }
    let mut response = Json(json!({ "success": true })).into_response();
    clear_session(&state, response.headers_mut());
    Ok(response)
}

/// `GET /list-sessions`: the user's unexpired sessions (a fresh session is required).
pub async fn list_sessions(
    State(state): State<AppState>,
    current: CurrentSession,
) -> Result<Response, ApiError> {
    let sessions = state.auth.list_sessions(&current.active).await?;
    let body: Vec<SessionJson> = sessions.iter().map(SessionJson::from).collect();
    Ok(Json(body).into_response())
}

/// `POST /revoke-session {token}`: ends one of the user's sessions by its handle.
pub async fn revoke_session(
    State(state): State<AppState>,
    current: CurrentSession,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let handle = body.required_string("token");
    body.finish()?;
    state
        .auth
        .revoke_session(&current.active.user.id, &handle)
        .await?;
    let mut response = Json(json!({ "status": true })).into_response();
    if handle == current.active.session.id.as_str() {
        clear_session(&state, response.headers_mut());
    }
    Ok(response)
}

/// `POST /revoke-sessions`: ends every session of the user, this one included.
pub async fn revoke_sessions(
    State(state): State<AppState>,
    current: CurrentSession,
) -> Result<Response, ApiError> {
    state
        .auth
        .revoke_sessions(&current.active.user.id, None)
        .await?;
    let mut response = Json(json!({ "status": true })).into_response();
    clear_session(&state, response.headers_mut());
    Ok(response)
}

/// `POST /revoke-other-sessions`: ends every session of the user but this one.
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    current: CurrentSession,
) -> Result<Response, ApiError> {
    state
        .auth
        .revoke_sessions(&current.active.user.id, Some(&current.active.session.id))
        .await?;
    Ok(Json(json!({ "status": true })).into_response())
}
