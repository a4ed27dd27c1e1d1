//! A ceremony's challenge: a verification row `passkey:<digest of the token>` holding the
//! challenge and whose ceremony it is, and the token in the signed `better-auth-passkey`
//! cookie. A challenge is consumed by the first answer to it, right or wrong.

use super::ceremony::Expected;
use super::{PasskeyConfig, PasskeyError};
use crate::tokens::LinkToken;
use crate::{Auth, AuthError};
use beep_domain::{Audit, Verification, VerificationId};
use beep_store::repos::verifications;
use serde::{Deserialize, Serialize};

/// The cookie's secret: a [`LinkToken`] stored only as a digest.
pub type PasskeyChallengeToken = LinkToken;

/// Verification purpose of a ceremony's challenge.
const PURPOSE: &str = "passkey";

/// Which ceremony a challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Ceremony {
    /// Adding a passkey to the signed-in user.
    Registration,
    /// Signing in with one.
    Authentication,
}

/// What the challenge row holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PendingCeremony {
    /// Registration or authentication.
    #[serde(rename = "type")]
    pub ceremony: Ceremony,
    /// The challenge sent, base64url.
    pub expected_challenge: String,
    /// Whose session started it (`""` for a sign-in).
    pub user_id: String,
}

impl PendingCeremony {
    /// What the answer to this ceremony is checked against.
    pub(super) fn expected<'a>(&'a self, settings: &'a PasskeyConfig) -> Expected<'a> {
        Expected {
            challenge: &self.expected_challenge,
            origins: &settings.origins,
            rp_id: &settings.rp_id,
            user_verification: settings.require_user_verification,
        }
    }
}

impl Auth {
    /// Records a challenge; the token for the cookie.
    pub(super) async fn open_ceremony(
        &self,
        pending: &PendingCeremony,
    ) -> Result<PasskeyChallengeToken, AuthError> {
        let token = PasskeyChallengeToken::generate();
        let now = self.now();
        let created_by = (!pending.user_id.is_empty()).then_some(pending.user_id.as_str());
        verifications::insert(
            self.store().conn(),
            &Verification {
                id: VerificationId::generate(),
                identifier: token.identifier(PURPOSE),
                value: serde_json::to_string(pending).unwrap_or_default(),
                expires_at: now + self.config().passkey.challenge_lifetime,
                audit: Audit::created(now, created_by),
            },
        )
        .await?;
        Ok(token)
    }

    /// Consumes the challenge behind a cookie's token, if it is in force and of `ceremony`.
    pub(super) async fn take_ceremony(
        &self,
        token: Option<&str>,
        ceremony: Ceremony,
    ) -> Result<PendingCeremony, AuthError> {
        let missing = PasskeyError::ChallengeNotFound;
        let token = token.and_then(LinkToken::from_client).ok_or(missing)?;
        let row =
            verifications::consume(self.store().conn(), &token.identifier(PURPOSE), self.now())
                .await?
                .ok_or(missing)?;
        serde_json::from_str::<PendingCeremony>(&row.value)
            .ok()
            .filter(|pending| pending.ceremony == ceremony)
            .ok_or(missing.into())
    }
}
