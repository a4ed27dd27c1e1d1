//! The hosted pages of the authorization flow, for operators with no front-end of their
//! own (`OIDC_PROVIDER_LOGIN_PAGE` / `OIDC_PROVIDER_CONSENT_PAGE` point elsewhere instead):
//! sign-in with email and password, and consent. Each is plain server-rendered HTML that
//! works with no script, under a CSP that allows no script at all and lets its form post
//! only here and back to the client; every value on it is escaped.
//!
//! The pages carry the signed hand-off they were opened with in a hidden `oauth_query`
//! field, so the next step knows the request is one the server validated. An account with
//! two-factor gets the code step of `second_factor_page.rs` after its password.

use super::second_factor_page::{CodeOutcome, CodeStep};
use crate::body::JsonOrFormFields;
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::routes::RequestClient;
use crate::routes::credentials::set_login_cookies;
use crate::routes::meta::{escape_html, html_page};
use crate::routes::two_factor;
use crate::state::AppState;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use beep_core::ClientInfo;
use beep_core::flows::{SignIn, SignInOutcome};
use beep_core::oauth_provider::PendingAuthorization;
use beep_domain::Secret;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::{Digest as _, Sha256};

/// The routes, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/login-page", get(login_page).post(sign_in))
        .route("/oauth2/consent-page", get(consent_page))
}

/// The pages' only style sheet; the CSP allows exactly this text by its hash.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}\
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.35rem;margin:0 0 .5rem}label{display:block;margin-top:1rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.55rem;margin-top:.3rem;font:inherit;border:1px solid #9aa0a6;border-radius:6px}\
button{margin-top:1.25rem;padding:.6rem 1.2rem;font:inherit;border-radius:6px;border:1px solid #1a56db;background:#1a56db;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#1a56db;margin-left:.5rem}\
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}\
.error{color:#b42318;font-weight:600}ul{padding-left:1.2rem}";

/// The pages' CSP: no script, the one style sheet, forms posting here and to `client`.
fn csp(client_origin: &str) -> HeaderValue {
    let style_hash = STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    let client = if client_origin.starts_with("http") {
        client_origin
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'self'; \
         form-action 'self' {client}; frame-ancestors 'none'; base-uri 'none'"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"))
}

/// A page titled `title` with `body`, for a request going back to `client_origin`.
pub(super) fn page(status: StatusCode, title: &str, body: &str, client_origin: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        title = escape_html(title),
    );
    let mut response = html_page((status, html), csp(client_origin));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The email and password fields and the submit button of a sign-in form.
pub(super) const CREDENTIAL_FIELDS: &str = "<label for=\"email\">Email</label>\
    <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required autofocus>\
    <label for=\"password\">Password</label>\
    <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
    <button type=\"submit\">Sign in</button>";

/// `error` as an alert paragraph, or nothing.
pub(super) fn error_note(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape_html(e)))
        .unwrap_or_default()
}

/// The page for a hand-off that does not verify (altered, expired, or its client gone).
fn expired() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This sign-in link has expired",
        "<h1>This sign-in link has expired</h1>\
         <p>Go back to the application and start signing in again.</p>",
        "",
    )
}

/// `GET /oauth2/login-page?<signed request>`: the sign-in form, and for
/// `prompt=select_account` with a session, a button to go on as that user.
async fn login_page(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    match state.auth.pending_authorization(&query).await {
        Ok(Some(pending)) => {
            let signed_in = current
                .filter(|_| pending.offers_account_choice)
                .map(|c| c.active.user.email.as_str().to_owned());
            let form = LoginForm {
                pending: &pending,
                oauth_query: &query,
                signed_in: signed_in.as_deref(),
            };
            form.page(&state, None, StatusCode::OK)
        }
        Ok(None) => expired(),
        Err(err) => ApiError::from(err).into_response(),
    }
}

/// The login page's sign-in form for one pending authorization.
struct LoginForm<'a> {
    pending: &'a PendingAuthorization,
    oauth_query: &'a str,
    /// The signed-in user's email, when the page offers to go on as them.
    signed_in: Option<&'a str>,
}

