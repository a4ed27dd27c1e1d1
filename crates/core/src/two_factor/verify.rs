//! Checking a second factor: a TOTP code, a backup code or a mailed code, against a
//! signed-in session or a sign-in's challenge.
//!
//! Every check runs in one write transaction with the user's row locked, so two requests
//! with the same code cannot both pass (a TOTP step or a backup code is good once), and
//! wrong codes are counted without losing any.

use super::challenge::Pending;
use super::{TwoFactorError, two_factor_digits};
use crate::flows::{ActiveSession, ClientInfo, SignedIn};
use crate::tokens::LinkToken;
use crate::{Auth, AuthError};
use beep_domain::{Audit, TwoFactor, User, Verification, VerificationId};
use beep_email::{Template, Vars};
use beep_store::repos::{sessions, two_factors, users, verifications};
use beep_store::{ConnectionTrait, StoreError};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// What a code is checked against.
#[derive(Clone)]
pub enum CodeContext {
    /// A signed-in user managing their factors (the session is replaced on success).
    Session(Box<ActiveSession>),
    /// A sign-in waiting for its second factor: the `two_factor` cookie's token.
    Challenge(String),
}

impl std::fmt::Debug for CodeContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Session(current) => f.debug_tuple("Session").field(&current.session.id).finish(),
            Self::Challenge(_) => f.write_str("Challenge([redacted])"),
        }
    }
}

/// A second factor that passed.
#[derive(Debug, Clone)]
pub struct SecondFactorPassed {
    /// The new session.
    pub signed_in: SignedIn,
    /// A trusted-device token for the cookie, when one was asked for.
    pub trusted_device: Option<LinkToken>,
}

/// Whose code it is, and in which context.
struct Subject {
    user: User,
    /// The challenge row and what it holds (sign-in context).
    challenge: Option<(Verification, Pending)>,
    /// The session (management context).
    session: Option<ActiveSession>,
}

impl Subject {
    /// The key of this context's mailed code.
    fn otp_identifier(&self) -> String {
        match (&self.challenge, &self.session) {
            (Some((row, _)), _) => format!("{OTP_PURPOSE}:{}", row.identifier),
            (None, Some(current)) => format!("{OTP_PURPOSE}:session:{}", current.session.id),
            (None, None) => format!("{OTP_PURPOSE}:user:{}", self.user.id),
        }
    }
}

/// Verification purpose of a mailed code.
const OTP_PURPOSE: &str = "two-factor-otp";

/// What a mailed code's row holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MailedCode {
    /// Keyed digest of the code.
    digest: String,
    /// Wrong codes so far.
    attempts: u32,
}

/// The second factor presented, with its code. `Debug` names the kind only.
#[derive(Clone, Copy)]
pub enum SecondFactor<'a> {
    /// A code from the authenticator app. With the session, a first good one confirms the
    /// enrolment and turns two-factor on.
    Totp(&'a str),
    /// A backup code, which is then used up.
    BackupCode(&'a str),
    /// The code last mailed in this context.
    MailedCode(&'a str),
}

impl std::fmt::Debug for SecondFactor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Totp(_) => "Totp([redacted])",
            Self::BackupCode(_) => "BackupCode([redacted])",
            Self::MailedCode(_) => "MailedCode([redacted])",
        })
    }
}

