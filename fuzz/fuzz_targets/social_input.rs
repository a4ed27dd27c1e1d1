//! Fuzzes what social sign-in reads from outside: the `/sign-in/social` body from a browser,
//! and ID tokens and key sets from a provider.
//!
//! Input: the first byte picks what the rest is (a JSON body, an ID token, or a JWKS).
//!
//! Properties:
//! - no panic;
//! - a body is accepted or refused with a 400 `VALIDATION_ERROR` (never a 500);
//! - no ID token verifies against keys whose private halves nobody holds (a parser that
//!   let one through would accept forgeries), and checking its claims never panics;
//! - a key set of any shape makes verification fail cleanly.

#![no_main]

use beep_core::social::id_token::{Expected, Jwks, UnverifiedIdToken, check_claims};
use beep_http::fuzzing::{ApiError, parse_sign_in_request};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Public keys of the three accepted kinds; their private keys were thrown away.
const KEYS: &str = r#"{"keys":[
 {"kty":"RSA","kid":"rsa","e":"AQAB","n":"q0H1PkJB7_DmDswNccyBLyeVxqpx0ytOanEhnc32UHpI5bnC7abp7KBzyL8xqZo_aAEtqvsJ7qfuhMqRoA2SJBSwgSnvlNjZUHAPFCapjy7gPOMBsWjw04WdSD7zftbvgsFl_ksmluEmvcvqvvlrim3MeP7DjEBNU2ZFv99qqnArlFBeyfPdMuXT2EsrWPU8L7cQDiuwet_Y7V2S2nfQcQe4ecpurl_iHVUhas1ejaFKk2MzuZ-OXXAWHZR3i19CwSsHh8Lg1xD3YlEA7cnc5BgiRjc6P6eNSDyZTrmGnd5_FYGByqA-L1t2R-VYB6mwL7O2RJ1mQxME4kQUEb-4sQ"},
 {"kty":"EC","kid":"ec","crv":"P-256","x":"GHus196lfdMu_J4iOhEyYji2JfLtU1PqaqGxP5WKrlw","y":"TAFQjuXaDn56g4SW_lVtEOb6kS4BWiVv2-6LXvgWwho"},
 {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"Qsw090eqttL-HhmB2hYOS63IISBc1rNdregAW0XXt_M"}
]}"#;

/// A well-formed token signed by none of `KEYS`, for the key-set mode.
const TOKEN: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYSJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0.c2lnbmF0dXJl";

fn body(bytes: &[u8]) {
    let Ok(body) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    match parse_sign_in_request(body) {
        Ok(()) => {}
        Err(ApiError::Coded { status, code, .. }) => {
            assert_eq!(
                (status, code),
                (StatusCode::BAD_REQUEST, "VALIDATION_ERROR")
            );
        }
        Err(other) => panic!("unexpected refusal {other:?}"),
    }
}

fn id_token(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(token) = UnverifiedIdToken::parse(&text) else {
        return;
    };
    let claims = token.unverified_claims().clone();
    let expected = Expected {
        issuer: "https://idp.example",
        client_id: "client",
        nonce: Some("nonce"),
        now: chrono::DateTime::UNIX_EPOCH,
    };
    let _ = check_claims(&claims, &expected);
    let keys: Jwks = serde_json::from_str(KEYS).expect("the fixed key set parses");
    assert!(
        token.verify_signature(&keys).is_err(),
        "a forged token verified"
    );
}

fn key_set(bytes: &[u8]) {
    let Ok(keys) = serde_json::from_slice::<Jwks>(bytes) else {
        return;
    };
    let token = UnverifiedIdToken::parse(TOKEN).expect("the fixed token parses");
    let _ = keys.has(token.kid());
    assert!(
        token.verify_signature(&keys).is_err(),
        "a forged token verified"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => body(rest),
        1 => id_token(rest),
        _ => key_set(rest),
    }
});
