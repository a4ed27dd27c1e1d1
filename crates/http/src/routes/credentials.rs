//! `POST /sign-up/email` and `POST /sign-in/email`.

use super::{RequestClient, check_callback, refuse_protected_fields, two_factor};
use crate::body::JsonOrFormFields;
use crate::cookies::DONT_REMEMBER;
use crate::current_session::issue_session;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::UserJson;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::SignedIn;
use beep_core::flows::{SignIn, SignInOutcome, SignUp, SignUpOutcome};
use beep_domain::{Email, Secret};
use http::{HeaderMap, HeaderValue, header};
use serde_json::json;

/// Creates a user and signs them in: `{token, user}` plus the session cookies.
pub async fn sign_up(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    refuse_protected_fields(&body)?;
    let name = body.required_string("name");
    let email = body.required_string("email");
    let password = Secret::new(body.required_string("password"));
    let image = body.optional_string("image");
    let callback = body.optional_string("callbackURL");
    let remember_me = body.optional_bool("rememberMe").unwrap_or(true);
    // Set on the sign-up page of an OAuth authorization (`prompt=create`).
    let oauth_query = body.optional_string("oauth_query");
    if !email.is_empty() && Email::parse(&email).is_err() {
        body.issue("email", "Invalid email address");
    }
    body.finish()?;
    check_callback(&state, callback.as_deref())?;
    if let Some(query) = &oauth_query {
        state.auth.verified_hand_off(query)?;
    }

    let outcome = state
        .auth
        .sign_up(
            SignUp {
                name,
                email,
                password,
                image,
                remember_me,
                callback_url: callback,
            },
            client,
        )
        .await?;

    Ok(match outcome {
        SignUpOutcome::SignedIn(signed) if oauth_query.is_some() => {
            let query = oauth_query.unwrap_or_default();
            return continue_authorization(&state, &query, *signed).await;
        }
        SignUpOutcome::SignedIn(signed) => {
            let mut response = Json(json!({
                "token": signed.session.id.to_string(),
                "user": UserJson::from(&signed.user),
            }))
            .into_response();
            set_login_cookies(&state, &mut response, &signed);
            response
        }
        SignUpOutcome::AwaitingVerification(user) => {
            Json(json!({ "token": null, "user": UserJson::from(&*user) })).into_response()
        }
    })
}

/// Checks the password and opens a session: `{redirect, token, url?, user}`.
pub async fn sign_in(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let email = body.required_string("email");
    let password = Secret::new(body.required_string("password"));
    let callback = body.optional_string("callbackURL");
    let remember_me = body.optional_bool("rememberMe").unwrap_or(true);
    // Set by the login page of an OAuth authorization (better-auth's oauthProviderClient).
    let oauth_query = body.optional_string("oauth_query");
    body.finish()?;
    check_callback(&state, callback.as_deref())?;
    if let Some(query) = &oauth_query {
        // A hand-off that does not verify is refused before anyone is signed in.
        state.auth.verified_hand_off(query)?;
    }

    let outcome = state
        .auth
        .sign_in_with_password(
            SignIn {
                email,
                password,
                remember_me,
                trusted_device: two_factor::trusted_device(&state, &headers),
            },
            client,
        )
        .await?;
    let signed = match outcome {
        SignInOutcome::SignedIn(signed) => *signed,
        SignInOutcome::SecondFactorRequired(challenge) => {
            return Ok(two_factor::second_factor_required(&state, &challenge));
        }
    };

    if let Some(query) = oauth_query {
        return continue_authorization(&state, &query, signed).await;
    }
    let body = match &callback {
        Some(url) => json!({
            "redirect": true,
            "token": signed.session.id.to_string(),
            "url": url,
            "user": UserJson::from(&signed.user),
        }),
        None => json!({
            "redirect": false,
            "token": signed.session.id.to_string(),
            "user": UserJson::from(&signed.user),
        }),
    };
    let mut response = Json(body).into_response();
    set_login_cookies(&state, &mut response, &signed);
    if let Some(location) = callback.and_then(|url| HeaderValue::from_str(&url).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// After a sign-in on the login page of an OAuth authorization: `{redirect: true, url}` to
/// where the authorization goes on (the consent page, or the client with a code), with the
/// new session's cookies.
async fn continue_authorization(
    state: &AppState,
    oauth_query: &str,
    signed: SignedIn,
) -> Result<Response, ApiError> {
    let active = signed.active();
    let url = state
        .auth
        .continue_authorization(oauth_query, &active)
        .await?;
    let mut response = Json(json!({ "redirect": true, "url": url })).into_response();
    set_login_cookies(state, &mut response, &signed);
    Ok(response)
}

/// The cookies of a fresh login: the session's, and a cleared `dont_remember` when the user
/// asked to be remembered (a normal login ends an earlier "don't remember me").
/// The cookies of a sign-in: the session's, and a remembered session drops `dont_remember`.
pub(crate) fn set_login_cookies(state: &AppState, response: &mut Response, signed: &SignedIn) {
    issue_session(
        state,
        response.headers_mut(),
        &signed.token,
        &signed.session,
        &signed.user,
    );
    if signed.session.remember_me {
        response
            .headers_mut()
            .append(header::SET_COOKIE, state.jar().expire(DONT_REMEMBER));
    }
}
