//! Session credentials, checked with the server's get-session.

use crate::caller::{Caller, CredentialKind};
use crate::config::VerifierConfig;
use crate::error::VerifyError;
use serde_json::Value;

/// The suffixes of the cookie names get-session reads (`<prefix>.session_token`, the
/// `session_data` cache, `dont_remember`); no other cookie of the request is passed on.
const SESSION_COOKIES: [&str; 3] = [".session_token", ".session_data", ".dont_remember"];

/// The session cookies of a `Cookie` header, or `None` when it has no session token.
pub(crate) fn session_cookies(cookie_header: &str) -> Option<String> {
    let kept: Vec<&str> = cookie_header
        .split(';')
        .map(str::trim)
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            SESSION_COOKIES.iter().any(|suffix| name.ends_with(suffix))
        })
        .collect();
    let has_token = kept.iter().any(|pair| {
        pair.split('=')
            .next()
            .is_some_and(|n| n.ends_with(".session_token"))
    });
    has_token.then(|| kept.join("; "))
}

/// Asks get-session who holds the session the request header (`authorization` or
/// `cookie`) presents.
pub(crate) async fn check(
    http: &reqwest::Client,
    config: &VerifierConfig,
    header: (&str, &str),
    credential: CredentialKind,
) -> Result<Caller, VerifyError> {
    let unavailable = |what: String| VerifyError::Unavailable(format!("GET /get-session: {what}"));
    let response = http
        .get(config.url("/get-session"))
        .header(header.0, header.1)
        .send()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("status {}", response.status())));
    }
    let body: Value = response
        .json()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))?;
    let Value::Object(mut answer) = body else {
        return Err(VerifyError::NoSession);
    };
    let session_id = answer
        .get("session")
        .and_then(|s| s.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let Some(Value::Object(user)) = answer.remove("user") else {
        return Err(unavailable("an answer without a user".to_owned()));
    };
    Caller::from_user(user, "id", session_id, credential)
        .ok_or_else(|| unavailable("a user without an id".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_session_cookies_are_passed_on() {
        let header = "theme=dark; better-auth.session_token=abc.sig; tracking=1; better-auth.session_data=xyz";

        assert_eq!(
            session_cookies(header).as_deref(),
            Some("better-auth.session_token=abc.sig; better-auth.session_data=xyz")
        );
    }

    #[test]
    fn secure_prefixed_cookies_count() {
        let header = "__Secure-better-auth.session_token=abc.sig";

        assert_eq!(session_cookies(header).as_deref(), Some(header));
    }

    #[test]
    fn a_header_without_a_session_token_is_no_credential() {
        assert_eq!(
            session_cookies("better-auth.session_data=xyz; theme=dark"),
            None
        );
        assert_eq!(session_cookies(""), None);
    }
}
