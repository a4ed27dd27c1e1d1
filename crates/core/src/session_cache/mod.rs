//! A cache of valid sessions in front of the database, for the hottest read there is:
//! `get-session`. Flows that end sessions or change a user call [`crate::Auth::user_changed`]
//! after their commit, which forgets the user here, so a revoked session is never served
//! from the cache.
//!
//! A cache fill races with revocations: a request reads a session from the database, a
//! sign-out commits, then the request stores what it read. Every lookup therefore hands out a
//! [`FillTicket`] taken *before* the database read, and a fill is dropped when a revocation of
//! that user happened after its ticket.
//!
//! - [`LocalSessionCache`]: in this process. On SQLite (one node by construction) it sees
//!   every change itself. On PostgreSQL it is leased and [`keep_in_step`] feeds it the
//!   database's change notices, so a revocation on any node reaches it within milliseconds
//!   (and within [`in_step::LEASE`] if the connection stalls silently).
//! - [`SharedSessionCache`]: in Redis, so a revocation on one node takes effect on all at
//!   once. While Redis is unreachable, lookups miss and sessions come from the database.

pub mod in_step;
mod local;
mod shared;

pub use in_step::{FeedEvent, keep_in_step};
pub use local::LocalSessionCache;
pub use shared::SharedSessionCache;

use beep_domain::{Session, User, UserId};
use chrono::{DateTime, Utc};

/// A session and its user as the cache holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

/// Taken at lookup, before the database read; a fill with a ticket older than the user's
/// last revocation is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillTicket(u64);

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// The cached session (its expiry and refresh are for the caller to check), and a ticket
    /// for replacing it.
    Hit(Box<Cached>, FillTicket),
    /// Not cached: read the database, then [`SessionCache::fill`] with this ticket.
    Miss(FillTicket),
}

/// The session cache a server uses.
#[derive(Debug, Default)]
pub enum SessionCache {
    /// Every read goes to the database.
    #[default]
    Off,
    /// In this process: one node, or several kept in step by [`keep_in_step`].
    Local(LocalSessionCache),
    /// In Redis, shared by every node.
    Shared(Box<SharedSessionCache>),
}

impl SessionCache {
    /// The session whose token has this digest, if cached.
    pub async fn lookup(&self, token_digest: &str) -> Lookup {
        match self {
            Self::Off => Lookup::Miss(FillTicket(0)),
            Self::Local(cache) => cache.lookup(token_digest),
            Self::Shared(cache) => cache.lookup(token_digest).await,
        }
    }

    /// Stores what the database said, unless the user was revoked since `ticket`. Kept at
    /// most until the session expires.
    pub async fn fill(&self, ticket: FillTicket, cached: &Cached, now: DateTime<Utc>) {
        let Ok(left) = (cached.session.expires_at - now).to_std() else {
            return;
        };
        match self {
            Self::Off => {}
            Self::Local(cache) => cache.fill(ticket, cached, left),
            Self::Shared(cache) => cache.fill(ticket, cached, left).await,
        }
    }

    /// Drops every cached session of this user (its sessions ended or its data changed).
    pub async fn forget_user(&self, user: &UserId) {
        match self {
            Self::Off => {}
            Self::Local(cache) => cache.forget_user(user),
            Self::Shared(cache) => cache.forget_user(user).await,
        }
    }
}
