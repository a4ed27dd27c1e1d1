//! The signed-in user's linked accounts: `GET /list-accounts`, `POST /unlink-account`,
//! `POST /get-access-token`, `POST /refresh-token`, `GET /account-info`.

use super::requests::{AccountInfoQuery, AccountSelectionBody, UnlinkAccountBody};
use super::wire::{
    AccessTokenJson, AccountInfoJson, AccountJson, AccountRefJson, ProviderUserJson,
    RefreshedTokensJson, StatusJson,
};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::ActiveSession;
use http::StatusCode;

/// Every account of the caller: `[{id, accountId, providerId, userId, createdAt, …}]`.
pub async fn list_accounts(
    State(state): State<AppState>,
    current: CurrentSession,
) -> Result<Response, ApiError> {
    let accounts = state.auth.list_accounts(&current.active.user.id).await?;
    let body: Vec<AccountJson> = accounts.iter().map(AccountJson::from).collect();
    Ok(Json(body).into_response())
}

/// Removes one of the caller's accounts: `{status: true}`.
pub async fn unlink_account(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UnlinkAccountBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current)?;
    state
        .auth
        .unlink_account(&caller.user.id, &body.account_id)
        .await?;
    Ok(Json(StatusJson { status: true }).into_response())
}

/// The provider's access token of one of the caller's accounts, refreshed when it lapses.
pub async fn get_access_token(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<AccountSelectionBody>,
) -> Result<Response, ApiError> {
    let caller = selecting(current, &body)?;
    let account = body.account_id.unwrap_or_default();
    let token = state
        .auth
        .provider_access_token(&caller.user.id, &account)
        .await?;
    Ok(Json(AccessTokenJson::from(token)).into_response())
}

/// Refreshes one of the caller's accounts' provider tokens now.
pub async fn refresh_token(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<AccountSelectionBody>,
) -> Result<Response, ApiError> {
    let caller = selecting(current, &body)?;
    let account = body.account_id.unwrap_or_default();
    let refreshed = state
        .auth
        .refresh_provider_token(&caller.user.id, &account)
        .await?;
    Ok(Json(RefreshedTokensJson::from(refreshed)).into_response())
}

/// One of the caller's accounts with the provider's current profile.
pub async fn account_info(
    State(state): State<AppState>,
    Query(query): Query<AccountInfoQuery>,
    current: Option<CurrentSession>,
) -> Result<Response, ApiError> {
    let account = query
        .account_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            ApiError::validation(&[
                "[query.accountId] Invalid input: expected string, received undefined".to_owned(),
            ])
        })?;
    let caller = signed_in(current)?;
    let info = state
        .auth
        .linked_account_info(&caller.user.id, &account)
        .await?;
    let profile = info.profile;
    Ok(Json(AccountInfoJson {
        user: ProviderUserJson {
            id: profile.id,
            name: profile.name,
            email: profile.email,
            image: profile.image,
            email_verified: profile.email_verified,
        },
        data: profile.raw,
        account: AccountRefJson {
            id: info.account.id.to_string(),
            provider_id: info.account.provider_id,
            account_id: info.account.account_id,
        },
    })
    .into_response())
}

fn signed_in(current: Option<CurrentSession>) -> Result<ActiveSession, ApiError> {
    Ok(current.ok_or_else(ApiError::unauthorized)?.active)
}

/// The caller of a token route; a `userId` other than their own is refused (better-auth
/// takes it only from server-side calls, which beep-iam has no way to tell apart).
fn selecting(
    current: Option<CurrentSession>,
    body: &AccountSelectionBody,
) -> Result<ActiveSession, ApiError> {
    let Some(current) = current else {
        return Err(ApiError::coded(
            StatusCode::UNAUTHORIZED,
            "USER_ID_OR_SESSION_REQUIRED",
            "Either userId or session is required",
        ));
    };
    match &body.user_id {
        Some(id) if id != current.active.user.id.as_str() => Err(ApiError::coded(
            StatusCode::BAD_REQUEST,
            "ACCOUNT_NOT_FOUND",
            "Account not found",
        )),
        _ => Ok(current.active),
    }
}
