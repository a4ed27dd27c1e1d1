//! Managing one's own account.

use super::{RequestClient, refuse_protected_fields};
use crate::body::JsonFields;
use crate::current_session::{CurrentSession, clear_session, issue_session};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::UserJson;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::flows::{DeleteUser, UpdateUser};
use beep_domain::Secret;
use http::StatusCode;
use serde_json::json;

/// `POST /update-user {name?, image?}`: `{status: true}` (and re-issued session cookies).
pub async fn update_user(
    State(state): State<AppState>,
    current: CurrentSession,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    if body.has("email") {
        return Err(ApiError::coded(
            StatusCode::BAD_REQUEST,
            "EMAIL_CAN_NOT_BE_UPDATED",
            "Email can not be updated",
        ));
    }
    refuse_protected_fields(&body)?;
    if body.is_empty() {
        return Err(ApiError::Message {
            status: StatusCode::BAD_REQUEST,
            message: "No fields to update".into(),
        });
    }
    let name = body.optional_string("name");
    let image = body.nullable_string("image");
    body.finish()?;
    if name.is_none() && image.is_none() {
        return Err(ApiError::Message {
            status: StatusCode::BAD_REQUEST,
            message: "No fields to update".into(),
        });
    }

    // The fresh cookies come from `reissue_session_cookies`, as for every change.
    state
        .auth
        .update_user(&current.active.user, UpdateUser { name, image })
        .await?;
    Ok(Json(json!({ "status": true })).into_response())
}

/// `POST /change-password {currentPassword, newPassword, revokeOtherSessions?}`:
/// `{token, user}`; with revocation every session ends and a new one is issued.
pub async fn change_password(
    State(state): State<AppState>,
    current: CurrentSession,
    RequestClient(client): RequestClient,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let new_password = Secret::new(body.required_string("newPassword"));
    let current_password = Secret::new(body.required_string("currentPassword"));
    let revoke = body.optional_bool("revokeOtherSessions").unwrap_or(false);
    body.finish()?;

    let renewed = state
        .auth
        .change_password(
            &current.active,
            &current_password,
            &new_password,
            revoke,
            client,
        )
        .await?;

    let token = renewed.as_ref().map(|s| s.session.id.to_string());
    let mut response =
        Json(json!({ "token": token, "user": UserJson::from(&current.active.user) }))
            .into_response();
    if let Some(signed) = renewed {
        issue_session(
            &state,
            response.headers_mut(),
            &signed.token,
            &signed.session,
            &signed.user,
        );
    }
    Ok(response)
}

/// `POST /verify-password {password}`: `{status: true}` when it is the user's password.
pub async fn verify_password(
    State(state): State<AppState>,
    current: CurrentSession,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let password = Secret::new(body.required_string("password"));
    body.finish()?;
    state
        .auth
        .verify_password(&current.active.user, &password)
        .await?;
    Ok(Json(json!({ "status": true })).into_response())
}

/// `POST /delete-user {password}`: deletes the user and everything that is only theirs.
pub async fn delete_user(
    State(state): State<AppState>,
    current: CurrentSession,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let password = body.optional_string("password").map(Secret::new);
    let token = body.optional_string("token");
    let callback = body.optional_string("callbackURL");
    body.finish()?;
    super::check_callback(&state, callback.as_deref())?;
    if token.is_some() {
        // Deletion by emailed token is not offered (no delete-account mail is sent), so no
        // token can be valid.
        return Err(ApiError::coded(
            StatusCode::NOT_FOUND,
            "INVALID_TOKEN",
            "Invalid token",
        ));
    }

    state
        .auth
        .delete_user(&current.active, DeleteUser { password })
        .await?;

    let mut response = Json(json!({ "success": true, "message": "User deleted" })).into_response();
    clear_session(&state, response.headers_mut());
    Ok(response)
}