impl Auth {
    /// Mails a fresh 6-digit code for this context (replacing an earlier one).
    pub async fn send_mailed_code(&self, context: CodeContext) -> Result<(), AuthError> {
        if !self.config().two_factor.otp_enabled {
            return Err(TwoFactorError::OtpNotConfigured.into());
        }
        let subject = self.subject(context).await?;
        let code = two_factor_digits();
        let now = self.now();
        let identifier = subject.otp_identifier();
        let row = MailedCode {
            digest: self.two_factor_keys().otp.mac_hex(code.as_bytes()),
            attempts: 0,
        };
        let tx = self.store().write().await?;
        verifications::delete(&tx, &identifier).await?;
        verifications::insert(
            &tx,
            &Verification {
                id: VerificationId::generate(),
                identifier,
                value: serde_json::to_string(&row).unwrap_or_default(),
                expires_at: now + self.config().two_factor.otp_lifetime,
                audit: Audit::created(now, Some(subject.user.id.as_str())),
            },
        )
        .await?;
        let vars = Vars {
            code: Some(code),
            name: Some(subject.user.name.clone()),
            ..Vars::default()
        };
        self.queue_mail(
            &tx,
            Template::OneTimeCode,
            &subject.user.email,
            vars,
            Some(&subject.user.id),
        )
        .await?;
        self.commit_with_mail(tx).await?;
        tracing::info!(user_id = %subject.user.id, "second-factor code mailed");
        Ok(())
    }

    async fn subject(&self, context: CodeContext) -> Result<Subject, AuthError> {
        match context {
            CodeContext::Session(current) => Ok(Subject {
                user: current.user.clone(),
                challenge: None,
                session: Some(*current),
            }),
            CodeContext::Challenge(token) => {
                let (row, pending) = self.find_challenge(&token).await?;
                let user = users::find_by_id(
                    self.store().conn(),
                    &beep_domain::UserId::unchecked(&pending.user_id),
                )
                .await?
                .ok_or(TwoFactorError::InvalidTwoFactorCookie)?;
                Ok(Subject {
                    user,
                    challenge: Some((row, pending)),
                    session: None,
                })
            }
        }
    }

    /// Checks a second factor against `context`; a pass opens a new session (and trusts
    /// the device when asked).
    pub async fn verify_second_factor(
        &self,
        context: CodeContext,
        factor: SecondFactor<'_>,
        trust_device: bool,
        client: ClientInfo,
    ) -> Result<SecondFactorPassed, AuthError> {
        let mut subject = self.subject(context).await?;
        let user_id = subject.user.id.clone();
        let now = self.now();
        let tx = self.store().write().await?;
        users::lock(&tx, &user_id).await?;
        // Read again under the lock: a request that raced this one may have counted a wrong
        // code on the challenge, or used it up.
        if let Some((row, _)) = &subject.challenge {
            let fresh = verifications::find(&tx, &row.identifier)
                .await?
                .filter(|row| row.expires_at > now)
                .and_then(|row| {
                    let pending = serde_json::from_str::<Pending>(&row.value).ok()?;
                    Some((row, pending))
                })
                .ok_or(TwoFactorError::InvalidTwoFactorCookie)?;
            subject.challenge = Some(fresh);
        }
        let enrolment = two_factors::find_for_user(&tx, &user_id).await?;
        if let Some(locked_until) = enrolment.as_ref().and_then(|e| e.locked_until)
            && locked_until > now
        {
            return Err(TwoFactorError::AccountLocked.into());
        }
        if let Some((_, pending)) = &subject.challenge
            && pending.attempts >= self.config().two_factor.attempts_per_challenge
        {
            verifications::delete(&tx, &subject.challenge_identifier()).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(TwoFactorError::TooManyAttempts.into());
        }

        let checked = match factor {
            SecondFactor::Totp(code) => self.check_totp(&subject, enrolment.as_ref(), code)?,
            SecondFactor::BackupCode(code) => {
                self.check_backup_code(&subject, enrolment.as_ref(), code)?
            }
            SecondFactor::MailedCode(code) => self.check_mailed_code(&tx, &subject, code).await?,
        };
        let outcome = match checked {
            Checked::Passed(outcome) => outcome,
            Checked::Refused(why) => {
                self.count_failure(&tx, &subject, enrolment.as_ref())
                    .await?;
                tx.commit().await.map_err(StoreError::from)?;
                tracing::info!(user_id = %user_id, "second factor refused");
                return Err(why.into());
            }
            Checked::Ended(why) => {
                tx.commit().await.map_err(StoreError::from)?;
                return Err(why.into());
            }
        };
        let mut confirmed_now = false;
        if let (Some(enrolment), Some(outcome)) = (&enrolment, &outcome) {
            // Under the user's lock nothing else writes the enrolment; if something did, the
            // code's use could not be recorded, so it does not pass.
            if !two_factors::record(&tx, enrolment, outcome, now).await? {
                return Err(TwoFactorError::InvalidCode.into());
            }
            confirmed_now = outcome.verified == Some(true) && !subject.user.two_factor_enabled;
        }
        if confirmed_now {
            users::set_two_factor_enabled(&tx, &user_id, true, now).await?;
            // Sessions opened with the password alone do not become two-factor sessions.
            sessions::delete_all_for_user(&tx, &user_id, None).await?;
        }
        let user = users::find_by_id(&tx, &user_id)
            .await?
            .ok_or(AuthError::UserNotFound)?;
        let signed_in = match (&subject.challenge, &subject.session) {
            (Some((row, pending)), _) => {
                let consumed = verifications::consume(&tx, &row.identifier, now).await?;
                if consumed.is_none() {
                    return Err(TwoFactorError::InvalidTwoFactorCookie.into());
                }
                let (session, token) = self
                    .create_session(&tx, &user, pending.remember_me, &client)
                    .await?;
                SignedIn {
                    user: user.clone(),
                    session,
                    token,
                }
            }
            (None, Some(current)) => self.replace_session(&tx, current, &user, &client).await?,
            (None, None) => return Err(TwoFactorError::InvalidTwoFactorCookie.into()),
        };
        let trusted_device = if trust_device {
            Some(self.trust_device(&tx, &user_id, &client).await?)
        } else {
            None
        };
        tx.commit().await.map_err(StoreError::from)?;
        if confirmed_now {
            self.user_changed(&user_id).await;
        }
        tracing::info!(user_id = %user_id, "second factor passed");
        Ok(SecondFactorPassed {
            signed_in,
            trusted_device,
        })
    }

