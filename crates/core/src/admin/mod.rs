//! The admin API (better-auth's `admin()`): operators list, create, change, ban and remove
//! users, manage their sessions, and impersonate them for support.
//!
//! An admin is a user holding one of the admin roles, or listed by id in the configuration
//! (the way to bootstrap the first one). A ban deletes every session of the user and keeps
//! new ones from opening until it is lifted or expires; every node sees it at once, because
//! the session caches are told as for any revocation.

mod access;
mod bans;
mod error;
mod impersonation;
mod sessions;
mod users;

pub use access::AdminAction;
pub use error::AdminError;
pub use users::{AdminUserChange, NewUserByAdmin, UserList, UserListQuery};

use crate::AuthError;
use beep_domain::{Roles, User, UserId};
use chrono::Duration;

/// Settings of the admin API.
#[derive(Debug, Clone)]
pub struct AdminConfig {
    /// Roles that make their holder an admin (better-auth: `["admin"]`).
    pub admin_roles: Vec<String>,
    /// Users who are admins whatever their roles, allowed everything.
    pub admin_user_ids: Vec<UserId>,
    /// How long an impersonation session lasts (better-auth: one hour).
    pub impersonation_lifetime: Duration,
    /// The reason of a ban given none.
    pub default_ban_reason: String,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            admin_roles: vec!["admin".to_owned()],
            admin_user_ids: Vec::new(),
            impersonation_lifetime: Duration::hours(1),
            default_ban_reason: "No reason".to_owned(),
        }
    }
}

impl AdminConfig {
    /// Checks role names an admin sets: each must be `user` or an admin role. Returns them
    /// comma-joined, as stored.
    pub fn known_roles(&self, roles: &[String]) -> Result<String, AuthError> {
        let parsed = Roles::parse(roles.iter().map(String::as_str));
        if parsed.is_empty() {
            return Err(AdminError::NonExistentRole.into());
        }
        let known =
            |name: &str| name == User::DEFAULT_ROLE || self.admin_roles.iter().any(|r| r == name);
        if parsed.names().all(known) {
            Ok(parsed.stored())
        } else {
            Err(AdminError::NonExistentRole.into())
        }
    }
}

/// Parses a user id from a request; one that cannot exist is a user not found.
fn target_id(raw: &str) -> Result<UserId, AuthError> {
    UserId::parse(raw).map_err(|_| AdminError::UserNotFound.into())
}
