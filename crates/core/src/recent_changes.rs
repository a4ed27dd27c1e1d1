//! Users and sessions that changed recently, so that a copy of a session held outside the
//! database (the edge's `session_data` cookie cache) made before the change is not believed,
//! and so that the request that made a change can hand its caller fresh copies.
//!
//! Every flow that changes a user or a session records it here through
//! [`crate::Auth::user_changed`] or [`crate::Auth::session_changed`], together with dropping
//! the user from the session cache: one call, so no flow can do one and forget the other.
//! On PostgreSQL the database's change feed also reports every other node's changes here
//! ([`RecentChanges::hear`]), so a change anywhere voids cookie caches everywhere within
//! moments. While the feed is down no cookie cache is believed, and once it is back none
//! made before. Without a feed (SQLite: one node) this node's own changes are all there are.
//!
//! Entries live as long as the longest-lived copy ([`RecentChanges::keep_at_least`]); past
//! that, every copy made before them has expired anyway.

use crate::session_cache::FeedEvent;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
struct Changed {
    sessions: HashMap<String, i64>,
    users: HashMap<String, i64>,
}

/// Recently changed sessions and users, with the time of the last change (ms since the
/// epoch).
#[derive(Debug, Default)]
pub struct RecentChanges {
    changed: Mutex<Changed>,
    /// How long entries are kept: the lifetime of the longest-lived copy of a session.
    keep_for_ms: AtomicI64,
    /// Every copy made before this (ms since the epoch) is void: `i64::MAX` while the
    /// change feed is down, its time of return after.
    everything_before_ms: AtomicI64,
}

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

impl RecentChanges {
    /// Copies of sessions are believed for up to `ms` (a cookie cache's max age): changes are
    /// remembered at least that long.
    pub fn keep_at_least(&self, ms: i64) {
        self.keep_for_ms.fetch_max(ms, Ordering::SeqCst);
    }

    /// Applies what the database's change feed reports, at `now_ms`.
    pub fn hear(&self, event: FeedEvent<'_>, now_ms: i64) {
        match event {
            FeedEvent::UserChanged(user_id) => self.user(user_id, now_ms),
            FeedEvent::Lost => self.everything_before_ms.store(i64::MAX, Ordering::SeqCst),
            FeedEvent::Resumed => self.everything_before_ms.store(now_ms, Ordering::SeqCst),
        }
    }

    /// One session changed or ended.
    pub fn session(&self, session_id: &str, now_ms: i64) {
        let keep_for_ms = self.keep_for_ms.load(Ordering::SeqCst);
        let mut changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
        record(&mut changed.sessions, session_id, now_ms, keep_for_ms);
    }

    /// A user's data changed, or every session of theirs (or the user is gone).
    pub fn user(&self, user_id: &str, now_ms: i64) {
        let keep_for_ms = self.keep_for_ms.load(Ordering::SeqCst);
        let mut changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
        record(&mut changed.users, user_id, now_ms, keep_for_ms);
    }

    /// Whether a copy of this session made at `made_at_ms` must be ignored.
    pub fn voids(&self, session_id: &str, user_id: &str, made_at_ms: i64) -> bool {
        made_at_ms < self.everything_before_ms.load(Ordering::SeqCst)
            || self.changed_since(session_id, user_id, made_at_ms)
    }

    /// Whether the session or its user changed at or after `since_ms`. A change in the same
    /// millisecond counts: what came first cannot be told apart.
    pub fn changed_since(&self, session_id: &str, user_id: &str, since_ms: i64) -> bool {
        let changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
        let after = |at: &i64| *at >= since_ms;
        changed.sessions.get(session_id).is_some_and(after)
            || changed.users.get(user_id).is_some_and(after)
    }
}

fn record(map: &mut HashMap<String, i64>, id: &str, now_ms: i64, keep_for_ms: i64) {
    if map.len() >= SWEEP_AT {
        map.retain(|_, at| now_ms - *at <= keep_for_ms);
    }
    let at = map.entry(id.to_owned()).or_insert(now_ms);
    *at = (*at).max(now_ms);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_session_voids_its_older_copies_only() {
        let changes = RecentChanges::default();
        changes.session("sess_a", 1_000);
        assert!(changes.voids("sess_a", "user_a", 500));
        assert!(!changes.voids("sess_a", "user_a", 1_001));
        assert!(!changes.voids("sess_b", "user_a", 500));
    }

    #[test]
    fn while_the_feed_is_down_no_copy_is_believed_and_after_none_from_before() {
        let changes = RecentChanges::default();
        changes.hear(FeedEvent::Lost, 1_000);
        assert!(changes.voids("sess_a", "user_a", 5_000));
        changes.hear(FeedEvent::Resumed, 2_000);
        assert!(changes.voids("sess_a", "user_a", 1_999));
        assert!(!changes.voids("sess_a", "user_a", 2_000));
    }

    #[test]
    fn a_change_heard_from_another_node_voids_that_users_older_copies() {
        let changes = RecentChanges::default();
        changes.hear(FeedEvent::UserChanged("user_a"), 1_000);
        assert!(changes.voids("sess_a", "user_a", 999));
        assert!(!changes.voids("sess_b", "user_b", 999));
    }

    #[test]
    fn a_change_in_the_same_millisecond_counts_as_after() {
        let changes = RecentChanges::default();
        changes.user("user_a", 1_000);
        assert!(changes.changed_since("sess_a", "user_a", 1_000));
        assert!(!changes.changed_since("sess_a", "user_a", 1_001));
    }

    #[test]
    fn an_earlier_time_heard_late_does_not_move_a_change_back() {
        let changes = RecentChanges::default();
        changes.user("user_a", 2_000);
        changes.user("user_a", 1_000);
        assert!(changes.changed_since("sess_a", "user_a", 1_500));
    }

    #[test]
    fn sweeping_keeps_changes_younger_than_the_longest_copy() {
        let changes = RecentChanges::default();
        changes.keep_at_least(300_000);
        changes.user("user_kept", 1_000);
        for i in 0..SWEEP_AT {
            changes.user(&format!("user_{i}"), 200_000);
        }
        assert!(changes.voids("sess", "user_kept", 999));
    }
}
