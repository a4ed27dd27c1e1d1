//! The second-factor step of the hosted login and device pages: after a good password for
//! an account with two-factor, the page asks for the authenticator app's code (or a backup
//! code), or mails a code when the account has codes by mail. It uses the same challenge
//! and `two_factor` cookie as `/two-factor/verify-*`, so wrong codes count alike.

use super::pages::{error_note, page};
use crate::body::Fields;
use crate::error::ApiError;
use crate::routes::meta::escape_html;
use crate::routes::two_factor;
use crate::state::AppState;
use axum::response::Response;
use beep_core::two_factor::{
    CodeContext, SecondFactor, SecondFactorChallenge, SecondFactorPassed, TwoFactorError,
};
use beep_core::{AuthError, ClientInfo};
use http::{HeaderMap, StatusCode};

/// Which code the form takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CodeMethod {
    /// The authenticator app's code, or a backup code.
    Totp,
    /// The code mailed for this sign-in.
    Otp,
}

impl CodeMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Otp => "otp",
        }
    }
}

/// What a check of a code came to.
pub(super) enum CodeOutcome {
    /// The sign-in is complete.
    Passed(Box<SecondFactorPassed>),
    /// The form again, with why the code was refused.
    Refused(Response),
    /// The challenge is gone (expired, used up, or no cookie): sign in again.
    ChallengeGone,
}

/// One page's second-factor form: where it posts, and the hidden fields it carries through.
pub(super) struct CodeStep<'a> {
    /// The page's own URL, which the form posts back to.
    pub(super) action: String,
    /// Hidden fields the page needs after the code (its signed query, or the device code).
    pub(super) hidden: &'a [(&'a str, &'a str)],
    /// The origin the page may send the user on to, for its CSP.
    pub(super) client_origin: &'a str,
}

impl CodeStep<'_> {
    /// The code form for a fresh `challenge`, with its cookie. An account with codes by mail
    /// only is mailed one at once. `None` for an account whose only second factor is a
    /// passkey, which needs a script.
    pub(super) async fn challenge_page(
        &self,
        state: &AppState,
        challenge: &SecondFactorChallenge,
    ) -> Result<Option<Response>, ApiError> {
        let has = |method: &str| challenge.methods.contains(&method);
        let mut response = if has("totp") {
            self.form(CodeMethod::Totp, has("otp"), None, StatusCode::OK)
        } else if has("otp") {
            let context = CodeContext::Challenge(challenge.token.expose().to_owned());
            state.auth.send_mailed_code(context).await?;
            self.form(CodeMethod::Otp, false, None, StatusCode::OK)
        } else {
            return Ok(None);
        };
        two_factor::set_challenge_cookie(state, response.headers_mut(), challenge);
        Ok(Some(response))
    }

    /// Checks the form's `code` (and `method`) against the challenge in the cookie.
    pub(super) async fn check(
        &self,
        state: &AppState,
        client: ClientInfo,
        headers: &HeaderMap,
        body: &mut Fields,
    ) -> Result<CodeOutcome, ApiError> {
        let code = body.optional_string("code").unwrap_or_default();
        let method = match body.optional_string("method").as_deref() {
            Some("otp") => CodeMethod::Otp,
            _ => CodeMethod::Totp,
        };
        let Some(token) = state
            .jar()
            .read_signed(headers, two_factor::CHALLENGE_COOKIE)
        else {
            return Ok(CodeOutcome::ChallengeGone);
        };
        let code = code.trim();
        let factor = match method {
            CodeMethod::Otp => SecondFactor::MailedCode(code),
            // The app's codes are digits; a backup code is not.
            CodeMethod::Totp if code.bytes().all(|b| b.is_ascii_digit()) => {
                SecondFactor::Totp(code)
            }
            CodeMethod::Totp => SecondFactor::BackupCode(code),
        };
        let verified = state
            .auth
            .verify_second_factor(CodeContext::Challenge(token), factor, false, client)
            .await;
        let refused = match verified {
            Ok(passed) => return Ok(CodeOutcome::Passed(Box::new(passed))),
            Err(AuthError::TwoFactor(TwoFactorError::InvalidTwoFactorCookie)) => {
                return Ok(CodeOutcome::ChallengeGone);
            }
            Err(AuthError::TwoFactor(refused)) => refused,
            Err(err) => return Err(err.into()),
        };
        let message = match refused {
            TwoFactorError::AccountLocked | TwoFactorError::TooManyAttempts => refused.to_string(),
            TwoFactorError::OtpHasExpired => "That code has expired. Ask for a new one.".to_owned(),
            _ => "That code is not right. Try again.".to_owned(),
        };
        let mail_offered = state.auth.config().two_factor.otp_enabled;
        Ok(CodeOutcome::Refused(self.form(
            method,
            mail_offered,
            Some(&message),
            StatusCode::UNAUTHORIZED,
        )))
    }

    /// "Email me a code": mails one for the challenge in the cookie and shows its form;
    /// `None` when the challenge is gone.
    pub(super) async fn mail_code(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<Response>, ApiError> {
        let Some(token) = state
            .jar()
            .read_signed(headers, two_factor::CHALLENGE_COOKIE)
        else {
            return Ok(None);
        };
        match state
            .auth
            .send_mailed_code(CodeContext::Challenge(token))
            .await
        {
            Ok(()) => Ok(Some(self.form(
                CodeMethod::Otp,
                false,
                None,
                StatusCode::OK,
            ))),
            Err(AuthError::TwoFactor(TwoFactorError::InvalidTwoFactorCookie)) => Ok(None),
            Err(AuthError::TwoFactor(refused)) => Ok(Some(self.form(
                CodeMethod::Totp,
                false,
                Some(&refused.to_string()),
                StatusCode::BAD_REQUEST,
            ))),
            Err(err) => Err(err.into()),
        }
    }

    /// The code form: `method` says which code it takes; `mail_offered` adds "Email me a
    /// code" to the app's form.
    fn form(
        &self,
        method: CodeMethod,
        mail_offered: bool,
        error: Option<&str>,
        status: StatusCode,
    ) -> Response {
        let (prompt, hint) = match method {
            CodeMethod::Totp => (
                "Enter the code from your authenticator app.",
                "<p>Lost your device? Enter one of your backup codes instead.</p>",
            ),
            CodeMethod::Otp => ("We emailed you a code. Enter it here.", ""),
        };
        let mail = if mail_offered && method == CodeMethod::Totp {
            "<button type=\"submit\" name=\"step\" value=\"send_otp\" class=\"secondary\" \
             formnovalidate>Email me a code</button>"
        } else {
            ""
        };
        let hidden: String = self
            .hidden
            .iter()
            .map(|(name, value)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                    escape_html(name),
                    escape_html(value)
                )
            })
            .collect();
        let body = format!(
            "<h1>Two-step verification</h1><p>{prompt}</p>{error}\
             <form method=\"post\" action=\"{action}\">{hidden}\
             <input type=\"hidden\" name=\"method\" value=\"{method}\">\
             <label for=\"code\">Code</label>\
             <input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"one-time-code\" \
             autocapitalize=\"off\" spellcheck=\"false\" maxlength=\"64\" required autofocus>\
             {hint}<button type=\"submit\" name=\"step\" value=\"code\">Verify</button>{mail}</form>",
            error = error_note(error),
            action = escape_html(&self.action),
            method = method.as_str(),
        );
        page(status, "Two-step verification", &body, self.client_origin)
    }
}
