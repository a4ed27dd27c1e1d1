//! The admin family: better-auth's `admin()` routes under `/admin/*`. Request types are in
//! `requests.rs`, answers in `wire.rs`, the OpenAPI description (`openapi.rs`) derived from
//! both. Without a session every route answers 401 with an empty body, as better-auth's.

pub(crate) mod openapi;
mod requests;
mod wire;

use crate::cookies::{ADMIN_SESSION, DONT_REMEMBER, SESSION_DATA};
use crate::current_session::{CurrentSession, issue_session, presented_token};
use crate::error::ApiError;
use crate::query::Query;
use crate::routes::RequestClient;
use crate::state::AppState;
use crate::typed_body::Typed;
use crate::wire::{SessionJson, UserJson};
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use beep_core::admin::AdminError;
use beep_core::{ActiveSession, SessionToken, SignedIn};
use beep_domain::{PermissionRequest, Secret};
use http::request::Parts;
use http::{HeaderMap, StatusCode, header};
use requests::*;
use wire::*;

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/list-users", get(list_users))
        .route("/admin/get-user", get(get_user))
        .route("/admin/create-user", post(create_user))
        .route("/admin/update-user", post(update_user))
        .route("/admin/set-role", post(set_role))
        .route("/admin/ban-user", post(ban_user))
        .route("/admin/unban-user", post(unban_user))
        .route("/admin/list-user-sessions", post(list_user_sessions))
        .route("/admin/revoke-user-session", post(revoke_user_session))
        .route("/admin/revoke-user-sessions", post(revoke_user_sessions))
        .route("/admin/remove-user", post(remove_user))
        .route("/admin/set-user-password", post(set_user_password))
        .route("/admin/impersonate-user", post(impersonate_user))
        .route("/admin/stop-impersonating", post(stop_impersonating))
        .route("/admin/has-permission", post(has_permission))
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/admin/list-users",
    "/admin/get-user",
    "/admin/create-user",
    "/admin/update-user",
    "/admin/set-role",
    "/admin/ban-user",
    "/admin/unban-user",
    "/admin/list-user-sessions",
    "/admin/revoke-user-session",
    "/admin/revoke-user-sessions",
    "/admin/remove-user",
    "/admin/set-user-password",
    "/admin/impersonate-user",
    "/admin/stop-impersonating",
    "/admin/has-permission",
];

/// An admin refusal in better-auth's status and code.
pub(crate) fn refusal(refused: AdminError) -> ApiError {
    let status = match refused {
        AdminError::NotAllowed(_)
        | AdminError::CannotImpersonateAdmins
        | AdminError::BannedUser => StatusCode::FORBIDDEN,
        AdminError::UserNotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::coded(status, refused.code(), refused.to_string())
}

/// The caller's session; none is 401 with an empty body.
fn caller(current: Option<CurrentSession>) -> Result<ActiveSession, ApiError> {
    current
        .map(|c| c.active)
        .ok_or(ApiError::Empty(StatusCode::UNAUTHORIZED))
}

/// `GET /admin/list-users`.
async fn list_users(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    query: ListUsersQuery,
) -> Result<Json<UserListJson>, ApiError> {
    let caller = caller(current)?;
    let (limit, offset) = (query.limit, query.offset);
    let found = state
        .auth
        .admin_list_users(&caller, &query.into_core())
        .await?;
    Ok(Json(UserListJson {
        users: found.users.iter().map(UserJson::from).collect(),
        total: found.total,
        limit: limit.filter(|n| *n > 0),
        offset: offset.filter(|n| *n > 0),
    }))
}

impl<S: Send + Sync> FromRequestParts<S> for ListUsersQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or_default())
    }
}

/// `GET /admin/get-user?id=`: the user itself (not wrapped).
async fn get_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<GetUserQuery>,
) -> Result<Json<UserJson>, ApiError> {
    let caller = caller(current)?;
    let user = state.auth.admin_get_user(&caller, &query.id).await?;
    Ok(Json(UserJson::from(&user)))
}

