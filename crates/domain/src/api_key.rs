//! API keys (better-auth's `@better-auth/api-key`, 1.7 shape): long random secrets a program
//! presents instead of a session. The row holds only the key's SHA-256, the first characters
//! to recognise it by, and the limits each use is counted against: an expiry, a number of
//! uses left (optionally refilled on an interval) and a rate limit per time window.
//!
//! [`ApiKey::claim_use`] decides what one use does to those counters; the store applies the
//! result only if the row is still as it was read, so racing uses are counted one by one.

use crate::{ApiKeyId, Audit, OrganizationId, UserId};
use chrono::{DateTime, Duration, Utc};

/// A stored API key. Its secret is not here: only its digest.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The key's id (its public handle: get, update and delete name it).
    pub id: ApiKeyId,
    /// The configuration it belongs to (`default`).
    pub config_id: String,
    /// The name its owner gave it.
    pub name: Option<String>,
    /// The first characters of the full key, to tell keys apart in a list.
    pub start: Option<String>,
    /// The prefix the key begins with.
    pub prefix: Option<String>,
    /// Who owns it.
    pub owner: ApiKeyOwner,
    /// base64url (no padding) of SHA-256 of the full key (unique).
    pub key_digest: String,
    /// A disabled key is refused.
    pub enabled: bool,
    /// When the key stops working; `None` never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Uses left; `None` is unlimited.
    pub remaining: Option<i64>,
    /// Every this many milliseconds, `remaining` is set back to `refill_amount`.
    pub refill_interval_ms: Option<i64>,
    /// What `remaining` is refilled to.
    pub refill_amount: Option<i64>,
    /// When `remaining` was last refilled.
    pub last_refill_at: Option<DateTime<Utc>>,
    /// Whether uses are counted against `rate_limit_max` per window.
    pub rate_limit_enabled: bool,
    /// The rate limit's window, in milliseconds.
    pub rate_limit_time_window_ms: i64,
    /// Uses allowed per window.
    pub rate_limit_max: i64,
    /// Uses counted in the current window.
    pub request_count: i64,
    /// When the key was last used.
    pub last_request: Option<DateTime<Utc>>,
    /// What the key may do (`{"files": ["read"]}`), JSON text.
    pub permissions: Option<String>,
    /// The owner's own data about the key, a JSON object as text.
    pub metadata: Option<String>,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for ApiKey {
    // The digest is not the key, but it is what the key is looked up by: keep it out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("config_id", &self.config_id)
            .field("name", &self.name)
            .field("start", &self.start)
            .field("owner", &self.owner)
            .field("enabled", &self.enabled)
            .field("expires_at", &self.expires_at)
            .field("remaining", &self.remaining)
            .field("request_count", &self.request_count)
            .finish_non_exhaustive()
    }
}

/// Who an API key belongs to (better-auth's `referenceId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyOwner {
    /// A user's own key; it can stand for the user's session.
    User(UserId),
    /// An organization's key, managed by the organization's owners.
    Organization(OrganizationId),
}

impl ApiKeyOwner {
    /// The owner's id, as `referenceId` shows it.
    pub fn reference_id(&self) -> &str {
        match self {
            Self::User(id) => id.as_str(),
            Self::Organization(id) => id.as_str(),
        }
    }
}

/// Why a use of a key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyRefusal {
    /// The key is turned off.
    Disabled,
    /// The key is past its expiry.
    Expired,
    /// No uses are left (and none will be refilled).
    UsageExceeded,
    /// The key's rate limit is reached.
    RateLimited {
        /// Milliseconds until the window lets a use through again.
        try_again_in_ms: i64,
    },
}

/// The counters of a key after one use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKeyUse {
    /// Uses left afterwards.
    pub remaining: Option<i64>,
    /// When `remaining` was last refilled afterwards.
    pub last_refill_at: Option<DateTime<Utc>>,
    /// Uses counted in the window afterwards.
    pub request_count: i64,
    /// The use's time.
    pub last_request: DateTime<Utc>,
}

impl ApiKey {
    /// What one use at `now` does to the key's counters, or why it is refused. Pure: the
    /// caller stores the result only if the row has not changed since it was read.
    pub fn claim_use(&self, now: DateTime<Utc>) -> Result<ApiKeyUse, ApiKeyRefusal> {
        if !self.enabled {
            return Err(ApiKeyRefusal::Disabled);
        }
        if self.expires_at.is_some_and(|at| now > at) {
            return Err(ApiKeyRefusal::Expired);
        }
        let (remaining, last_refill_at) = self.claim_remaining(now)?;
        let request_count = self.claim_rate_limit(now)?;
        Ok(ApiKeyUse {
            remaining,
            last_refill_at,
            request_count,
            last_request: now,
        })
    }

