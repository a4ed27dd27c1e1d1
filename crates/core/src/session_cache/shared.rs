//! The session cache in Redis, shared by every node.
//!
//! Keys (under the configured prefix):
//! - `session:{token digest}`: a hash of `user`, `filled` (the fill's ticket) and `data`
//!   (the session and user as JSON), expiring with the entry;
//! - `revoked:{user id}`: when the user's sessions were last revoked, in Redis microseconds,
//!   expiring after the longest an entry can live.
//!
//! An entry counts only if it was filled after the user's last revocation, and a fill is
//! refused when a revocation came after its ticket. Both checks run inside Redis, on Redis's
//! clock, so they hold across nodes with skewed clocks. The scripts touch keys they compute
//! from others, so this needs a single Redis (not Redis Cluster).

use super::{Cached, FillTicket, Lookup};
use crate::shared_redis::SharedRedis;
use beep_domain::{Audit, Email, OrganizationId, Session, SessionId, TeamId, User, UserId};
use chrono::{DateTime, Utc};
use redis::Script;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Returns `{1, now, data}` for a live entry, else `{0, now, nil}`; `now` is the fill ticket.
const LOOKUP: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local entry = redis.call('HMGET', KEYS[1], 'user', 'filled', 'data')
if not entry[1] or not entry[3] then return {0, now, false} end
local revoked = redis.call('GET', ARGV[1] .. entry[1])
if revoked and tonumber(revoked) >= tonumber(entry[2]) then return {0, now, false} end
return {1, now, entry[3]}
";

/// Stores an entry unless the user was revoked after the ticket; returns 1 when stored.
const FILL: &str = r"
local revoked = redis.call('GET', KEYS[2])
if revoked and tonumber(revoked) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'filled', ARGV[1], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
";

/// Marks the user revoked now (Redis time), for as long as an entry can live.
const FORGET: &str = r"
local t = redis.call('TIME')
redis.call('SET', KEYS[1], tonumber(t[1]) * 1000000 + tonumber(t[2]), 'PX', ARGV[1])
return 1
";

/// Sessions cached in Redis.
#[derive(Debug)]
pub struct SharedSessionCache {
    redis: SharedRedis,
    /// `<prefix>session:` and `<prefix>revoked:`, built once rather than per request.
    entry_prefix: String,
    revoked_prefix: String,
    time_to_live: Duration,
    lookup: Script,
    fill: Script,
    forget: Script,
}

impl SharedSessionCache {
    /// A cache keeping entries for at most `time_to_live`.
    pub fn new(redis: SharedRedis, time_to_live: Duration) -> Self {
        Self {
            entry_prefix: redis.key("session:"),
            revoked_prefix: redis.key("revoked:"),
            redis,
            time_to_live,
            lookup: Script::new(LOOKUP),
            fill: Script::new(FILL),
            forget: Script::new(FORGET),
        }
    }

    pub(super) async fn lookup(&self, token_digest: &str) -> Lookup {
        let key = self.entry_key(token_digest);
        let found: Result<(u8, u64, Option<String>), _> = self
            .redis
            .run_script(&self.lookup, &[&key], self.revoked_prefix.as_str())
            .await;
        match found {
            Ok((1, ticket, Some(data))) => match serde_json::from_str::<Stored>(&data) {
                Ok(stored) => Lookup::Hit(Box::new(stored.into()), FillTicket(ticket)),
                Err(_) => Lookup::Miss(FillTicket(ticket)),
            },
            Ok((_, ticket, _)) => Lookup::Miss(FillTicket(ticket)),
            // Ticket 0 marks "Redis did not answer": nothing will be stored.
            Err(error) => {
                tracing::debug!(%error, "session cache lookup failed");
                Lookup::Miss(FillTicket(0))
            }
        }
    }

    pub(super) async fn fill(&self, ticket: FillTicket, cached: &Cached, session_left: Duration) {
        if ticket.0 == 0 {
            return;
        }
        let Ok(data) = serde_json::to_string(&Stored::from(cached)) else {
            return;
        };
        let ttl_ms = millis(self.time_to_live.min(session_left)).max(1);
        let key = self.entry_key(&cached.session.token_digest);
        let revoked = self.revoked_key(&cached.user.id);
        let stored: Result<u8, _> = self
            .redis
            .run_script(
                &self.fill,
                &[&key, &revoked],
                (ticket.0, cached.user.id.as_str(), data, ttl_ms),
            )
            .await;
        if let Err(error) = stored {
            tracing::debug!(%error, "session cache fill skipped");
        }
    }

