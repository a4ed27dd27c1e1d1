//! Who may use the admin API: better-auth's `admin()` statements and its `admin` role.
//!
//! A user is an admin when one of their roles is an admin role, or when their id is listed
//! as an admin user. An admin role allows every statement except impersonating other
//! admins; a listed admin user is allowed everything. Other roles allow nothing here.

use crate::PermissionRequest;
use crate::access::Grants;

/// Every admin resource and its actions (better-auth's admin `defaultStatements`).
pub const ADMIN_STATEMENTS: Grants = &[
    (
        "user",
        &[
            "create",
            "list",
            "set-role",
            "ban",
            "impersonate",
            "impersonate-admins",
            "delete",
            "set-password",
            "set-email",
            "set-phone",
            "get",
            "update",
        ],
    ),
    ("session", &["list", "revoke", "delete"]),
];

/// The one statement an admin role lacks: impersonating other admins.
const ADMINS_ONLY_BY_LIST: (&str, &str) = ("user", "impersonate-admins");

/// How far a user reaches in the admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminReach {
    /// Not an admin: nothing.
    None,
    /// Holds an admin role: everything but impersonating admins.
    AdminRole,
    /// Listed as an admin user: everything.
    Everything,
}

impl AdminReach {
    /// Whether this reach allows the whole request.
    pub fn allows(self, request: &PermissionRequest) -> bool {
        match self {
            Self::None => false,
            Self::AdminRole => {
                !request.wants(ADMINS_ONLY_BY_LIST.0, ADMINS_ONLY_BY_LIST.1)
                    && request.granted_by(ADMIN_STATEMENTS)
            }
            Self::Everything => request.granted_by(ADMIN_STATEMENTS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_role_may_ban_but_not_impersonate_admins() {
        assert!(AdminReach::AdminRole.allows(&PermissionRequest::one("user", "ban")));
        assert!(
            !AdminReach::AdminRole.allows(&PermissionRequest::one("user", "impersonate-admins"))
        );
    }

    #[test]
    fn a_listed_admin_may_do_everything_known_and_nothing_unknown() {
        assert!(
            AdminReach::Everything.allows(&PermissionRequest::one("user", "impersonate-admins"))
        );
        assert!(!AdminReach::Everything.allows(&PermissionRequest::one("user", "fly")));
        assert!(!AdminReach::Everything.allows(&PermissionRequest::one("organization", "update")));
    }

    #[test]
    fn a_non_admin_may_do_nothing() {
        assert!(!AdminReach::None.allows(&PermissionRequest::one("user", "list")));
    }
}
