//! The Resend transport: one `POST /emails` per mail.

use std::time::Duration;

use reqwest::{
    StatusCode, Url,
    header::{AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER},
};
use serde::Serialize;

use super::{SendError, TransportError, error_chain, message};
use crate::Mail;

/// Sends mail through the Resend HTTP API.
pub(super) struct ResendTransport {
    client: reqwest::Client,
    endpoint: Url,
    /// `Bearer <key>`, marked sensitive so no debug output of the client shows it.
    authorization: HeaderValue,
}

/// The request body Resend expects.
#[derive(Serialize)]
struct SendEmail<'a> {
    from: &'a str,
    to: [&'a str; 1],
    subject: &'a str,
    html: &'a str,
    text: &'a str,
    headers: Headers,
}

#[derive(Serialize)]
struct Headers {
    #[serde(rename = "Message-ID")]
    message_id: String,
}

impl ResendTransport {
    /// Checks the key and base URL and builds the HTTP client; connects on the first mail.
    pub(super) fn new(
        api_key: &str,
        base_url: &str,
        timeout: Duration,
    ) -> Result<Self, TransportError> {
        if api_key.trim().is_empty() {
            return Err(TransportError::InvalidApiKey {
                reason: "it is empty",
            });
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {api_key}")).map_err(|_| {
                TransportError::InvalidApiKey {
                    reason: "it has characters an HTTP header cannot carry",
                }
            })?;
        authorization.set_sensitive(true);

        let invalid_url = |reason: String| TransportError::InvalidResendUrl {
            url: base_url.to_owned(),
            reason,
        };
        let endpoint = Url::parse(&format!("{}/emails", base_url.trim_end_matches('/')))
            .map_err(|error| invalid_url(error.to_string()))?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(invalid_url("the scheme must be http or https".to_owned()));
        }

        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A redirect of a POST to an API means a wrong base URL; following it would turn
            // the POST into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("beep-iam/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| TransportError::HttpClient {
                reason: error_chain(&error),
            })?;
        Ok(ResendTransport {
            client,
            endpoint,
            authorization,
        })
    }

    /// The URL mails are posted to.
    pub(super) fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// Posts one mail. The message id doubles as the idempotency key, so a retry after a lost
    /// answer does not send the mail twice.
    pub(super) async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let idempotency_key = HeaderValue::from_str(&mail.message_id)
            .map_err(|_| SendError::permanent("message id cannot be sent as Idempotency-Key"))?;
        let subject = message::subject_line(mail);
        let body = SendEmail {
            from: &mail.from,
            to: [&mail.to],
            subject: &subject,
            html: &mail.html,
            text: &mail.text,
            headers: Headers {
                message_id: format!("<{}>", mail.message_id),
            },
        };
        let response = self
            .client
            .post(self.endpoint.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header("Idempotency-Key", idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(|error| {
                SendError::transient(format!(
                    "Resend request failed: {}",
                    error_chain(&error.without_url())
                ))
            })?;

        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = retry_after(response.headers());
        // The body only feeds the error reason; if it cannot be read the status says enough.
        let body = response.bytes().await.unwrap_or_default();
        let reason = describe(status, &body);
        if is_transient(status) {
            Err(SendError::transient(reason).with_retry_after(retry_after))
        } else {
            Err(SendError::permanent(reason))
        }
    }
}

/// Whether a non-2xx answer may succeed later: rate limiting, timeouts, conflicting concurrent
/// requests with the same idempotency key, and server errors.
fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::CONFLICT
        || status.is_server_error()
}

/// The `retry-after` header as a number of seconds, when it is one.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    // `try_` so that a negative, infinite or absurdly large value is ignored, not a panic.
    Duration::try_from_secs_f64(seconds).ok()
}

/// "Resend answered 422 Unprocessable Entity: <message>", the message taken from Resend's JSON
/// error body when there is one.
fn describe(status: StatusCode, body: &[u8]) -> String {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json.get("message")?.as_str().map(str::to_owned));
    match message {
        Some(message) => format!("Resend answered {status}: {message}"),
        None => format!("Resend answered {status}"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::{
        StatusCode,
        header::{HeaderMap, HeaderValue, RETRY_AFTER},
    };

    use super::{describe, retry_after};

    #[test]
    fn retry_after_takes_seconds_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1.5"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("1e300"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn descriptions_quote_resends_message() {
        assert_eq!(
            describe(
                StatusCode::UNPROCESSABLE_ENTITY,
                br#"{"statusCode":422,"name":"validation_error","message":"Invalid `to` field."}"#
            ),
            "Resend answered 422 Unprocessable Entity: Invalid `to` field."
        );
        assert_eq!(
            describe(StatusCode::BAD_GATEWAY, b"<html>oops</html>"),
            "Resend answered 502 Bad Gateway"
        );
    }
}
