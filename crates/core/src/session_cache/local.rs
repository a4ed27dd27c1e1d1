//! The in-process session cache: a bounded map from token digest to session.
//!
//! On its own it is right only where this node sees every change (SQLite). With a lease it
//! also serves several nodes over PostgreSQL: the node's `keep_in_step` task forgets users
//! as the database's change notices arrive, and renews the lease each time an echo it sent
//! through the database comes back, which proves every notice committed before that echo
//! was sent has arrived. Past the lease (a slow or silently dead connection), lookups miss
//! and sessions come from the database.

use super::{Cached, FillTicket, Lookup};
use beep_domain::UserId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

struct Entry {
    cached: Cached,
    stale_at: Instant,
}

/// Sessions cached in this process. Cheap to clone: clones share the entries.
#[derive(Clone)]
pub struct LocalSessionCache(Arc<Inner>);

struct Inner {
    entries: RwLock<HashMap<String, Entry>>,
    /// Bumped by every revocation; a fill whose ticket is older is dropped.
    generation: AtomicU64,
    time_to_live: Duration,
    max_entries: usize,
    /// `None`: this node sees every change, entries are always believed.
    lease: Option<Lease>,
}

/// Until when entries may be believed, in ms after `epoch`; 0 means not now.
struct Lease {
    epoch: Instant,
    trusted_until_ms: AtomicU64,
}

impl Lease {
    fn ms_since_epoch(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    fn holds_at(&self, now: Instant) -> bool {
        self.trusted_until_ms.load(Ordering::SeqCst) > self.ms_since_epoch(now)
    }
}

impl std::fmt::Debug for LocalSessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSessionCache")
            .field("time_to_live", &self.0.time_to_live)
            .field("max_entries", &self.0.max_entries)
            .field("leased", &self.0.lease.is_some())
            .finish_non_exhaustive()
    }
}

impl LocalSessionCache {
    /// A cache keeping entries for at most `time_to_live`, and at most `max_entries` of them,
    /// for a node that sees every change itself.
    pub fn new(time_to_live: Duration, max_entries: usize) -> Self {
        Self::build(time_to_live, max_entries, None)
    }

    /// The same, for one of several nodes: nothing is believed until [`Self::trust_until`]
    /// grants a lease, which `keep_in_step` does as the database's echoes come back.
    pub fn leased(time_to_live: Duration, max_entries: usize) -> Self {
        let lease = Lease {
            epoch: Instant::now(),
            trusted_until_ms: AtomicU64::new(0),
        };
        Self::build(time_to_live, max_entries, Some(lease))
    }

    fn build(time_to_live: Duration, max_entries: usize, lease: Option<Lease>) -> Self {
        Self(Arc::new(Inner {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            time_to_live,
            max_entries: max_entries.max(1),
            lease,
        }))
    }

    /// Believe entries until `until` (a lease only grows; see the module docs).
    pub fn trust_until(&self, until: Instant) {
        if let Some(lease) = &self.0.lease {
            let until_ms = lease.ms_since_epoch(until);
            lease.trusted_until_ms.fetch_max(until_ms, Ordering::SeqCst);
        }
    }

    /// Believe nothing until the next [`Self::trust_until`], and drop every entry: the
    /// notices that would have kept them right may be lost.
    pub fn distrust(&self) {
        if let Some(lease) = &self.0.lease {
            lease.trusted_until_ms.store(0, Ordering::SeqCst);
        }
        self.forget_all();
    }

    /// Whether entries are believed now.
    pub fn is_trusted(&self) -> bool {
        self.is_trusted_at(Instant::now())
    }

    fn is_trusted_at(&self, now: Instant) -> bool {
        self.0
            .lease
            .as_ref()
            .is_none_or(|lease| lease.holds_at(now))
    }

    pub(super) fn lookup(&self, token_digest: &str) -> Lookup {
        let inner = &self.0;
        // The ticket is read before the map, so a revocation that lands between the two
        // still voids the fill that follows a miss.
        let ticket = FillTicket(inner.generation.load(Ordering::SeqCst));
        let now = Instant::now();
        if !self.is_trusted_at(now) {
            return Lookup::Miss(ticket);
        }
        let entries = inner.entries.read().unwrap_or_else(|p| p.into_inner());
        match entries.get(token_digest) {
            Some(entry) if entry.stale_at > now => {
                Lookup::Hit(Box::new(entry.cached.clone()), ticket)
            }
            _ => Lookup::Miss(ticket),
        }
    }

    pub(super) fn fill(&self, ticket: FillTicket, cached: &Cached, session_left: Duration) {
        let inner = &self.0;
        let mut entries = inner.entries.write().unwrap_or_else(|p| p.into_inner());
        // Checked under the write lock: `forget_user` bumps the generation before it takes
        // the lock, so either this fill sees the bump or the forget sees this entry.
        if inner.generation.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        let now = Instant::now();
        if entries.len() >= inner.max_entries {
            entries.retain(|_, entry| entry.stale_at > now);
            if entries.len() >= inner.max_entries {
                entries.clear();
            }
        }
        entries.insert(
            cached.session.token_digest.clone(),
            Entry {
                cached: cached.clone(),
                stale_at: now + inner.time_to_live.min(session_left),
            },
        );
    }

    /// Drops every entry of this user.
    pub fn forget_user(&self, user: &UserId) {
        self.forget_where(|cached| cached.user.id == *user);
    }

    /// Drops every entry of the user with this stored id (as a change notice names it).
    pub fn forget_user_id(&self, user_id: &str) {
        self.forget_where(|cached| cached.user.id.as_str() == user_id);
    }

    /// Drops every entry.
    pub fn forget_all(&self) {
        self.forget_where(|_| true);
    }

    fn forget_where(&self, doomed: impl Fn(&Cached) -> bool) {
        let inner = &self.0;
        inner.generation.fetch_add(1, Ordering::SeqCst);
        let mut entries = inner.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, entry| !doomed(&entry.cached));
    }
}
