//! Typed, prefixed entity ids: `user_…`, `org_…`, `sess_…`, with a UUIDv7 inside so ids sort
//! by creation time. One newtype per entity, so a `UserId` never goes where an
//! `OrganizationId` belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A string was not a well-formed id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind} id")]
pub struct InvalidId {
    /// The kind of id that was expected.
    pub kind: &'static str,
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with (before the `_`).
            pub const PREFIX: &'static str = $prefix;

            /// A new, time-ordered id.
            pub fn generate() -> Self {
                Self(format!("{}_{}", $prefix, uuid::Uuid::now_v7().simple()))
            }

            /// Parses an id, checking its prefix and its UUID part.
            pub fn parse(value: &str) -> Result<Self, InvalidId> {
                let valid = value
                    .strip_prefix($prefix)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .is_some_and(|hex| hex.len() == 32 && uuid::Uuid::try_parse(hex).is_ok());
                if valid {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(InvalidId { kind: $prefix })
                }
            }

            /// Wraps a value read back from our own database, where the column only holds ids
            /// this type wrote.
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }

            /// An id a client named, unchecked: for looking a row up only (a malformed one
            /// matches no row), never for storing.
            pub fn unchecked(value: &str) -> Self {
                Self(value.to_owned())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The last `n` characters, used where the seed derives names from an id.
            pub fn suffix(&self, n: usize) -> &str {
                &self.0[self.0.len().saturating_sub(n)..]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

typed_id!(/** Id of a [`crate::User`]. */ UserId, "user");
typed_id!(/** Id of a [`crate::Session`]. */ SessionId, "sess");
typed_id!(/** Id of an [`crate::Account`]. */ AccountId, "acct");
typed_id!(/** Id of a [`crate::Verification`]. */ VerificationId, "verif");
typed_id!(/** Id of an [`crate::Organization`]. */ OrganizationId, "org");
typed_id!(/** Id of a [`crate::Member`]. */ MemberId, "mem");
typed_id!(/** Id of a [`crate::Team`]. */ TeamId, "team");
typed_id!(/** Id of a [`crate::TeamMember`]. */ TeamMemberId, "tmem");
typed_id!(/** Id of an [`crate::Invitation`]. */ InvitationId, "inv");
typed_id!(/** Id of an [`crate::OutboxMail`]. */ OutboxMailId, "mail");
typed_id!(/** Id of one delivery attempt of an outbox mail. */ OutboxAttemptId, "attempt");
typed_id!(/** Id of a [`crate::TwoFactor`] enrolment. */ TwoFactorId, "tfa");
typed_id!(/** Id of a [`crate::TrustedDevice`]. */ TrustedDeviceId, "tdev");
typed_id!(/** Id of a [`crate::Passkey`]. */ PasskeyId, "pk");
typed_id!(/** Id of an [`crate::ApiKey`]. */ ApiKeyId, "ak");
typed_id!(/** Id of a [`crate::JsonWebKey`]: the `kid` of the JWTs it signs. */ JsonWebKeyId, "jwk");
typed_id!(/** Id of an [`crate::OAuthClient`] row (not its public `client_id`). */ OAuthClientId, "oac");
typed_id!(/** Id of an [`crate::OAuthAccessToken`]. */ OAuthAccessTokenId, "oat");
typed_id!(/** Id of an [`crate::OAuthGrant`]: one authorization and every token descending from it. */ OAuthGrantId, "oag");
typed_id!(/** Id of an [`crate::OAuthRefreshToken`]. */ OAuthRefreshTokenId, "oar");
typed_id!(/** Id of an [`crate::OAuthConsent`]. */ OAuthConsentId, "ocn");
typed_id!(/** Id of a [`crate::DeviceCode`]. */ DeviceCodeId, "dvc");
typed_id!(/** Id of a [`crate::AuditEvent`]: also the `webhook-id` of its deliveries. */ AuditEventId, "evt");
typed_id!(/** Id of one webhook delivery (an event to one endpoint). */ WebhookDeliveryId, "whd");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_carry_their_prefix_and_parse_back() {
        let id = UserId::generate();
        assert!(id.as_str().starts_with("user_"));
        assert_eq!(UserId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn an_id_of_another_kind_does_not_parse() {
        let org = OrganizationId::generate();
        assert!(UserId::parse(org.as_str()).is_err());
        assert!(UserId::parse("user_not-a-uuid").is_err());
        assert!(UserId::parse("").is_err());
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let first = SessionId::generate();
        let second = SessionId::generate();
        assert!(first < second);
    }
}
