//! Query strings, with better-auth's error shape when one cannot be read.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

/// axum's `Query`, but a query string that does not fit (a repeated parameter, say) is a
/// 400 `VALIDATION_ERROR` in the `{message, code}` shape instead of axum's plain-text 400.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        refuse_nul(parts.uri.query().unwrap_or_default())?;
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => {
                let detail = rejection.body_text();
                let detail = detail
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&detail);
                Err(ApiError::validation(&[format!("[query] {detail}")]))
            }
        }
    }
}

/// A query string with an encoded NUL character is refused: no value may hold one (the
/// databases cannot store it in text).
pub fn refuse_nul(query: &str) -> Result<(), ApiError> {
    if query.to_ascii_lowercase().contains("%00") {
        return Err(ApiError::validation(&[
            "[query] Invalid input: contains a NUL character".to_owned(),
        ]));
    }
    Ok(())
}

/// A query string read by hand (where a parameter may repeat): its decoded pairs, in order.
pub fn pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    refuse_nul(query)?;
    serde_urlencoded::from_str(query)
        .map_err(|_| ApiError::validation(&["[query] Invalid query string".to_owned()]))
}

/// A zod-style issue with one query parameter.
pub fn issue(name: &str, message: &str) -> ApiError {
    ApiError::validation(&[format!("[query.{name}] {message}")])
}

/// A query parameter that must be a whole number.
pub fn number(name: &str, value: &str) -> Result<u64, ApiError> {
    value
        .parse()
        .map_err(|_| issue(name, "Invalid input: expected number, received string"))
}

/// Keeps a parameter that may be given once; a second one is refused.
pub fn once(slot: &mut Option<String>, name: &str, value: String) -> Result<(), ApiError> {
    if slot.replace(value).is_some() {
        Err(issue(
            name,
            "Invalid input: expected string, received array",
        ))
    } else {
        Ok(())
    }
}
