//! The seed's enum kits. Each enum lists every variant in `ALL` and spells each one as the
//! database and the wire do; the store maps them to native PostgreSQL enums and to checked
//! TEXT on SQLite, and a store test proves both hold exactly these variants.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A string did not name a variant of the enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind}")]
pub struct UnknownVariant {
    /// The enum's name.
    pub kind: &'static str,
    /// The text that was given.
    pub value: String,
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $db_name:literal, { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// The name of the database enum type.
            pub const DB_NAME: &'static str = $db_name;
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The variant as stored and sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownVariant { kind: $db_name, value: value.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// A built-in role in an organization (better-auth's default roles). Members hold a set
    /// of role names ([`crate::Roles`]), stored as text.
    MemberRole, "member_role", {
        /// Everything, including deleting the organization.
        Owner => "owner",
        /// Everything except deleting the organization.
        Admin => "admin",
        /// Read access.
        Member => "member",
    }
);

string_enum!(
    /// Whether a membership is in force.
    MemberStatus, "member_status", {
        /// The member may act in the organization.
        Active => "active",
        /// The membership is paused by the organization.
        Inactive => "inactive",
        /// The membership is blocked.
        Suspended => "suspended",
    }
);

string_enum!(
    /// Where an invitation stands.
    InvitationStatus, "invitation_status", {
        /// Sent, not yet answered.
        Pending => "pending",
        /// The invitee joined.
        Accepted => "accepted",
        /// The invitee declined.
        Rejected => "rejected",
        /// The organization withdrew it.
        Canceled => "canceled",
    }
);

string_enum!(
    /// What kind of organization this is.
    OrganizationType, "organization_type", {
        /// One person's own organization, made at sign-up.
        Individual => "individual",
        /// A group of people.
        Team => "team",
        /// A company with enterprise features.
        Enterprise => "enterprise",
    }
);

string_enum!(
    /// The organization's plan.
    SubscriptionTier, "subscription_tier", {
        /// The default plan.
        Free => "free",
        /// A paid plan.
        Plus => "plus",
        /// A paid plan with more features.
        Pro => "pro",
        /// A contract plan.
        Enterprise => "enterprise",
    }
);

string_enum!(
    /// Whether the organization's plan is paid up.
    SubscriptionStatus, "subscription_status", {
        /// In force.
        Active => "active",
        /// In a trial period.
        Trialing => "trialing",
        /// Payment is overdue.
        PastDue => "past_due",
        /// Ended by the customer.
        Canceled => "canceled",
        /// Ended for non-payment.
        Unpaid => "unpaid",
    }
);

string_enum!(
    /// Where a mail in the outbox stands.
    OutboxStatus, "outbox_status", {
        /// Waiting for (another) delivery attempt.
        Pending => "pending",
        /// Accepted by the transport.
        Sent => "sent",
        /// Given up: a permanent refusal, or every attempt failed.
        Failed => "failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_text() {
        for role in MemberRole::ALL {
            assert_eq!(role.as_str().parse::<MemberRole>(), Ok(*role));
        }
        for status in SubscriptionStatus::ALL {
            assert_eq!(status.as_str().parse::<SubscriptionStatus>(), Ok(*status));
        }
    }

    #[test]
    fn unknown_text_is_refused() {
        assert!("superuser".parse::<MemberRole>().is_err());
        assert!("Owner".parse::<MemberRole>().is_err());
    }
}
