//! JSON bodies read into typed request structs. The struct is the one description of a
//! route's input: serde reads it, its `ToSchema` derive describes it in the OpenAPI document,
//! and its [`Checked::check`] adds the rules serde cannot say (minimum lengths). Problems
//! come back as better-call's `400 VALIDATION_ERROR` with `[body.<path>]` issues, before any
//! session is looked at, as better-auth answers.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

/// A request body type: read by serde, described by utoipa, checked further by `check`.
pub trait Checked: DeserializeOwned + ToSchema {
    /// zod-style issues (`[body.name] Too small: …`) that serde cannot find.
    fn check(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A JSON body read into `T` (an empty body is `{}`).
pub struct Typed<T>(pub T);

impl<T: Checked> FromRequest<AppState> for Typed<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let object = crate::body::read(req, state, false).await?.into_object();
        parse(object).map(Self)
    }
}

/// Reads a decoded JSON body (`{}` for an empty one) into `T`: a NUL anywhere, a field serde
/// refuses, or an issue `T::check` finds is a 400 `VALIDATION_ERROR`.
pub fn parse<T: Checked>(object: serde_json::Value) -> Result<T, ApiError> {
    // serde would also read a struct from a list of its fields; a body is an object.
    if !object.is_object() {
        return Err(ApiError::validation(&[
            "[body] Invalid input: expected object".to_owned(),
        ]));
    }
    if let Some(path) = nul_at(&object, "body") {
        return Err(ApiError::validation(&[format!(
            "[{path}] Invalid input: contains a NUL character"
        )]));
    }
    let value: T = serde_path_to_error::deserialize(object)
        .map_err(|err| ApiError::validation(&[issue::<T>(&err)]))?;
    let issues = value.check();
    if issues.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::validation(&issues))
    }
}

/// Where the first NUL character sits in a JSON value (a key or a string), if any.
/// PostgreSQL cannot store one in text, so such input is refused as bad input up front.
fn nul_at(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\0') => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item, &format!("{path}.{i}"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let at = format!("{path}.{key}");
            if key.contains('\0') {
                Some(at)
            } else {
                nul_at(item, &at)
            }
        }),
        _ => None,
    }
}

/// A zod-style issue for a serde error at a path.
fn issue<T: ToSchema>(err: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = err.path().to_string();
    let at = |field: &str| match (path.as_str(), field) {
        (".", "") => "body".to_owned(),
        (".", field) => format!("body.{field}"),
        (path, "") => format!("body.{path}"),
        (path, field) => format!("body.{path}.{field}"),
    };
    let inner = err.inner().to_string();
    if let Some(field) = inner
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let full = if path == "." {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        let expected = type_at::<T>(&full).unwrap_or("value");
        return format!(
            "[{}] Invalid input: expected {expected}, received undefined",
            at(field)
        );
    }
    if let Some(rest) = inner.strip_prefix("invalid type: ") {
        let (received, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = type_at::<T>(&path)
            .unwrap_or_else(|| zod_name(expected.split(" at line").next().unwrap_or("")));
        return format!(
            "[{}] Invalid input: expected {expected}, received {}",
            at(""),
            zod_name(received)
        );
    }
    format!("[{}] Invalid input", at(""))
}

/// How zod names the type serde describes (`integer \`5\``, `a string`, `map`, …).
fn zod_name(serde_text: &str) -> &'static str {
    let text = serde_text
        .trim_start_matches("a ")
        .trim_start_matches("an ");
    match text.split([' ', '`']).next().unwrap_or("") {
        "string" | "char" => "string",
        "boolean" => "boolean",
        "integer" | "floating" | "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "f64" => "number",
        "map" | "struct" => "object",
        "sequence" | "tuple" => "array",
        "null" | "unit" => "null",
        _ => "value",
    }
}

/// The JSON type `T`'s schema gives the property at a dotted path (following references to
/// the schemas `T` uses).
fn type_at<T: PartialSchema + ToSchema>(path: &str) -> Option<&'static str> {
    let mut named = Vec::new();
    T::schemas(&mut named);
    let resolve = |schema: &RefOr<Schema>| -> Option<Schema> {
        match schema {
            RefOr::T(schema) => Some(schema.clone()),
            RefOr::Ref(reference) => {
                let name = reference.ref_location.rsplit('/').next()?;
                match &named.iter().find(|(n, _)| n == name)?.1 {
                    RefOr::T(schema) => Some(schema.clone()),
                    RefOr::Ref(_) => None,
                }
            }
        }
    };
    let mut current = resolve(&T::schema())?;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let Schema::Object(object) = &current else {
            return None;
        };
        current = resolve(object.properties.get(segment)?)?;
    }
    let kind = match &current {
        Schema::Object(object) => match &object.schema_type {
            SchemaType::Type(kind) => kind.clone(),
            SchemaType::Array(kinds) => kinds.iter().find(|k| **k != Type::Null)?.clone(),
            SchemaType::AnyValue => return None,
        },
        Schema::Array(_) => Type::Array,
        _ => return None,
    };
    Some(match kind {
        Type::String => "string",
        Type::Boolean => "boolean",
        Type::Integer | Type::Number => "number",
        Type::Object => "object",
        Type::Array => "array",
        Type::Null => "null",
    })
}

/// A string, or a list of strings (better-auth's `z.string().or(z.array(z.string()))`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One value.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(value) => vec![value],
            Self::Many(values) => values,
        }
    }
}

/// has-permission takes `permissions` or its older name `permission`, exactly one of them
/// (better-auth's `z.xor`).
pub fn one_permission_set<T>(permissions: Option<&T>, permission: Option<&T>) -> Vec<String> {
    match (permissions, permission) {
        (Some(_), Some(_)) => vec!["[body] Invalid input: more than one option matched".into()],
        (None, None) => vec!["[body] Invalid input".into()],
        _ => Vec::new(),
    }
}

/// For `Option<Option<T>>` fields: absent is `None`, `null` is `Some(None)`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The zod issue for a string shorter than one character.
pub fn too_short(path: &str) -> String {
    format!("[body.{path}] Too small: expected string to have >=1 characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        data: Inner,
    }

    #[derive(Debug, Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Inner {
        flag: bool,
    }

    fn message_for(json: serde_json::Value) -> String {
        let err = serde_path_to_error::deserialize::<_, Sample>(json).unwrap_err();
        issue::<Sample>(&err)
    }

    #[test]
    fn a_nul_anywhere_is_found_with_its_path() {
        let value = serde_json::json!({ "data": { "names": ["ok", "bad\u{0}"] } });
        assert_eq!(nul_at(&value, "body").as_deref(), Some("body.data.names.1"));
        assert_eq!(nul_at(&serde_json::json!({ "a": "fine" }), "body"), None);
    }

    #[test]
    fn missing_and_mistyped_fields_read_as_zod_issues() {
        assert_eq!(
            message_for(serde_json::json!({ "data": { "flag": true } })),
            "[body.name] Invalid input: expected string, received undefined"
        );
        assert_eq!(
            message_for(serde_json::json!({ "name": 5, "data": { "flag": true } })),
            "[body.name] Invalid input: expected string, received number"
        );
        assert_eq!(
            message_for(serde_json::json!({ "name": "x", "data": { "flag": "yes" } })),
            "[body.data.flag] Invalid input: expected boolean, received string"
        );
        assert_eq!(
            message_for(serde_json::json!({ "name": "x", "data": {} })),
            "[body.data.flag] Invalid input: expected boolean, received undefined"
        );
    }
}
