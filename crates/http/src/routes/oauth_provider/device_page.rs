//! The hosted device verification page (`verification_uri`): the user signs in if they must,
//! enters the code their device shows (or arrives with it filled in), sees which
//! application asks for what, and approves or denies. An account with two-factor gives its
//! code after the password (`second_factor_page.rs`). Plain HTML forms, no script, the same
//! CSP and escaping as the other hosted pages.

use super::pages::{CREDENTIAL_FIELDS, PASSKEY_ONLY, error_note, page, scope_text, see_other};
use super::second_factor_page::{CodeOutcome, CodeStep};
use crate::body::JsonOrFormFields;
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::routes::RequestClient;
use crate::routes::credentials::set_login_cookies;
use crate::routes::meta::escape_html;
use crate::routes::two_factor;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use beep_core::flows::{SignIn, SignInOutcome};
use beep_domain::{DeviceCodeStatus, Secret, User};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

/// The route, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/oauth2/device-page", get(show).post(act))
}

/// `?user_code=` of the page.
#[derive(Debug, Deserialize)]
struct PageQuery {
    user_code: Option<String>,
}

fn action(state: &AppState) -> String {
    escape_html(&format!(
        "{}/oauth2/device-page",
        state.auth.config().oauth_provider.issuer
    ))
}

/// `GET /oauth2/device-page[?user_code=]`.
async fn show(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    crate::query::Query(query): crate::query::Query<PageQuery>,
) -> Response {
    let code = query.user_code.unwrap_or_default();
    match current {
        None => sign_in_form(&state, &code, None, StatusCode::OK),
        Some(_) if code.is_empty() => code_form(&state, None),
        Some(current) => approval(&state, &current.active.user, &code).await,
    }
}

fn sign_in_form(state: &AppState, code: &str, error: Option<&str>, status: StatusCode) -> Response {
    let body = format!(
        "<h1>Sign in</h1><p>to connect a device to your account</p>{error}\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"step\" value=\"sign-in\">\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">{fields}</form>",
        error = error_note(error),
        action = action(state),
        code = escape_html(code),
        fields = CREDENTIAL_FIELDS,
    );
    page(status, "Sign in", &body, "")
}

fn code_form(state: &AppState, error: Option<&str>) -> Response {
    let error = error_note(error);
    let body = format!(
        "<h1>Connect a device</h1><p>Enter the code your device shows.</p>{error}\
         <form method=\"get\" action=\"{action}\">\
         <label for=\"user_code\">Code</label>\
         <input id=\"user_code\" name=\"user_code\" autocomplete=\"one-time-code\" autocapitalize=\"characters\" required autofocus>\
         <button type=\"submit\">Continue</button></form>",
        action = action(state),
    );
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, "Connect a device", &body, "")
}

/// The code's application and scopes, with Approve and Deny (opening it claims it).
async fn approval(state: &AppState, user: &User, code: &str) -> Response {
    let view = match state.auth.view_device_code(Some(user), code).await {
        Ok(view) => view,
        Err(_) => return code_form(state, Some("That code is not valid or has expired.")),
    };
    if view.status != DeviceCodeStatus::Pending {
        return done("This code has already been used.");
    }
    let scopes: String = view
        .scopes
        .iter()
        .map(|s| format!("<li>{}</li>", escape_html(&scope_text(s))))
        .collect();
    let body = format!(
        "<h1><strong>{client}</strong> wants to connect to your account</h1>\
         <p>Signed in as {email}. Code <strong>{code}</strong>. It asks to:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
         <button type=\"submit\" name=\"step\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"step\" value=\"deny\" class=\"secondary\">Deny</button>\
         </form>",
        client = escape_html(&view.client_name),
        email = escape_html(user.email.as_str()),
        code = escape_html(&view.user_code),
        action = action(state),
    );
    page(StatusCode::OK, "Connect a device?", &body, "")
}

/// `303` back to the page with the device's code, once signed in.
fn to_code(state: &AppState, code: &str) -> Response {
    let query = serde_urlencoded::to_string([("user_code", code)]).unwrap_or_default();
    see_other(&format!(
        "{}/oauth2/device-page?{query}",
        state.auth.config().oauth_provider.issuer
    ))
}

fn done(message: &str) -> Response {
    page(
        StatusCode::OK,
        "Device",
        &format!(
            "<h1>{}</h1><p>You can close this page.</p>",
            escape_html(message)
        ),
        "",
    )
}

/// `POST /oauth2/device-page`: `step` is `sign-in`, `code` or `send_otp` (the second
/// factor, after a password), `approve` or `deny`.
async fn act(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let step = body.optional_string("step").unwrap_or_default();
    let code = body.optional_string("user_code").unwrap_or_default();
    let hidden = [("user_code", code.as_str())];
    let code_step = CodeStep {
        action: format!(
            "{}/oauth2/device-page",
            state.auth.config().oauth_provider.issuer
        ),
        hidden: &hidden,
        client_origin: "",
    };
    let expired = || {
        let message = "Your sign-in has expired. Sign in again.";
        sign_in_form(&state, &code, Some(message), StatusCode::UNAUTHORIZED)
    };
    match step.as_str() {
        "sign-in" => {
            let attempt = SignIn {
                email: body.optional_string("email").unwrap_or_default(),
                password: Secret::new(body.optional_string("password").unwrap_or_default()),
                remember_me: true,
                trusted_device: two_factor::trusted_device(&state, &headers),
            };
            return Ok(
                match state.auth.sign_in_with_password(attempt, client).await {
                    Ok(SignInOutcome::SignedIn(signed)) => {
                        let mut response = to_code(&state, &code);
                        set_login_cookies(&state, &mut response, &signed);
                        response
                    }
                    Ok(SignInOutcome::SecondFactorRequired(challenge)) => {
                        match code_step.challenge_page(&state, &challenge).await? {
                            Some(page) => page,
                            None => sign_in_form(
                                &state,
                                &code,
                                Some(PASSKEY_ONLY),
                                StatusCode::UNAUTHORIZED,
                            ),
                        }
                    }
                    Err(err) => {
                        let refused = ApiError::from(err).into_response();
                        if refused.status() == StatusCode::TOO_MANY_REQUESTS {
                            return Ok(refused);
                        }
                        sign_in_form(
                            &state,
                            &code,
                            Some("Invalid email or password"),
                            StatusCode::UNAUTHORIZED,
                        )
                    }
                },
            );
        }
        "code" => {
            return Ok(
                match code_step.check(&state, client, &headers, &mut body).await? {
                    CodeOutcome::Passed(passed) => {
                        let mut response = to_code(&state, &code);
                        two_factor::set_passed_cookies(&state, response.headers_mut(), &passed);
                        response
                    }
                    CodeOutcome::Refused(page) => page,
                    CodeOutcome::ChallengeGone => expired(),
                },
            );
        }
        "send_otp" => {
            return Ok(code_step
                .mail_code(&state, &headers)
                .await?
                .unwrap_or_else(expired));
        }
        _ => {}
    }
    let Some(current) = current else {
        return Ok(sign_in_form(&state, &code, None, StatusCode::UNAUTHORIZED));
    };
    let approve = match step.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return Ok(code_form(&state, Some("Choose Approve or Deny."))),
    };
    Ok(
        match state
            .auth
            .answer_device_code(&current.active.user, &code, approve)
            .await
        {
            Ok(()) if approve => done("Device connected. Return to your device."),
            Ok(()) => done("Request denied."),
            Err(_) => code_form(&state, Some("That code is not valid or has expired.")),
        },
    )
}
