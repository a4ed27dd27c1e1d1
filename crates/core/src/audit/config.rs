//! The `audit` section: how long events are kept, and where webhooks go.

use base64::Engine;
use beep_domain::AuditAction;
use chrono::Duration;

/// Audit log and webhook settings.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Events older than this are deleted by the hourly sweep; `None` keeps them forever.
    pub retention: Option<Duration>,
    /// The endpoints every event (or the subscribed ones) is delivered to.
    pub webhooks: Vec<WebhookEndpoint>,
    /// Only these actions go to webhooks; `None`: all of them. The audit log keeps all.
    pub webhook_actions: Option<Vec<AuditAction>>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            retention: Some(Duration::days(365)),
            webhooks: Vec::new(),
            webhook_actions: None,
        }
    }
}

impl AuditConfig {
    /// Whether `action` is announced to the webhooks.
    pub fn announces(&self, action: AuditAction) -> bool {
        self.webhook_actions
            .as_ref()
            .is_none_or(|actions| actions.contains(&action))
    }
}

/// One webhook endpoint.
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    /// Where events are posted.
    pub url: String,
    /// The key the deliveries are signed with.
    pub secret: WebhookSecret,
}

/// A Standard Webhooks signing secret: `whsec_` and the base64 of the key. Its `Debug` shows
/// nothing of the key.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

/// Why a webhook secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSecretError {
    /// It does not start with `whsec_`.
    #[error("a webhook secret starts with whsec_")]
    MissingPrefix,
    /// Its key is not base64.
    #[error("a webhook secret's key is base64 after whsec_")]
    NotBase64,
    /// Its key is shorter than 24 bytes (Standard Webhooks asks for 24 to 64).
    #[error("a webhook secret's key has 24 to 64 bytes")]
    WrongLength,
}

impl WebhookSecret {
    /// Parses `whsec_<base64>`.
    pub fn parse(text: &str) -> Result<Self, WebhookSecretError> {
        let encoded = text
            .trim()
            .strip_prefix("whsec_")
            .ok_or(WebhookSecretError::MissingPrefix)?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| WebhookSecretError::NotBase64)?;
        if !(24..=64).contains(&key.len()) {
            return Err(WebhookSecretError::WrongLength);
        }
        Ok(Self(key))
    }

    /// The key bytes.
    pub(crate) fn key(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_whsec_and_base64_of_24_to_64_bytes() {
        let good = format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode([7u8; 32])
        );
        assert_eq!(WebhookSecret::parse(&good).unwrap().key(), &[7u8; 32]);
        assert_eq!(
            WebhookSecret::parse("c2VjcmV0").err(),
            Some(WebhookSecretError::MissingPrefix)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_!!!").err(),
            Some(WebhookSecretError::NotBase64)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_c2VjcmV0").err(),
            Some(WebhookSecretError::WrongLength)
        );
    }

    #[test]
    fn a_secrets_debug_shows_nothing_of_the_key() {
        let secret = WebhookSecret::parse(&format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(b"a very secret key of 32 bytes!!!")
        ))
        .unwrap();
        assert_eq!(format!("{secret:?}"), "WebhookSecret([redacted])");
    }
}
