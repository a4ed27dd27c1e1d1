//! Fuzzes `presented_token`: the session token a request presents, from the signed session
//! cookie or `Authorization: Bearer` (`token.signature`, URL-encoded or not, or a bare token).
//!
//! Input: the first line is a raw `Authorization` header value, the second (optional) a raw
//! `Cookie` header value; the rest is turned into a session token for the round trips.
//!
//! Properties:
//! - any pair of headers: no panic; a valid signed cookie wins; otherwise only a value after
//!   `Bearer ` counts, a bearer token is 1..=128 characters, and a dotted bearer yields a
//!   token only if it is exactly `jar.sign(token)` (after URL-decoding);
//! - a token the jar signed is presented as itself: signed, URL-encoded and signed, bare,
//!   padded with spaces, or as the session cookie next to a junk bearer;
//! - a signed bearer with one character changed (still dotted) presents nothing.

#![no_main]

use beep_http::CookieJar;
use beep_http::fuzzing::{SESSION_TOKEN, encode_uri_component, percent_decode, presented_token};
use http::{HeaderMap, HeaderValue, header};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-secret-fuzz-secret-fuzz-secret-0123";

/// The alphabet of session tokens (and of tamper replacements, which must add no `.` or `%`).
const TOKEN_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

fuzz_target!(|data: &[u8]| {
    let mut lines = data.splitn(3, |&b| b == b'\n');
    let authorization = lines.next().unwrap_or_default();
    let cookie = lines.next();
    let rest = lines.next().unwrap_or_default();
    let jar = CookieJar::new("better-auth", false, SECRET);
    check_raw_headers(&jar, authorization, cookie);
    check_round_trips(&jar, rest);
});

fn presented(jar: &CookieJar, authorization: Option<&str>, cookie: Option<&str>) -> Option<String> {
    let mut headers = HeaderMap::new();
    if let Some(value) = authorization {
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("test header is valid"),
        );
    }
    if let Some(value) = cookie {
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(value).expect("test header is valid"),
        );
    }
    presented_token(jar, &headers).map(|t| t.expose().to_owned())
}

fn check_raw_headers(jar: &CookieJar, authorization: &[u8], cookie: Option<&[u8]>) {
    let mut headers = HeaderMap::new();
    let auth_text = match HeaderValue::from_bytes(authorization) {
        Ok(value) => {
            let text = value.to_str().ok().map(str::to_owned);
            headers.insert(header::AUTHORIZATION, value);
            text
        }
        Err(_) => None,
    };
    if let Some(Ok(value)) = cookie.map(HeaderValue::from_bytes) {
        headers.insert(header::COOKIE, value);
    }
    let token = presented_token(jar, &headers).map(|t| t.expose().to_owned());
    if let Some(from_cookie) = jar.read_signed(&headers, SESSION_TOKEN) {
        assert_eq!(
            token.as_deref(),
            Some(from_cookie.as_str()),
            "cookie must win"
        );
        return;
    }
    let Some(token) = token else {
        return;
    };
    let bearer = auth_text
        .as_deref()
        .and_then(|t| t.strip_prefix("Bearer "))
        .expect("a token without a cookie comes from a Bearer header")
        .trim();
    assert!(
        !token.is_empty() && token.len() <= 128,
        "token length {}",
        token.len()
    );
    if bearer.contains('.') {
        let signed = jar.sign(&token);
        assert!(
            bearer == signed || percent_decode(bearer) == signed,
            "dotted bearer {bearer:?} is not the signed token"
        );
    } else {
        assert_eq!(token, bearer);
    }
}

fn check_round_trips(jar: &CookieJar, rest: &[u8]) {
    let token: String = rest
        .iter()
        .take(128)
        .map(|&b| TOKEN_CHARS[b as usize % TOKEN_CHARS.len()] as char)
        .collect();
    if token.is_empty() {
        return;
    }
    let signed = jar.sign(&token);
    let expected = Some(token.as_str());
    for bearer in [
        format!("Bearer {signed}"),
        format!("Bearer {}", encode_uri_component(&signed)),
        format!("Bearer {token}"),
        format!("Bearer   {signed}  "),
    ] {
        assert_eq!(
            presented(jar, Some(&bearer), None).as_deref(),
            expected,
            "{bearer}"
        );
    }
    let cookie = format!(
        "{}={}",
        jar.name(SESSION_TOKEN),
        encode_uri_component(&signed)
    );
    assert_eq!(
        presented(jar, Some("Bearer junk.junk"), Some(&cookie)).as_deref(),
        expected
    );

    // A longer-than-allowed bare token is refused.
    let long = token.repeat(129 / token.len() + 1);
    assert_eq!(presented(jar, Some(&format!("Bearer {long}")), None), None);

    // One character of the signed form changed, keeping the last dot: nothing presented.
    let dot = signed.rfind('.').expect("signed form has a dot");
    let seed = rest
        .iter()
        .fold(7usize, |h, &b| h.wrapping_mul(31).wrapping_add(b as usize));
    let mut at = seed % signed.len();
    if at == dot {
        at = (at + 1) % signed.len();
    }
    let mut tampered = signed.clone().into_bytes();
    let mut replacement = TOKEN_CHARS[(seed / signed.len()) % TOKEN_CHARS.len()];
    if replacement == tampered[at] {
        replacement = if replacement == b'A' { b'B' } else { b'A' };
    }
    tampered[at] = replacement;
    let tampered = String::from_utf8(tampered).expect("ASCII stays ASCII");
    assert_eq!(
        presented(jar, Some(&format!("Bearer {tampered}")), None),
        None,
        "tampered {tampered:?} presented a token"
    );
}
