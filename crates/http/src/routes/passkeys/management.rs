//! The signed-in user's passkeys: listed, renamed, deleted. Another user's passkey reads
//! as one that does not exist (404), so ids cannot be probed.

use super::requests::{DeletePasskeyBody, UpdatePasskeyBody};
use super::wire::{PasskeyJson, PasskeyStatusJson, UpdatedPasskeyJson};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::extract::State;

/// The user's passkeys, oldest first.
pub async fn list(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Json<Vec<PasskeyJson>>, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    let keys = state.auth.list_passkeys(&caller.user.id).await?;
    Ok(Json(keys.iter().map(PasskeyJson::from).collect()))
}

/// Renames one of the user's passkeys: `{passkey}`.
pub async fn update(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdatePasskeyBody>,
) -> Result<Json<UpdatedPasskeyJson>, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    let key = state
        .auth
        .rename_passkey(&caller.user.id, &body.id, &body.name)
        .await?;
    Ok(Json(UpdatedPasskeyJson {
        passkey: PasskeyJson::from(&key),
    }))
}

/// Deletes one of the user's passkeys: `{status: true}`.
pub async fn delete(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<DeletePasskeyBody>,
) -> Result<Json<PasskeyStatusJson>, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    state.auth.delete_passkey(&caller.user.id, &body.id).await?;
    Ok(Json(PasskeyStatusJson { status: true }))
}
