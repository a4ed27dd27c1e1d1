//! The axum extractor: a handler that takes [`Authenticated`] runs only for a verified caller.

use crate::caller::Caller;
use crate::error::VerifyError;
use crate::verifier::Verifier;
use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

/// The verified caller of a request. Refused requests get 401 (with `WWW-Authenticate`), or
/// 503 when beep-iam could not be asked; the state must provide a [`Verifier`].
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl<S> FromRequestParts<S> for Authenticated
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = VerifyError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Verifier::from_ref(state)
            .authenticate(&parts.headers)
            .await
            .map(Authenticated)
    }
}

impl IntoResponse for VerifyError {
    fn into_response(self) -> Response {
        if !self.is_unauthorized() {
            tracing::warn!(error = %self, "could not verify a caller");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "authentication unavailable",
            )
                .into_response();
        }
        // RFC 6750 §3: no error code when no credential was sent.
        let challenge = match self {
            VerifyError::Missing => "Bearer".to_owned(),
            _ => format!("Bearer error=\"invalid_token\", error_description=\"{self}\""),
        };
        let mut response = (StatusCode::UNAUTHORIZED, self.to_string()).into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}
