//! Making a key: the request's checks in better-auth's order, the secret, and the row.

use super::{ApiKeyConfig, ApiKeyError, ApiKeySecret, CreatedApiKey, key_digest};
use crate::{Auth, AuthError};
use beep_domain::{ApiKey, ApiKeyId, ApiKeyOwner, Audit, OrganizationId, UserId};
use beep_store::repos::{api_keys, members};
use chrono::Duration;
use serde_json::Value;
use std::collections::BTreeMap;

/// Longest metadata kept, as JSON text: keys are not a document store.
const MAX_METADATA_BYTES: usize = 8 * 1024;

/// What a client may choose about a new key.
#[derive(Debug, Clone, Default)]
pub struct NewApiKey {
    /// Its name.
    pub name: Option<String>,
    /// Its lifetime in seconds (`None`: the configured default).
    pub expires_in_secs: Option<i64>,
    /// Its prefix (`None`: the configured default).
    pub prefix: Option<String>,
    /// The owner's data about it (a JSON object).
    pub metadata: Option<Value>,
    /// Make an organization's key instead of the caller's own.
    pub organization_id: Option<String>,
    /// Limits only the server may set.
    pub limits: ServerLimits,
}

/// Settings of a key that only the operator may choose (better-auth's server-only
/// properties): over HTTP they are refused with `SERVER_ONLY_PROPERTY`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerLimits {
    /// Uses allowed (`None`: unlimited).
    pub remaining: Option<i64>,
    /// What `remaining` is refilled to.
    pub refill_amount: Option<i64>,
    /// How often it is refilled, in milliseconds.
    pub refill_interval_ms: Option<i64>,
    /// Whether uses are rate limited (`None`: the configured default).
    pub rate_limit_enabled: Option<bool>,
    /// The rate limit's window in milliseconds.
    pub rate_limit_time_window_ms: Option<i64>,
    /// Uses per window.
    pub rate_limit_max: Option<i64>,
    /// What the key may do: resource → actions.
    pub permissions: Option<BTreeMap<String, Vec<String>>>,
}

impl ServerLimits {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Refuses negative counts and a refill with only one of its two halves.
    pub(super) fn check(&self) -> Result<(), ApiKeyError> {
        let counts = [
            self.remaining,
            self.refill_amount,
            self.refill_interval_ms,
            self.rate_limit_time_window_ms,
            self.rate_limit_max,
        ];
        if counts.iter().flatten().any(|n| *n < 0) {
            return Err(ApiKeyError::InvalidRemaining);
        }
        match (self.refill_amount, self.refill_interval_ms) {
            (Some(_), None) => Err(ApiKeyError::RefillAmountWithoutInterval),
            (None, Some(_)) => Err(ApiKeyError::RefillIntervalWithoutAmount),
            _ => Ok(()),
        }
    }
}

impl Auth {
    /// `POST /api-key/create`: a new key for the caller (or for an organization they own),
    /// answered with its secret, the only time the secret is ever available.
    pub async fn create_api_key(
        &self,
        caller: &UserId,
        input: NewApiKey,
    ) -> Result<CreatedApiKey, AuthError> {
        let config = &self.config().api_key;
        let owner = match &input.organization_id {
            Some(org) => self.organization_key_owner(caller, org).await?,
            None => ApiKeyOwner::User(caller.clone()),
        };
        let metadata = checked_metadata(config, input.metadata.as_ref())?;
        input.limits.check()?;
        let lifetime = checked_lifetime(config, input.expires_in_secs)?;
        let prefix = input.prefix.or_else(|| config.default_prefix.clone());
        if let Some(prefix) = &prefix {
            check_prefix(config, prefix)?;
        }
        let name = checked_name(config, input.name)?;
        let secret = ApiKeySecret::generate(prefix.as_deref(), config.key_length);
        let now = self.now();
        let limits = input.limits;
        let key = ApiKey {
            id: ApiKeyId::generate(),
            config_id: "default".to_owned(),
            name,
            start: Some(secret.expose().chars().take(config.start_length).collect()),
            prefix,
            owner,
            key_digest: key_digest(secret.expose()),
            enabled: true,
            expires_at: lifetime.map(|lifetime| now + lifetime),
            remaining: limits.remaining.or(limits.refill_amount),
            refill_interval_ms: limits.refill_interval_ms,
            refill_amount: limits.refill_amount,
            last_refill_at: None,
            rate_limit_enabled: limits
                .rate_limit_enabled
                .unwrap_or(config.rate_limit_enabled),
            rate_limit_time_window_ms: limits
                .rate_limit_time_window_ms
                .unwrap_or(config.rate_limit_window.num_milliseconds()),
            rate_limit_max: limits.rate_limit_max.unwrap_or(config.rate_limit_max),
            request_count: 0,
            last_request: None,
            permissions: limits.permissions.as_ref().map(permissions_text),
            metadata,
            audit: Audit::created(now, Some(caller.as_str())),
        };
        api_keys::insert(self.store().conn(), &key).await?;
        tracing::info!(user_id = %caller, api_key_id = %key.id, "api key created");
        Ok(CreatedApiKey { key, secret })
    }

