//! Sign-in with email and password. An unknown email costs the same hash as a wrong
//! password, and both get the same answer. A user with a second factor gets a challenge
//! instead of a session (unless this device is trusted).

use super::{ClientInfo, SignedIn};
use crate::two_factor::SecondFactorChallenge;
use crate::{Auth, AuthError};
use beep_domain::{Email, PasswordRejection, PlainPassword, Secret};
use beep_store::StoreError;
use beep_store::repos::{accounts, users};

/// What a sign-in asks for.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// Email address, any case.
    pub email: String,
    /// The password.
    pub password: Secret<String>,
    /// `false`: a one-day session that is never refreshed.
    pub remember_me: bool,
    /// The device's trust token (the `trust_device` cookie), if it has one.
    pub trusted_device: Option<String>,
}

/// How a first factor that passed ends.
#[derive(Debug, Clone)]
pub enum SignInOutcome {
    /// Signed in.
    SignedIn(Box<SignedIn>),
    /// The user has a second factor: no session until it is presented.
    SecondFactorRequired(SecondFactorChallenge),
}

impl Auth {
    /// Checks the password and opens a session, or a second-factor challenge.
    pub async fn sign_in_with_password(
        &self,
        input: SignIn,
        client: ClientInfo,
    ) -> Result<SignInOutcome, AuthError> {
        let email = Email::parse(&input.email)?;
        if let Err(PasswordRejection::TooLong) = self
            .config()
            .password_policy
            .check_length(input.password.expose())
        {
            return Err(PasswordRejection::TooLong.into());
        }
        let password = PlainPassword::normalized(input.password.expose());
        let attempt = self.begin_password_attempt(email.as_str())?;

        let conn = self.store().conn();
        let user = users::find_by_email(conn, &email).await?;
        let account = match &user {
            Some(user) => accounts::find_credential(conn, &user.id).await?,
            None => None,
        };
        let stored = account
            .as_ref()
            .and_then(|a| a.password_hash.as_ref())
            .map(|h| h.expose().clone());
        let outcome = self.hasher().verify(password.clone(), stored).await?;
        let (Some(user), Some(account), true) = (user, account, outcome.matches) else {
            attempt.failed(self.now().timestamp_millis());
            tracing::info!("sign-in refused");
            return Err(AuthError::InvalidEmailOrPassword);
        };
        attempt.succeeded();
        if self.config().email.require_verification && !user.email_verified {
            // Only a caller who knows the password learns this, and gets a fresh link.
            self.send_verification(&user, None).await?;
            return Err(AuthError::EmailNotVerified);
        }

        let rehash = if outcome.needs_rehash {
            Some(self.hasher().hash(password).await?)
        } else {
            None
        };

        // The password was checked outside the transaction (hashing is slow); inside it, the
        // account must still be the one that was checked, or a concurrent password change or
        // deletion wins and this sign-in fails.
        let tx = self.store().write().await?;
        let unchanged = match &rehash {
            Some(hash) => accounts::set_password_hash(
                &tx,
                &account.id,
                account.audit.version,
                hash,
                &user.id,
                self.now(),
            )
            .await
            .map(|()| true)
            .or_else(|err| match err {
                StoreError::Stale => Ok(false),
                other => Err(other),
            })?,
            None => accounts::lock_if_unchanged(&tx, &account.id, account.audit.version).await?,
        };
        if !unchanged {
            return Err(AuthError::InvalidEmailOrPassword);
        }
        // Read again in the transaction: two-factor may have been turned on meanwhile.
        let user = users::find_by_id(&tx, &user.id)
            .await?
            .ok_or(AuthError::InvalidEmailOrPassword)?;
        if self
            .needs_second_factor(&tx, &user, input.trusted_device.as_deref())
            .await?
        {
            let challenge = self.open_challenge(&tx, &user, input.remember_me).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(SignInOutcome::SecondFactorRequired(challenge));
        }
        let (session, token) = self
            .create_session(&tx, &user, input.remember_me, &client)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user.id, "user signed in");
        Ok(SignInOutcome::SignedIn(Box::new(SignedIn {
            user,
            session,
            token,
        })))
    }
}
