//! A caller's keys (and the keys of organizations they own): read, listed, changed,
//! deleted. A key the caller may not manage reads as one that does not exist.

use super::ApiKeyError;
use super::create::{
    ServerLimits, checked_lifetime, checked_metadata, checked_name, permissions_text,
};
use crate::{Auth, AuthError};
use beep_domain::{ApiKey, ApiKeyId, ApiKeyOwner, UserId};
use beep_store::repos::api_keys::{self, ApiKeyPage};
use serde_json::Value;

/// Changes to a key; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyChanges {
    /// A new name.
    pub name: Option<String>,
    /// Turn the key on or off.
    pub enabled: Option<bool>,
    /// New metadata (an object).
    pub metadata: Option<Value>,
    /// A new lifetime from now, in seconds; `Some(None)` removes the expiry.
    pub expires_in_secs: Option<Option<i64>>,
    /// Limits only the server may set.
    pub limits: ServerLimits,
}

impl ApiKeyChanges {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.enabled.is_none()
            && self.metadata.is_none()
            && self.expires_in_secs.is_none()
            && self.limits.is_empty()
    }
}

/// A page of keys and how many there are in all.
#[derive(Debug, Clone)]
pub struct ApiKeyList {
    /// The keys of the page.
    pub keys: Vec<ApiKey>,
    /// Keys of that owner in all.
    pub total: u64,
}

/// How many times an update is tried again when a use of the key changed its row meanwhile.
const UPDATE_ATTEMPTS: usize = 8;

impl Auth {
    /// `GET /api-key/get`: one key, without its secret.
    pub async fn get_api_key(&self, caller: &UserId, id: &str) -> Result<ApiKey, AuthError> {
        self.managed_api_key(caller, id).await
    }

    /// `GET /api-key/list`: the caller's keys, or an organization's they own.
    pub async fn list_api_keys(
        &self,
        caller: &UserId,
        organization_id: Option<&str>,
        page: ApiKeyPage,
    ) -> Result<ApiKeyList, AuthError> {
        let owner = match organization_id {
            Some(org) => self.organization_key_owner(caller, org).await?,
            None => ApiKeyOwner::User(caller.clone()),
        };
        let (keys, total) =
            api_keys::list_for_owner(self.store().conn(), &owner, None, page).await?;
        Ok(ApiKeyList { keys, total })
    }

    /// `POST /api-key/update`: changes a key's settings; the key as it is now.
    pub async fn update_api_key(
        &self,
        caller: &UserId,
        id: &str,
        changes: ApiKeyChanges,
    ) -> Result<ApiKey, AuthError> {
        if changes.is_empty() {
            return Err(ApiKeyError::NoValuesToUpdate.into());
        }
        let config = &self.config().api_key;
        let name = checked_name(config, changes.name.clone())?;
        let metadata = checked_metadata(config, changes.metadata.as_ref())?;
        changes.limits.check()?;
        let lifetime = match changes.expires_in_secs {
            Some(Some(secs)) => Some(checked_lifetime(config, Some(secs))?),
            Some(None) => Some(None),
            None => None,
        };
        for _ in 0..UPDATE_ATTEMPTS {
            let mut key = self.managed_api_key(caller, id).await?;
            let now = self.now();
            if name.is_some() {
                key.name = name.clone();
            }
            if let Some(enabled) = changes.enabled {
                key.enabled = enabled;
            }
            if metadata.is_some() {
                key.metadata = metadata.clone();
            }
            if let Some(lifetime) = lifetime {
                key.expires_at = lifetime.map(|lifetime| now + lifetime);
            }
            apply_limits(&mut key, &changes.limits);
            if api_keys::save_settings(self.store().conn(), &key, caller.as_str(), now).await? {
                tracing::info!(user_id = %caller, api_key_id = %key.id, "api key updated");
                key.audit.updated_at = now;
                key.audit.updated_by = Some(caller.to_string());
                key.audit.version += 1;
                return Ok(key);
            }
        }
        Err(AuthError::Conflict)
    }

    /// `POST /api-key/delete`.
    pub async fn delete_api_key(&self, caller: &UserId, id: &str) -> Result<(), AuthError> {
        let key = self.managed_api_key(caller, id).await?;
        if !api_keys::delete(self.store().conn(), &key.id).await? {
            return Err(ApiKeyError::KeyNotFound.into());
        }
        tracing::info!(user_id = %caller, api_key_id = %key.id, "api key deleted");
        Ok(())
    }

    /// The key with this id, when the caller owns it or owns the organization that does.
    async fn managed_api_key(&self, caller: &UserId, id: &str) -> Result<ApiKey, AuthError> {
        let _: ApiKeyId = ApiKeyId::parse(id).map_err(|_| ApiKeyError::KeyNotFound)?;
        let key = api_keys::find(self.store().conn(), id)
            .await?
            .ok_or(ApiKeyError::KeyNotFound)?;
        match &key.owner {
            ApiKeyOwner::User(owner) if owner == caller => Ok(key),
            ApiKeyOwner::User(_) => Err(ApiKeyError::KeyNotFound.into()),
            ApiKeyOwner::Organization(org) => {
                self.organization_key_owner(caller, org.as_str()).await?;
                Ok(key)
            }
        }
    }
}

fn apply_limits(key: &mut ApiKey, limits: &ServerLimits) {
    if let Some(remaining) = limits.remaining {
        key.remaining = Some(remaining);
    }
    if let Some(amount) = limits.refill_amount {
        key.refill_amount = Some(amount);
    }
    if let Some(interval) = limits.refill_interval_ms {
        key.refill_interval_ms = Some(interval);
    }
    if let Some(enabled) = limits.rate_limit_enabled {
        key.rate_limit_enabled = enabled;
    }
    if let Some(window) = limits.rate_limit_time_window_ms {
        key.rate_limit_time_window_ms = window;
    }
    if let Some(max) = limits.rate_limit_max {
        key.rate_limit_max = max;
    }
    if let Some(permissions) = &limits.permissions {
        key.permissions = Some(permissions_text(permissions));
    }
}
