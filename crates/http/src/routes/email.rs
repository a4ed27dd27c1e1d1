//! The routes behind mailed links: email verification, password reset and change of email.

use super::{RequestClient, check_callback};
use crate::body::JsonFields;
use crate::current_session::{CurrentSession, issue_session};
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::wire::UserJson;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use beep_core::AuthError;
use beep_domain::uri::append_query;
use beep_domain::{Email, Secret};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

/// `POST /send-verification-email {email, callbackURL?}`: `{status: true}`. With a session,
/// only for the user's own unverified address; without one, always the same answer.
pub async fn send_verification_email(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let email = body.required_string("email");
    let callback = body.optional_string("callbackURL");
    require_email_format(&mut body, "email", &email);
    body.finish()?;
    check_callback(&state, callback.as_deref())?;

    match current {
        Some(current) => {
            state
                .auth
                .send_verification_email_for(&current.active.user, &email, callback.as_deref())
                .await?
        }
        None => {
            state
                .auth
                .send_verification_email(&email, callback.as_deref())
                .await?
        }
    }
    Ok(Json(json!({ "status": true })).into_response())
}

/// Query of `GET /verify-email`.
#[derive(Debug, Deserialize)]
pub struct VerifyEmailQuery {
    token: Option<String>,
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

/// `GET /verify-email?token&callbackURL?`: without a callback `{status, user}` (the user only
/// after a change of email) or 401; with one, a redirect there, with `?error=<CODE>` on failure.
///
/// `_caller`: when the request carries the user's own session, its cookies are re-issued
/// with the verified address (by `reissue_session_cookies`, which needs the session read).
pub async fn verify_email(
    State(state): State<AppState>,
    _caller: Option<CurrentSession>,
    RequestClient(client): RequestClient,
    Query(query): Query<VerifyEmailQuery>,
) -> Result<Response, ApiError> {
    let callback = query.callback_url.filter(|c| !c.is_empty());
    check_callback(&state, callback.as_deref())?;
    let token = query.token.unwrap_or_default();

    let verified = match state.auth.verify_email(&token, client).await {
        Ok(verified) => verified,
        Err(err) => {
            let (code, message) = match err {
                AuthError::TokenExpired => ("TOKEN_EXPIRED", "Token expired"),
                AuthError::UserNotFound => ("USER_NOT_FOUND", "User not found"),
                AuthError::InvalidToken | AuthError::UserAlreadyExists => {
                    ("INVALID_TOKEN", "Invalid token")
                }
                other => return Err(other.into()),
            };
            return Ok(match callback {
                Some(callback) => redirect(&append_query(&callback, "error", code)),
                None => ApiError::coded(StatusCode::UNAUTHORIZED, code, message).into_response(),
            });
        }
    };

    let mut response = match &callback {
        Some(callback) => redirect(callback),
        None if verified.changed_email => {
            Json(json!({ "status": true, "user": UserJson::from(&verified.user) })).into_response()
        }
        None => Json(json!({ "status": true, "user": null })).into_response(),
    };
    if let Some(signed) = &verified.signed_in {
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

/// `POST /request-password-reset {email, redirectTo?}`: the same answer whether or not the
/// address has an account.
pub async fn request_password_reset(
    State(state): State<AppState>,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let email = body.required_string("email");
    let redirect_to = body.optional_string("redirectTo");
    require_email_format(&mut body, "email", &email);
    body.finish()?;
    if let Some(target) = &redirect_to
        && state
            .settings
            .trusted_origins
            .check_redirect(target)
            .is_err()
    {
        return Err(ApiError::coded(
            StatusCode::FORBIDDEN,
            "INVALID_REDIRECT_URL",
            "Invalid redirectURL",
        ));
    }

    state
        .auth
        .request_password_reset(&email, redirect_to.as_deref())
        .await?;
    Ok(Json(json!({
        "status": true,
        "message": "If this email exists in our system, check your email for the reset link",
    }))
    .into_response())
}

/// Query of `GET /reset-password/:token`.
#[derive(Debug, Deserialize)]
pub struct ResetLinkQuery {
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

/// `GET /reset-password/:token?callbackURL`: the mailed link. Redirects to the app's page with
/// `?token=` when the token is valid, with `?error=INVALID_TOKEN` when not. The token is not
/// used up here; the page posts it with the new password.
pub async fn reset_password_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<ResetLinkQuery>,
) -> Result<Response, ApiError> {
    let Some(callback) = query.callback_url.filter(|c| !c.is_empty()) else {
        return Err(ApiError::validation(&[
            "[query.callbackURL] Invalid input: expected string, received undefined".to_owned(),
        ]));
    };
    check_callback(&state, Some(&callback))?;
    let target = absolute(&state, &callback);
    Ok(match state.auth.check_reset_token(&token).await {
        Ok(()) => redirect(&append_query(&target, "token", &token)),
        Err(AuthError::InvalidToken) => redirect(&append_query(&target, "error", "INVALID_TOKEN")),
        Err(other) => return Err(other.into()),
    })
}

/// Query of `POST /reset-password` (the token may come this way instead of in the body).
#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// `POST /reset-password {newPassword, token?}`: `{status: true}`. Single use; every session
/// of the user ends (by default).
pub async fn reset_password(
    State(state): State<AppState>,
    Query(query): Query<ResetQuery>,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let new_password = Secret::new(body.required_string("newPassword"));
    let token = body.optional_string("token").or(query.token);
    body.finish()?;
    let Some(token) = token else {
        return Err(AuthError::InvalidToken.into());
    };

    state.auth.reset_password(&token, &new_password).await?;
    Ok(Json(json!({ "status": true })).into_response())
}

/// `POST /change-email {newEmail, callbackURL?}`: `{status: true}`, also when the new address
/// is taken (nothing is sent then).
pub async fn change_email(
    State(state): State<AppState>,
    current: CurrentSession,
    JsonFields(mut body): JsonFields,
) -> Result<Response, ApiError> {
    let new_email = body.required_string("newEmail");
    let callback = body.optional_string("callbackURL");
    require_email_format(&mut body, "newEmail", &new_email);
    body.finish()?;
    check_callback(&state, callback.as_deref())?;

    state
        .auth
        .change_email(&current.active, &new_email, callback.as_deref())
        .await?;
    Ok(Json(json!({ "status": true })).into_response())
}

/// Records a validation issue when a present value is not an email address.
fn require_email_format(body: &mut crate::body::Fields, field: &str, value: &str) {
    if !value.is_empty() && Email::parse(value).is_err() {
        body.issue(field, "Invalid email address");
    }
}

/// A 302 to `location` (already checked against the trusted origins).
fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A same-site path made absolute against the configured base URL's origin (never the
/// request's `Host`).
fn absolute(state: &AppState, target: &str) -> String {
    match state.settings.trusted_origins.base_origin() {
        Some(origin) if target.starts_with('/') => format!("{origin}{target}"),
        _ => target.to_owned(),
    }
}