impl LoginForm<'_> {
    /// The page, with `error` above the form.
    fn page(&self, state: &AppState, error: Option<&str>, status: StatusCode) -> Response {
        let issuer = &state.auth.config().oauth_provider.issuer;
        let query = escape_html(self.oauth_query);
        let choice = self
            .signed_in
            .map(|email| {
                format!(
                    "<form method=\"post\" action=\"{action}\">\
                     <input type=\"hidden\" name=\"oauth_query\" value=\"{query}\">\
                     <input type=\"hidden\" name=\"selected\" value=\"true\">\
                     <button type=\"submit\">Continue as {email}</button></form>\
                     <p>Or sign in with another account:</p>",
                    action = escape_html(&format!("{issuer}/oauth2/continue")),
                    email = escape_html(email),
                )
            })
            .unwrap_or_default();
        let body = format!(
            "<h1>Sign in</h1><p>to continue to <strong>{client}</strong></p>{error}{choice}\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"oauth_query\" value=\"{query}\">{fields}</form>",
            client = escape_html(&self.pending.client_name),
            error = error_note(error),
            action = escape_html(&format!("{issuer}/oauth2/login-page")),
            fields = CREDENTIAL_FIELDS,
        );
        page(status, "Sign in", &body, &self.pending.redirect_origin)
    }

    /// The second-factor step of this form.
    fn code_step<'s>(&'s self, state: &AppState, hidden: &'s [(&'s str, &'s str)]) -> CodeStep<'s> {
        CodeStep {
            action: format!(
                "{}/oauth2/login-page",
                state.auth.config().oauth_provider.issuer
            ),
            hidden,
            client_origin: &self.pending.redirect_origin,
        }
    }
}

/// `POST /oauth2/login-page`: the sign-in form (`step` absent or `password`), the second
/// factor's code (`step=code`), or a request to mail one (`step=send_otp`). A sign-in that
/// is complete goes on with the authorization by a 303 that sets the session's cookies.
async fn sign_in(
    State(state): State<AppState>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    JsonOrFormFields(mut body): JsonOrFormFields,
) -> Result<Response, ApiError> {
    let oauth_query = body.optional_string("oauth_query").unwrap_or_default();
    let Some(pending) = state.auth.pending_authorization(&oauth_query).await? else {
        return Ok(expired());
    };
    let form = LoginForm {
        pending: &pending,
        oauth_query: &oauth_query,
        signed_in: None,
    };
    let hidden = [("oauth_query", oauth_query.as_str())];
    let code_step = form.code_step(&state, &hidden);
    match body.optional_string("step").as_deref() {
        None | Some("password") => {
            let email = body.optional_string("email").unwrap_or_default();
            let password = Secret::new(body.optional_string("password").unwrap_or_default());
            sign_in_with_password(&state, &form, &code_step, client, &headers, email, password)
                .await
        }
        Some("code") => match code_step.check(&state, client, &headers, &mut body).await? {
            CodeOutcome::Passed(passed) => {
                let active = passed.signed_in.active();
                let next = state
                    .auth
                    .continue_authorization(&oauth_query, &active)
                    .await?;
                let mut response = see_other(&next);
                two_factor::set_passed_cookies(&state, response.headers_mut(), &passed);
                Ok(response)
            }
            CodeOutcome::Refused(page) => Ok(page),
            CodeOutcome::ChallengeGone => Ok(start_over(&state, &form)),
        },
        Some("send_otp") => Ok(match code_step.mail_code(&state, &headers).await? {
            Some(page) => page,
            None => start_over(&state, &form),
        }),
        Some(_) => Ok(form.page(&state, Some("Sign in again."), StatusCode::BAD_REQUEST)),
    }
}

