//! Password reset by mail: a single-use link valid for an hour, the same answer for known and
//! unknown addresses, and a reset that ends every session and tells the user.

use crate::tokens::LinkToken;
use crate::{Auth, AuthError};
use beep_domain::uri::append_query;
use beep_domain::{Account, AccountId, Audit, CREDENTIAL_PROVIDER, Email, Secret, User, UserId};
use beep_email::{Template, Vars};
use beep_store::repos::{accounts, sessions, users, verifications};
use beep_store::{ConnectionTrait, StoreError};

/// Verification rows for "this link may set this user's password".
pub(crate) const RESET_PASSWORD: &str = "reset-password";

/// A completed reset.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    /// Whose password it was.
    pub user_id: UserId,
    /// Whether every session of the user was ended.
    pub sessions_revoked: bool,
}

impl Auth {
    /// `request-password-reset`: for a known address, voids earlier links and queues a new
    /// one; for an unknown one, does nothing. Either way the same answer, no sooner than the
    /// enumeration floor.
    pub async fn request_password_reset(
        &self,
        email: &str,
        redirect_to: Option<&str>,
    ) -> Result<(), AuthError> {
        let started = tokio::time::Instant::now();
        let email = Email::parse(email)?;
        let outcome = self.queue_reset_if_known(&email, redirect_to).await;
        self.pad_to_floor(started).await;
        outcome
    }

    async fn queue_reset_if_known(
        &self,
        email: &Email,
        redirect_to: Option<&str>,
    ) -> Result<(), AuthError> {
        let Some(user) = users::find_by_email(self.store().conn(), email).await? else {
            tracing::info!("password reset requested for an unknown address");
            return Ok(());
        };
        let tx = self.store().write().await?;
        if !self
            .may_mail(&tx, &user.email, &[Template::ResetPassword])
            .await?
        {
            return Ok(());
        }
        // A new link voids the earlier ones (only the newest mail works).
        void_reset_links(&tx, &user.id).await?;
        let token = LinkToken::generate();
        let lifetime = self.config().email.reset_expires_in;
        self.store_link_token(
            &tx,
            &token,
            RESET_PASSWORD,
            user.id.to_string(),
            lifetime,
            &user.id,
        )
        .await?;
        let vars = Vars {
            url: Some(self.reset_link(&token, redirect_to)),
            name: Some(user.name.clone()),
            ..Vars::default()
        };
        self.queue_mail(
            &tx,
            Template::ResetPassword,
            &user.email,
            vars,
            Some(&user.id),
        )
        .await?;
        self.commit_with_mail(tx).await?;
        tracing::info!(user_id = %user.id, "password reset mail queued");
        Ok(())
    }

    /// `…/reset-password/<token>[?callbackURL=…]`: the link opens this server, which checks
    /// the token and redirects to the app's page with it.
    fn reset_link(&self, token: &LinkToken, redirect_to: Option<&str>) -> String {
        let link = format!(
            "{}/reset-password/{}",
            self.config().email.links_base,
            token.expose()
        );
        match redirect_to {
            Some(callback) => append_query(&link, "callbackURL", callback),
            None => link,
        }
    }

    /// Whether a reset token is valid now, without using it (for the redirect to the page
    /// where the user picks the new password).
    pub async fn check_reset_token(&self, raw_token: &str) -> Result<(), AuthError> {
        self.reset_grant(raw_token).await.map(|_| ())
    }

    /// The user a valid, unexpired reset token is for.
    async fn reset_grant(&self, raw_token: &str) -> Result<(LinkToken, UserId), AuthError> {
        let token = LinkToken::from_client(raw_token).ok_or(AuthError::InvalidToken)?;
        let row = verifications::find(self.store().conn(), &token.identifier(RESET_PASSWORD))
            .await?
            .filter(|row| row.expires_at > self.now())
            .ok_or(AuthError::InvalidToken)?;
        Ok((token, UserId::from_trusted(row.value)))
    }

    /// `reset-password`: checks the new password first (a weak one does not burn the link),
    /// then in one transaction uses the token, sets the password (creating the credential
    /// account if the user had none), voids other reset links, ends every session when so
    /// configured, and queues a notice to the user.
    pub async fn reset_password(
        &self,
        raw_token: &str,
        new_password: &Secret<String>,
    ) -> Result<PasswordReset, AuthError> {
        let (token, user_id) = self.reset_grant(raw_token).await?;
        let user = users::find_by_id(self.store().conn(), &user_id)
            .await?
            .ok_or(AuthError::InvalidToken)?;
        self.config()
            .password_policy
            .check_length(new_password.expose())?;
        let password = self.check_new_password(new_password.expose(), &user.email, &user.name)?;
        let hash = self.hasher().hash(password).await?;

        let now = self.now();
        let tx = self.store().write().await?;
        verifications::consume(&tx, &token.identifier(RESET_PASSWORD), now)
            .await?
            .ok_or(AuthError::InvalidToken)?;
        self.store_password(&tx, &user, &hash).await?;
        // A reset means the password may have been someone else's: no device stays trusted.
        beep_store::repos::trusted_devices::delete_for_user(&tx, &user.id).await?;
        let sessions_revoked = self.config().email.revoke_sessions_on_reset;
        if sessions_revoked {
            sessions::delete_all_for_user(&tx, &user.id, None).await?;
        }
        self.after_password_change(&tx, &user).await?;
        self.commit_with_mail(tx).await?;
        self.user_changed(&user.id).await;
        tracing::info!(user_id = %user.id, sessions_revoked, "password reset");
        Ok(PasswordReset {
            user_id: user.id,
            sessions_revoked,
        })
    }

    /// What every change of password does in its transaction: earlier reset links die (they
    /// must not undo it) and the owner is told.
    pub(crate) async fn after_password_change(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
    ) -> Result<(), StoreError> {
        void_reset_links(conn, &user.id).await?;
        let vars = Vars {
            name: Some(user.name.clone()),
            ..Vars::default()
        };
        self.queue_mail(
            conn,
            Template::PasswordChanged,
            &user.email,
            vars,
            Some(&user.id),
        )
        .await
    }

    /// Sets the user's password hash, creating the credential account if there is none.
    pub(crate) async fn store_password(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        hash: &str,
    ) -> Result<(), AuthError> {
        let now = self.now();
        match accounts::find_credential(conn, &user.id).await? {
            Some(account) => {
                accounts::set_password_hash(
                    conn,
                    &account.id,
                    account.audit.version,
                    hash,
                    &user.id,
                    now,
                )
                .await?;
            }
            None => {
                let account = Account {
                    id: AccountId::generate(),
                    account_id: user.id.to_string(),
                    provider_id: CREDENTIAL_PROVIDER.to_owned(),
                    user_id: user.id.clone(),
                    password_hash: Some(Secret::new(hash.to_owned())),
                    scope: None,
                    audit: Audit::created(now, Some(user.id.as_str())),
                };
                accounts::insert(conn, &account).await?;
            }
        }
        Ok(())
    }
}

/// Deletes every reset link of the user.
async fn void_reset_links(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<u64, StoreError> {
    verifications::delete_by_value(conn, &format!("{RESET_PASSWORD}:"), user_id.as_str()).await
}
