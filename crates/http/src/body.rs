//! Request bodies as better-call reads them: JSON (and, on sign-up and sign-in, HTML form
//! encoding), an empty body as `{}`, 415 for any other content type, 413 past the size
//! limit, and zod-style `[body.field]` validation messages.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use http::{StatusCode, header};
use serde_json::{Map, Value};

/// The fields of a JSON-only body.
pub struct JsonFields(pub Fields);

/// The fields of a body that may also be form-encoded (sign-up and sign-in).
pub struct JsonOrFormFields(pub Fields);

impl FromRequest<AppState> for JsonFields {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        read(req, state, false).await.map(JsonFields)
    }
}

impl FromRequest<AppState> for JsonOrFormFields {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        read(req, state, true).await.map(JsonOrFormFields)
    }
}

enum Encoding {
    Json,
    Form,
}

pub(crate) async fn read(
    req: Request,
    state: &AppState,
    allow_form: bool,
) -> Result<Fields, ApiError> {
    let limit = state.settings.max_body_bytes;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|n| n > limit + DRAIN_LIMIT) {
        return Err(too_large());
    }
    let bytes = read_limited(req.into_body(), limit).await?;
    decode(content_type.as_deref(), &bytes, allow_form)
}

/// A body that must be form-encoded (the OAuth token endpoints, RFC 6749 §3.2): its pairs
/// in order, repeats kept so the caller can refuse them; a blank body has none. Any other
/// content type is 415; text that is not form encoding is 400.
pub(crate) async fn read_form_pairs(
    req: Request,
    state: &AppState,
) -> Result<Vec<(String, String)>, ApiError> {
    let limit = state.settings.max_body_bytes;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let bytes = read_limited(req.into_body(), limit).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    if content_type.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(ApiError::coded(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| ApiError::coded(StatusCode::BAD_REQUEST, "BAD_REQUEST", "Invalid form body"))
}

/// Decodes a body that is within the size limit: a blank body is `{}`; otherwise the
/// `Content-Type` header's text picks JSON, or form encoding when `allow_form`, and anything
/// else is 415. Malformed JSON or form text is 400 `BAD_REQUEST`; JSON that is not an object
/// is a zod-style `VALIDATION_ERROR`.
pub fn decode(
    content_type: Option<&str>,
    bytes: &[u8],
    allow_form: bool,
) -> Result<Fields, ApiError> {
    let content_type = content_type.map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Fields::new(Map::new(), false));
    }
    let encoding = match content_type.as_deref() {
        Some("application/json") => Encoding::Json,
        Some("application/x-www-form-urlencoded") if allow_form => Encoding::Form,
        _ => {
            return Err(ApiError::coded(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                if allow_form {
                    "Content-Type must be application/json or application/x-www-form-urlencoded"
                } else {
                    "Content-Type must be application/json"
                },
            ));
        }
    };
    match encoding {
        Encoding::Json => {
            let value: Value = serde_json::from_slice(bytes).map_err(|_| {
                ApiError::coded(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "Invalid JSON in request body",
                )
            })?;
            match value {
                Value::Object(map) => Ok(Fields::new(map, false)),
                other => Err(ApiError::validation(&[format!(
                    "[body] Invalid input: expected object, received {}",
                    type_name(&other)
                )])),
            }
        }
        Encoding::Form => {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(bytes).map_err(|_| {
                    ApiError::coded(StatusCode::BAD_REQUEST, "BAD_REQUEST", "Invalid form body")
                })?;
            let map = pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            Ok(Fields::new(map, true))
        }
    }
}

/// How much of an over-long body is read and thrown away before answering 413, so the
/// client (which is still sending) reads the answer instead of a connection reset.
const DRAIN_LIMIT: usize = 4 << 20;

/// The body if it is at most `limit` bytes; past that it is drained (up to
/// [`DRAIN_LIMIT`] more bytes, never kept) and refused.
async fn read_limited(mut body: axum::body::Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    use http_body_util::BodyExt;
    let mut kept = bytes::BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| {
            ApiError::coded(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "Unreadable request body",
            )
        })?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > limit + DRAIN_LIMIT {
                return Err(too_large());
            }
            if seen <= limit {
                kept.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        Err(too_large())
    } else {
        Ok(kept.freeze())
    }
}

fn too_large() -> ApiError {
    ApiError::coded(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        "Request body is too large",
    )
}

/// How zod names a JSON value's type in its messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A body's fields, read one by one; type problems collect as zod-style issues. `Debug`
/// shows only the field names, because values include passwords.
pub struct Fields {
    map: Map<String, Value>,
    issues: Vec<String>,
    from_form: bool,
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields")
            .field("keys", &self.map.keys().collect::<Vec<_>>())
            .field("issues", &self.issues)
            .finish()
    }
}

impl Fields {
    fn new(map: Map<String, Value>, from_form: bool) -> Self {
        Self {
            map,
            issues: Vec::new(),
            from_form,
        }
    }

    fn wrong_type(&mut self, key: &str, expected: &str, got: Option<&Value>) {
        let received = got.map_or("undefined", type_name);
        self.issues.push(format!(
            "[body.{key}] Invalid input: expected {expected}, received {received}"
        ));
    }

    /// The raw value of `key`, taken out (for a field of more than one accepted type).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Whether the body has this key (with any value).
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The fields as a JSON object, for reading into a typed request.
    pub(crate) fn into_object(self) -> Value {
        Value::Object(self.map)
    }

    /// Whether the body has no keys.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// A string that must be present.
    pub fn required_string(&mut self, key: &str) -> String {
        match self.map.remove(key) {
            Some(Value::String(s)) => s,
            other => {
                self.wrong_type(key, "string", other.as_ref());
                String::new()
            }
        }
    }

    /// A string that may be absent or `null`.
    pub fn optional_string(&mut self, key: &str) -> Option<String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.wrong_type(key, "string", Some(&other));
                None
            }
        }
    }

    /// Absent → `None`; `null` → `Some(None)`; a string → `Some(Some(s))`.
    pub fn nullable_string(&mut self, key: &str) -> Option<Option<String>> {
        match self.map.remove(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(other) => {
                self.wrong_type(key, "string", Some(&other));
                None
            }
        }
    }

    /// A boolean that may be absent (forms send `"true"`/`"false"`).
    pub fn optional_bool(&mut self, key: &str) -> Option<bool> {
        match self.map.remove(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(Value::String(s)) if self.from_form && (s == "true" || s == "false") => {
                Some(s == "true")
            }
            Some(other) => {
                self.wrong_type(key, "boolean", Some(&other));
                None
            }
        }
    }

    /// Records a custom issue, zod-style.
    pub fn issue(&mut self, key: &str, message: &str) {
        self.issues.push(format!("[body.{key}] {message}"));
    }

    /// The collected issues as one 400 `VALIDATION_ERROR`, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(&self.issues))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_field_names_not_values() {
        let mut map = Map::new();
        map.insert(
            "password".into(),
            Value::String("hunter2-secret-value".into()),
        );
        let fields = Fields::new(map, false);
        let shown = format!("{fields:?}");
        assert!(shown.contains("password"));
        assert!(!shown.contains("hunter2-secret-value"));
    }
}
