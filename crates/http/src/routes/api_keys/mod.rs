//! The API-key family: better-auth's `@better-auth/api-key` routes (1.7 shape) under
//! `/api-key/*`, and the `x-api-key` header that stands for its user's session when
//! `API_KEY_SESSIONS=true`. Request types are in `requests.rs`, answers in `wire.rs`, the
//! OpenAPI description (`openapi.rs`) derived from both.
//!
//! beep-iam adds `POST /api-key/verify` over HTTP (better-auth keeps it server-only): a
//! resource server in any language checks a key with it. It counts a use, as every check
//! of a key does.

pub(crate) mod openapi;
mod requests;
mod wire;

use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::routes::RequestClient;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use beep_core::api_keys::{ApiKeyChanges, ApiKeyError, NewApiKey};
use beep_core::{ActiveSession, AuthError, ClientInfo};
use beep_store::repos::api_keys::{ApiKeyOrder, ApiKeyPage};
use http::{HeaderMap, StatusCode};
use requests::*;
use serde_json::json;
use wire::*;

/// The header a key is presented in.
pub(crate) const API_KEY_HEADER: &str = "x-api-key";

/// Most keys one list answers.
const MAX_PAGE: u64 = 1000;

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api-key/create", post(create))
        .route("/api-key/get", get(read))
        .route("/api-key/list", get(list))
        .route("/api-key/update", post(update))
        .route("/api-key/delete", post(delete))
        .route("/api-key/verify", post(verify))
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/api-key/create",
    "/api-key/get",
    "/api-key/list",
    "/api-key/update",
    "/api-key/delete",
    "/api-key/verify",
];

/// `POST /api-key/create`: the new key's row with `key`, the only time it is shown.
async fn create(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CreateApiKeyBody>,
) -> Result<Json<CreatedApiKeyJson>, ApiError> {
    let caller = current.ok_or_else(unauthorized_session)?.active;
    refuse_client_owned_fields(&body.server_only, body.user_id.is_some())?;
    let created = state
        .auth
        .create_api_key(
            &caller.user.id,
            NewApiKey {
                name: body.name,
                expires_in_secs: body.expires_in,
                prefix: body.prefix,
                metadata: body.metadata,
                organization_id: body.organization_id,
                limits: Default::default(),
            },
        )
        .await?;
    Ok(Json(CreatedApiKeyJson {
        row: ApiKeyJson::from(&created.key),
        key: created.secret.expose().to_owned(),
    }))
}

/// `GET /api-key/get?id=`: one of the caller's keys, without its secret.
async fn read(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<GetApiKeyQuery>,
) -> Result<Json<ApiKeyJson>, ApiError> {
    refuse_issues(config_issues(query.config_id.as_deref(), "query"))?;
    let caller = current.ok_or_else(unauthorized_session)?.active;
    let key = state.auth.get_api_key(&caller.user.id, &query.id).await?;
    Ok(Json(ApiKeyJson::from(&key)))
}

/// `GET /api-key/list`: `{apiKeys, total, limit?, offset?}`.
async fn list(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<ListApiKeysQuery>,
) -> Result<Json<ApiKeyListJson>, ApiError> {
    refuse_issues(config_issues(query.config_id.as_deref(), "query"))?;
    let page = page_of(&query)?;
    let caller = current.ok_or_else(unauthorized_session)?.active;
    let found = state
        .auth
        .list_api_keys(&caller.user.id, query.organization_id.as_deref(), page)
        .await?;
    Ok(Json(ApiKeyListJson {
        api_keys: found.keys.iter().map(ApiKeyJson::from).collect(),
        total: found.total,
        limit: query.limit,
        offset: query.offset,
    }))
}

/// `POST /api-key/update`: the key as it is now.
async fn update(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateApiKeyBody>,
) -> Result<Json<ApiKeyJson>, ApiError> {
    let caller = current.ok_or_else(unauthorized_session)?.active;
    refuse_client_owned_fields(&body.server_only, body.user_id.is_some())?;
    let key = state
        .auth
        .update_api_key(
            &caller.user.id,
            &body.key_id,
            ApiKeyChanges {
                name: body.name,
                enabled: body.enabled,
                metadata: body.metadata,
                expires_in_secs: body.expires_in,
                limits: Default::default(),
            },
        )
        .await?;
    Ok(Json(ApiKeyJson::from(&key)))
}

/// `POST /api-key/delete`: `{success: true}`.
async fn delete(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<DeleteApiKeyBody>,
) -> Result<Json<ApiKeyDeletedJson>, ApiError> {
    let caller = current.ok_or_else(unauthorized_session)?.active;
    state
        .auth
        .delete_api_key(&caller.user.id, &body.key_id)
        .await?;
    Ok(Json(ApiKeyDeletedJson { success: true }))
}

