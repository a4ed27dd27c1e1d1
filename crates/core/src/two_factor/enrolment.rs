//! Turning second factors on and off: `enable` (a TOTP secret and backup codes, confirmed
//! by a first code), `disable`, the authenticator URI again, and a new set of backup codes.
//! Each asks for the password.

use super::totp::TotpSecret;
use super::{BackupCodes, TwoFactorError};
use crate::flows::{ActiveSession, ClientInfo, SignedIn};
use crate::{Auth, AuthError};
use beep_domain::{Audit, Secret, TwoFactor, TwoFactorId, User};
use beep_store::StoreError;
use beep_store::repos::{sessions, trusted_devices, two_factors, users};

/// A new TOTP enrolment, shown once. `Debug` shows neither the URI (it holds the secret)
/// nor the codes.
#[derive(Clone)]
pub struct Enrolment {
    /// `otpauth://totp/…` for the authenticator app.
    pub totp_uri: String,
    /// The ten backup codes.
    pub backup_codes: BackupCodes,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("backup_codes", &self.backup_codes)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Starts a TOTP enrolment: a new secret and backup codes, not in force until a code
    /// from the authenticator confirms them (`verify-totp` with the session).
    pub async fn enable_two_factor(
        &self,
        user: &User,
        password: &Secret<String>,
        issuer: Option<&str>,
    ) -> Result<Enrolment, AuthError> {
        self.verify_password(user, password).await?;
        let secret = TotpSecret::generate();
        let codes = BackupCodes::generate();
        let now = self.now();
        let keys = self.two_factor_keys();
        let enrolment = TwoFactor {
            id: TwoFactorId::generate(),
            user_id: user.id.clone(),
            sealed_secret: keys.secrets.seal(secret.as_bytes()),
            sealed_backup_codes: keys.secrets.seal(&codes.to_json()),
            verified: false,
            last_totp_step: None,
            failed_attempts: 0,
            locked_until: None,
            audit: Audit::created(now, Some(user.id.as_str())),
        };
        let tx = self.store().write().await?;
        users::lock(&tx, &user.id).await?;
        if let Some(existing) = two_factors::find_for_user(&tx, &user.id).await?
            && existing.verified
        {
            return Err(TwoFactorError::TotpAlreadyEnabled.into());
        }
        two_factors::replace(&tx, &enrolment).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user.id, "two-factor enrolment started");
        Ok(Enrolment {
            totp_uri: secret.uri(self.totp_issuer(issuer), user.email.as_str()),
            backup_codes: codes,
        })
    }

    /// Turns two-factor on with codes by mail only (no authenticator): at once, as the
    /// password confirms it; the current session is replaced by a new one.
    pub async fn enable_mailed_codes(
        &self,
        current: &ActiveSession,
        password: &Secret<String>,
        client: ClientInfo,
    ) -> Result<SignedIn, AuthError> {
        if !self.config().two_factor.otp_enabled {
            return Err(TwoFactorError::OtpNotConfigured.into());
        }
        // The codes go to the address: it must be the user's.
        if !current.user.email_verified {
            return Err(AuthError::EmailNotVerified);
        }
        self.switch_two_factor(current, password, true, client)
            .await
    }

    /// Turns every second factor off: the enrolment and trusted devices go, and the
    /// current session is replaced by a new one.
    pub async fn disable_two_factor(
        &self,
        current: &ActiveSession,
        password: &Secret<String>,
        client: ClientInfo,
    ) -> Result<SignedIn, AuthError> {
        self.switch_two_factor(current, password, false, client)
            .await
    }

    /// Sets `user.two_factor_enabled` after checking the password (turning it off also
    /// removes the enrolment and every trusted device), and replaces the session.
    async fn switch_two_factor(
        &self,
        current: &ActiveSession,
        password: &Secret<String>,
        on: bool,
        client: ClientInfo,
    ) -> Result<SignedIn, AuthError> {
        let user_id = &current.user.id;
        self.verify_password(&current.user, password).await?;
        let now = self.now();
        let tx = self.store().write().await?;
        users::lock(&tx, user_id).await?;
        if on {
            // Sessions opened with the password alone do not become two-factor sessions.
            sessions::delete_all_for_user(&tx, user_id, None).await?;
            if two_factors::find_for_user(&tx, user_id).await?.is_none() {
                // No TOTP secret, but somewhere to count this user's wrong codes.
                let keys = self.two_factor_keys();
                let mail_only = TwoFactor {
                    id: TwoFactorId::generate(),
                    user_id: user_id.clone(),
                    sealed_secret: String::new(),
                    sealed_backup_codes: keys.secrets.seal(b"[]"),
                    verified: false,
                    last_totp_step: None,
                    failed_attempts: 0,
                    locked_until: None,
                    audit: Audit::created(now, Some(user_id.as_str())),
                };
                two_factors::replace(&tx, &mail_only).await?;
            }
        } else {
            two_factors::delete_for_user(&tx, user_id).await?;
            trusted_devices::delete_for_user(&tx, user_id).await?;
        }
        users::set_two_factor_enabled(&tx, user_id, on, now).await?;
        let user = users::find_by_id(&tx, user_id)
            .await?
            .ok_or(AuthError::UserNotFound)?;
        let signed_in = self.replace_session(&tx, current, &user, &client).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.user_changed(user_id).await;
        tracing::info!(user_id = %user_id, on, "two-factor switched");
        Ok(signed_in)
    }

    /// The authenticator URI of the user's enrolment, again.
    pub async fn totp_uri(
        &self,
        user: &User,
        password: &Secret<String>,
    ) -> Result<String, AuthError> {
        self.verify_password(user, password).await?;
        let enrolment = two_factors::find_for_user(self.store().conn(), &user.id)
            .await?
            .filter(TwoFactor::has_totp)
            .ok_or(TwoFactorError::TotpNotEnabled)?;
        let secret = self.open_totp_secret(&enrolment)?;
        Ok(secret.uri(self.totp_issuer(None), user.email.as_str()))
    }

    /// Replaces the user's backup codes with a fresh set.
    pub async fn regenerate_backup_codes(
        &self,
        user: &User,
        password: &Secret<String>,
    ) -> Result<BackupCodes, AuthError> {
        self.verify_password(user, password).await?;
        if !user.two_factor_enabled {
            return Err(TwoFactorError::TwoFactorNotEnabled.into());
        }
        let codes = BackupCodes::generate();
        let sealed = self.two_factor_keys().secrets.seal(&codes.to_json());
        let tx = self.store().write().await?;
        users::lock(&tx, &user.id).await?;
        let enrolment = two_factors::find_for_user(&tx, &user.id)
            .await?
            .ok_or(TwoFactorError::TwoFactorNotEnabled)?;
        let outcome = two_factors::Outcome {
            sealed_backup_codes: Some(sealed),
            failed_attempts: enrolment.failed_attempts,
            ..two_factors::Outcome::default()
        };
        // The user's row is locked: nothing else writes the enrolment meanwhile.
        if !two_factors::record(&tx, &enrolment, &outcome, self.now()).await? {
            return Err(StoreError::Stale.into());
        }
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user.id, "backup codes regenerated");
        Ok(codes)
    }

    /// Ends `current` and opens a new session for `user` in its place (same remember-me).
    pub(crate) async fn replace_session(
        &self,
        tx: &impl beep_store::ConnectionTrait,
        current: &ActiveSession,
        user: &User,
        client: &ClientInfo,
    ) -> Result<SignedIn, AuthError> {
        sessions::delete(tx, &current.session.id).await?;
        let (session, token) = self
            .create_session(tx, user, current.session.remember_me, client)
            .await?;
        Ok(SignedIn {
            user: user.clone(),
            session,
            token,
        })
    }

    /// The issuer authenticator apps show.
    fn totp_issuer<'a>(&'a self, asked: Option<&'a str>) -> &'a str {
        asked
            .filter(|i| !i.trim().is_empty())
            .or(self.config().two_factor.issuer.as_deref())
            .unwrap_or(&self.config().app_name)
    }

    /// The enrolment's TOTP secret, unsealed.
    pub(super) fn open_totp_secret(&self, enrolment: &TwoFactor) -> Result<TotpSecret, AuthError> {
        self.two_factor_keys()
            .secrets
            .open(&enrolment.sealed_secret)
            .map(TotpSecret::from_bytes)
            .ok_or_else(|| AuthError::Internal("a TOTP secret does not open".into()))
    }

    /// The enrolment's unused backup codes, unsealed.
    pub(super) fn open_backup_codes(
        &self,
        enrolment: &TwoFactor,
    ) -> Result<BackupCodes, AuthError> {
        self.two_factor_keys()
            .secrets
            .open(&enrolment.sealed_backup_codes)
            .and_then(|json| BackupCodes::from_json(&json))
            .ok_or_else(|| AuthError::Internal("backup codes do not open".into()))
    }
}
