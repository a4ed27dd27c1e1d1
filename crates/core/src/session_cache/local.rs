//! The in-process session cache: a bounded map from token digest to session, for a server
//! that is the only node (SQLite).

use super::{Cached, FillTicket, Lookup};
use beep_domain::UserId;
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Entry {
    cached: Cached,
    stale_at: Instant,
}

/// Sessions cached in this process.
pub struct LocalSessionCache {
    entries: RwLock<HashMap<String, Entry>>,
    /// Bumped by every revocation; a fill whose ticket is older is dropped.
    generation: AtomicU64,
    time_to_live: Duration,
    max_entries: usize,
}

impl std::fmt::Debug for LocalSessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSessionCache")
            .field("time_to_live", &self.time_to_live)
            .field("max_entries", &self.max_entries)
            .finish_non_exhaustive()
    }
}

impl LocalSessionCache {
    /// A cache keeping entries for at most `time_to_live`, and at most `max_entries` of them.
    pub fn new(time_to_live: Duration, max_entries: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            time_to_live,
            max_entries: max_entries.max(1),
        }
    }

    pub(super) fn lookup(&self, token_digest: &str) -> Lookup {
        // The ticket is read before the map, so a revocation that lands between the two
        // still voids the fill that follows a miss.
        let ticket = FillTicket(self.generation.load(Ordering::SeqCst));
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        match entries.get(token_digest) {
            Some(entry) if entry.stale_at > Instant::now() => {
                Lookup::Hit(Box::new(entry.cached.clone()), ticket)
            }
            _ => Lookup::Miss(ticket),
        }
    }

    pub(super) fn fill(&self, ticket: FillTicket, cached: &Cached, session_left: Duration) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        // Checked under the write lock: `forget_user` bumps the generation before it takes
        // the lock, so either this fill sees the bump or the forget sees this entry.
        if self.generation.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        let now = Instant::now();
        if entries.len() >= self.max_entries {
            entries.retain(|_, entry| entry.stale_at > now);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(
            cached.session.token_digest.clone(),
            Entry {
                cached: cached.clone(),
                stale_at: now + self.time_to_live.min(session_left),
            },
        );
    }

    pub(super) fn forget_user(&self, user: &UserId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, entry| entry.cached.user.id != *user);
    }
}
