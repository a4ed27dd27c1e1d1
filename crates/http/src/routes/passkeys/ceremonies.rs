//! The two ceremonies: registering a passkey (signed in, fresh session) and signing in
//! with one. Each starts with options and the signed challenge cookie, and ends when the
//! browser posts the authenticator's answer.

use super::CHALLENGE_COOKIE;
use super::requests::{RegisterOptionsQuery, VerifyAuthenticationBody, VerifyRegistrationBody};
use super::wire::{CreationOptionsJson, PasskeyJson, RequestOptionsJson};
use crate::cookies::DONT_REMEMBER;
use crate::current_session::{CurrentSession, issue_session};
use crate::error::ApiError;
use crate::query::Query;
use crate::routes::RequestClient;
use crate::routes::two_factor;
use crate::state::AppState;
use crate::typed_body::Typed;
use crate::wire::{SessionJson, SessionWithUser, UserJson};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::SignedIn;
use beep_core::flows::SignInOutcome;
use beep_core::passkeys::{PasskeyChallengeToken, PasskeySignIn, RegistrationQuery};
use http::{HeaderMap, header};

/// Options for registering a passkey, and the challenge cookie.
pub async fn registration_options(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<RegisterOptionsQuery>,
) -> Result<Response, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    let issues = query.issues();
    if !issues.is_empty() {
        return Err(ApiError::validation(&issues));
    }
    let (options, token) = state
        .auth
        .passkey_registration_options(
            &caller,
            RegistrationQuery {
                authenticator_attachment: query
                    .authenticator_attachment
                    .map(|a| a.as_str().to_owned()),
                name: query.name,
            },
        )
        .await?;
    let mut response = Json(CreationOptionsJson::from(options)).into_response();
    set_challenge_cookie(&state, response.headers_mut(), &token);
    Ok(response)
}

/// Checks the authenticator's answer and stores the passkey: the passkey row.
pub async fn verify_registration(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    headers: HeaderMap,
    Typed(body): Typed<VerifyRegistrationBody>,
) -> Result<Response, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    let challenge = state.jar().read_signed(&headers, CHALLENGE_COOKIE);
    let passkey = state
        .auth
        .register_passkey(&caller, challenge.as_deref(), &body.response, body.name)
        .await?;
    let mut response = Json(PasskeyJson::from(&passkey)).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, state.jar().expire(CHALLENGE_COOKIE));
    Ok(response)
}

/// Options for signing in with a passkey, and the challenge cookie. A caller with a session,
/// or with a password sign-in waiting for its second factor, is offered their passkeys.
pub async fn authentication_options(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let for_user = match current {
        Some(current) => Some(current.active.user.id),
        None => match state
            .jar()
            .read_signed(&headers, two_factor::CHALLENGE_COOKIE)
        {
            Some(token) => state.auth.second_factor_user(&token).await,
            None => None,
        },
    };
    let (options, token) = state
        .auth
        .passkey_authentication_options(for_user.as_ref())
        .await?;
    let mut response = Json(RequestOptionsJson::from(options)).into_response();
    set_challenge_cookie(&state, response.headers_mut(), &token);
    Ok(response)
}

/// Checks the passkey's signature: `{session, user}` with the session's cookies; or, for a
/// two-factor user whose authenticator did not verify them, the second-factor challenge.
pub async fn verify_authentication(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    Typed(body): Typed<VerifyAuthenticationBody>,
) -> Result<Response, ApiError> {
    let jar = state.jar();
    let challenge = jar.read_signed(&headers, CHALLENGE_COOKIE);
    let second_factor_of = jar.read_signed(&headers, two_factor::CHALLENGE_COOKIE);
    let trusted_device = two_factor::trusted_device(&state, &headers);
    let outcome = state
        .auth
        .sign_in_with_passkey(
            PasskeySignIn {
                challenge_token: challenge.as_deref(),
                response: &body.response,
                second_factor_of: second_factor_of.as_deref(),
                trusted_device: trusted_device.as_deref(),
            },
            client,
        )
        .await?;
    let signed = match outcome {
        SignInOutcome::SignedIn(signed) => *signed,
        SignInOutcome::SecondFactorRequired(challenge) => {
            let mut response = two_factor::second_factor_required(&state, &challenge);
            response
                .headers_mut()
                .append(header::SET_COOKIE, jar.expire(CHALLENGE_COOKIE));
            return Ok(response);
        }
    };
    Ok(signed_in_response(
        &state,
        &signed,
        second_factor_of.is_some(),
    ))
}

/// `{session, user}` with the new session's cookies; the ceremony's cookie goes, and so
/// does the `two_factor` cookie of a sign-in this passkey finished.
fn signed_in_response(state: &AppState, signed: &SignedIn, had_challenge: bool) -> Response {
    let jar = state.jar();
    let mut response = Json(SessionWithUser {
        session: SessionJson::from(&signed.session),
        user: UserJson::from(&signed.user),
    })
    .into_response();
    let headers = response.headers_mut();
    issue_session(state, headers, &signed.token, &signed.session, &signed.user);
    headers.append(header::SET_COOKIE, jar.expire(CHALLENGE_COOKIE));
    if had_challenge {
        headers.append(header::SET_COOKIE, jar.expire(two_factor::CHALLENGE_COOKIE));
    }
    if signed.session.remember_me {
        headers.append(header::SET_COOKIE, jar.expire(DONT_REMEMBER));
    }
    response
}

/// Sets the signed cookie naming a ceremony's challenge, for as long as it lasts.
fn set_challenge_cookie(state: &AppState, headers: &mut HeaderMap, token: &PasskeyChallengeToken) {
    let jar = state.jar();
    let lifetime = state.auth.config().passkey.challenge_lifetime;
    let max_age = u64::try_from(lifetime.num_seconds()).unwrap_or(300);
    headers.append(
        header::SET_COOKIE,
        jar.set(CHALLENGE_COOKIE, &jar.sign(token.expose()), Some(max_age)),
    );
}
