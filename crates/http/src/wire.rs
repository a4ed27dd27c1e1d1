//! The JSON shapes better-auth's client expects: camelCase fields, ISO-8601 UTC dates with
//! milliseconds. A session's `token` is its public handle, never the cookie secret.

use beep_domain::{Session, User};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// ISO-8601 UTC with milliseconds, as JavaScript's `Date.toISOString`.
pub fn iso(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A user on the wire.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    id: String,
    name: String,
    email: String,
    email_verified: bool,
    image: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<&User> for UserJson {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            name: user.name.clone(),
            email: user.email.to_string(),
            email_verified: user.email_verified,
            image: user.image.clone(),
            created_at: iso(&user.audit.created_at),
            updated_at: iso(&user.audit.updated_at),
        }
    }
}

/// A session on the wire.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionJson {
    id: String,
    token: String,
    user_id: String,
    expires_at: String,
    created_at: String,
    updated_at: String,
    ip_address: String,
    user_agent: String,
    active_organization_id: Option<String>,
    active_team_id: Option<String>,
    organization_context: serde_json::Value,
}

impl From<&Session> for SessionJson {
    fn from(session: &Session) -> Self {
        Self {
            id: session.id.to_string(),
            token: session.id.to_string(),
            user_id: session.user_id.to_string(),
            expires_at: iso(&session.expires_at),
            created_at: iso(&session.audit.created_at),
            updated_at: iso(&session.audit.updated_at),
            ip_address: session.ip_address.clone(),
            user_agent: session.user_agent.clone(),
            active_organization_id: session
                .active_organization_id
                .as_ref()
                .map(ToString::to_string),
            active_team_id: session.active_team_id.as_ref().map(ToString::to_string),
            organization_context: session.organization_context.clone(),
        }
    }
}

/// `{session, user}`, the body of get-session.
#[derive(Debug, Clone, Serialize)]
pub struct SessionWithUser {
    /// The session.
    pub session: SessionJson,
    /// Its user.
    pub user: UserJson,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_look_like_javascripts_to_iso_string() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 13, 44, 23).unwrap()
            + chrono::Duration::milliseconds(765);
        assert_eq!(iso(&t), "2026-11-22T13:44:23.765Z");
        let whole = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(iso(&whole), "2026-01-02T03:04:05.000Z");
    }
}
