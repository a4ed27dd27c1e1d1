//! Fuzzes how the second-factor routes read their bodies: two-factor (enable, the password
//! confirmations, the three code checks and send-otp) and passkeys (the two ceremonies'
//! answers, rename and delete).
//!
//! Input: the first byte picks a body type (its high bit the family); the rest is the JSON
//! body.
//!
//! Properties:
//! - no panic;
//! - every refusal is a 400 `VALIDATION_ERROR` with `[body…]` issues (never a 500);
//! - a body holding a NUL character anywhere, or one that is not an object, is refused.

#![no_main]

use beep_http::fuzzing::{ApiError, parse_passkey_request, parse_two_factor_request};
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

fuzz_target!(|data: &[u8]| {
    let Some((&route, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    let nul = has_nul(&body);
    let object = body.is_object();
    let parsed = if route & 0x80 == 0 {
        parse_two_factor_request(route, body)
    } else {
        parse_passkey_request(route, body)
    };
    match parsed {
        Ok(()) => {
            assert!(object, "a body that is not an object was accepted");
            assert!(!nul, "a body with a NUL was accepted");
        }
        Err(ApiError::Coded {
            status,
            code,
            message,
        }) => {
            assert_eq!(
                (status, code),
                (StatusCode::BAD_REQUEST, "VALIDATION_ERROR")
            );
            assert!(message.starts_with("[body"), "issue {message:?}");
        }
        Err(other) => panic!("unexpected refusal {other:?}"),
    }
});