    fn check_totp(
        &self,
        subject: &Subject,
        enrolment: Option<&TwoFactor>,
        code: &str,
    ) -> Result<Checked, AuthError> {
        let Some(enrolment) = enrolment.filter(|e| e.has_totp()) else {
            return Err(TwoFactorError::TotpNotEnabled.into());
        };
        // A sign-in may only use a confirmed enrolment; the session may confirm one.
        if subject.challenge.is_some() && !enrolment.verified {
            return Err(TwoFactorError::TotpNotEnabled.into());
        }
        let secret = self.open_totp_secret(enrolment)?;
        let fresh = secret
            .matching_step(code.trim(), self.now().timestamp())
            .filter(|step| enrolment.last_totp_step.is_none_or(|last| *step > last));
        Ok(match fresh {
            Some(step) => Checked::Passed(Some(two_factors::Outcome {
                verified: Some(true),
                last_totp_step: Some(step),
                failed_attempts: 0,
                locked_until: Some(None),
                ..two_factors::Outcome::default()
            })),
            None => Checked::Refused(TwoFactorError::InvalidCode),
        })
    }

    fn check_backup_code(
        &self,
        subject: &Subject,
        enrolment: Option<&TwoFactor>,
        code: &str,
    ) -> Result<Checked, AuthError> {
        let Some(enrolment) = enrolment.filter(|e| e.verified || subject.session.is_some()) else {
            return Err(TwoFactorError::BackupCodesNotEnabled.into());
        };
        let mut codes = self.open_backup_codes(enrolment)?;
        if !codes.take(code) {
            return Ok(Checked::Refused(TwoFactorError::InvalidBackupCode));
        }
        let sealed = self.two_factor_keys().secrets.seal(&codes.to_json());
        Ok(Checked::Passed(Some(two_factors::Outcome {
            sealed_backup_codes: Some(sealed),
            failed_attempts: 0,
            locked_until: Some(None),
            ..two_factors::Outcome::default()
        })))
    }

