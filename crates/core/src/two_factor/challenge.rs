//! The challenge a first factor leaves when the user has a second factor: a verification row
//! `two-factor:<digest of the token>` holding whose sign-in it is, and the token in the
//! signed `two_factor` cookie. Also the trusted-device check that lets a sign-in skip it.

use super::TwoFactorError;
use crate::flows::ClientInfo;
use crate::tokens::{LinkToken, digest_hex};
use crate::{Auth, AuthError};
use beep_domain::{
    Audit, TrustedDevice, TrustedDeviceId, User, UserId, Verification, VerificationId,
};
use beep_store::ConnectionTrait;
use beep_store::StoreError;
use beep_store::repos::{passkeys, trusted_devices, two_factors, verifications};
use serde::{Deserialize, Serialize};

/// The `two_factor` cookie's secret: a [`LinkToken`] stored only as a digest.
pub type ChallengeToken = LinkToken;

/// Verification purpose of a pending challenge.
pub(super) const PURPOSE: &str = "two-factor";

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone)]
pub struct SecondFactorChallenge {
    /// For the `two_factor` cookie.
    pub token: ChallengeToken,
    /// What the user may answer with: `totp` and/or `otp`.
    pub methods: Vec<&'static str>,
}

/// What the challenge row holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Pending {
    /// Whose sign-in.
    pub user_id: String,
    /// Whether the session, once opened, is remembered.
    pub remember_me: bool,
    /// Wrong codes so far.
    pub attempts: u32,
}

impl Auth {
    /// Whether a first factor for `user` must be followed by a second: the user has one and
    /// the device's trust token (if any) is not one of theirs still in force.
    pub(crate) async fn needs_second_factor(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        device_token: Option<&str>,
    ) -> Result<bool, StoreError> {
        if !user.two_factor_enabled {
            return Ok(false);
        }
        let Some(token) = device_token.and_then(LinkToken::from_client) else {
            return Ok(true);
        };
        let trusted =
            trusted_devices::find_trusted(conn, &user.id, &digest_hex(token.expose()), self.now())
                .await?;
        Ok(trusted.is_none())
    }

    /// Records a challenge for `user` inside `conn`'s transaction.
    pub(crate) async fn open_challenge(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        remember_me: bool,
    ) -> Result<SecondFactorChallenge, StoreError> {
        let token = ChallengeToken::generate();
        let now = self.now();
        let pending = Pending {
            user_id: user.id.to_string(),
            remember_me,
            attempts: 0,
        };
        verifications::insert(
            conn,
            &Verification {
                id: VerificationId::generate(),
                identifier: token.identifier(PURPOSE),
                value: serde_json::to_string(&pending).unwrap_or_default(),
                expires_at: now + self.config().two_factor.challenge_lifetime,
                audit: Audit::created(now, Some(user.id.as_str())),
            },
        )
        .await?;
        let mut methods = Vec::new();
        if let Some(enrolment) = two_factors::find_for_user(conn, &user.id).await?
            && enrolment.verified
        {
            methods.push("totp");
        }
        if self.config().two_factor.otp_enabled {
            methods.push("otp");
        }
        // A passkey answers the challenge too (see `passkeys::authentication`).
        if passkeys::count_for_user(conn, &user.id).await? > 0 {
            methods.push("passkey");
        }
        tracing::info!(user_id = %user.id, "second factor required");
        Ok(SecondFactorChallenge { token, methods })
    }

    /// The challenge behind a `two_factor` cookie, if it is in force.
    pub(super) async fn find_challenge(
        &self,
        token: &str,
    ) -> Result<(Verification, Pending), AuthError> {
        let refused = TwoFactorError::InvalidTwoFactorCookie;
        let token = LinkToken::from_client(token).ok_or(refused)?;
        let row = verifications::find(self.store().conn(), &token.identifier(PURPOSE))
            .await?
            .filter(|row| row.expires_at > self.now())
            .ok_or(refused)?;
        let pending: Pending = serde_json::from_str(&row.value).map_err(|_| refused)?;
        Ok((row, pending))
    }

    /// The user a challenge is for, if it is in force.
    pub(crate) async fn pending_second_factor_user(&self, token: &str) -> Option<UserId> {
        let (_, pending) = self.find_challenge(token).await.ok()?;
        Some(UserId::unchecked(&pending.user_id))
    }

    /// Consumes `user`'s challenge behind `token` inside `conn`'s transaction, when a factor
    /// other than a code (a passkey) answered it: whether the session is remembered, or
    /// `None` when the token names no challenge of `user`'s in force.
    pub(crate) async fn take_second_factor_challenge(
        &self,
        conn: &impl ConnectionTrait,
        token: &str,
        user: &UserId,
    ) -> Result<Option<bool>, StoreError> {
        let Some(token) = LinkToken::from_client(token) else {
            return Ok(None);
        };
        let identifier = token.identifier(PURPOSE);
        let Some(row) = verifications::find(conn, &identifier).await? else {
            return Ok(None);
        };
        let Ok(pending) = serde_json::from_str::<Pending>(&row.value) else {
            return Ok(None);
        };
        if pending.user_id != user.as_str() {
            return Ok(None);
        }
        let consumed = verifications::consume(conn, &identifier, self.now()).await?;
        Ok(consumed.map(|_| pending.remember_me))
    }

    /// Trusts the device of this sign-in: a row for the token's digest, and the token back
    /// for the cookie.
    pub(super) async fn trust_device(
        &self,
        conn: &impl ConnectionTrait,
        user: &UserId,
        client: &ClientInfo,
    ) -> Result<LinkToken, StoreError> {
        let token = LinkToken::generate();
        let now = self.now();
        trusted_devices::insert(
            conn,
            &TrustedDevice {
                id: TrustedDeviceId::generate(),
                user_id: user.clone(),
                token_digest: digest_hex(token.expose()),
                expires_at: now + self.config().two_factor.trust_device_for,
                user_agent: client.user_agent.chars().take(512).collect(),
                audit: Audit::created(now, Some(user.as_str())),
            },
        )
        .await?;
        Ok(token)
    }
}