/// The first step: email and password. An account with a second factor gets the code
/// form and the `two_factor` cookie.
async fn sign_in_with_password(
    state: &AppState,
    form: &LoginForm<'_>,
    code_step: &CodeStep<'_>,
    client: ClientInfo,
    headers: &HeaderMap,
    email: String,
    password: Secret<String>,
) -> Result<Response, ApiError> {
    let attempt = SignIn {
        email,
        password,
        remember_me: true,
        trusted_device: two_factor::trusted_device(state, headers),
    };
    let signed = match state.auth.sign_in_with_password(attempt, client).await {
        Ok(SignInOutcome::SignedIn(signed)) => *signed,
        Ok(SignInOutcome::SecondFactorRequired(challenge)) => {
            return Ok(match code_step.challenge_page(state, &challenge).await? {
                Some(page) => page,
                None => form.page(state, Some(PASSKEY_ONLY), StatusCode::UNAUTHORIZED),
            });
        }
        Err(err) => {
            let refused = ApiError::from(err).into_response();
            let message = match refused.status() {
                StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST => "Invalid email or password",
                StatusCode::FORBIDDEN => "Verify your email address first, then sign in.",
                StatusCode::TOO_MANY_REQUESTS => "Too many attempts. Wait a moment and try again.",
                _ => return Ok(refused),
            };
            return Ok(form.page(state, Some(message), refused.status()));
        }
    };
    let active = signed.active();
    let next = state
        .auth
        .continue_authorization(form.oauth_query, &active)
        .await?;
    let mut response = see_other(&next);
    set_login_cookies(state, &mut response, &signed);
    Ok(response)
}

/// What a page says to an account whose only second factor is a passkey (it needs a script).
pub(super) const PASSKEY_ONLY: &str = "This account signs in with a passkey, which this page cannot offer. Sign in with the application's own page.";

/// The sign-in form again, for a second step whose challenge is gone.
fn start_over(state: &AppState, form: &LoginForm<'_>) -> Response {
    form.page(
        state,
        Some("Your sign-in has expired. Sign in again."),
        StatusCode::UNAUTHORIZED,
    )
}

/// `303 See Other` to `url`: the browser follows a form post with a GET.
pub(super) fn see_other(url: &str) -> Response {
    match HeaderValue::from_str(url) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// `GET /oauth2/consent-page?<signed request>` (signed in): who asks for what, with Allow
/// and Deny.
async fn consent_page(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let pending = match state.auth.pending_authorization(&query).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return expired(),
        Err(err) => return ApiError::from(err).into_response(),
    };
    let Some(current) = current else {
        // The session ended since the consent page was handed out: sign in again first.
        let form = LoginForm {
            pending: &pending,
            oauth_query: &query,
            signed_in: None,
        };
        return form.page(&state, None, StatusCode::OK);
    };
    let action = format!(
        "{}/oauth2/consent",
        state.auth.config().oauth_provider.issuer
    );
    let scopes: String = pending
        .scopes
        .iter()
        .map(|scope| format!("<li>{}</li>", escape_html(&scope_text(scope))))
        .collect();
    let link = pending
        .client_uri
        .as_deref()
        .filter(|uri| uri.starts_with("https://") || uri.starts_with("http://"))
        .map(|uri| {
            format!(
                " (<a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>)",
                escape_html(uri)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1><strong>{client}</strong>{link} wants to access your account</h1>\
         <p>Signed in as {email}. It asks to:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"oauth_query\" value=\"{query}\">\
         <button type=\"submit\" name=\"accept\" value=\"true\">Allow</button>\
         <button type=\"submit\" name=\"accept\" value=\"false\" class=\"secondary\">Deny</button>\
         </form>",
        client = escape_html(&pending.client_name),
        email = escape_html(current.active.user.email.as_str()),
        action = escape_html(&action),
        query = escape_html(&query),
    );
    page(
        StatusCode::OK,
        "Allow access?",
        &body,
        &pending.redirect_origin,
    )
}

/// What granting `scope` means, in words.
pub(super) fn scope_text(scope: &str) -> String {
    match scope {
        "openid" => "Know who you are".to_owned(),
        "profile" => "See your name and picture".to_owned(),
        "email" => "See your email address".to_owned(),
        "offline_access" => "Keep access while you are away".to_owned(),
        other => format!("Use “{other}”"),
    }
}
