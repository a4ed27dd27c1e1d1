//! Which admin action a route performs, and whether the caller may.

use super::AdminError;
use crate::{Auth, AuthError};
use beep_domain::admin_access::AdminReach;
use beep_domain::{PermissionRequest, User};

/// An action of the admin API, as one `resource:action` statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction {
    /// `user:create`
    CreateUsers,
    /// `user:list`
    ListUsers,
    /// `user:get`
    GetUser,
    /// `user:update`
    UpdateUsers,
    /// `user:set-role`
    ChangeRole,
    /// `user:set-email`
    SetEmail,
    /// `user:ban`
    BanUsers,
    /// `user:impersonate`
    ImpersonateUsers,
    /// `user:delete`
    DeleteUsers,
    /// `user:set-password`
    SetPassword,
    /// `session:list`
    ListSessions,
    /// `session:revoke`
    RevokeSessions,
}

impl AdminAction {
    /// The statement checked.
    fn statement(self) -> (&'static str, &'static str) {
        match self {
            Self::CreateUsers => ("user", "create"),
            Self::ListUsers => ("user", "list"),
            Self::GetUser => ("user", "get"),
            Self::UpdateUsers => ("user", "update"),
            Self::ChangeRole => ("user", "set-role"),
            Self::SetEmail => ("user", "set-email"),
            Self::BanUsers => ("user", "ban"),
            Self::ImpersonateUsers => ("user", "impersonate"),
            Self::DeleteUsers => ("user", "delete"),
            Self::SetPassword => ("user", "set-password"),
            Self::ListSessions => ("session", "list"),
            Self::RevokeSessions => ("session", "revoke"),
        }
    }

    /// The code of the refusal when the caller may not.
    pub(super) fn refusal_code(self) -> &'static str {
        match self {
            Self::CreateUsers => "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS",
            Self::ListUsers => "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS",
            Self::GetUser => "YOU_ARE_NOT_ALLOWED_TO_GET_USER",
            Self::UpdateUsers => "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS",
            Self::ChangeRole => "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE",
            Self::SetEmail => "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL",
            Self::BanUsers => "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS",
            Self::ImpersonateUsers => "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS",
            Self::DeleteUsers => "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS",
            Self::SetPassword => "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD",
            Self::ListSessions => "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS",
            Self::RevokeSessions => "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS",
        }
    }

    /// The message of that refusal.
    pub(super) fn refusal_message(self) -> &'static str {
        match self {
            Self::CreateUsers => "You are not allowed to create users",
            Self::ListUsers => "You are not allowed to list users",
            Self::GetUser => "You are not allowed to get user",
            Self::UpdateUsers => "You are not allowed to update users",
            Self::ChangeRole => "You are not allowed to change users role",
            Self::SetEmail => "You are not allowed to update users email",
            Self::BanUsers => "You are not allowed to ban users",
            Self::ImpersonateUsers => "You are not allowed to impersonate users",
            Self::DeleteUsers => "You are not allowed to delete users",
            Self::SetPassword => "You are not allowed to set users password",
            Self::ListSessions => "You are not allowed to list users sessions",
            Self::RevokeSessions => "You are not allowed to revoke users sessions",
        }
    }
}

impl Auth {
    /// How far `user` reaches in the admin API.
    pub fn admin_reach(&self, user: &User) -> AdminReach {
        let config = &self.config().admin;
        if config.admin_user_ids.contains(&user.id) {
            AdminReach::Everything
        } else if user
            .roles()
            .any(|role| config.admin_roles.iter().any(|admin| admin == role))
        {
            AdminReach::AdminRole
        } else {
            AdminReach::None
        }
    }

    /// `admin/has-permission`: whether `user` may do all of `request`.
    pub fn has_admin_permission(&self, user: &User, request: &PermissionRequest) -> bool {
        self.admin_reach(user).allows(request)
    }

    /// Refuses with the action's `YOU_ARE_NOT_ALLOWED_TO_…` unless `user` may do it.
    pub(super) fn authorize_admin(
        &self,
        user: &User,
        action: AdminAction,
    ) -> Result<(), AuthError> {
        let (resource, verb) = action.statement();
        if self.has_admin_permission(user, &PermissionRequest::one(resource, verb)) {
            Ok(())
        } else {
            Err(AdminError::NotAllowed(action).into())
        }
    }

    /// Whether `user` counts as an admin (so impersonating them takes more).
    pub(super) fn is_admin(&self, user: &User) -> bool {
        self.admin_reach(user) != AdminReach::None
    }
}