    /// The owner of an organization's key, when the caller may manage the organization's
    /// keys: only its owners may (better-auth's default roles grant no `apiKey` actions).
    pub(super) async fn organization_key_owner(
        &self,
        caller: &UserId,
        organization_id: &str,
    ) -> Result<ApiKeyOwner, AuthError> {
        let org = OrganizationId::parse(organization_id)
            .map_err(|_| ApiKeyError::NotMemberOfOrganization)?;
        let member = members::find(self.store().conn(), &org, caller)
            .await?
            .ok_or(ApiKeyError::NotMemberOfOrganization)?;
        if !member.role.is_owner() {
            return Err(ApiKeyError::InsufficientPermissions.into());
        }
        Ok(ApiKeyOwner::Organization(org))
    }
}

/// Metadata as stored: JSON text of an object, when keys may carry it.
pub(super) fn checked_metadata(
    config: &ApiKeyConfig,
    metadata: Option<&Value>,
) -> Result<Option<String>, AuthError> {
    let Some(metadata) = metadata.filter(|m| !m.is_null()) else {
        return Ok(None);
    };
    if !config.metadata_enabled {
        return Err(ApiKeyError::MetadataDisabled.into());
    }
    if !metadata.is_object() {
        return Err(ApiKeyError::InvalidMetadataType.into());
    }
    let text = metadata.to_string();
    if text.len() > MAX_METADATA_BYTES {
        return Err(AuthError::InvalidField {
            field: "metadata",
            reason: "is larger than 8 KiB",
        });
    }
    Ok(Some(text))
}

/// A key's lifetime from `expiresIn` (seconds), within the configured range.
pub(super) fn checked_lifetime(
    config: &ApiKeyConfig,
    expires_in_secs: Option<i64>,
) -> Result<Option<Duration>, ApiKeyError> {
    let Some(secs) = expires_in_secs else {
        return Ok(config.default_expires_in);
    };
    let (shortest, longest) = config.expires_in_range;
    if secs < shortest.num_seconds() {
        return Err(ApiKeyError::ExpiresInTooSmall);
    }
    if secs > longest.num_seconds() {
        return Err(ApiKeyError::ExpiresInTooLarge);
    }
    Ok(Some(Duration::seconds(secs)))
}

fn check_prefix(config: &ApiKeyConfig, prefix: &str) -> Result<(), AuthError> {
    let (shortest, longest) = config.prefix_length;
    if !(shortest..=longest).contains(&prefix.chars().count()) {
        return Err(ApiKeyError::InvalidPrefixLength.into());
    }
    if !prefix
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(AuthError::InvalidField {
            field: "prefix",
            reason: "may only contain letters, digits, '_' and '-'",
        });
    }
    Ok(())
}

/// The name, within the configured length (an empty name counts as none).
pub(super) fn checked_name(
    config: &ApiKeyConfig,
    name: Option<String>,
) -> Result<Option<String>, ApiKeyError> {
    match name.filter(|n| !n.is_empty()) {
        Some(name) => {
            let (shortest, longest) = config.name_length;
            if (shortest..=longest).contains(&name.chars().count()) && !name.contains('\0') {
                Ok(Some(name))
            } else {
                Err(ApiKeyError::InvalidNameLength)
            }
        }
        None if config.require_name => Err(ApiKeyError::NameRequired),
        None => Ok(None),
    }
}

/// Permissions as stored: JSON text of resource → actions.
pub(super) fn permissions_text(permissions: &BTreeMap<String, Vec<String>>) -> String {
    serde_json::to_string(permissions).unwrap_or_else(|_| "{}".to_owned())
}
