//! How an admin request is refused: better-auth's `ADMIN_ERROR_CODES`.

/// An admin request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// The caller's roles do not allow the action.
    #[error("{}", .0.refusal_message())]
    NotAllowed(super::AdminAction),
    /// No user with that id.
    #[error("User not found")]
    UserNotFound,
    /// An admin tried to ban themselves.
    #[error("You cannot ban yourself")]
    CannotBanYourself,
    /// An admin tried to remove themselves.
    #[error("You cannot remove yourself")]
    CannotRemoveYourself,
    /// An admin tried to impersonate another admin without the right to.
    #[error("You cannot impersonate admins")]
    CannotImpersonateAdmins,
    /// A role that this server does not know.
    #[error("You are not allowed to set a non-existent role value")]
    NonExistentRole,
    /// An update that changes nothing.
    #[error("No data to update")]
    NoDataToUpdate,
    /// An update-user that carries a password.
    #[error(
        "Password cannot be updated through update-user. Use the set-user-password endpoint instead"
    )]
    PasswordViaUpdateUser,
    /// An update-user that carries an id.
    #[error("User id cannot be updated")]
    UserIdCannotBeUpdated,
    /// The address belongs to another user.
    #[error("User already exists. Use another email.")]
    EmailTaken,
    /// stop-impersonating from a session that is no impersonation.
    #[error("You are not impersonating anyone")]
    NotImpersonating,
    /// stop-impersonating without the admin's own, still valid session.
    #[error("Failed to find admin session")]
    AdminSessionNotFound,
    /// The user is banned, so no session opens for them.
    #[error(
        "You have been banned from this application. Please contact support if you believe this is an error."
    )]
    BannedUser,
}

impl AdminError {
    /// better-auth's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAllowed(action) => action.refusal_code(),
            Self::UserNotFound => "USER_NOT_FOUND",
            Self::CannotBanYourself => "YOU_CANNOT_BAN_YOURSELF",
            Self::CannotRemoveYourself => "YOU_CANNOT_REMOVE_YOURSELF",
            Self::CannotImpersonateAdmins => "YOU_CANNOT_IMPERSONATE_ADMINS",
            Self::NonExistentRole => "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE",
            Self::NoDataToUpdate => "NO_DATA_TO_UPDATE",
            Self::PasswordViaUpdateUser => "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER",
            Self::UserIdCannotBeUpdated => "USER_ID_CANNOT_BE_UPDATED",
            Self::EmailTaken => "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            Self::NotImpersonating => "YOU_ARE_NOT_IMPERSONATING_ANYONE",
            Self::AdminSessionNotFound => "FAILED_TO_FIND_ADMIN_SESSION",
            Self::BannedUser => "BANNED_USER",
        }
    }
}
