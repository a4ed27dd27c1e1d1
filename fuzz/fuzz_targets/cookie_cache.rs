//! Fuzzes the `session_data` cookie-cache decoder (better-auth's compact format:
//! base64url JSON envelope, HMAC signature, token binding, expiry).
//!
//! Input: the first byte picks a mode.
//! - `a`: the rest is a raw cookie value. Property: no panic; a value that decodes has a
//!   body that is valid JSON.
//! - `b`: `b<expiresAt>\n<payload JSON>`; the payload is wrapped in a correctly signed
//!   envelope, so the fuzzer reaches the parsing behind the signature check. Properties:
//!   no panic; a decoded entry is unexpired (envelope and session), its body is the JSON
//!   `{"session":…,"user":…}` whose `id`/`userId` are the returned ids, and it is bound to
//!   the token (another token gets nothing).
//! - anything else: the rest drives a session and user made up from the input, encoded
//!   with `encode`. Properties: an encoded value fits a cookie and decodes to exactly the
//!   JSON that was cached while both the cache and the session are unexpired, and to
//!   nothing for another token, at or after its expiry, or with one character changed.

#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_domain::{Audit, Email, Session, SessionId, User, UserId};
use beep_http::CookieJar;
use beep_http::fuzzing::{
    CachedSession, SessionJson, UserJson, decode_cookie_cache, encode_cookie_cache,
};
use chrono::{DateTime, Utc};
use libfuzzer_sys::arbitrary::{Result as ArbitraryResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SECRET: &str = "fuzz-secret-fuzz-secret-fuzz-secret-0123";
/// The session token the cache entries are bound to.
const TOKEN: &str = "MiXI4P0qCMPkH9Uw0SDIw27gzpa9MCSN";
const OTHER_TOKEN: &str = "NjYJ5Q1rDNQlI0Vx1TEJx38haqb0NDTO";
/// "Now": 2026-01-01T00:00:00Z.
const NOW_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;
/// Characters of unpadded base64url.
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fuzz_target!(|data: &[u8]| {
    let jar = CookieJar::new("better-auth", false, SECRET);
    match data.split_first() {
        Some((b'a', rest)) => raw_value(&jar, rest),
        Some((b'b', rest)) => signed_payload(&jar, rest),
        Some((_, rest)) => {
            // Running out of input is not a failure, only a shorter case.
            let _ = round_trip(&jar, &mut Unstructured::new(rest));
        }
        None => {}
    }
});

fn raw_value(jar: &CookieJar, rest: &[u8]) {
    let value = String::from_utf8_lossy(rest);
    if let Some(cached) = decode_cookie_cache(jar, &value, TOKEN, NOW_MS) {
        assert!(serde_json::from_str::<Value>(&cached.body()).is_ok());
    }
}

fn signed_payload(jar: &CookieJar, rest: &[u8]) {
    let (head, payload) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let Some(expires_at) = std::str::from_utf8(head)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
    else {
        return;
    };
    let payload = String::from_utf8_lossy(payload);
    let Some(body) = payload.strip_suffix('}') else {
        return;
    };
    // The documented signature: base64url(HMAC(secret, JSON({...payload, expiresAt}))).
    let signature =
        URL_SAFE_NO_PAD.encode(jar.mac(&format!("{body},\"expiresAt\":{expires_at}}}")));
    let envelope = format!(
        "{{\"session\":{payload},\"expiresAt\":{expires_at},\"signature\":\"{signature}\"}}"
    );
    let value = URL_SAFE_NO_PAD.encode(envelope);

    let Some(cached) = decode_cookie_cache(jar, &value, TOKEN, NOW_MS) else {
        return;
    };
    assert!(expires_at > NOW_MS, "expired envelope decoded");
    check_cached(&cached);
    assert!(
        decode_cookie_cache(jar, &value, OTHER_TOKEN, NOW_MS).is_none(),
        "entry decoded for another token"
    );
}

/// A decoded entry's body is `{"session":…,"user":…}` matching its ids and unexpired.
fn check_cached(cached: &CachedSession) {
    let body: Value = serde_json::from_str(&cached.body()).expect("body is JSON");
    let session = &body["session"];
    assert_eq!(session["id"].as_str(), Some(cached.session_id.as_str()));
    assert_eq!(session["userId"].as_str(), Some(cached.user_id.as_str()));
    let expires = session["expiresAt"]
        .as_str()
        .expect("session has expiresAt");
    let expires = DateTime::parse_from_rfc3339(expires).expect("expiresAt is RFC 3339");
    assert!(
        expires.timestamp_millis() > NOW_MS,
        "expired session decoded"
    );
    assert!(body.get("user").is_some());
}

fn time(u: &mut Unstructured<'_>, from_ms: i64, to_ms: i64) -> ArbitraryResult<DateTime<Utc>> {
    let ms = u.int_in_range(from_ms..=to_ms)?;
    Ok(DateTime::from_timestamp_millis(ms).expect("in range"))
}

fn round_trip(jar: &CookieJar, u: &mut Unstructured<'_>) -> ArbitraryResult<()> {
    let audit = Audit {
        updated_at: time(u, NOW_MS - 400 * DAY_MS, NOW_MS)?,
        ..Audit::created(time(u, NOW_MS - 400 * DAY_MS, NOW_MS)?, None)
    };
    let user = User {
        id: UserId::from_trusted(u.arbitrary()?),
        name: u.arbitrary()?,
        email: Email::from_trusted(u.arbitrary()?),
        email_verified: u.arbitrary()?,
        image: u.arbitrary()?,
        two_factor_enabled: u.arbitrary()?,
        role: u.arbitrary()?,
        banned: u.arbitrary()?,
        ban_reason: u.arbitrary()?,
        ban_expires: if u.arbitrary()? {
            Some(time(u, NOW_MS, NOW_MS + 60 * DAY_MS)?)
        } else {
            None
        },
        audit: audit.clone(),
    };
    let organization_context = if u.arbitrary()? {
        let key: String = u.arbitrary()?;
        let role: String = u.arbitrary()?;
        serde_json::json!({ key: { "role": role, "isPersonal": true } })
    } else {
        Value::Object(Default::default())
    };
    let session = Session {
        id: SessionId::from_trusted(u.arbitrary()?),
        token_digest: String::new(),
        user_id: user.id.clone(),
        expires_at: time(u, NOW_MS - DAY_MS, NOW_MS + 60 * DAY_MS)?,
        ip_address: u.arbitrary()?,
        user_agent: u.arbitrary()?,
        remember_me: u.arbitrary()?,
        active_organization_id: None,
        active_team_id: None,
        organization_context,
        impersonated_by: if u.arbitrary()? {
            Some(UserId::from_trusted(u.arbitrary()?))
        } else {
            None
        },
        audit,
    };
    let max_age_ms = u.int_in_range(-1000..=7 * DAY_MS)?;
    let session_json = SessionJson::from(&session);
    let user_json = UserJson::from(&user);

    let Some(value) =
        encode_cookie_cache(jar, TOKEN, &session_json, &user_json, NOW_MS, max_age_ms)
    else {
        return Ok(());
    };
    assert!(value.len() <= 4000, "cookie of {} bytes", value.len());

    let decoded = decode_cookie_cache(jar, &value, TOKEN, NOW_MS);
    let fresh = max_age_ms > 0 && session.expires_at.timestamp_millis() > NOW_MS;
    match (decoded, fresh) {
        (Some(cached), true) => {
            let expected_session = serde_json::to_string(&session_json).expect("serializes");
            let expected_user = serde_json::to_string(&user_json).expect("serializes");
            assert_eq!(cached.session_json, expected_session);
            assert_eq!(cached.user_json, expected_user);
            assert_eq!(cached.session_id, session.id.as_str());
            assert_eq!(cached.user_id, user.id.as_str());
            assert_eq!(cached.updated_at, NOW_MS);
            check_cached(&cached);
        }
        (None, false) => return Ok(()),
        (Some(_), false) => panic!("an expired entry decoded"),
        (None, true) => panic!("a fresh entry did not decode: {value}"),
    }

    assert!(decode_cookie_cache(jar, &value, OTHER_TOKEN, NOW_MS).is_none());
    assert!(decode_cookie_cache(jar, &value, TOKEN, NOW_MS + max_age_ms).is_none());
    let other_jar = CookieJar::new(
        "better-auth",
        false,
        "another-secret-another-secret-another-99",
    );
    assert!(decode_cookie_cache(&other_jar, &value, TOKEN, NOW_MS).is_none());

    let at = u.choose_index(value.len())?;
    let mut tampered = value.into_bytes();
    let mut replacement = B64URL[u.choose_index(B64URL.len())?];
    if replacement == tampered[at] {
        replacement = if replacement == b'A' { b'B' } else { b'A' };
    }
    tampered[at] = replacement;
    let tampered = String::from_utf8(tampered).expect("base64 is ASCII");
    assert!(
        decode_cookie_cache(jar, &tampered, TOKEN, NOW_MS).is_none(),
        "tampered value {tampered} decoded"
    );
    Ok(())
}
