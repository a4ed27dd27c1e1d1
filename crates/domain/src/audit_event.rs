//! Security events: what the audit log records and webhooks announce.

use crate::AuditEventId;
use chrono::{DateTime, Utc};

/// What happened. The name (`user.signed_in`) is the audit log's `action` and the webhook's
/// `type`; it never changes once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A user was created (email and password, or a first social sign-in).
    UserSignedUp,
    /// A session was opened, by any method.
    UserSignedIn,
    /// A password sign-in was refused.
    SignInFailed,
    /// A user ended their own session.
    UserSignedOut,
    /// A user ended other sessions of theirs.
    SessionsRevoked,
    /// A user changed their password.
    PasswordChanged,
    /// A password was reset by a mailed link.
    PasswordReset,
    /// A user's email address changed.
    EmailChanged,
    /// A user deleted their account.
    UserDeleted,
    /// Two-factor authentication was turned on.
    TwoFactorEnabled,
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A passkey was registered.
    PasskeyAdded,
    /// A passkey was deleted.
    PasskeyDeleted,
    /// An API key was created.
    ApiKeyCreated,
    /// An API key was changed.
    ApiKeyUpdated,
    /// An API key was deleted.
    ApiKeyDeleted,
    /// An administrator created a user.
    AdminUserCreated,
    /// An administrator changed a user's fields.
    AdminUserUpdated,
    /// An administrator set a user's role.
    AdminRoleSet,
    /// An administrator set a user's password.
    AdminPasswordSet,
    /// An administrator banned a user.
    AdminUserBanned,
    /// An administrator lifted a ban.
    AdminUserUnbanned,
    /// An administrator removed a user.
    AdminUserRemoved,
    /// An administrator ended one or all of a user's sessions.
    AdminSessionsRevoked,
    /// An administrator began impersonating a user.
    ImpersonationStarted,
    /// An impersonation ended.
    ImpersonationStopped,
    /// An organization was created.
    OrganizationCreated,
    /// An organization was deleted.
    OrganizationDeleted,
    /// Someone joined an organization (added, or by accepting an invitation).
    MemberAdded,
    /// Someone left or was removed from an organization.
    MemberRemoved,
    /// A member's roles changed.
    MemberRoleChanged,
}

impl AuditAction {
    /// Every action, in the order above.
    pub const ALL: [AuditAction; 31] = [
        Self::UserSignedUp,
        Self::UserSignedIn,
        Self::SignInFailed,
        Self::UserSignedOut,
        Self::SessionsRevoked,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::EmailChanged,
        Self::UserDeleted,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::PasskeyAdded,
        Self::PasskeyDeleted,
        Self::ApiKeyCreated,
        Self::ApiKeyUpdated,
        Self::ApiKeyDeleted,
        Self::AdminUserCreated,
        Self::AdminUserUpdated,
        Self::AdminRoleSet,
        Self::AdminPasswordSet,
        Self::AdminUserBanned,
        Self::AdminUserUnbanned,
        Self::AdminUserRemoved,
        Self::AdminSessionsRevoked,
        Self::ImpersonationStarted,
        Self::ImpersonationStopped,
        Self::OrganizationCreated,
        Self::OrganizationDeleted,
        Self::MemberAdded,
        Self::MemberRemoved,
        Self::MemberRoleChanged,
    ];

    /// The published name.
    pub fn name(self) -> &'static str {
        match self {
            Self::UserSignedUp => "user.signed_up",
            Self::UserSignedIn => "user.signed_in",
            Self::SignInFailed => "user.sign_in_failed",
            Self::UserSignedOut => "user.signed_out",
            Self::SessionsRevoked => "user.sessions_revoked",
            Self::PasswordChanged => "user.password_changed",
            Self::PasswordReset => "user.password_reset",
            Self::EmailChanged => "user.email_changed",
            Self::UserDeleted => "user.deleted",
            Self::TwoFactorEnabled => "two_factor.enabled",
            Self::TwoFactorDisabled => "two_factor.disabled",
            Self::PasskeyAdded => "passkey.added",
            Self::PasskeyDeleted => "passkey.deleted",
            Self::ApiKeyCreated => "api_key.created",
            Self::ApiKeyUpdated => "api_key.updated",
            Self::ApiKeyDeleted => "api_key.deleted",
            Self::AdminUserCreated => "admin.user_created",
            Self::AdminUserUpdated => "admin.user_updated",
            Self::AdminRoleSet => "admin.role_set",
            Self::AdminPasswordSet => "admin.password_set",
            Self::AdminUserBanned => "admin.user_banned",
            Self::AdminUserUnbanned => "admin.user_unbanned",
            Self::AdminUserRemoved => "admin.user_removed",
            Self::AdminSessionsRevoked => "admin.sessions_revoked",
            Self::ImpersonationStarted => "admin.impersonation_started",
            Self::ImpersonationStopped => "admin.impersonation_stopped",
            Self::OrganizationCreated => "organization.created",
            Self::OrganizationDeleted => "organization.deleted",
            Self::MemberAdded => "organization.member_added",
            Self::MemberRemoved => "organization.member_removed",
            Self::MemberRoleChanged => "organization.member_role_changed",
        }
    }

    /// The action with this published name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.name() == name)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One recorded security event. It holds ids and request metadata only: never a password,
/// token, code or key.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// `evt_…`, time-ordered.
    pub id: AuditEventId,
    /// What happened.
    pub action: AuditAction,
    /// Who did it: a user id, or `None` for an anonymous caller or the system.
    pub actor_id: Option<String>,
    /// Whom it concerns: usually a user id.
    pub subject_id: Option<String>,
    /// The organization it happened in, if any.
    pub organization_id: Option<String>,
    /// The caller's IP address, when the event came from a request.
    pub ip_address: Option<String>,
    /// The caller's user agent, when the event came from a request.
    pub user_agent: Option<String>,
    /// Further facts (a JSON object: role names, key ids, a refusal reason).
    pub detail: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_name_that_reads_back() {
        let mut names: Vec<_> = AuditAction::ALL.iter().map(|a| a.name()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_name(action.name()), Some(action));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::from_name("user.unknown"), None);
    }
}
