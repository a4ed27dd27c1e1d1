//! Finding the session a request presents (signed cookie, or `Authorization: Bearer`), and
//! writing the cookies that carry a session back.

use crate::cookie_cache;
use crate::cookies::{CookieJar, DONT_REMEMBER, SESSION_DATA, SESSION_TOKEN, percent_decode};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::{SessionJson, UserJson};
use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use beep_core::{ActiveSession, SessionToken};
use beep_domain::{Session, User};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, header};
use std::sync::{Arc, Mutex};

/// The session token a request carries: the signed session cookie, else a bearer token
/// (`token.signature`, URL-encoded or not, or a bare token). Bad signatures count as none.
pub fn presented_token(jar: &CookieJar, headers: &HeaderMap) -> Option<SessionToken> {
    if let Some(token) = jar.read_signed(headers, SESSION_TOKEN) {
        return Some(SessionToken::from_client(&token));
    }
    let bearer = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    let token = if bearer.contains('.') {
        let decoded = if bearer.contains('%') {
            percent_decode(bearer)
        } else {
            bearer.to_owned()
        };
        jar.verify(&decoded)?
    } else {
        bearer.to_owned()
    };
    (!token.is_empty() && token.len() <= 128).then(|| SessionToken::from_client(&token))
}

/// A request that carries some session credential (valid or not), so an invalid one should
/// have its cookies cleared.
pub fn carries_session_cookie(jar: &CookieJar, headers: &HeaderMap) -> bool {
    jar.read(headers, SESSION_TOKEN).is_some()
}

/// Adds the cookies (and `set-auth-token` header) of a session to a response.
pub fn issue_session(
    state: &AppState,
    headers: &mut HeaderMap,
    token: &SessionToken,
    session: &Session,
    user: &User,
) {
    let jar = state.jar();
    let now = state.auth.now();
    let remaining_ms = (session.expires_at - now).num_milliseconds().max(0);
    let max_age = session
        .remember_me
        .then(|| u64::try_from((remaining_ms + 999) / 1000).unwrap_or(0));
    let signed = jar.sign(token.expose());
    headers.append(header::SET_COOKIE, jar.set(SESSION_TOKEN, &signed, max_age));
    if !session.remember_me {
        headers.append(
            header::SET_COOKIE,
            jar.set(DONT_REMEMBER, &jar.sign("true"), None),
        );
    }
    append_cache_cookie(state, headers, token, session, user);
    if let Ok(value) = HeaderValue::from_str(&signed) {
        headers.insert("set-auth-token", value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(crate::cors::EXPOSED_HEADERS),
        );
    }
}

/// Adds the `session_data` cookie cache for a session, when the cache is on.
pub fn append_cache_cookie(
    state: &AppState,
    headers: &mut HeaderMap,
    token: &SessionToken,
    session: &Session,
    user: &User,
) {
    let Some(cache_age) = state.settings.cookies.cache_max_age else {
        return;
    };
    let jar = state.jar();
    let cache_ms = i64::try_from(cache_age.as_millis()).unwrap_or(i64::MAX);
    let encoded = cookie_cache::encode(
        jar,
        token.expose(),
        &SessionJson::from(session),
        &UserJson::from(user),
        state.auth.now().timestamp_millis(),
        cache_ms,
    );
    let cookie = match encoded {
        Some(value) => jar.set(SESSION_DATA, &value, Some(cache_age.as_secs())),
        None => jar.expire(SESSION_DATA),
    };
    headers.append(header::SET_COOKIE, cookie);
}

/// Adds the cookies that end a session to a response.
pub fn clear_session(state: &AppState, headers: &mut HeaderMap) {
    let jar = state.jar();
    for cookie in [SESSION_TOKEN, SESSION_DATA, DONT_REMEMBER] {
        headers.append(header::SET_COOKIE, jar.expire(cookie));
    }
}

/// What the request's [`CurrentSession`] extractor found, for [`reissue_session_cookies`].
struct Caller {
    token: SessionToken,
    active: ActiveSession,
    /// When the session was read (ms since the epoch); changes from then on count.
    read_at_ms: i64,
}

/// Where the extractor leaves the caller's session for [`reissue_session_cookies`].
#[derive(Clone, Default)]
pub struct CallerSlot(Arc<Mutex<Option<Caller>>>);

/// Middleware: gives the caller fresh session cookies when the request changed what their
/// `get-session` answers (their user, or their session), or slid the session's expiry. One
/// place for every route, so no route that changes a user can forget it: the change is known
/// from [`beep_core::recent_changes`], which every flow reports to. A handler that set or
/// ended the session cookie itself has the last word.
pub async fn reissue_session_cookies(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let slot = CallerSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let Some(caller) = slot.0.lock().ok().and_then(|mut s| s.take()) else {
        return response;
    };
    let cookie_name = format!("{}=", state.jar().name(SESSION_TOKEN));
    let handled = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with(&cookie_name)));
    if handled {
        return response;
    }
    let session = &caller.active.session;
    let changed = state.auth.recent_changes().changed_since(
        session.id.as_str(),
        session.user_id.as_str(),
        caller.read_at_ms,
    );
    if changed {
        // Read again after the change: the cookies must carry what the database holds now.
        match state.auth.authenticate(&caller.token, false).await {
            Ok(Some(now)) => issue_session(
                &state,
                response.headers_mut(),
                &caller.token,
                &now.session,
                &now.user,
            ),
            Ok(None) => clear_session(&state, response.headers_mut()),
            // The change voided every older cookie cache already; the next read recovers.
            Err(err) => tracing::warn!(error = %err, "could not re-read a changed session"),
        }
    } else if caller.active.refreshed {
        let active = &caller.active;
        issue_session(
            &state,
            response.headers_mut(),
            &caller.token,
            &active.session,
            &active.user,
        );
    }
    response
}

/// The request's valid session; 401 `UNAUTHORIZED` without one. Always read from the
/// database (never from the cookie cache), so revocations take effect at once.
pub struct CurrentSession {
    /// The session and its user.
    pub active: ActiveSession,
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A key stands for its user's session only where that is turned on; it sets no
        // cookies, so it leaves the caller slot empty.
        if let Some(active) = crate::routes::api_keys::session_of_request_key(state, parts).await? {
            return Ok(Self { active });
        }
        let token =
            presented_token(state.jar(), &parts.headers).ok_or_else(ApiError::unauthorized)?;
        // Taken before the read, so a change that lands during it still counts as after.
        let read_at_ms = state.auth.now().timestamp_millis();
        let active = state
            .auth
            .authenticate(&token, true)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if state.auth.config().two_factor.required
            && !active.user.two_factor_enabled
            && !crate::routes::two_factor::serves_unenrolled(parts.uri.path())
        {
            return Err(ApiError::coded(
                http::StatusCode::FORBIDDEN,
                "TWO_FACTOR_ENROLMENT_REQUIRED",
                "Turn two-factor authentication on first",
            ));
        }
        if let Some(slot) = parts.extensions.get::<CallerSlot>()
            && let Ok(mut slot) = slot.0.lock()
        {
            *slot = Some(Caller {
                token,
                active: active.clone(),
                read_at_ms,
            });
        }
        Ok(Self { active })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    /// `None` when the request presents no valid session (routes where a session is optional).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(current) => Ok(Some(current)),
            // Only "no session"; a refused API key keeps its own answer.
            Err(ApiError::Coded {
                status,
                code: "UNAUTHORIZED",
                ..
            }) if status == http::StatusCode::UNAUTHORIZED => Ok(None),
            Err(other) => Err(other),
        }
    }
}