    async fn check_mailed_code(
        &self,
        tx: &impl ConnectionTrait,
        subject: &Subject,
        code: &str,
    ) -> Result<Checked, AuthError> {
        let identifier = subject.otp_identifier();
        let Some(row) = verifications::find(tx, &identifier).await? else {
            // better-auth: no code sent (or it was used) reads as an expired one.
            return Ok(Checked::Ended(TwoFactorError::OtpHasExpired));
        };
        let Ok(mut mailed) = serde_json::from_str::<MailedCode>(&row.value) else {
            verifications::delete(tx, &identifier).await?;
            return Ok(Checked::Refused(TwoFactorError::InvalidCode));
        };
        if row.expires_at <= self.now() {
            verifications::delete(tx, &identifier).await?;
            return Ok(Checked::Ended(TwoFactorError::OtpHasExpired));
        }
        if mailed.attempts >= self.config().two_factor.attempts_per_challenge {
            verifications::delete(tx, &identifier).await?;
            return Ok(Checked::Ended(TwoFactorError::TooManyAttempts));
        }
        let presented = self.two_factor_keys().otp.mac_hex(code.trim().as_bytes());
        if bool::from(presented.as_bytes().ct_eq(mailed.digest.as_bytes())) {
            verifications::delete(tx, &identifier).await?;
            return Ok(Checked::Passed(Some(two_factors::Outcome {
                failed_attempts: 0,
                locked_until: Some(None),
                ..two_factors::Outcome::default()
            })));
        }
        mailed.attempts += 1;
        let value = serde_json::to_string(&mailed).unwrap_or_default();
        verifications::replace_value(tx, &row.id, row.audit.version, &value, self.now()).await?;
        Ok(Checked::Refused(TwoFactorError::InvalidCode))
    }

    /// One more wrong code: on the challenge, and on the user's enrolment (which locks
    /// after too many in a row).
    async fn count_failure(
        &self,
        tx: &impl ConnectionTrait,
        subject: &Subject,
        enrolment: Option<&TwoFactor>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        if let Some((row, pending)) = &subject.challenge {
            let counted = Pending {
                attempts: pending.attempts + 1,
                ..pending.clone()
            };
            let value = serde_json::to_string(&counted).unwrap_or_default();
            if !verifications::replace_value(tx, &row.id, row.audit.version, &value, now).await? {
                return Err(StoreError::Stale);
            }
        }
        if let Some(enrolment) = enrolment {
            let settings = &self.config().two_factor;
            let failed = enrolment.failed_attempts + 1;
            let outcome = if failed >= settings.lock_after {
                tracing::warn!(user_id = %enrolment.user_id, "second factor locked");
                two_factors::Outcome {
                    failed_attempts: 0,
                    locked_until: Some(Some(now + settings.lock_for)),
                    ..two_factors::Outcome::default()
                }
            } else {
                two_factors::Outcome {
                    failed_attempts: failed,
                    ..two_factors::Outcome::default()
                }
            };
            if !two_factors::record(tx, enrolment, &outcome, now).await? {
                return Err(StoreError::Stale);
            }
        }
        Ok(())
    }
}

impl Subject {
    fn challenge_identifier(&self) -> String {
        self.challenge
            .as_ref()
            .map(|(row, _)| row.identifier.clone())
            .unwrap_or_default()
    }
}

/// The result of checking a code.
enum Checked {
    /// Good; what to write on the enrolment, if anything.
    Passed(Option<two_factors::Outcome>),
    /// Wrong: counted against the challenge and the user.
    Refused(TwoFactorError),
    /// The code's own life ended (expired, too many tries): not counted again.
    Ended(TwoFactorError),
}
