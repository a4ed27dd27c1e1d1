//! Tokens signed lately, by their claims: get-session answers a JWT on every call, and a
//! signature costs more than the rest of a cached get-session, so the same claims within a
//! minute get the same token back (still valid for at least 14 of its 15 minutes).

use beep_domain::JsonWebKeyId;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a signed token is handed out again for the same claims, in seconds.
pub(crate) const REUSE_FOR_SECS: i64 = 60;

/// Beyond this many remembered tokens, stale ones are dropped (and all, if none is stale).
const MAX_REMEMBERED: usize = 10_000;

/// SHA-256 of a token's claims without its times.
pub(crate) type ClaimsDigest = [u8; 32];

struct Issued {
    token: String,
    kid: JsonWebKeyId,
    issued_at: i64,
}

/// The tokens this node signed in the last [`REUSE_FOR_SECS`].
#[derive(Default)]
pub(crate) struct RecentTokens {
    issued: Mutex<HashMap<ClaimsDigest, Issued>>,
}

impl RecentTokens {
    /// The digest `claims` are remembered by.
    pub(crate) fn digest(claims: &str) -> ClaimsDigest {
        Sha256::digest(claims.as_bytes()).into()
    }

    /// A token for these claims signed by `kid` less than [`REUSE_FOR_SECS`] before `now`.
    /// A clock that went back (a token from the future) does not count.
    pub(crate) fn reuse(
        &self,
        digest: &ClaimsDigest,
        kid: &JsonWebKeyId,
        now: i64,
    ) -> Option<String> {
        let issued = self.issued.lock().ok()?;
        let hit = issued.get(digest)?;
        let age = now - hit.issued_at;
        (hit.kid == *kid && (0..REUSE_FOR_SECS).contains(&age)).then(|| hit.token.clone())
    }

    /// Remembers a token just signed.
    pub(crate) fn remember(
        &self,
        digest: ClaimsDigest,
        kid: &JsonWebKeyId,
        issued_at: i64,
        token: &str,
    ) {
        let Ok(mut issued) = self.issued.lock() else {
            return;
        };
        if issued.len() >= MAX_REMEMBERED {
            issued.retain(|_, old| (0..REUSE_FOR_SECS).contains(&(issued_at - old.issued_at)));
            if issued.len() >= MAX_REMEMBERED {
                issued.clear();
            }
        }
        issued.insert(
            digest,
            Issued {
                token: token.to_owned(),
                kid: kid.clone(),
                issued_at,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kid(id: &str) -> JsonWebKeyId {
        JsonWebKeyId::from_trusted(id.to_owned())
    }

    #[test]
    fn the_same_claims_within_the_window_get_the_same_token() {
        let recent = RecentTokens::default();
        let digest = RecentTokens::digest("{\"sub\":\"user_a\"}");
        recent.remember(digest, &kid("jwk_1"), 1_000, "t1");

        assert_eq!(
            recent.reuse(&digest, &kid("jwk_1"), 1_059).as_deref(),
            Some("t1")
        );
        assert_eq!(
            recent.reuse(&digest, &kid("jwk_1"), 1_060),
            None,
            "a minute later"
        );
        assert_eq!(
            recent.reuse(&digest, &kid("jwk_1"), 999),
            None,
            "the clock went back"
        );
        assert_eq!(
            recent.reuse(&digest, &kid("jwk_2"), 1_001),
            None,
            "another key signs now"
        );
        let other = RecentTokens::digest("{\"sub\":\"user_b\"}");
        assert_eq!(
            recent.reuse(&other, &kid("jwk_1"), 1_001),
            None,
            "other claims"
        );
    }

    #[test]
    fn a_full_table_forgets_stale_tokens_first() {
        let recent = RecentTokens::default();
        for i in 0..MAX_REMEMBERED {
            recent.remember(
                RecentTokens::digest(&i.to_string()),
                &kid("jwk_1"),
                0,
                "old",
            );
        }
        let fresh = RecentTokens::digest("fresh");

        recent.remember(fresh, &kid("jwk_1"), 500, "new");

        assert_eq!(
            recent.reuse(&fresh, &kid("jwk_1"), 501).as_deref(),
            Some("new")
        );
        assert_eq!(
            recent.issued.lock().unwrap().len(),
            1,
            "the stale ones are gone"
        );
    }
}
