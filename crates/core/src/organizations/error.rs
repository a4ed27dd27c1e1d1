//! How an organization flow refuses: better-auth's error codes and messages, and the kind
//! of refusal each is (the edge turns the kind into a status).

use std::fmt;

/// What kind of refusal an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request names something that is not there, or breaks a rule (400).
    Invalid,
    /// The caller is not recognised for this (401; better-auth uses it for a few denials).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// The feature is turned off (404).
    Disabled,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident => $message:literal),+ $(,)?) => {
        /// better-auth's organization error codes (`ORGANIZATION_ERROR_CODES`), plus those of
        /// beep-iam's additions. The variants are spelled as the wire codes, so a code seen in
        /// a response can be found in the source as it is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum OrgCode {
            $($(#[$doc])* #[doc = $message] $variant),+
        }

        impl OrgCode {
            /// The machine-readable code, as better-auth spells it.
            pub fn code(self) -> &'static str {
                match self {
                    $(OrgCode::$variant => stringify!($variant)),+
                }
            }

            /// The message better-auth sends with it.
            pub fn message(self) -> &'static str {
                match self {
                    $(OrgCode::$variant => $message),+
                }
            }
        }
    };
}

codes! {
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION => "You are not allowed to create a new organization",
    YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS => "You have reached the maximum number of organizations",
    ORGANIZATION_ALREADY_EXISTS => "Organization already exists",
    ORGANIZATION_SLUG_ALREADY_TAKEN => "Organization slug already taken",
    ORGANIZATION_NOT_FOUND => "Organization not found",
    USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION => "User is not a member of the organization",
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION => "You are not allowed to update this organization",
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION => "You are not allowed to delete this organization",
    NO_ACTIVE_ORGANIZATION => "No active organization",
    USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION => "User is already a member of this organization",
    MEMBER_NOT_FOUND => "Member not found",
    ROLE_NOT_FOUND => "Role not found",
    TEAM_NOT_FOUND => "Team not found",
    YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER => "You cannot leave the organization as the only owner",
    YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER => "You cannot leave the organization without an owner",
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER => "You are not allowed to delete this member",
    YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION => "You are not allowed to invite users to this organization",
    USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION => "User is already invited to this organization",
    INVITATION_NOT_FOUND => "Invitation not found",
    YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION => "You are not the recipient of the invitation",
    EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION => "Email verification required before accepting or rejecting invitation",
    EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION => "Email verification required to view or list invitations for the session email",
    YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION => "You are not allowed to cancel this invitation",
    YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS => "You are not allowed to list invitations for this organization",
    INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION => "Inviter is no longer a member of the organization",
    YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE => "You are not allowed to invite a user with this role",
    YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS => "You have reached the maximum number of teams",
    UNABLE_TO_REMOVE_LAST_TEAM => "Unable to remove last team",
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER => "You are not allowed to update this member",
    ORGANIZATION_MEMBERSHIP_LIMIT_REACHED => "Organization membership limit reached",
    YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION => "You are not allowed to create teams in this organization",
    YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION => "You are not allowed to delete teams in this organization",
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM => "You are not allowed to update this team",
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM => "You are not allowed to delete this team",
    INVITATION_LIMIT_REACHED => "Invitation limit reached",
    USER_IS_NOT_A_MEMBER_OF_THE_TEAM => "User is not a member of the team",
    YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM => "You do not have an active team",
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER => "You are not allowed to create a new member",
    YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER => "You are not allowed to remove a team member",
    YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION => "You are not allowed to access this organization as an owner",
    YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION => "You are not a member of this organization",
    INVALID_TEAM_ID => "Team id contains a reserved character",
    ORGANIZATION_DELETION_DISABLED => "Organization deletion is disabled",
    /// beep-iam: the personal organization of a user cannot be deleted.
    PERSONAL_ORGANIZATION_CANNOT_BE_DELETED => "The personal organization cannot be deleted",
    /// beep-iam: the person of a personal organization stays its owner.
    PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER => "The personal organization keeps its owner",
}

/// How the body of a refusal reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `{message, code}` with the code's own message.
    Coded(OrgCode),
    /// `{message, code}` with a message of its own (`ROLE_NOT_FOUND: x`, `Invitation not
    /// found!`).
    CodedWith(OrgCode, String),
    /// `{message}` only, as better-auth answers some checks.
    Message(String),
    /// No body at all.
    Empty,
}

/// An organization flow refused the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct OrganizationError {
    /// What kind of refusal.
    pub refusal: Refusal,
    /// What it says.
    pub body: Body,
}

impl fmt::Display for OrganizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.body {
            Body::Coded(code) => f.write_str(code.message()),
            Body::CodedWith(_, message) | Body::Message(message) => f.write_str(message),
            Body::Empty => write!(f, "{:?}", self.refusal),
        }
    }
}

impl OrganizationError {
    /// 400 with a code.
    pub fn invalid(code: OrgCode) -> Self {
        Self {
            refusal: Refusal::Invalid,
            body: Body::Coded(code),
        }
    }

    /// 403 with a code.
    pub fn forbidden(code: OrgCode) -> Self {
        Self {
            refusal: Refusal::Forbidden,
            body: Body::Coded(code),
        }
    }

    /// 401 with a code.
    pub fn unauthenticated(code: OrgCode) -> Self {
        Self {
            refusal: Refusal::Unauthenticated,
            body: Body::Coded(code),
        }
    }

    /// A refusal whose body is only a message.
    pub fn message(refusal: Refusal, message: &str) -> Self {
        Self {
            refusal,
            body: Body::Message(message.to_owned()),
        }
    }

    /// A refusal with no body.
    pub fn empty(refusal: Refusal) -> Self {
        Self {
            refusal,
            body: Body::Empty,
        }
    }

    /// `ROLE_NOT_FOUND: a, b`, with or without the code (better-auth sends it without one
    /// from invite-member and with one from update-member-role).
    pub fn unknown_roles(unknown: &[&str], coded: bool) -> Self {
        let message = format!("ROLE_NOT_FOUND: {}", unknown.join(", "));
        Self {
            refusal: Refusal::Invalid,
            body: if coded {
                Body::CodedWith(OrgCode::ROLE_NOT_FOUND, message)
            } else {
                Body::Message(message)
            },
        }
    }
}
