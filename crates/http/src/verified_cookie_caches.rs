//! Cookie caches this node has already verified, with the get-session body they produce.
//!
//! A client sends the same `session_token` and `session_data` cookies on every request until
//! the cache is reissued. Verifying them costs three HMACs, base64 and three JSON parses; a
//! pair seen before costs one SHA-256 of the token cookie, one map lookup and a byte
//! comparison of the data cookie. The answer is the same: an entry is only made from a pair
//! that passed the full check, it is believed only until that check's own expiry, and
//! revocations are still consulted on every hit.

use crate::cookie_cache::CachedSession;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::RwLock;

/// Entries kept at most; past that, expired ones are dropped, then all of them.
const MAX_ENTRIES: usize = 4096;

/// Identifies the session cookie of a verified pair. A digest, not the cookie itself, so the
/// secret token is never a map key compared byte by byte.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenCookieKey([u8; 32]);

impl TokenCookieKey {
    /// The key of a `session_token` cookie value as it arrived (still URL-encoded).
    pub fn of(raw_token_cookie: &str) -> Self {
        Self(Sha256::digest(raw_token_cookie.as_bytes()).into())
    }
}

struct Verified {
    /// The `session_data` cookie value as it arrived; only this exact value is answered.
    data_cookie: Box<str>,
    body: Bytes,
    valid_until_ms: i64,
    session_id: Box<str>,
    user_id: Box<str>,
    cached_at_ms: i64,
}

/// A bounded map from a session cookie to the cookie cache verified with it.
#[derive(Default)]
pub struct VerifiedCookieCaches {
    entries: RwLock<HashMap<TokenCookieKey, Verified>>,
}

impl std::fmt::Debug for VerifiedCookieCaches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedCookieCaches")
            .finish_non_exhaustive()
    }
}

impl VerifiedCookieCaches {
    /// The get-session body for this pair, if it was verified before, has not expired, and
    /// `voided(session_id, user_id, cached_at_ms)` says no revocation came after it.
    pub fn answer(
        &self,
        key: TokenCookieKey,
        raw_data_cookie: &str,
        now_ms: i64,
        voided: impl FnOnce(&str, &str, i64) -> bool,
    ) -> Option<Bytes> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&key)?;
        let usable = *entry.data_cookie == *raw_data_cookie
            && entry.valid_until_ms > now_ms
            && !voided(&entry.session_id, &entry.user_id, entry.cached_at_ms);
        usable.then(|| entry.body.clone())
    }

    /// Remembers a pair that has just passed the full check, with the body it answers.
    pub fn remember(
        &self,
        key: TokenCookieKey,
        raw_data_cookie: &str,
        cached: &CachedSession,
        body: Bytes,
        now_ms: i64,
    ) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, entry| entry.valid_until_ms > now_ms);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Verified {
                data_cookie: raw_data_cookie.into(),
                body,
                valid_until_ms: cached.valid_until_ms,
                session_id: cached.session_id.as_str().into(),
                user_id: cached.user_id.as_str().into(),
                cached_at_ms: cached.updated_at,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(valid_until_ms: i64) -> CachedSession {
        CachedSession {
            session_json: "{}".into(),
            user_json: "{}".into(),
            session_id: "sess_a".into(),
            user_id: "user_a".into(),
            updated_at: 1_000,
            valid_until_ms,
        }
    }

    fn never_voided(_: &str, _: &str, _: i64) -> bool {
        false
    }

    #[test]
    fn only_the_exact_pair_that_was_verified_is_answered() {
        let caches = VerifiedCookieCaches::default();
        let key = TokenCookieKey::of("token.sig");
        caches.remember(key, "data-v1", &cached(5_000), Bytes::from("body"), 1_000);
        assert_eq!(
            caches
                .answer(key, "data-v1", 2_000, never_voided)
                .as_deref(),
            Some(&b"body"[..])
        );
        assert_eq!(caches.answer(key, "data-v2", 2_000, never_voided), None);
        let other = TokenCookieKey::of("token.sig2");
        assert_eq!(caches.answer(other, "data-v1", 2_000, never_voided), None);
    }

    #[test]
    fn an_entry_is_not_answered_past_its_expiry_or_after_a_revocation() {
        let caches = VerifiedCookieCaches::default();
        let key = TokenCookieKey::of("token.sig");
        caches.remember(key, "data", &cached(5_000), Bytes::from("body"), 1_000);
        assert_eq!(caches.answer(key, "data", 5_000, never_voided), None);
        let revoked = caches.answer(key, "data", 2_000, |session, user, at| {
            session == "sess_a" && user == "user_a" && at == 1_000
        });
        assert_eq!(revoked, None);
    }

    #[test]
    fn the_map_stays_bounded() {
        let caches = VerifiedCookieCaches::default();
        for i in 0..MAX_ENTRIES + 10 {
            let key = TokenCookieKey::of(&format!("token-{i}"));
            caches.remember(key, "data", &cached(5_000), Bytes::new(), 1_000);
        }
        let len = caches.entries.read().unwrap().len();
        assert!(len <= MAX_ENTRIES, "{len} entries");
    }
}
