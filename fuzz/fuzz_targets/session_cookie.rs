//! Fuzzes the signed session cookie: `Cookie` header parsing, percent-decoding and
//! better-auth's `value.base64(HMAC)` signature check ([`CookieJar`]).
//!
//! Input: the first line is a raw `Cookie` header value; the rest is a cookie value to sign.
//!
//! Properties:
//! - reading any header never panics, with or without the `__Secure-` prefix;
//! - a cookie that verifies is exactly `jar.sign(value)`: the signature has one spelling, so
//!   no second form of a signed cookie is accepted;
//! - a cookie is found only if its full name followed by `=` is in the header;
//! - `percent_decode(encode_uri_component(v)) == v` for every string;
//! - whatever the jar signs and writes as `Set-Cookie` reads back, verified, as the same value;
//! - a signed value with any one character changed, or checked under another secret, never
//!   verifies.

#![no_main]

use beep_http::CookieJar;
use beep_http::fuzzing::{
    DONT_REMEMBER, SESSION_DATA, SESSION_TOKEN, encode_uri_component, percent_decode,
};
use http::{HeaderMap, HeaderValue, header};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-secret-fuzz-secret-fuzz-secret-0123";
const OTHER_SECRET: &str = "another-secret-another-secret-another-99";

/// Characters a tamper may put in place of another.
const TAMPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=._-";

fuzz_target!(|data: &[u8]| {
    let (header_line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    for secure in [false, true] {
        let jar = CookieJar::new("better-auth", secure, SECRET);
        check_raw_header(&jar, header_line);
        check_round_trip(&jar, &String::from_utf8_lossy(rest), data);
    }
});

/// Arbitrary header text: no panic, found only by exact name, and verified only in the one
/// canonical signed form.
fn check_raw_header(jar: &CookieJar, raw: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(raw) else {
        return;
    };
    let text = value.to_str().ok().map(str::to_owned);
    let mut headers = HeaderMap::new();
    headers.insert(header::COOKIE, value);
    for cookie in [SESSION_TOKEN, SESSION_DATA, DONT_REMEMBER] {
        let read = jar.read(&headers, cookie);
        if read.is_some() {
            let needle = format!("{}=", jar.name(cookie));
            let text = text.as_deref().unwrap_or_default();
            assert!(
                text.contains(&needle),
                "found {cookie} in a header without it"
            );
        }
        if let Some(verified) = jar.read_signed(&headers, cookie) {
            assert_eq!(
                read.as_deref(),
                Some(jar.sign(&verified).as_str()),
                "a second spelling of a signed cookie verified"
            );
        }
    }
}

/// Signing, writing and reading back a value, and tampering with it.
fn check_round_trip(jar: &CookieJar, value: &str, data: &[u8]) {
    assert_eq!(percent_decode(&encode_uri_component(value)), value);

    let signed = jar.sign(value);
    let (signed_value, signature) = signed.rsplit_once('.').expect("sign adds a dot");
    assert_eq!(signed_value, value);
    assert_eq!(signature.len(), 44);
    assert_eq!(jar.verify(&signed).as_deref(), Some(value));
    let other = CookieJar::new("better-auth", false, OTHER_SECRET);
    assert_eq!(other.verify(&signed), None, "verified under another secret");

    // Set-Cookie → Cookie → verified value.
    let set_cookie = jar.set(SESSION_TOKEN, &signed, Some(600));
    let set_cookie = set_cookie.to_str().expect("Set-Cookie is ASCII");
    let pair = set_cookie.split(';').next().unwrap_or_default();
    assert!(pair.starts_with(&format!("{}=", jar.name(SESSION_TOKEN))));
    let cookie = format!("other=1; {pair}; x=y");
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&cookie).expect("an encoded cookie is a valid header"),
    );
    assert_eq!(
        jar.read_signed(&headers, SESSION_TOKEN).as_deref(),
        Some(value)
    );
    assert_eq!(jar.read(&headers, SESSION_DATA), None);

    // One character changed anywhere: never verifies.
    let chars: Vec<char> = signed.chars().collect();
    let seed = data
        .iter()
        .fold(0usize, |h, &b| h.wrapping_mul(31).wrapping_add(b as usize));
    let at = seed % chars.len();
    let mut replacement = TAMPER[(seed / chars.len()) % TAMPER.len()] as char;
    if replacement == chars[at] {
        replacement = if chars[at] == 'A' { 'B' } else { 'A' };
    }
    let mut tampered = chars;
    tampered[at] = replacement;
    let tampered: String = tampered.into_iter().collect();
    assert_eq!(
        jar.verify(&tampered),
        None,
        "tampered {tampered:?} verified"
    );
}
