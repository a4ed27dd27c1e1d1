//! Recording an event: the audit row and a webhook delivery per endpoint, in the caller's
//! transaction.

use super::origin;
use crate::Auth;
use beep_domain::{AuditAction, AuditEvent, AuditEventId, OrganizationId, UserId};
use beep_store::repos::{audit_events, webhook_deliveries};
use beep_store::{ConnectionTrait, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An event about to be recorded: what happened, who did it, to whom, and facts that are
/// safe to keep (ids, role names; never a secret).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    action: AuditAction,
    actor: Option<String>,
    subject: Option<String>,
    organization: Option<String>,
    detail: Map<String, Value>,
}

impl AuditEntry {
    /// An event of `action` by nobody in particular, about nobody.
    pub fn new(action: AuditAction) -> Self {
        Self {
            action,
            actor: None,
            subject: None,
            organization: None,
            detail: Map::new(),
        }
    }

    /// `user` did it.
    pub fn by(mut self, user: &UserId) -> Self {
        self.actor = Some(user.to_string());
        self
    }

    /// It concerns `user`.
    pub fn about(mut self, user: &UserId) -> Self {
        self.subject = Some(user.to_string());
        self
    }

    /// `user` did it to themselves.
    pub fn by_self(self, user: &UserId) -> Self {
        self.by(user).about(user)
    }

    /// It happened in `organization`.
    pub fn in_organization(mut self, organization: &OrganizationId) -> Self {
        self.organization = Some(organization.to_string());
        self
    }

    /// One more fact.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }
}

/// An event as webhooks carry it in `data` (camelCase, like the rest of the API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventData {
    /// `evt_…`
    pub id: String,
    /// The action's name.
    pub action: String,
    /// Who did it.
    pub actor_id: Option<String>,
    /// Whom it concerns.
    pub subject_id: Option<String>,
    /// The organization.
    pub organization_id: Option<String>,
    /// The caller's IP address.
    pub ip_address: Option<String>,
    /// The caller's user agent.
    pub user_agent: Option<String>,
    /// Further facts.
    pub detail: Value,
    /// When (RFC 3339).
    pub created_at: String,
}

impl From<&AuditEvent> for EventData {
    fn from(event: &AuditEvent) -> Self {
        Self {
            id: event.id.to_string(),
            action: event.action.name().to_owned(),
            actor_id: event.actor_id.clone(),
            subject_id: event.subject_id.clone(),
            organization_id: event.organization_id.clone(),
            ip_address: event.ip_address.clone(),
            user_agent: event.user_agent.clone(),
            detail: event.detail.clone(),
            created_at: rfc3339(event.created_at),
        }
    }
}

/// A webhook's body, in the Standard Webhooks shape: `{type, timestamp, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookPayload {
    /// The action's name.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened (RFC 3339).
    pub timestamp: String,
    /// The event.
    pub data: EventData,
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Auth {
    /// Records `entry` in `conn`'s transaction, and queues it for every webhook endpoint
    /// that announces its action. The event carries the origin of the request being served.
    pub async fn audit(
        &self,
        conn: &impl ConnectionTrait,
        entry: AuditEntry,
    ) -> Result<(), StoreError> {
        let (ip_address, user_agent) = origin::current();
        let event = AuditEvent {
            id: AuditEventId::generate(),
            action: entry.action,
            actor_id: entry.actor,
            subject_id: entry.subject,
            organization_id: entry.organization,
            ip_address,
            user_agent,
            detail: Value::Object(entry.detail),
            created_at: self.now(),
        };
        audit_events::insert(conn, &event).await?;
        let config = &self.config().audit;
        if config.webhooks.is_empty() || !config.announces(event.action) {
            return Ok(());
        }
        let payload = WebhookPayload {
            kind: event.action.name().to_owned(),
            timestamp: rfc3339(event.created_at),
            data: EventData::from(&event),
        };
        let body =
            serde_json::to_string(&payload).map_err(|e| StoreError::Database(e.to_string()))?;
        for endpoint in &config.webhooks {
            webhook_deliveries::insert(conn, &event.id, &endpoint.url, &body, event.created_at)
                .await?;
        }
        Ok(())
    }
}
