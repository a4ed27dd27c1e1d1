//! Registering a passkey from a signed-in, fresh session: options with a challenge, then
//! the authenticator's answer checked and stored.

use super::ceremony;
use super::challenge::{Ceremony, PendingCeremony};
use super::options::{
    ALGORITHMS, AuthenticatorSelection, CreationOptions, CredentialDescriptor, CredentialParameter,
    RegistrationQuery, RelyingParty, TIMEOUT_MS, UserEntity,
};
use super::responses::{Registration, canonical_id};
use super::{PasskeyChallengeToken, PasskeyError};
use crate::flows::ActiveSession;
use crate::tokens::random_alphanumeric;
use crate::{Auth, AuthError};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use beep_domain::{Audit, Passkey, PasskeyDeviceType, PasskeyId};
use beep_store::StoreError;
use beep_store::repos::{passkeys, users};

/// Longest passkey name kept.
pub const MAX_NAME_CHARS: usize = 255;

impl Auth {
    /// Starts a registration for the session's user: the options for the browser and the
    /// token for the challenge cookie.
    pub async fn passkey_registration_options(
        &self,
        current: &ActiveSession,
        query: RegistrationQuery,
    ) -> Result<(CreationOptions, PasskeyChallengeToken), AuthError> {
        if !self.is_fresh(&current.session) {
            return Err(AuthError::SessionNotFresh);
        }
        let user = &current.user;
        let existing = passkeys::list_for_user(self.store().conn(), &user.id).await?;
        let challenge = ceremony::new_challenge();
        let settings = &self.config().passkey;
        let account = user.email.as_str().to_owned();
        let options = CreationOptions {
            challenge: challenge.clone(),
            rp: RelyingParty {
                name: settings
                    .rp_name
                    .clone()
                    .unwrap_or_else(|| self.config().app_name.clone()),
                id: settings.rp_id.clone(),
            },
            // A random handle, as better-auth: the user's id never reaches the authenticator.
            user: UserEntity {
                id: URL_SAFE_NO_PAD.encode(random_alphanumeric(32).to_ascii_lowercase()),
                name: query
                    .name
                    .filter(|n| !n.is_empty())
                    .unwrap_or(account.clone()),
                display_name: account,
            },
            pub_key_cred_params: ALGORITHMS
                .iter()
                .map(|alg| CredentialParameter {
                    alg: *alg,
                    kind: "public-key",
                })
                .collect(),
            timeout: TIMEOUT_MS,
            attestation: "none",
            exclude_credentials: existing.iter().map(CredentialDescriptor::of).collect(),
            authenticator_selection: AuthenticatorSelection {
                authenticator_attachment: query.authenticator_attachment,
                resident_key: "preferred",
                user_verification: "preferred",
                require_resident_key: false,
            },
        };
        let token = self
            .open_ceremony(&PendingCeremony {
                ceremony: Ceremony::Registration,
                expected_challenge: challenge,
                user_id: user.id.to_string(),
            })
            .await?;
        Ok((options, token))
    }

    /// Checks the authenticator's answer to the challenge behind `challenge_token` and
    /// stores the new passkey for the session's user.
    pub async fn register_passkey(
        &self,
        current: &ActiveSession,
        challenge_token: Option<&str>,
        response: &serde_json::Value,
        name: Option<String>,
    ) -> Result<Passkey, AuthError> {
        if !self.is_fresh(&current.session) {
            return Err(AuthError::SessionNotFresh);
        }
        let pending = self
            .take_ceremony(challenge_token, Ceremony::Registration)
            .await?;
        if pending.user_id != current.user.id.as_str() {
            return Err(PasskeyError::NotAllowedToRegister.into());
        }
        let refused = PasskeyError::FailedToVerifyRegistration;
        let registration = Registration::read(response).ok_or(refused)?;
        let settings = &self.config().passkey;
        let expected = pending.expected(settings);
        let credential = ceremony::verify_registration(
            &expected,
            &registration.client_data_json,
            &registration.attestation_object,
        )
        .map_err(|why| {
            tracing::info!(user_id = %current.user.id, %why, "passkey registration refused");
            refused
        })?;
        if credential.id != registration.id {
            return Err(refused.into());
        }
        let now = self.now();
        let passkey = Passkey {
            id: PasskeyId::generate(),
            name: name
                .map(|n| n.trim().chars().take(MAX_NAME_CHARS).collect::<String>())
                .filter(|n| !n.is_empty()),
            user_id: current.user.id.clone(),
            credential_id: canonical_id(&credential.id),
            public_key: STANDARD.encode(&credential.public_key_cose),
            counter: i64::from(credential.sign_count),
            device_type: if credential.backup_eligible {
                PasskeyDeviceType::MultiDevice
            } else {
                PasskeyDeviceType::SingleDevice
            },
            backed_up: credential.backed_up,
            transports: registration.transports.join(","),
            aaguid: Some(uuid_text(&credential.aaguid)),
            audit: Audit::created(now, Some(current.user.id.as_str())),
        };
        let tx = self.store().write().await?;
        // Counted under the user's lock, so racing registrations cannot pass the limit.
        users::lock(&tx, &current.user.id).await?;
        if passkeys::count_for_user(&tx, &current.user.id).await? >= settings.max_per_user {
            return Err(PasskeyError::TooManyPasskeys.into());
        }
        match passkeys::insert(&tx, &passkey).await {
            Ok(()) => {}
            // The credential is registered already (to this user or another).
            Err(StoreError::Conflict) => return Err(refused.into()),
            Err(other) => return Err(other.into()),
        }
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %current.user.id, passkey_id = %passkey.id, "passkey registered");
        Ok(passkey)
    }
}

/// An AAGUID as a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
fn uuid_text(bytes: &[u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
