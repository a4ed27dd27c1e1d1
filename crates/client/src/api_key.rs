//! API keys (`x-api-key`), checked with the server's `POST /api-key/verify`, which also
//! counts the use against the key's quota and rate limit.

use crate::caller::{Caller, CredentialKind};
use crate::config::VerifierConfig;
use crate::error::VerifyError;
use serde_json::{Map, Value, json};

/// The header a key is presented in.
pub(crate) const API_KEY_HEADER: &str = "x-api-key";

/// What owns a verified key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    /// A user's own key.
    User(String),
    /// An organization's key (made by one of its owners).
    Organization(String),
}

/// A key the server accepted, as its row reads after the use (never the secret).
#[derive(Debug, Clone)]
pub struct VerifiedKey {
    /// The key's id (`ak_…`).
    pub id: String,
    /// Its owner.
    pub owner: KeyOwner,
    /// Its name.
    pub name: Option<String>,
    /// Uses left, when it has a quota.
    pub remaining: Option<i64>,
    /// Resource → actions it may do.
    pub permissions: Map<String, Value>,
}

impl VerifiedKey {
    /// The caller a user's key stands for; an organization's key names no user.
    pub fn caller(&self) -> Option<Caller> {
        let KeyOwner::User(user_id) = &self.owner else {
            return None;
        };
        let mut claims = Map::new();
        claims.insert("id".to_owned(), Value::String(user_id.clone()));
        Caller::from_user(claims, "id", None, CredentialKind::ApiKey)
    }
}

/// Asks the server whether `key` is one of its keys, holding `permissions` when given.
pub(crate) async fn verify(
    http: &reqwest::Client,
    config: &VerifierConfig,
    key: &str,
    permissions: Option<&Map<String, Value>>,
) -> Result<VerifiedKey, VerifyError> {
    let unavailable =
        |what: String| VerifyError::Unavailable(format!("POST /api-key/verify: {what}"));
    let mut body = json!({ "key": key });
    if let Some(permissions) = permissions {
        body["permissions"] = Value::Object(permissions.clone());
    }
    let response = http
        .post(config.url("/api-key/verify"))
        .header("origin", &config.base_url)
        .json(&body)
        .send()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("status {}", response.status())));
    }
    let answer: Value = response
        .json()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))?;
    read_answer(&answer, config).ok_or_else(|| unavailable("an unexpected answer".to_owned()))?
}

/// `{valid, error, key}` as a result; `None` for an answer of another shape.
fn read_answer(
    answer: &Value,
    config: &VerifierConfig,
) -> Option<Result<VerifiedKey, VerifyError>> {
    if answer.get("valid")? != &Value::Bool(true) {
        let code = answer.get("error")?.get("code")?.as_str()?.to_owned();
        return Some(Err(VerifyError::ApiKeyRefused(code)));
    }
    let key = answer.get("key")?;
    let text = |name: &str| key.get(name).and_then(Value::as_str).map(str::to_owned);
    let reference = text("referenceId")?;
    // Organization ids carry the server's `org_` prefix; anything else a key is owned by is
    // a user.
    let owner = if reference.starts_with(&config.organization_id_prefix) {
        KeyOwner::Organization(reference)
    } else {
        KeyOwner::User(reference)
    };
    Some(Ok(VerifiedKey {
        id: text("id")?,
        owner,
        name: text("name"),
        remaining: key.get("remaining").and_then(Value::as_i64),
        permissions: key
            .get("permissions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> VerifierConfig {
        VerifierConfig::for_server("https://auth.example.com")
    }

    #[test]
    fn a_valid_user_key_names_its_user() {
        let answer = json!({"valid": true, "error": null, "key": {
            "id": "ak_1", "referenceId": "user_a", "name": "ci", "remaining": 4,
            "permissions": {"files": ["read"]}}});

        let key = read_answer(&answer, &config()).unwrap().unwrap();

        assert_eq!(key.owner, KeyOwner::User("user_a".into()));
        assert_eq!(key.remaining, Some(4));
        assert_eq!(key.caller().unwrap().user_id.as_str(), "user_a");
        assert_eq!(key.caller().unwrap().credential, CredentialKind::ApiKey);
    }

    #[test]
    fn an_organizations_key_names_no_user() {
        let answer =
            json!({"valid": true, "error": null, "key": {"id": "ak_2", "referenceId": "org_x"}});

        let key = read_answer(&answer, &config()).unwrap().unwrap();

        assert_eq!(key.owner, KeyOwner::Organization("org_x".into()));
        assert!(key.caller().is_none());
    }

    #[test]
    fn a_refusal_keeps_the_servers_code() {
        let answer =
            json!({"valid": false, "error": {"message": "m", "code": "KEY_EXPIRED"}, "key": null});

        let refused = read_answer(&answer, &config()).unwrap().unwrap_err();

        assert_eq!(refused, VerifyError::ApiKeyRefused("KEY_EXPIRED".into()));
    }

    #[test]
    fn another_shape_is_no_answer() {
        assert!(read_answer(&json!({"ok": true}), &config()).is_none());
        assert!(read_answer(&json!({"valid": true, "key": {}}), &config()).is_none());
    }
}