    pub(super) async fn forget_user(&self, user: &UserId) {
        if self.mark_revoked(user).await {
            return;
        }
        // Until the mark lands, other nodes could serve this user's sessions from Redis
        // (if they still reach it), so keep trying for as long as an entry can live.
        let redis = self.redis.clone();
        let script = self.forget.clone();
        let key = self.revoked_key(user);
        let keep_ms = self.revocation_lifetime_ms();
        let deadline = tokio::time::Instant::now() + self.time_to_live;
        tokio::spawn(async move {
            while tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let marked: Result<u8, _> = redis.run_script(&script, &[&key], keep_ms).await;
                if marked.is_ok() {
                    return;
                }
            }
            tracing::warn!(
                "a session revocation never reached Redis; its cache entries expired meanwhile"
            );
        });
    }

    async fn mark_revoked(&self, user: &UserId) -> bool {
        let key = self.revoked_key(user);
        let marked: Result<u8, _> = self
            .redis
            .run_script(&self.forget, &[&key], self.revocation_lifetime_ms())
            .await;
        marked.is_ok()
    }

    fn entry_key(&self, token_digest: &str) -> String {
        format!("{}{token_digest}", self.entry_prefix)
    }

    fn revoked_key(&self, user: &UserId) -> String {
        format!("{}{user}", self.revoked_prefix)
    }

    /// A revocation mark must outlive every entry filled before it.
    fn revocation_lifetime_ms(&self) -> u64 {
        millis(self.time_to_live) + 1000
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The JSON form of an entry. Private to the cache: it is read back only from our own Redis
/// keys, like rows from our own database.
#[derive(Serialize, Deserialize)]
struct Stored {
    session: StoredSession,
    user: StoredUser,
}

#[derive(Serialize, Deserialize)]
struct StoredAudit {
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    created_by: Option<String>,
    updated_by: Option<String>,
    version: i32,
}

#[derive(Serialize, Deserialize)]
struct StoredSession {
    id: String,
    token_digest: String,
    user_id: String,
    expires_at: DateTime<Utc>,
    ip_address: String,
    user_agent: String,
    remember_me: bool,
    active_organization_id: Option<String>,
    active_team_id: Option<String>,
    organization_context: serde_json::Value,
    #[serde(default)]
    impersonated_by: Option<String>,
    audit: StoredAudit,
}

#[derive(Serialize, Deserialize)]
struct StoredUser {
    id: String,
    name: String,
    email: String,
    email_verified: bool,
    image: Option<String>,
    #[serde(default)]
    two_factor_enabled: bool,
    #[serde(default = "default_role")]
    role: String,
    #[serde(default)]
    banned: bool,
    #[serde(default)]
    ban_reason: Option<String>,
    #[serde(default)]
    ban_expires: Option<DateTime<Utc>>,
    audit: StoredAudit,
}

/// Entries written before users had roles are of plain users.
fn default_role() -> String {
    User::DEFAULT_ROLE.to_owned()
}

impl From<&Audit> for StoredAudit {
    fn from(audit: &Audit) -> Self {
        Self {
            created_at: audit.created_at,
            updated_at: audit.updated_at,
            created_by: audit.created_by.clone(),
            updated_by: audit.updated_by.clone(),
            version: audit.version,
        }
    }
}

impl From<StoredAudit> for Audit {
    fn from(audit: StoredAudit) -> Self {
        Self {
            created_at: audit.created_at,
            updated_at: audit.updated_at,
            created_by: audit.created_by,
            updated_by: audit.updated_by,
            version: audit.version,
        }
    }
}

impl From<&Cached> for Stored {
    fn from(cached: &Cached) -> Self {
        let (session, user) = (&cached.session, &cached.user);
        Self {
            session: StoredSession {
                id: session.id.to_string(),
                token_digest: session.token_digest.clone(),
                user_id: session.user_id.to_string(),
                expires_at: session.expires_at,
                ip_address: session.ip_address.clone(),
                user_agent: session.user_agent.clone(),
                remember_me: session.remember_me,
                active_organization_id: session
                    .active_organization_id
                    .as_ref()
                    .map(ToString::to_string),
                active_team_id: session.active_team_id.as_ref().map(ToString::to_string),
                organization_context: session.organization_context.clone(),
                impersonated_by: session.impersonated_by.as_ref().map(ToString::to_string),
                audit: (&session.audit).into(),
            },
            user: StoredUser {
                id: user.id.to_string(),
                name: user.name.clone(),
                email: user.email.as_str().to_owned(),
                email_verified: user.email_verified,
                image: user.image.clone(),
                two_factor_enabled: user.two_factor_enabled,
                role: user.role.clone(),
                banned: user.banned,
                ban_reason: user.ban_reason.clone(),
                ban_expires: user.ban_expires,
                audit: (&user.audit).into(),
            },
        }
    }
}

impl From<Stored> for Cached {
    fn from(stored: Stored) -> Self {
        let (session, user) = (stored.session, stored.user);
        Self {
            session: Session {
                id: SessionId::from_trusted(session.id),
                token_digest: session.token_digest,
                user_id: UserId::from_trusted(session.user_id),
                expires_at: session.expires_at,
                ip_address: session.ip_address,
                user_agent: session.user_agent,
                remember_me: session.remember_me,
                active_organization_id: session
                    .active_organization_id
                    .map(OrganizationId::from_trusted),
                active_team_id: session.active_team_id.map(TeamId::from_trusted),
                organization_context: session.organization_context,
                impersonated_by: session.impersonated_by.map(UserId::from_trusted),
                audit: session.audit.into(),
            },
            user: User {
                id: UserId::from_trusted(user.id),
                name: user.name,
                email: Email::from_trusted(user.email),
                email_verified: user.email_verified,
                image: user.image,
                two_factor_enabled: user.two_factor_enabled,
                role: user.role,
                banned: user.banned,
                ban_reason: user.ban_reason,
                ban_expires: user.ban_expires,
                audit: user.audit.into(),
            },
        }
    }
}
