//! Signing in with a passkey: options with a challenge (naming the user's passkeys when
//! the caller is known, none for a username-less sign-in), then the authenticator's
//! signature checked against the stored key and counter.
//!
//! One policy with the other first factors: a two-factor user whose authenticator did not
//! verify them (no PIN, no biometrics) has shown one factor only and gets the second-factor
//! challenge, as after a password. A passkey also answers that challenge: after a password,
//! it is the second factor.

use super::cbor::Cbor;
use super::ceremony::{self, CeremonyError};
use super::challenge::{Ceremony, PendingCeremony};
use super::cose::CoseKey;
use super::options::{CredentialDescriptor, RequestOptions, TIMEOUT_MS};
use super::responses::{Authentication, credential_id_of};
use super::{PasskeyChallengeToken, PasskeyError};
use crate::flows::{ClientInfo, SignInOutcome, SignedIn};
use crate::{Auth, AuthError};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use beep_domain::{Passkey, UserId};
use beep_store::StoreError;
use beep_store::repos::{passkeys, users};

/// What a sign-in with a passkey presents.
#[derive(Clone, Copy)]
pub struct PasskeySignIn<'a> {
    /// The challenge cookie's token.
    pub challenge_token: Option<&'a str>,
    /// The browser's `AuthenticationResponseJSON`.
    pub response: &'a serde_json::Value,
    /// The `two_factor` cookie's token: a password sign-in waiting for its second factor.
    pub second_factor_of: Option<&'a str>,
    /// The device's trust token (the `trust_device` cookie), if it has one.
    pub trusted_device: Option<&'a str>,
}

impl std::fmt::Debug for PasskeySignIn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasskeySignIn { [redacted] }")
    }
}

impl Auth {
    /// Starts a sign-in: options for the browser and the token for the challenge cookie.
    /// `for_user` is whoever the caller already is (a session, or a password sign-in
    /// waiting for its second factor): their passkeys are named.
    pub async fn passkey_authentication_options(
        &self,
        for_user: Option<&UserId>,
    ) -> Result<(RequestOptions, PasskeyChallengeToken), AuthError> {
        let allow_credentials = match for_user {
            Some(user) => {
                let keys = passkeys::list_for_user(self.store().conn(), user).await?;
                (!keys.is_empty()).then(|| keys.iter().map(CredentialDescriptor::of).collect())
            }
            None => None,
        };
        let challenge = ceremony::new_challenge();
        let options = RequestOptions {
            rp_id: self.config().passkey.rp_id.clone(),
            challenge: challenge.clone(),
            allow_credentials,
            timeout: TIMEOUT_MS,
            user_verification: "preferred",
        };
        let token = self
            .open_ceremony(&PendingCeremony {
                ceremony: Ceremony::Authentication,
                expected_challenge: challenge,
                user_id: for_user.map(ToString::to_string).unwrap_or_default(),
            })
            .await?;
        Ok((options, token))
    }

    /// The user a `two_factor` cookie's sign-in is for, if it is in force.
    pub async fn second_factor_user(&self, challenge_token: &str) -> Option<UserId> {
        self.pending_second_factor_user(challenge_token).await
    }

    /// Checks a passkey's signature and opens a session, or a second-factor challenge.
    pub async fn sign_in_with_passkey(
        &self,
        input: PasskeySignIn<'_>,
        client: ClientInfo,
    ) -> Result<SignInOutcome, AuthError> {
        let pending = self
            .take_ceremony(input.challenge_token, Ceremony::Authentication)
            .await?;
        let credential_id =
            credential_id_of(input.response).ok_or(PasskeyError::UnknownCredential)?;
        let passkey = passkeys::find_by_credential_id(self.store().conn(), &credential_id)
            .await?
            .ok_or(PasskeyError::UnknownCredential)?;
        let failed = PasskeyError::AuthenticationFailed;
        let answer = Authentication::read(input.response).ok_or(failed)?;
        let key = stored_key(&passkey).ok_or(failed)?;
        let settings = &self.config().passkey;
        let expected = pending.expected(settings);
        let stored_count = u32::try_from(passkey.counter).unwrap_or(u32::MAX);
        let assertion = ceremony::verify_assertion(
            &expected,
            &key,
            stored_count,
            &answer.client_data_json,
            &answer.authenticator_data,
            &answer.signature,
        )
        .map_err(|why| {
            if why == CeremonyError::Counter {
                // A counter that goes back is the one sign a credential was copied.
                tracing::warn!(user_id = %passkey.user_id, passkey_id = %passkey.id, "passkey counter went back");
            } else {
                tracing::info!(user_id = %passkey.user_id, %why, "passkey sign-in refused");
            }
            failed
        })?;

        let tx = self.store().write().await?;
        users::lock(&tx, &passkey.user_id).await?;
        let now = self.now();
        let recorded = passkeys::record_use(
            &tx,
            &passkey,
            i64::from(assertion.sign_count),
            assertion.backed_up,
            now,
        )
        .await?;
        // Another sign-in with this passkey (or its deletion) came first: its counter or
        // existence is not what was checked.
        if !recorded {
            return Err(failed.into());
        }
        let user = users::find_by_id(&tx, &passkey.user_id)
            .await?
            .ok_or(failed)?;
        let remember_me = match input.second_factor_of {
            Some(token) => {
                self.take_second_factor_challenge(&tx, token, &user.id)
                    .await?
            }
            None => None,
        };
        let as_second_factor = remember_me.is_some();
        if !as_second_factor
            && !assertion.user_verified
            && self
                .needs_second_factor(&tx, &user, input.trusted_device)
                .await?
        {
            let challenge = self.open_challenge(&tx, &user, true).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(SignInOutcome::SecondFactorRequired(challenge));
        }
        let (session, token) = self
            .create_session(&tx, &user, remember_me.unwrap_or(true), &client)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user.id, passkey_id = %passkey.id, as_second_factor, "user signed in with a passkey");
        Ok(SignInOutcome::SignedIn(Box::new(SignedIn {
            user,
            session,
            token,
        })))
    }
}

/// The stored public key, read.
fn stored_key(passkey: &Passkey) -> Option<CoseKey> {
    let bytes = STANDARD.decode(&passkey.public_key).ok()?;
    let cbor = Cbor::read_exact(&bytes).ok()?;
    CoseKey::from_cbor(&cbor).ok()
}
