//! The `/two-factor/*` handlers: managing the factors with the session (each change asks
//! for the password), and checking a code against the session or a waiting sign-in.

use super::requests::{
    EnableBody, EnableMethod, PasswordBody, SendOtpBody, VerifyBackupCodeBody, VerifyCodeBody,
};
use super::wire::{
    BackupCodesJson, EnabledByMailJson, EnabledJson, PassedJson, StatusJson, TotpUriJson,
};
use super::{CHALLENGE_COOKIE, TRUST_DEVICE_COOKIE};
use crate::cookies::DONT_REMEMBER;
use crate::current_session::{CurrentSession, issue_session};
use crate::error::ApiError;
use crate::routes::RequestClient;
use crate::state::AppState;
use crate::typed_body::Typed;
use crate::wire::UserJson;
use axum::Json;
use axum::extract::State;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Response};
use beep_core::two_factor::{CodeContext, SecondFactor, SecondFactorPassed, TwoFactorError};
use beep_core::{ActiveSession, AuthError};
use beep_domain::Secret;
use http::request::Parts;
use http::{HeaderMap, header};

/// Starts a TOTP enrolment: `{method, totpURI, backupCodes}`, in force after `verify-totp`;
/// or, with `method: "otp"`, turns codes by mail on at once: `{method}` and a new session.
pub async fn enable(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    current: Option<CurrentSession>,
    Typed(body): Typed<EnableBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current)?;
    if body.method == Some(EnableMethod::Otp) {
        let signed = state
            .auth
            .enable_mailed_codes(&caller, &Secret::new(body.password), client)
            .await?;
        let mut response = Json(EnabledByMailJson { method: "otp" }).into_response();
        let headers = response.headers_mut();
        issue_session(
            &state,
            headers,
            &signed.token,
            &signed.session,
            &signed.user,
        );
        return Ok(response);
    }
    let enrolment = state
        .auth
        .enable_two_factor(
            &caller.user,
            &Secret::new(body.password),
            body.issuer.as_deref(),
        )
        .await?;
    Ok(Json(EnabledJson {
        method: "totp",
        totp_uri: enrolment.totp_uri,
        backup_codes: enrolment.backup_codes.codes().to_vec(),
    })
    .into_response())
}

/// Turns two-factor off: `{status: true}`, with a new session in place of this one.
pub async fn disable(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    current: Option<CurrentSession>,
    Typed(body): Typed<PasswordBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current)?;
    let signed = state
        .auth
        .disable_two_factor(&caller, &Secret::new(body.password), client)
        .await?;
    let mut response = Json(StatusJson { status: true }).into_response();
    let headers = response.headers_mut();
    issue_session(
        &state,
        headers,
        &signed.token,
        &signed.session,
        &signed.user,
    );
    headers.append(header::SET_COOKIE, state.jar().expire(TRUST_DEVICE_COOKIE));
    Ok(response)
}

/// The authenticator URI again: `{totpURI}`.
pub async fn get_totp_uri(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<PasswordBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current)?;
    let totp_uri = state
        .auth
        .totp_uri(&caller.user, &Secret::new(body.password))
        .await?;
    Ok(Json(TotpUriJson { totp_uri }).into_response())
}

/// A new set of backup codes: `{status: true, backupCodes}`.
pub async fn generate_backup_codes(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<PasswordBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current)?;
    let codes = state
        .auth
        .regenerate_backup_codes(&caller.user, &Secret::new(body.password))
        .await?;
    Ok(Json(BackupCodesJson {
        status: true,
        backup_codes: codes.codes().to_vec(),
    })
    .into_response())
}

/// Checks a TOTP code: `{token, user}` and a new session.
pub async fn verify_totp(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    caller: CodeCaller,
    Typed(body): Typed<VerifyCodeBody>,
) -> Result<Response, ApiError> {
    let context = caller.context()?;
    let factor = SecondFactor::Totp(&body.code);
    let after = AfterCode {
        trust_device: body.trust_device,
        oauth_query: body.oauth_query.as_deref(),
    };
    verify(&state, context, factor, after, client).await
}

/// Mails a code: `{status: true}`.
pub async fn send_otp(
    State(state): State<AppState>,
    caller: CodeCaller,
    Typed(_body): Typed<SendOtpBody>,
) -> Result<Response, ApiError> {
    let context = caller.context()?;
    state.auth.send_mailed_code(context).await?;
    Ok(Json(StatusJson { status: true }).into_response())
}

/// Checks a mailed code: `{token, user}` and a new session.
pub async fn verify_otp(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    caller: CodeCaller,
    Typed(body): Typed<VerifyCodeBody>,
) -> Result<Response, ApiError> {
    let context = caller.context()?;
    let factor = SecondFactor::MailedCode(&body.code);
    let after = AfterCode {
        trust_device: body.trust_device,
        oauth_query: body.oauth_query.as_deref(),
    };
    verify(&state, context, factor, after, client).await
}

