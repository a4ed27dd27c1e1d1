//! Fuzzes the request-body decoders (JSON, and HTML forms on sign-up and sign-in) and the
//! zod-style field validation of [`Fields`].
//!
//! Input: the first line is the raw `Content-Type` header text (`-` for no header); the rest
//! is the body.
//!
//! Properties, checked against `serde_json` / `serde_urlencoded` as oracles:
//! - no panic; errors are only 400 `BAD_REQUEST` (malformed), 400 `VALIDATION_ERROR` (JSON
//!   that is not an object) or 415 (other content types);
//! - a blank body is `{}` whatever the content type; a JSON body is accepted exactly when it
//!   is a JSON object; a form body exactly when it is valid form encoding and forms are
//!   allowed; allowing forms never changes how JSON is read;
//! - the fields hold exactly the oracle's keys; each accessor returns the oracle's value or
//!   records the zod message `[body.KEY] Invalid input: expected T, received U`, and
//!   `finish` fails exactly when some issue was recorded;
//! - `Debug` of the fields prints the same as for the same keys with `null` values: names,
//!   never values (they include passwords).

#![no_main]

use beep_http::fuzzing::{ApiError, Fields, decode_body};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Json,
    Form,
    Other,
}

fuzz_target!(|data: &[u8]| {
    let (first_line, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let content_type_text = String::from_utf8_lossy(first_line);
    let content_type = (content_type_text != "-").then_some(content_type_text.as_ref());
    let kind = match content_type
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .as_deref()
    {
        Some("application/json") => Kind::Json,
        Some("application/x-www-form-urlencoded") => Kind::Form,
        _ => Kind::Other,
    };
    let blank = body.iter().all(u8::is_ascii_whitespace);

    for allow_form in [false, true] {
        let decoded = decode_body(content_type, body, allow_form);
        let oracle = if blank {
            Ok((Map::new(), false))
        } else {
            match kind {
                Kind::Json => match serde_json::from_slice::<Value>(body) {
                    Ok(Value::Object(map)) => Ok((map, false)),
                    Ok(_) => Err((StatusCode::BAD_REQUEST, "VALIDATION_ERROR")),
                    Err(_) => Err((StatusCode::BAD_REQUEST, "BAD_REQUEST")),
                },
                Kind::Form if allow_form => {
                    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) {
                        Ok(pairs) => {
                            let mut map = Map::new();
                            for (k, v) in pairs {
                                map.insert(k, Value::String(v));
                            }
                            Ok((map, true))
                        }
                        Err(_) => Err((StatusCode::BAD_REQUEST, "BAD_REQUEST")),
                    }
                }
                _ => Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")),
            }
        };
        match (decoded, oracle) {
            (Ok(fields), Ok((map, from_form))) => check_fields(fields, &map, from_form, data),
            (Err(error), Err((status, code))) => match error {
                ApiError::Coded {
                    status: got_status,
                    code: got_code,
                    ..
                } => assert_eq!((got_status, got_code), (status, code)),
                other => panic!("unexpected error shape {other:?}"),
            },
            (Ok(fields), Err(expected)) => panic!("accepted ({fields:?}), expected {expected:?}"),
            (Err(error), Ok(_)) => panic!("refused ({error:?}), oracle accepted"),
        }
    }
});

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

/// Reads every key once, with an accessor picked by the input, and compares with `map`.
fn check_fields(mut fields: Fields, map: &Map<String, Value>, from_form: bool, data: &[u8]) {
    assert_eq!(fields.is_empty(), map.is_empty());
    // Debug depends on the key names alone: the same keys with `null` values print the same.
    let nulls: Map<String, Value> = map.keys().map(|k| (k.clone(), Value::Null)).collect();
    let nulls = serde_json::to_vec(&Value::Object(nulls)).expect("a map serializes");
    let twin = decode_body(Some("application/json"), &nulls, false).expect("an object decodes");
    assert_eq!(
        format!("{fields:?}"),
        format!("{twin:?}"),
        "Debug shows values"
    );

    let mut expected_issues: Vec<String> = Vec::new();
    let absent = "\u{1}absent";
    let absent = (!map.contains_key(absent)).then_some(absent);
    for (i, key) in map.keys().map(String::as_str).chain(absent).enumerate() {
        let value = map.get(key);
        assert_eq!(fields.has(key), value.is_some(), "has({key:?})");
        let selector = data.get(i).copied().unwrap_or(i as u8) % 4;
        let mut wrong = |expected: &str| {
            let received = value.map_or("undefined", type_name);
            expected_issues.push(format!(
                "[body.{key}] Invalid input: expected {expected}, received {received}"
            ));
        };
        match selector {
            0 => {
                let got = fields.required_string(key);
                match value {
                    Some(Value::String(s)) => assert_eq!(&got, s),
                    _ => {
                        assert_eq!(got, "");
                        wrong("string");
                    }
                }
            }
            1 => {
                let got = fields.optional_string(key);
                match value {
                    None | Some(Value::Null) => assert_eq!(got, None),
                    Some(Value::String(s)) => assert_eq!(got.as_ref(), Some(s)),
                    Some(_) => {
                        assert_eq!(got, None);
                        wrong("string");
                    }
                }
            }
            2 => {
                let got = fields.nullable_string(key);
                match value {
                    None => assert_eq!(got, None),
                    Some(Value::Null) => assert_eq!(got, Some(None)),
                    Some(Value::String(s)) => assert_eq!(got, Some(Some(s.clone()))),
                    Some(_) => {
                        assert_eq!(got, None);
                        wrong("string");
                    }
                }
            }
            _ => {
                let got = fields.optional_bool(key);
                match value {
                    None | Some(Value::Null) => assert_eq!(got, None),
                    Some(Value::Bool(b)) => assert_eq!(got, Some(*b)),
                    Some(Value::String(s)) if from_form && (s == "true" || s == "false") => {
                        assert_eq!(got, Some(s == "true"));
                    }
                    Some(_) => {
                        assert_eq!(got, None);
                        wrong("boolean");
                    }
                }
            }
        }
        assert!(!fields.has(key), "a read key stays in the fields");
    }
    assert!(fields.is_empty(), "every key was read");

    match fields.finish() {
        Ok(()) => assert!(
            expected_issues.is_empty(),
            "missed issues {expected_issues:?}"
        ),
        Err(ApiError::Coded {
            status,
            code,
            message,
        }) => {
            assert_eq!(
                (status, code),
                (StatusCode::BAD_REQUEST, "VALIDATION_ERROR")
            );
            assert_eq!(message, expected_issues.join("; "));
        }
        Err(other) => panic!("unexpected validation error {other:?}"),
    }
}
