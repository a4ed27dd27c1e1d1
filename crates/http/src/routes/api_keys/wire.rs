//! What the API-key routes answer, in better-auth 1.7's shapes: the `apikey` row without the
//! digest (its `metadata` and `permissions` parsed), and on create the secret once.

use crate::wire::iso;
use beep_domain::ApiKey;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// An API key as better-auth's `apikey` row, without `key`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ApiKey)]
pub struct ApiKeyJson {
    /// `ak_…`
    pub id: String,
    /// The configuration (`default`).
    pub config_id: String,
    /// Its name, or `null`.
    #[schema(required = true)]
    pub name: Option<String>,
    /// The key's first characters (prefix included).
    #[schema(required = true)]
    pub start: Option<String>,
    /// The key's prefix.
    #[schema(required = true)]
    pub prefix: Option<String>,
    /// The owning user's or organization's id.
    pub reference_id: String,
    /// Milliseconds between refills of `remaining`.
    #[schema(required = true)]
    pub refill_interval: Option<i64>,
    /// What `remaining` is refilled to.
    #[schema(required = true)]
    pub refill_amount: Option<i64>,
    /// The last refill.
    #[schema(required = true, format = DateTime)]
    pub last_refill_at: Option<String>,
    /// Whether the key works.
    pub enabled: bool,
    /// Whether uses are rate limited.
    pub rate_limit_enabled: bool,
    /// The rate limit's window, in milliseconds.
    pub rate_limit_time_window: i64,
    /// Uses per window.
    pub rate_limit_max: i64,
    /// Uses in the current window.
    pub request_count: i64,
    /// Uses left, or `null` for unlimited.
    #[schema(required = true)]
    pub remaining: Option<i64>,
    /// The last use.
    #[schema(required = true, format = DateTime)]
    pub last_request: Option<String>,
    /// When it stops working, or `null`.
    #[schema(required = true, format = DateTime)]
    pub expires_at: Option<String>,
    /// When it was made.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it last changed.
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// The owner's data about it.
    #[schema(required = true, value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Resource → actions the key may do.
    #[schema(required = true, value_type = Option<Object>)]
    pub permissions: Option<Value>,
}

impl From<&ApiKey> for ApiKeyJson {
    fn from(key: &ApiKey) -> Self {
        Self {
            id: key.id.to_string(),
            config_id: key.config_id.clone(),
            name: key.name.clone(),
            start: key.start.clone(),
            prefix: key.prefix.clone(),
            reference_id: key.owner.reference_id().to_owned(),
            refill_interval: key.refill_interval_ms,
            refill_amount: key.refill_amount,
            last_refill_at: key.last_refill_at.as_ref().map(iso),
            enabled: key.enabled,
            rate_limit_enabled: key.rate_limit_enabled,
            rate_limit_time_window: key.rate_limit_time_window_ms,
            rate_limit_max: key.rate_limit_max,
            request_count: key.request_count,
            remaining: key.remaining,
            last_request: key.last_request.as_ref().map(iso),
            expires_at: key.expires_at.as_ref().map(iso),
            created_at: iso(&key.audit.created_at),
            updated_at: iso(&key.audit.updated_at),
            metadata: parsed(key.metadata.as_deref()),
            permissions: parsed(key.permissions.as_deref()),
        }
    }
}

fn parsed(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// `POST /api-key/create`: the key's row and, this once, the key itself.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CreatedApiKey)]
pub struct CreatedApiKeyJson {
    /// The row.
    #[serde(flatten)]
    pub row: ApiKeyJson,
    /// The full key; it cannot be read again.
    pub key: String,
}

/// `GET /api-key/list`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyListJson {
    /// The page of keys.
    pub api_keys: Vec<ApiKeyJson>,
    /// How many keys there are in all.
    pub total: u64,
    /// The page size asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The offset asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// `POST /api-key/delete`: `{success: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyDeletedJson {
    /// Always `true`.
    pub success: bool,
}

/// `POST /api-key/verify`: `{valid, error, key}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedApiKeyJson {
    /// Whether the key passed every check (and the use was counted).
    pub valid: bool,
    /// Why not: `{message, code}`.
    #[schema(required = true, value_type = Option<Object>)]
    pub error: Option<Value>,
    /// The key's row after the use.
    #[schema(required = true)]
    pub key: Option<ApiKeyJson>,
}
