//! The `session_data` cookie cache in better-auth's compact format, so better-auth's own
//! middleware helpers can read it:
//! `base64url(JSON({session: P, expiresAt, signature}))` with
//! `P = {session, user, updatedAt, version: "1", tokenBinding}` and
//! `signature = base64url(HMAC(secret, JSON({...P, expiresAt})))`.
//!
//! `tokenBinding` (an HMAC of the session token) ties the cache to the session cookie it was
//! issued with, because the session JSON carries only the public handle, not the token.

use crate::cookies::CookieJar;
use crate::wire::{SessionJson, UserJson};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use subtle::ConstantTimeEq;

/// Cookies over this size are not set (browsers drop cookies past 4 KiB).
const MAX_COOKIE_BYTES: usize = 4000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    session: &'a SessionJson,
    user: &'a UserJson,
    updated_at: i64,
    version: &'static str,
    token_binding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    session: &'a RawValue,
    expires_at: i64,
    signature: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadEnvelope<'a> {
    #[serde(borrow)]
    session: &'a RawValue,
    expires_at: i64,
    signature: String,
}

/// The cached `{session, user}` read back from a valid cookie, kept as the JSON text it was
/// signed as, so serving it needs no re-encoding.
#[derive(Debug)]
pub struct CachedSession {
    /// The session JSON as it was when cached.
    pub session_json: String,
    /// The user JSON as it was when cached.
    pub user_json: String,
    /// The session's id.
    pub session_id: String,
    /// The session's user.
    pub user_id: String,
    /// When the entry was made (ms since the epoch).
    pub updated_at: i64,
    /// Until when it may be believed: the earlier of the cookie's and the session's expiry.
    pub valid_until_ms: i64,
}

impl CachedSession {
    /// The get-session body: `{"session":…,"user":…}`.
    pub fn body(&self) -> String {
        format!(
            "{{\"session\":{},\"user\":{}}}",
            self.session_json, self.user_json
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadPayload<'a> {
    #[serde(borrow)]
    session: &'a RawValue,
    #[serde(borrow)]
    user: &'a RawValue,
    updated_at: i64,
    version: &'a str,
    token_binding: &'a str,
}

/// The session fields the server itself needs from a cached entry. `Cow`, not `&str`: a
/// value with a JSON escape in it cannot be borrowed from the text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionKeys<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    user_id: Cow<'a, str>,
    #[serde(borrow)]
    expires_at: Cow<'a, str>,
}

/// The binding of a cache entry to the session token it belongs to.
fn binding(jar: &CookieJar, token: &str) -> String {
    URL_SAFE_NO_PAD.encode(jar.mac(&format!("session-data-binding:{token}")))
}

fn signature(jar: &CookieJar, payload_json: &str, expires_at: i64) -> Option<String> {
    // JSON({...P, expiresAt}) is P's text with the field appended before the closing brace.
    let body = payload_json.strip_suffix('}')?;
    let signed = format!("{body},\"expiresAt\":{expires_at}}}");
    Some(URL_SAFE_NO_PAD.encode(jar.mac(&signed)))
}

/// Encodes a cache cookie value, or `None` if it would be too large for a cookie.
pub fn encode(
    jar: &CookieJar,
    token: &str,
    session: &SessionJson,
    user: &UserJson,
    now_ms: i64,
    max_age_ms: i64,
) -> Option<String> {
    let payload = Payload {
        session,
        user,
        updated_at: now_ms,
        version: "1",
        token_binding: binding(jar, token),
    };
    let payload_json = serde_json::to_string(&payload).ok()?;
    let expires_at = now_ms + max_age_ms;
    let signature = signature(jar, &payload_json, expires_at)?;
    let raw = RawValue::from_string(payload_json).ok()?;
    let envelope = serde_json::to_string(&Envelope {
        session: &raw,
        expires_at,
        signature,
    })
    .ok()?;
    let value = URL_SAFE_NO_PAD.encode(envelope);
    (value.len() <= MAX_COOKIE_BYTES).then_some(value)
}

/// Decodes a cache cookie if its signature is ours, it has not expired, and it belongs to
/// `token`.
pub fn decode(jar: &CookieJar, value: &str, token: &str, now_ms: i64) -> Option<CachedSession> {
    let bytes = URL_SAFE_NO_PAD.decode(value.as_bytes()).ok()?;
    let envelope: ReadEnvelope<'_> = serde_json::from_slice(&bytes).ok()?;
    if envelope.expires_at <= now_ms {
        return None;
    }
    let expected = signature(jar, envelope.session.get(), envelope.expires_at)?;
    if !bool::from(expected.as_bytes().ct_eq(envelope.signature.as_bytes())) {
        return None;
    }
    let payload: ReadPayload<'_> = serde_json::from_str(envelope.session.get()).ok()?;
    let bound = binding(jar, token);
    if payload.version != "1"
        || !bool::from(bound.as_bytes().ct_eq(payload.token_binding.as_bytes()))
    {
        return None;
    }
    let keys: SessionKeys<'_> = serde_json::from_str(payload.session.get()).ok()?;
    let session_expires_ms = chrono::DateTime::parse_from_rfc3339(&keys.expires_at)
        .ok()?
        .timestamp_millis();
    if session_expires_ms <= now_ms {
        return None;
    }
    Some(CachedSession {
        session_json: payload.session.get().to_owned(),
        user_json: payload.user.get().to_owned(),
        session_id: keys.id.into_owned(),
        user_id: keys.user_id.into_owned(),
        updated_at: payload.updated_at,
        valid_until_ms: envelope.expires_at.min(session_expires_ms),
    })
}