    /// Whether a use changes nothing but `last_request` (no quota, no rate limit), so it
    /// need not be written at once.
    pub fn is_uncounted(&self) -> bool {
        self.remaining.is_none() && !self.rate_limit_enabled
    }

    fn claim_remaining(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(Option<i64>, Option<DateTime<Utc>>), ApiKeyRefusal> {
        let Some(mut remaining) = self.remaining else {
            return Ok((None, self.last_refill_at));
        };
        let mut last_refill_at = self.last_refill_at;
        if let (Some(interval), Some(amount)) = (self.refill_interval_ms, self.refill_amount) {
            let since = last_refill_at.unwrap_or(self.audit.created_at);
            if interval > 0 && now - since > Duration::milliseconds(interval) {
                remaining = amount;
                last_refill_at = Some(now);
            }
        }
        if remaining <= 0 {
            return Err(ApiKeyRefusal::UsageExceeded);
        }
        Ok((Some(remaining - 1), last_refill_at))
    }

    /// better-auth's window: it starts at the first use and resets after a quiet window.
    fn claim_rate_limit(&self, now: DateTime<Utc>) -> Result<i64, ApiKeyRefusal> {
        if !self.rate_limit_enabled {
            return Ok(self.request_count);
        }
        let Some(last) = self.last_request else {
            return Ok(1);
        };
        let since = (now - last).num_milliseconds();
        if since > self.rate_limit_time_window_ms {
            return Ok(1);
        }
        if self.request_count >= self.rate_limit_max {
            return Err(ApiKeyRefusal::RateLimited {
                try_again_in_ms: (self.rate_limit_time_window_ms - since).max(0),
            });
        }
        Ok(self.request_count + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(now: DateTime<Utc>) -> ApiKey {
        ApiKey {
            id: ApiKeyId::generate(),
            config_id: "default".into(),
            name: None,
            start: None,
            prefix: None,
            owner: ApiKeyOwner::User(UserId::generate()),
            key_digest: "digest".into(),
            enabled: true,
            expires_at: None,
            remaining: None,
            refill_interval_ms: None,
            refill_amount: None,
            last_refill_at: None,
            rate_limit_enabled: true,
            rate_limit_time_window_ms: 1_000,
            rate_limit_max: 2,
            request_count: 0,
            last_request: None,
            permissions: None,
            metadata: None,
            audit: Audit::created(now, None),
        }
    }

    fn used(mut key: ApiKey, at: DateTime<Utc>) -> Result<ApiKey, ApiKeyRefusal> {
        let step = key.claim_use(at)?;
        key.remaining = step.remaining;
        key.last_refill_at = step.last_refill_at;
        key.request_count = step.request_count;
        key.last_request = Some(step.last_request);
        Ok(key)
    }

    #[test]
    fn the_rate_limit_refuses_past_its_max_within_the_window_and_resets_after() {
        let t0 = Utc::now();
        let k = used(used(key(t0), t0).unwrap(), t0).unwrap();

        let refused = k.claim_use(t0 + Duration::milliseconds(400));
        let after_window = k.claim_use(t0 + Duration::milliseconds(1_001));

        assert_eq!(
            refused,
            Err(ApiKeyRefusal::RateLimited {
                try_again_in_ms: 600
            })
        );
        assert_eq!(after_window.unwrap().request_count, 1);
    }

    #[test]
    fn remaining_counts_down_to_a_refusal_and_refills_after_its_interval() {
        let t0 = Utc::now();
        let mut k = key(t0);
        k.rate_limit_enabled = false;
        k.remaining = Some(1);
        k.refill_amount = Some(3);
        k.refill_interval_ms = Some(60_000);
        let k = used(k, t0).unwrap();

        let exhausted = k.claim_use(t0 + Duration::seconds(1));
        let refilled = k.claim_use(t0 + Duration::seconds(61)).unwrap();

        assert_eq!(exhausted, Err(ApiKeyRefusal::UsageExceeded));
        assert_eq!(refilled.remaining, Some(2));
    }

    #[test]
    fn a_disabled_or_expired_key_is_refused_before_anything_is_counted() {
        let t0 = Utc::now();
        let mut disabled = key(t0);
        disabled.enabled = false;
        let mut expired = key(t0);
        expired.expires_at = Some(t0 - Duration::seconds(1));

        assert_eq!(disabled.claim_use(t0), Err(ApiKeyRefusal::Disabled));
        assert_eq!(expired.claim_use(t0), Err(ApiKeyRefusal::Expired));
    }

    #[test]
    fn debug_output_leaves_the_digest_out() {
        let k = key(Utc::now());

        assert!(!format!("{k:?}").contains("\"digest\""));
    }
}
