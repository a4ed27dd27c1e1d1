//! The admin routes' answers, in better-auth's shapes.

use crate::wire::{SessionJson, UserJson};
use serde::Serialize;
use utoipa::ToSchema;

/// `{users, total, limit?, offset?}`: `limit` and `offset` are echoed when asked for and
/// not zero, as better-auth does.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserListJson {
    /// The page of users.
    pub users: Vec<UserJson>,
    /// How many users the search and filter keep in all.
    pub total: u64,
    /// The page size asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The offset asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// `{user}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserEnvelopeJson {
    /// The user as it is now.
    pub user: UserJson,
}

/// `{sessions}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSessionsJson {
    /// The user's unexpired sessions.
    pub sessions: Vec<SessionJson>,
}

/// `{session, user}`: the session now in the cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSignedInJson {
    /// The session.
    pub session: SessionJson,
    /// Its user.
    pub user: UserJson,
}

/// `{success: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSuccessJson {
    /// Always true.
    pub success: bool,
}

/// `{status: true}` (set-user-password's answer).
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminStatusJson {
    /// Always true.
    pub status: bool,
}

/// `{error: null, success}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminPermissionJson {
    /// Always `null`.
    #[schema(value_type = Option<String>)]
    pub error: Option<()>,
    /// Whether the caller may do all of it.
    pub success: bool,
}