/// `POST /admin/create-user`: `{user}`.
async fn create_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CreateUserBody>,
) -> Result<Json<UserEnvelopeJson>, ApiError> {
    let caller = caller(current)?;
    let user = state
        .auth
        .admin_create_user(&caller, body.into_core())
        .await?;
    Ok(envelope(&user))
}

/// `POST /admin/update-user`: the user itself (not wrapped).
async fn update_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateUserBody>,
) -> Result<Json<UserJson>, ApiError> {
    let caller = caller(current)?;
    if body.data.password.is_some() {
        return Err(refusal(AdminError::PasswordViaUpdateUser));
    }
    if body.data.id.is_some() {
        return Err(refusal(AdminError::UserIdCannotBeUpdated));
    }
    let user = state
        .auth
        .admin_update_user(&caller, &body.user_id, body.data.into_core())
        .await?;
    Ok(Json(UserJson::from(&user)))
}

/// `POST /admin/set-role`: `{user}`.
async fn set_role(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<SetRoleBody>,
) -> Result<Json<UserEnvelopeJson>, ApiError> {
    let caller = caller(current)?;
    let roles = body.role.into_vec();
    let user = state
        .auth
        .admin_set_role(&caller, &body.user_id, &roles)
        .await?;
    Ok(envelope(&user))
}

/// `POST /admin/ban-user`: `{user}`; the user's sessions end everywhere.
async fn ban_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<BanUserBody>,
) -> Result<Json<UserEnvelopeJson>, ApiError> {
    let caller = caller(current)?;
    let user = state
        .auth
        .admin_ban_user(
            &caller,
            &body.user_id,
            body.ban_reason.as_deref(),
            body.ban_expires_in,
        )
        .await?;
    Ok(envelope(&user))
}

/// `POST /admin/unban-user`: `{user}`.
async fn unban_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UserIdBody>,
) -> Result<Json<UserEnvelopeJson>, ApiError> {
    let caller = caller(current)?;
    let user = state.auth.admin_unban_user(&caller, &body.user_id).await?;
    Ok(envelope(&user))
}

/// `POST /admin/list-user-sessions`: `{sessions}`.
async fn list_user_sessions(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UserIdBody>,
) -> Result<Json<UserSessionsJson>, ApiError> {
    let caller = caller(current)?;
    let sessions = state
        .auth
        .admin_list_user_sessions(&caller, &body.user_id)
        .await?;
    Ok(Json(UserSessionsJson {
        sessions: sessions.iter().map(SessionJson::from).collect(),
    }))
}

/// `POST /admin/revoke-user-session`: `{success: true}`.
async fn revoke_user_session(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<RevokeUserSessionBody>,
) -> Result<Json<AdminSuccessJson>, ApiError> {
    let caller = caller(current)?;
    state
        .auth
        .admin_revoke_user_session(&caller, &body.session_token)
        .await?;
    Ok(success())
}

/// `POST /admin/revoke-user-sessions`: `{success: true}`.
async fn revoke_user_sessions(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UserIdBody>,
) -> Result<Json<AdminSuccessJson>, ApiError> {
    let caller = caller(current)?;
    state
        .auth
        .admin_revoke_user_sessions(&caller, &body.user_id)
        .await?;
    Ok(success())
}

/// `POST /admin/remove-user`: `{success: true}`.
async fn remove_user(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UserIdBody>,
) -> Result<Json<AdminSuccessJson>, ApiError> {
    let caller = caller(current)?;
    state.auth.admin_remove_user(&caller, &body.user_id).await?;
    Ok(success())
}