/// Checks a backup code, which is used up: `{token, user}` and a new session.
pub async fn verify_backup_code(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    caller: CodeCaller,
    Typed(body): Typed<VerifyBackupCodeBody>,
) -> Result<Response, ApiError> {
    let context = caller.context()?;
    let factor = SecondFactor::BackupCode(&body.code);
    let after = AfterCode {
        trust_device: body.trust_device,
        oauth_query: body.oauth_query.as_deref(),
    };
    verify(&state, context, factor, after, client).await
}

/// Checks `factor` and answers `{token, user}` with the new session's cookies; the challenge
/// cookie goes, and a trusted device gets its cookie. With an OAuth login page's
/// `oauth_query` the answer is `{redirect: true, url}`, where the authorization goes on.
async fn verify(
    state: &AppState,
    context: CodeContext,
    factor: SecondFactor<'_>,
    after: AfterCode<'_>,
    client: beep_core::ClientInfo,
) -> Result<Response, ApiError> {
    let AfterCode {
        trust_device,
        oauth_query,
    } = after;
    if let Some(query) = oauth_query {
        // A hand-off that does not verify is refused before the code is looked at.
        state.auth.verified_hand_off(query)?;
    }
    let passed = state
        .auth
        .verify_second_factor(context, factor, trust_device.unwrap_or(false), client)
        .await?;
    let Some(query) = oauth_query else {
        return Ok(passed_response(state, passed));
    };
    let active = passed.signed_in.active();
    let url = state.auth.continue_authorization(query, &active).await?;
    let mut response = Json(serde_json::json!({ "redirect": true, "url": url })).into_response();
    set_passed_cookies(state, response.headers_mut(), &passed);
    Ok(response)
}

/// What a verify request asks for besides its code.
struct AfterCode<'a> {
    /// Trust this device from now on.
    trust_device: Option<bool>,
    /// An OAuth login page's signed query, to go on with its authorization.
    oauth_query: Option<&'a str>,
}

/// Whose code a request presents: the session's user managing their factors, or else the
/// sign-in the `two_factor` cookie names (better-auth looks at the session first). Read with
/// the request's parts and refused only when the handler asks, so a malformed body is still
/// answered first.
pub struct CodeCaller(Result<CodeContext, ApiError>);

impl CodeCaller {
    /// The context, or 401 `INVALID_TWO_FACTOR_COOKIE` when there is neither.
    fn context(self) -> Result<CodeContext, ApiError> {
        self.0
    }
}

impl FromRequestParts<AppState> for CodeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let current =
            match <CurrentSession as OptionalFromRequestParts<AppState>>::from_request_parts(
                parts, state,
            )
            .await
            {
                Ok(current) => current,
                Err(refused) => return Ok(Self(Err(refused))),
            };
        if let Some(current) = current {
            return Ok(Self(Ok(CodeContext::Session(Box::new(current.active)))));
        }
        let challenge = state
            .jar()
            .read_signed(&parts.headers, CHALLENGE_COOKIE)
            .map(CodeContext::Challenge)
            .ok_or_else(|| AuthError::from(TwoFactorError::InvalidTwoFactorCookie).into());
        Ok(Self(challenge))
    }
}

/// `{token, user}` with the new session's cookies, as [`verify`] answers.
fn passed_response(state: &AppState, passed: SecondFactorPassed) -> Response {
    let signed = &passed.signed_in;
    let mut response = Json(PassedJson {
        token: signed.session.id.to_string(),
        user: UserJson::from(&signed.user),
    })
    .into_response();
    set_passed_cookies(state, response.headers_mut(), &passed);
    response
}

/// The cookies of a passed second factor: the new session's, the challenge's cleared, and
/// the trusted device's when one was asked for.
pub(crate) fn set_passed_cookies(
    state: &AppState,
    headers: &mut HeaderMap,
    passed: &SecondFactorPassed,
) {
    let signed = &passed.signed_in;
    let jar = state.jar();
    issue_session(state, headers, &signed.token, &signed.session, &signed.user);
    headers.append(header::SET_COOKIE, jar.expire(CHALLENGE_COOKIE));
    if signed.session.remember_me {
        // As after any login: a remembered session ends an earlier "don't remember me".
        headers.append(header::SET_COOKIE, jar.expire(DONT_REMEMBER));
    }
    if let Some(token) = &passed.trusted_device {
        let lifetime = state.auth.config().two_factor.trust_device_for;
        let max_age = u64::try_from(lifetime.num_seconds()).unwrap_or(0);
        headers.append(
            header::SET_COOKIE,
            jar.set(
                TRUST_DEVICE_COOKIE,
                &jar.sign(token.expose()),
                Some(max_age),
            ),
        );
    }
}

fn signed_in(current: Option<CurrentSession>) -> Result<ActiveSession, ApiError> {
    Ok(current.ok_or_else(ApiError::unauthorized)?.active)
}
