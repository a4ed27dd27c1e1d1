//! The JSON shapes better-auth's client expects: camelCase fields, ISO-8601 UTC dates with
//! milliseconds. A session's `token` is its public handle, never the cookie secret.

use beep_domain::{Session, User};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// ISO-8601 UTC with milliseconds, as JavaScript's `Date.toISOString`.
pub fn iso(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A user on the wire.
// The schema names the type `User`, as better-auth's documents do; every field is always
// sent (an absent image is `null`), so every field is required.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserJson {
    /// The user's id (`user_…`).
    id: String,
    /// Display name.
    name: String,
    /// Email address, lower-cased.
    #[schema(format = Email)]
    email: String,
    /// Whether the address has been verified.
    email_verified: bool,
    /// Avatar URL, or `null`.
    #[schema(required = true)]
    image: Option<String>,
    /// Whether a second factor is asked after every first factor.
    two_factor_enabled: bool,
    /// The user's roles, comma-separated (`user`, `admin`).
    role: String,
    /// Whether the user is banned.
    banned: bool,
    /// Why the user is banned, or `null`.
    #[schema(required = true)]
    ban_reason: Option<String>,
    /// When the ban ends by itself, or `null`.
    #[schema(required = true, format = DateTime)]
    ban_expires: Option<String>,
    /// When the user was created (ISO-8601 UTC with milliseconds).
    #[schema(format = DateTime)]
    created_at: String,
    /// When the user last changed.
    #[schema(format = DateTime)]
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
            two_factor_enabled: user.two_factor_enabled,
            role: user.role.clone(),
            banned: user.banned,
            ban_reason: user.ban_reason.clone(),
            ban_expires: user.ban_expires.as_ref().map(iso),
            created_at: iso(&user.audit.created_at),
            updated_at: iso(&user.audit.updated_at),
        }
    }
}

/// A session on the wire.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Session)]
pub struct SessionJson {
    /// The session's id (`sess_…`).
    id: String,
    /// The session's public handle (equal to `id`), never the cookie secret; revoke-session
    /// takes it.
    token: String,
    /// The user the session belongs to.
    user_id: String,
    /// When the session ends unless refreshed.
    #[schema(format = DateTime)]
    expires_at: String,
    /// When the session was created.
    #[schema(format = DateTime)]
    created_at: String,
    /// When the session was last refreshed.
    #[schema(format = DateTime)]
    updated_at: String,
    /// The client address the session was opened from (empty when unknown).
    ip_address: String,
    /// The `User-Agent` the session was opened with (empty when none).
    user_agent: String,
    /// The organization the session acts in, or `null`.
    #[schema(required = true)]
    active_organization_id: Option<String>,
    /// The team the session acts in, or `null`.
    #[schema(required = true)]
    active_team_id: Option<String>,
    /// `{orgId: {name, type, role, isPersonal, subscriptionTier}}` for every organization
    /// where the user is an active member.
    #[schema(schema_with = organization_context_schema)]
    organization_context: serde_json::Value,
    /// The admin acting as the user in this session (impersonation), or `null`.
    #[schema(required = true)]
    impersonated_by: Option<String>,
}

/// The schema of `organizationContext`: a map from organization id to the membership's
/// summary. Written out because the field is a JSON value built by the session hook.
fn organization_context_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let entry = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("name", string())
        .property(
            "type",
            string().description(Some("Organization type, e.g. `individual`")),
        )
        .property(
            "role",
            string().description(Some("The user's role, e.g. `owner`")),
        )
        .property(
            "isPersonal",
            ObjectBuilder::new().schema_type(Type::Boolean),
        )
        .property("subscriptionTier", string())
        .required("name")
        .required("type")
        .required("role")
        .required("isPersonal")
        .required("subscriptionTier");
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(entry))
        .build()
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
            impersonated_by: session.impersonated_by.as_ref().map(ToString::to_string),
        }
    }
}

/// `{session, user}`, the body of get-session.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = SessionWithUser)]
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
