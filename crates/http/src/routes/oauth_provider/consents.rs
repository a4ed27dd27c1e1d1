//! A user's consents to OAuth clients: list them, read one, narrow it, withdraw it
//! (`/oauth2/get-consent(s)`, `/oauth2/update-consent`, `/oauth2/delete-consent`). Narrowing
//! or withdrawing ends the client's grants and tokens for the user.

use super::requests::{ConsentRefBody, UpdateConsentBody};
use super::signed_in;
use super::wire::ConsentJson;
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use beep_core::oauth_provider::{ConsentRef, OAuthError};
use http::StatusCode;

/// The routes, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/get-consent", get(get_consent))
        .route("/oauth2/get-consents", get(list_consents))
        .route("/oauth2/update-consent", post(update_consent))
        .route("/oauth2/delete-consent", post(delete_consent))
}

fn named(id: Option<String>, client_id: Option<String>) -> Result<ConsentRef, ApiError> {
    ConsentRefBody { id, client_id }
        .named()
        .ok_or_else(|| super::refusal(OAuthError::invalid_request("id or client_id is required")))
}

/// `GET /oauth2/get-consent?id=` (or `?client_id=`).
async fn get_consent(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<ConsentRefBody>,
) -> Result<Json<ConsentJson>, ApiError> {
    let user = signed_in(current)?;
    let which = named(query.id, query.client_id)?;
    let consent = state.auth.get_oauth_consent(&user, &which).await?;
    Ok(Json(ConsentJson::from(&consent)))
}

/// `GET /oauth2/get-consents`: the caller's consents, oldest first.
async fn list_consents(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Json<Vec<ConsentJson>>, ApiError> {
    let user = signed_in(current)?;
    let consents = state.auth.list_oauth_consents(&user).await?;
    Ok(Json(consents.iter().map(ConsentJson::from).collect()))
}

/// `POST /oauth2/update-consent`: `{id | client_id, update: {scopes}}`.
async fn update_consent(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateConsentBody>,
) -> Result<Json<ConsentJson>, ApiError> {
    let user = signed_in(current)?;
    let which = named(body.id, body.client_id)?;
    let consent = state
        .auth
        .update_oauth_consent(&user, &which, body.update.scopes)
        .await?;
    Ok(Json(ConsentJson::from(&consent)))
}

/// `POST /oauth2/delete-consent`: `{id | client_id}`; 200 with an empty body.
async fn delete_consent(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<ConsentRefBody>,
) -> Result<StatusCode, ApiError> {
    let user = signed_in(current)?;
    let which = named(body.id, body.client_id)?;
    state.auth.delete_oauth_consent(&user, &which).await?;
    Ok(StatusCode::OK)
}
