//! What the API-key routes read: one type per body or query, read by serde and described
//! in the OpenAPI document by its `ToSchema` derive. The server-only settings are read too,
//! so a client that sends one is told so (`SERVER_ONLY_PROPERTY`) instead of being ignored.

use crate::typed_body::{Checked, present};
use beep_core::api_keys::ServerLimits;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The one key configuration this server has.
pub const DEFAULT_CONFIG: &str = "default";

/// Settings only the operator may choose; any of them in a request is refused.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerOnlyFields {
    /// Server only.
    #[serde(default)]
    pub remaining: Option<i64>,
    /// Server only.
    #[serde(default)]
    pub refill_amount: Option<i64>,
    /// Server only.
    #[serde(default)]
    pub refill_interval: Option<i64>,
    /// Server only.
    #[serde(default)]
    pub rate_limit_enabled: Option<bool>,
    /// Server only.
    #[serde(default)]
    pub rate_limit_time_window: Option<i64>,
    /// Server only.
    #[serde(default)]
    pub rate_limit_max: Option<i64>,
    /// Server only.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permissions: Option<BTreeMap<String, Vec<String>>>,
}

impl ServerOnlyFields {
    /// The limits as core takes them.
    pub fn limits(&self) -> ServerLimits {
        ServerLimits {
            remaining: self.remaining,
            refill_amount: self.refill_amount,
            refill_interval_ms: self.refill_interval,
            rate_limit_enabled: self.rate_limit_enabled,
            rate_limit_time_window_ms: self.rate_limit_time_window,
            rate_limit_max: self.rate_limit_max,
            permissions: self.permissions.clone(),
        }
    }
}

/// `POST /api-key/create`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyBody {
    /// A name (1 to 32 characters).
    #[serde(default)]
    pub name: Option<String>,
    /// Lifetime in seconds (1 to 365 days); absent or `null`: no expiry.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// A prefix (`[A-Za-z0-9_-]`, 1 to 32 characters).
    #[serde(default)]
    pub prefix: Option<String>,
    /// An object of the owner's own (needs `API_KEY_METADATA=true`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// `default` (the one configuration).
    #[serde(default)]
    pub config_id: Option<String>,
    /// Make a key of this organization (its owners only).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Refused: a key belongs to the caller.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Value>,
    /// Server-only settings (refused).
    #[serde(flatten)]
    pub server_only: ServerOnlyFields,
}

impl Checked for CreateApiKeyBody {
    fn check(&self) -> Vec<String> {
        config_issues(self.config_id.as_deref(), "body")
    }
}

/// `GET /api-key/get`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GetApiKeyQuery {
    /// The key's id.
    pub id: String,
    /// `default`.
    pub config_id: Option<String>,
}

/// `GET /api-key/list`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListApiKeysQuery {
    /// `default`.
    pub config_id: Option<String>,
    /// List this organization's keys (its owners only).
    pub organization_id: Option<String>,
    /// Page size (at most 1000).
    pub limit: Option<u64>,
    /// Keys to skip.
    pub offset: Option<u64>,
    /// `createdAt` (default), `updatedAt`, `name`, `expiresAt` or `lastRequest`.
    pub sort_by: Option<String>,
    /// `asc` (default) or `desc`.
    pub sort_direction: Option<String>,
}

/// `POST /api-key/update`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateApiKeyBody {
    /// The key's id.
    pub key_id: String,
    /// `default`.
    #[serde(default)]
    pub config_id: Option<String>,
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// Turn the key on or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New metadata (an object).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// A new lifetime from now in seconds; `null` removes the expiry.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub expires_in: Option<Option<i64>>,
    /// Refused: a key belongs to the caller.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Value>,
    /// Server-only settings (refused).
    #[serde(flatten)]
    pub server_only: ServerOnlyFields,
}

impl Checked for UpdateApiKeyBody {
    fn check(&self) -> Vec<String> {
        config_issues(self.config_id.as_deref(), "body")
    }
}

/// `POST /api-key/delete`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteApiKeyBody {
    /// The key's id.
    pub key_id: String,
    /// `default`.
    #[serde(default)]
    pub config_id: Option<String>,
}

impl Checked for DeleteApiKeyBody {
    fn check(&self) -> Vec<String> {
        config_issues(self.config_id.as_deref(), "body")
    }
}

/// `POST /api-key/verify`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyApiKeyBody {
    /// The full key.
    pub key: String,
    /// Permissions the key must hold: resource → actions.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permissions: Option<BTreeMap<String, Vec<String>>>,
    /// `default`.
    #[serde(default)]
    pub config_id: Option<String>,
}

impl Checked for VerifyApiKeyBody {
    fn check(&self) -> Vec<String> {
        config_issues(self.config_id.as_deref(), "body")
    }
}

/// A configuration id other than the one this server has.
pub fn config_issues(config_id: Option<&str>, place: &str) -> Vec<String> {
    match config_id {
        Some(id) if id != DEFAULT_CONFIG => {
            vec![format!(
                "[{place}.configId] Invalid input: unknown configuration"
            )]
        }
        _ => Vec::new(),
    }
}