/// `POST /api-key/verify`: `{valid: true, error: null, key}` for a key that passes, else
/// `{valid: false, error: {message, code}, key: null}`; 200 either way, as better-auth's
/// server call answers.
async fn verify(
    State(state): State<AppState>,
    Typed(body): Typed<VerifyApiKeyBody>,
) -> Result<Json<VerifiedApiKeyJson>, ApiError> {
    match state
        .auth
        .verify_api_key(&body.key, body.permissions.as_ref())
        .await
    {
        Ok(verified) => Ok(Json(VerifiedApiKeyJson {
            valid: true,
            error: None,
            key: Some(ApiKeyJson::from(&verified.key)),
        })),
        Err(AuthError::ApiKey(refused)) => {
            let mut error = json!({"message": refused.to_string(), "code": refused.code()});
            if let ApiKeyError::RateLimited { try_again_in_ms } = refused {
                error["details"] = json!({ "tryAgainIn": try_again_in_ms });
            }
            Ok(Json(VerifiedApiKeyJson {
                valid: false,
                error: Some(error),
                key: None,
            }))
        }
        Err(other) => Err(other.into()),
    }
}

/// The key an `x-api-key` header presents, when keys stand for sessions here.
pub(crate) fn presented_api_key<'h>(state: &AppState, headers: &'h HeaderMap) -> Option<&'h str> {
    if !state.auth.config().api_key.sessions {
        return None;
    }
    headers
        .get(API_KEY_HEADER)?
        .to_str()
        .ok()
        .filter(|key| !key.is_empty())
}

/// The session a presented key stands for; a key too short to be one is 403
/// `INVALID_API_KEY` (as better-auth answers), any other refusal the key's own code.
pub(crate) async fn session_of_api_key(
    state: &AppState,
    key: &str,
    client: &ClientInfo,
) -> Result<ActiveSession, ApiError> {
    if !state.auth.is_plausible_api_key(key) {
        return Err(ApiError::coded(
            StatusCode::FORBIDDEN,
            ApiKeyError::InvalidApiKey.code(),
            ApiKeyError::InvalidApiKey.to_string(),
        ));
    }
    Ok(state.auth.session_for_api_key(key, client).await?)
}

/// [`session_of_api_key`] for a route's request parts.
pub(crate) async fn session_of_request_key(
    state: &AppState,
    parts: &mut http::request::Parts,
) -> Result<Option<ActiveSession>, ApiError> {
    let Some(key) = presented_api_key(state, &parts.headers).map(str::to_owned) else {
        return Ok(None);
    };
    let RequestClient(client) =
        <RequestClient as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            parts, state,
        )
        .await?;
    session_of_api_key(state, &key, &client).await.map(Some)
}

/// better-auth answers a missing session on these routes with `UNAUTHORIZED_SESSION`.
fn unauthorized_session() -> ApiError {
    ApiError::coded(
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED_SESSION",
        "Unauthorized or invalid session",
    )
}

fn refuse_client_owned_fields(
    server_only: &ServerOnlyFields,
    names_a_user: bool,
) -> Result<(), ApiError> {
    if !server_only.limits().is_empty() {
        return Err(ApiKeyError::ServerOnlyProperty.into());
    }
    if names_a_user {
        return Err(unauthorized_session());
    }
    Ok(())
}

fn refuse_issues(issues: Vec<String>) -> Result<(), ApiError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(&issues))
    }
}

fn page_of(query: &ListApiKeysQuery) -> Result<ApiKeyPage, ApiError> {
    let order = match query.sort_by.as_deref() {
        None | Some("createdAt") => ApiKeyOrder::CreatedAt,
        Some("updatedAt") => ApiKeyOrder::UpdatedAt,
        Some("name") => ApiKeyOrder::Name,
        Some("expiresAt") => ApiKeyOrder::ExpiresAt,
        Some("lastRequest") => ApiKeyOrder::LastRequest,
        Some(_) => {
            return Err(ApiError::validation(&[
                "[query.sortBy] Invalid option: expected one of createdAt, updatedAt, name, \
                 expiresAt, lastRequest"
                    .to_owned(),
            ]));
        }
    };
    let descending = match query.sort_direction.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(ApiError::validation(&[
                "[query.sortDirection] Invalid option: expected one of asc, desc".to_owned(),
            ]));
        }
    };
    // The database counts in signed 64 bits: a larger offset is no page at all.
    if query.offset.is_some_and(|offset| offset > i64::MAX as u64) {
        return Err(ApiError::validation(&[format!(
            "[query.offset] Too big: expected number to be <={}",
            i64::MAX
        )]));
    }
    if query.limit.is_some_and(|limit| limit > MAX_PAGE) {
        return Err(ApiError::validation(&[
            "[query.limit] Too big: expected number to be <=1000".to_owned(),
        ]));
    }
    Ok(ApiKeyPage {
        limit: query.limit,
        offset: query.offset.unwrap_or(0),
        order,
        descending,
    })
}