/// `POST /admin/set-user-password`: `{status: true}`.
async fn set_user_password(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<SetUserPasswordBody>,
) -> Result<Json<AdminStatusJson>, ApiError> {
    let caller = caller(current)?;
    state
        .auth
        .admin_set_user_password(&caller, &body.user_id, &Secret::new(body.new_password))
        .await?;
    Ok(Json(AdminStatusJson { status: true }))
}

/// `POST /admin/impersonate-user`: `{session, user}` of the impersonation. The admin's
/// own session stays valid; its token waits in the signed `admin_session` cookie.
async fn impersonate_user(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    current: Option<CurrentSession>,
    Typed(body): Typed<UserIdBody>,
) -> Result<Response, ApiError> {
    let caller = caller(current)?;
    // The way back is the admin's session token: a request without one (an API key)
    // cannot impersonate.
    let admin_token =
        presented_token(state.jar(), &headers).ok_or(ApiError::Empty(StatusCode::UNAUTHORIZED))?;
    let signed = state
        .auth
        .admin_impersonate_user(&caller, &body.user_id, &client)
        .await?;
    let jar = state.jar();
    let dont_remember = jar.read_signed(&headers, DONT_REMEMBER).unwrap_or_default();
    let kept = jar.sign(&format!("{}:{dont_remember}", admin_token.expose()));
    let max_age = u64::try_from(state.auth.config().session.expires_in.num_seconds()).ok();
    let mut response = signed_in_json(&signed).into_response();
    let headers = response.headers_mut();
    // The new session's cookies replace the admin's (a stale cookie cache is dropped when
    // none replaces it).
    if state.settings.cookies.cache_max_age.is_none() {
        headers.append(header::SET_COOKIE, jar.expire(SESSION_DATA));
    }
    headers.append(header::SET_COOKIE, jar.set(ADMIN_SESSION, &kept, max_age));
    issue_session(
        &state,
        headers,
        &signed.token,
        &signed.session,
        &signed.user,
    );
    Ok(response)
}

/// `POST /admin/stop-impersonating`: ends the impersonation and puts the admin's own session
/// back in the cookie: `{session, user}` of the admin.
async fn stop_impersonating(
    State(state): State<AppState>,
    headers: HeaderMap,
    current: Option<CurrentSession>,
) -> Result<Response, ApiError> {
    let current = caller(current)?;
    let jar = state.jar();
    let admin_token = jar
        .read_signed(&headers, ADMIN_SESSION)
        .and_then(|kept| kept.split_once(':').map(|(token, _)| token.to_owned()))
        .filter(|token| !token.is_empty())
        .map(|token| SessionToken::from_client(&token));
    let admin = state
        .auth
        .admin_stop_impersonating(&current, admin_token.as_ref())
        .await?;
    let mut response = signed_in_json(&admin).into_response();
    crate::routes::credentials::set_login_cookies(&state, &mut response, &admin);
    response
        .headers_mut()
        .append(header::SET_COOKIE, jar.expire(ADMIN_SESSION));
    Ok(response)
}

/// `POST /admin/has-permission`: whether the caller may do all of it, `{error, success}`.
async fn has_permission(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<AdminPermissionBody>,
) -> Result<Json<AdminPermissionJson>, ApiError> {
    let caller = caller(current)?;
    let wanted = body.permissions.or(body.permission).unwrap_or_default();
    let success = state
        .auth
        .has_admin_permission(&caller.user, &PermissionRequest::new(wanted));
    Ok(Json(AdminPermissionJson {
        error: None,
        success,
    }))
}

fn envelope(user: &beep_domain::User) -> Json<UserEnvelopeJson> {
    Json(UserEnvelopeJson {
        user: UserJson::from(user),
    })
}

fn success() -> Json<AdminSuccessJson> {
    Json(AdminSuccessJson { success: true })
}

fn signed_in_json(signed: &SignedIn) -> Json<AdminSignedInJson> {
    Json(AdminSignedInJson {
        session: SessionJson::from(&signed.session),
        user: UserJson::from(&signed.user),
    })
}
