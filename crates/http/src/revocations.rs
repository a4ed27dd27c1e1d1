//! Sessions this node revoked recently, so a `session_data` cookie cache issued before the
//! revocation is not believed for the rest of its lifetime. Entries live as long as a cache
//! cookie can (its max age); past that the cache has expired anyway.
//!
//! On PostgreSQL the database's change feed also reports every other node's changes here
//! ([`RecentRevocations::hear`]), so a sign-out anywhere voids cookie caches everywhere within
//! moments. While the feed is down no cookie cache is believed, and once it is back none
//! issued before. Without a feed (SQLite: one node) only this node's own changes count.

use beep_core::session_cache::FeedEvent;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
struct Revoked {
    sessions: HashMap<String, i64>,
    users: HashMap<String, i64>,
}

/// Recently revoked sessions and users, with the time of revocation (ms since the epoch).
#[derive(Debug)]
pub struct RecentRevocations {
    revoked: Mutex<Revoked>,
    window_ms: i64,
    /// Every cache made before this (ms since the epoch) is void: `i64::MAX` while the
    /// change feed is down, its time of return after.
    everything_before_ms: AtomicI64,
}

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

impl RecentRevocations {
    /// Remembers revocations for `window_ms` (the cookie cache's max age).
    pub fn new(window_ms: i64) -> Self {
        Self {
            revoked: Mutex::new(Revoked::default()),
            window_ms,
            everything_before_ms: AtomicI64::new(0),
        }
    }

    /// Applies what the database's change feed reports, at `now_ms`.
    pub fn hear(&self, event: FeedEvent<'_>, now_ms: i64) {
        match event {
            FeedEvent::UserChanged(user_id) => self.user(user_id, now_ms),
            FeedEvent::Lost => self.everything_before_ms.store(i64::MAX, Ordering::SeqCst),
            FeedEvent::Resumed => self.everything_before_ms.store(now_ms, Ordering::SeqCst),
        }
    }

    /// One session was revoked.
    pub fn session(&self, session_id: &str, now_ms: i64) {
        let mut revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        sweep(&mut revoked.sessions, now_ms, self.window_ms);
        revoked.sessions.insert(session_id.to_owned(), now_ms);
    }

    /// Every session of a user was revoked (or the user is gone).
    pub fn user(&self, user_id: &str, now_ms: i64) {
        let mut revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        sweep(&mut revoked.users, now_ms, self.window_ms);
        revoked.users.insert(user_id.to_owned(), now_ms);
    }

    /// Whether a cache entry made at `cached_at_ms` for this session must be ignored.
    pub fn voids(&self, session_id: &str, user_id: &str, cached_at_ms: i64) -> bool {
        if cached_at_ms < self.everything_before_ms.load(Ordering::SeqCst) {
            return true;
        }
        let revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        revoked.sessions.contains_key(session_id)
            || revoked
                .users
                .get(user_id)
                .is_some_and(|at| *at >= cached_at_ms)
    }
}

fn sweep(map: &mut HashMap<String, i64>, now_ms: i64, window_ms: i64) {
    if map.len() >= SWEEP_AT {
        map.retain(|_, at| now_ms - *at < window_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_session_voids_its_cache() {
        let revocations = RecentRevocations::new(300_000);
        revocations.session("sess_a", 1_000);
        assert!(revocations.voids("sess_a", "user_a", 500));
        assert!(!revocations.voids("sess_b", "user_a", 500));
    }

    #[test]
    fn while_the_feed_is_down_no_cache_is_believed_and_after_none_from_before() {
        let revocations = RecentRevocations::new(300_000);
        revocations.hear(FeedEvent::Lost, 1_000);
        assert!(revocations.voids("sess_a", "user_a", 5_000));
        revocations.hear(FeedEvent::Resumed, 2_000);
        assert!(revocations.voids("sess_a", "user_a", 1_999));
        assert!(!revocations.voids("sess_a", "user_a", 2_000));
    }

    #[test]
    fn a_change_heard_from_another_node_voids_that_users_older_caches() {
        let revocations = RecentRevocations::new(300_000);
        revocations.hear(FeedEvent::UserChanged("user_a"), 1_000);
        assert!(revocations.voids("sess_a", "user_a", 999));
        assert!(!revocations.voids("sess_b", "user_b", 999));
    }

    #[test]
    fn revoking_a_user_voids_only_older_caches() {
        let revocations = RecentRevocations::new(300_000);
        revocations.user("user_a", 1_000);
        assert!(revocations.voids("sess_a", "user_a", 999));
        assert!(!revocations.voids("sess_a", "user_a", 1_001));
    }
}
