//! Fuzzes how the organization routes read their input: the typed JSON bodies of every POST
//! route, and the hand-read query string of list-members.
//!
//! Input: the first byte picks a route; the rest is a JSON body, and (as text) a query string.
//!
//! Properties:
//! - no panic;
//! - every refusal is a 400 `VALIDATION_ERROR` with `[body…]`/`[query…]` issues (never a
//!   500: a body reaches the flows only once it fits its type);
//! - a body holding a NUL character anywhere is refused (the databases cannot store one);
//! - a body that is not a JSON object is refused.

#![no_main]

use beep_http::fuzzing::{ApiError, parse_any_request, parse_list_members_query};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn assert_validation(result: Result<(), ApiError>, prefix: &str) -> bool {
    match result {
        Ok(()) => true,
        Err(ApiError::Coded {
            status,
            code,
            message,
        }) => {
            assert_eq!(
                (status, code),
                (StatusCode::BAD_REQUEST, "VALIDATION_ERROR")
            );
            assert!(message.starts_with(prefix), "issue {message:?}");
            false
        }
        Err(other) => panic!("unexpected refusal {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&route, rest)) = data.split_first() else {
        return;
    };
    if let Ok(body) = serde_json::from_slice::<Value>(rest) {
        let nul = has_nul(&body);
        let object = body.is_object();
        let accepted = assert_validation(parse_any_request(route, body), "[body");
        if accepted {
            assert!(object, "a body that is not an object was accepted");
            assert!(!nul, "a body with a NUL was accepted");
        }
    }
    let query = String::from_utf8_lossy(rest);
    assert_validation(parse_list_members_query(&query), "[query");
});
