//! Using a key: one indexed lookup by the digest of the presented secret, the key's own
//! checks, and (when it counts its uses) one update of the row, locked for it, so racing
//! uses are counted one by one and a quota can never be overdrawn.

use super::{ApiKeyError, key_digest};
use crate::{ActiveSession, Auth, AuthError, ClientInfo, hooks};
use beep_domain::{ApiKey, ApiKeyOwner, ApiKeyUse, Audit, Session, SessionId};
use beep_store::StoreError;
use beep_store::repos::{api_keys, users};
use chrono::Duration;
use std::collections::BTreeMap;

/// Longest prefix a key may have before its random part (the prefix limit's maximum).
const MAX_PREFIX_CHARS: usize = 32;

/// How often an uncounted key (no quota, no rate limit) records its last use: more often
/// would be a write per request for nothing a client reads.
const LAST_USE_GRANULARITY: Duration = Duration::minutes(1);

/// A key that passed every check, as its row reads after the use.
#[derive(Debug, Clone)]
pub struct VerifiedApiKey {
    /// The key.
    pub key: ApiKey,
}

impl Auth {
    /// Checks a presented key and counts the use: `INVALID_API_KEY` for anything that is not
    /// one of this server's keys, then `KEY_DISABLED`, `KEY_EXPIRED`, a missing permission
    /// (`KEY_NOT_FOUND`, as better-auth answers it), `USAGE_EXCEEDED`, `RATE_LIMITED`.
    pub async fn verify_api_key(
        &self,
        presented: &str,
        required: Option<&BTreeMap<String, Vec<String>>>,
    ) -> Result<VerifiedApiKey, AuthError> {
        if !self.is_plausible_api_key(presented) {
            return Err(ApiKeyError::InvalidApiKey.into());
        }
        let conn = self.store().conn();
        // A lookup by the digest of a 375-bit secret: its timing tells nothing of the key.
        let key = api_keys::find_by_digest(conn, &key_digest(presented))
            .await?
            .ok_or(ApiKeyError::InvalidApiKey)?;
        if let Some(required) = required
            && !grants(key.permissions.as_deref(), required)
        {
            // Disabled and expired keys say so first, as in better-auth.
            key.claim_use(self.now()).map_err(ApiKeyError::from)?;
            return Err(ApiKeyError::MissingPermission.into());
        }
        // Refused keys and quiet uncounted ones are answered from the plain read, with no
        // transaction.
        let now = self.now();
        key.claim_use(now).map_err(ApiKeyError::from)?;
        if key.is_uncounted() {
            let quiet = key
                .last_request
                .is_some_and(|last| now - last < LAST_USE_GRANULARITY);
            if quiet {
                return Ok(VerifiedApiKey { key });
            }
        }
        // Uses of one key queue on its row, so a hot key serves every racing caller in turn
        // and a quota is counted exactly.
        let tx = self.store().write().await?;
        let mut key = api_keys::find_locked(&tx, key.id.as_str())
            .await?
            .ok_or(ApiKeyError::InvalidApiKey)?;
        let claimed = key.claim_use(self.now()).map_err(ApiKeyError::from)?;
        if !api_keys::record_use(&tx, &key, &claimed).await? {
            return Err(AuthError::Conflict);
        }
        tx.commit().await.map_err(StoreError::from)?;
        apply_use(&mut key, &claimed);
        Ok(VerifiedApiKey { key })
    }

    /// Whether `presented` has the shape of a key of this server (so junk never reaches the
    /// database): at least the random part's length, at most that plus the longest prefix.
    pub fn is_plausible_api_key(&self, presented: &str) -> bool {
        let length = self.config().api_key.key_length;
        (length..=length + MAX_PREFIX_CHARS).contains(&presented.len())
    }

    /// The session an `x-api-key` stands for (better-auth's `enableSessionForAPIKeys`): the
    /// key's user, in a session that is not stored and lasts as long as the key would. Only a
    /// user's own key can stand for a session.
    pub async fn session_for_api_key(
        &self,
        presented: &str,
        client: &ClientInfo,
    ) -> Result<ActiveSession, AuthError> {
        let verified = self.verify_api_key(presented, None).await?;
        let ApiKeyOwner::User(user_id) = &verified.key.owner else {
            return Err(ApiKeyError::NotAUserKey.into());
        };
        let conn = self.store().conn();
        let user = users::find_by_id(conn, user_id)
            .await?
            .ok_or(ApiKeyError::NotAUserKey)?;
        let now = self.now();
        // A banned user's keys open no session either.
        if user.is_banned_at(now) {
            return Err(crate::admin::AdminError::BannedUser.into());
        }
        let (organization_context, active_organization_id) =
            hooks::on_session_created(conn, &user).await?;
        let session = Session {
            id: SessionId::generate(),
            token_digest: verified.key.key_digest.clone(),
            user_id: user.id.clone(),
            expires_at: verified
                .key
                .expires_at
                .unwrap_or(now + self.config().session.expires_in),
            ip_address: client.ip_address.chars().take(64).collect(),
            user_agent: client.user_agent.chars().take(512).collect(),
            remember_me: true,
            active_organization_id,
            active_team_id: None,
            organization_context,
            impersonated_by: None,
            audit: Audit::created(now, Some(user.id.as_str())),
        };
        Ok(ActiveSession {
            session,
            user,
            refreshed: false,
        })
    }
}

fn apply_use(key: &mut ApiKey, claimed: &ApiKeyUse) {
    key.remaining = claimed.remaining;
    key.last_refill_at = claimed.last_refill_at;
    key.request_count = claimed.request_count;
    key.last_request = Some(claimed.last_request);
    key.audit.version += 1;
}

/// Whether stored permissions (JSON text of resource → actions) include every action asked.
fn grants(stored: Option<&str>, required: &BTreeMap<String, Vec<String>>) -> bool {
    let Some(held) =
        stored.and_then(|text| serde_json::from_str::<BTreeMap<String, Vec<String>>>(text).ok())
    else {
        return false;
    };
    !required.is_empty()
        && required.iter().all(|(resource, actions)| {
            held.get(resource)
                .is_some_and(|allowed| actions.iter().all(|a| allowed.contains(a)))
        })
}

#[cfg(test)]
mod tests {
    use super::grants;
    use std::collections::BTreeMap;

    fn wanted(resource: &str, actions: &[&str]) -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([(
            resource.to_owned(),
            actions.iter().map(|a| (*a).to_owned()).collect(),
        )])
    }

    #[test]
    fn permissions_grant_only_what_they_name() {
        let stored = r#"{"files":["read","write"]}"#;

        assert!(grants(Some(stored), &wanted("files", &["read"])));
        assert!(!grants(Some(stored), &wanted("files", &["delete"])));
        assert!(!grants(Some(stored), &wanted("users", &["read"])));
        assert!(!grants(None, &wanted("files", &["read"])));
        assert!(!grants(Some("not json"), &wanted("files", &["read"])));
    }
}
