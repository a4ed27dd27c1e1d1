//! Changing one's address: a link to the new address completes it (through `verify-email`),
//! and a notice goes to the old one. A taken address gets the same answer and no mail.

use super::ActiveSession;
use super::email_verification::{CHANGE_EMAIL, ChangeGrant};
use crate::tokens::LinkToken;
use crate::{Auth, AuthError};
use beep_domain::Email;
use beep_email::{Template, Vars};
use beep_store::repos::users;

impl Auth {
    /// `change-email`: needs a fresh session. Queues the confirmation link to `new_email` and
    /// a notice to the current address, unless the new address is taken (then nothing is sent,
    /// and the caller cannot tell).
    pub async fn change_email(
        &self,
        current: &ActiveSession,
        new_email: &str,
        callback: Option<&str>,
    ) -> Result<(), AuthError> {
        if !self.config().email.change_email_enabled {
            return Err(AuthError::ChangeEmailDisabled);
        }
        if !self.is_fresh(&current.session) {
            return Err(AuthError::SessionNotFresh);
        }
        let user = &current.user;
        let new_email = Email::parse(new_email)?;
        if new_email == user.email {
            return Err(AuthError::EmailIsTheSame);
        }
        if users::find_by_email(self.store().conn(), &new_email)
            .await?
            .is_some()
        {
            tracing::info!(user_id = %user.id, "change of email to a taken address ignored");
            return Ok(());
        }
        let tx = self.store().write().await?;
        if !self
            .may_mail(&tx, &new_email, &[Template::ChangeEmailVerify])
            .await?
        {
            return Ok(());
        }
        let token = LinkToken::generate();
        let grant = ChangeGrant {
            user_id: user.id.to_string(),
            from: user.email.as_str().to_owned(),
            to: new_email.as_str().to_owned(),
        };
        let value =
            serde_json::to_string(&grant).map_err(|e| AuthError::Internal(e.to_string()))?;
        let lifetime = self.config().email.verification_expires_in;
        self.store_link_token(&tx, &token, CHANGE_EMAIL, value, lifetime, &user.id)
            .await?;
        let link = Vars {
            url: Some(self.verification_link(&token, callback)),
            name: Some(user.name.clone()),
            email: Some(user.email.as_str().to_owned()),
            new_email: Some(new_email.as_str().to_owned()),
            ..Vars::default()
        };
        self.queue_mail(
            &tx,
            Template::ChangeEmailVerify,
            &new_email,
            link,
            Some(&user.id),
        )
        .await?;
        let notice = Vars {
            name: Some(user.name.clone()),
            new_email: Some(new_email.as_str().to_owned()),
            ..Vars::default()
        };
        self.queue_mail(
            &tx,
            Template::ChangeEmailNotice,
            &user.email,
            notice,
            Some(&user.id),
        )
        .await?;
        self.commit_with_mail(tx).await?;
        tracing::info!(user_id = %user.id, "change of email requested");
        Ok(())
    }
}
