//! Database mirrors of the domain enums: native enum types on PostgreSQL, checked TEXT on
//! SQLite. Each converts to and from its domain twin without loss.

use sea_orm::entity::prelude::*;

macro_rules! db_enum {
    ($name:ident => $domain:ident, $db_name:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[doc = concat!("Database form of [`beep_domain::", stringify!($domain), "`].")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "Enum", enum_name = $db_name)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                #[sea_orm(string_value = $text)]
                $variant
            ),+
        }

        impl From<beep_domain::$domain> for $name {
            fn from(value: beep_domain::$domain) -> Self {
                match value {
                    $(beep_domain::$domain::$variant => $name::$variant),+
                }
            }
        }

        impl From<$name> for beep_domain::$domain {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => beep_domain::$domain::$variant),+
                }
            }
        }
    };
}

db_enum!(DbMemberStatus => MemberStatus, "member_status", {
    Active => "active", Inactive => "inactive", Suspended => "suspended",
});
db_enum!(DbInvitationStatus => InvitationStatus, "invitation_status", {
    Pending => "pending", Accepted => "accepted", Rejected => "rejected", Canceled => "canceled",
});
db_enum!(DbOrganizationType => OrganizationType, "organization_type", {
    Individual => "individual", Team => "team", Enterprise => "enterprise",
});
db_enum!(DbSubscriptionTier => SubscriptionTier, "subscription_tier", {
    Free => "free", Plus => "plus", Pro => "pro", Enterprise => "enterprise",
});
db_enum!(DbSubscriptionStatus => SubscriptionStatus, "subscription_status", {
    Active => "active", Trialing => "trialing", PastDue => "past_due", Canceled => "canceled",
    Unpaid => "unpaid",
});
db_enum!(DbOutboxStatus => OutboxStatus, "outbox_status", {
    Pending => "pending", Sent => "sent", Failed => "failed",
});
