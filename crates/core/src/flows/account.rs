//! Managing one's own account: profile, password, deletion.

use super::sign_up::{validate_image, validate_name};
use super::{ActiveSession, ClientInfo, SignedIn};
use crate::{Auth, AuthError};
use beep_domain::{Account, PlainPassword, Secret, User};
use beep_store::repos::{accounts, outbox, sessions, users, verifications};

/// Profile fields to change; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct UpdateUser {
    /// New display name.
    pub name: Option<String>,
    /// New avatar; `Some(None)` removes it.
    pub image: Option<Option<String>>,
}

/// What deleting oneself asks for.
#[derive(Debug, Clone, Default)]
pub struct DeleteUser {
    /// The current password (required when the user has one).
    pub password: Option<Secret<String>>,
}

impl Auth {
    /// Changes the user's profile and returns it as stored.
    pub async fn update_user(&self, user: &User, change: UpdateUser) -> Result<User, AuthError> {
        let profile = users::ProfileChange {
            name: change.name.as_deref().map(validate_name).transpose()?,
            image: change.image.map(validate_image).transpose()?,
        };
        let conn = self.store().conn();
        users::update_profile(conn, &user.id, user.audit.version, &profile, self.now()).await?;
        self.user_changed(&user.id).await;
        users::find_by_id(conn, &user.id)
            .await?
            .ok_or(AuthError::Conflict)
    }

    /// Checks the user's password (for `verify-password` and sensitive actions).
    pub async fn verify_password(
        &self,
        user: &User,
        password: &Secret<String>,
    ) -> Result<Account, AuthError> {
        let account = accounts::find_credential(self.store().conn(), &user.id)
            .await?
            .ok_or(AuthError::CredentialAccountNotFound)?;
        if self
            .config()
            .password_policy
            .check_length(password.expose())
            .is_err()
        {
            return Err(AuthError::InvalidPassword);
        }
        let attempt = self.begin_password_attempt(user.email.as_str())?;
        let stored = account.password_hash.as_ref().map(|h| h.expose().clone());
        let outcome = self
            .hasher()
            .verify(PlainPassword::normalized(password.expose()), stored)
            .await?;
        if outcome.matches {
            attempt.succeeded();
            Ok(account)
        } else {
            attempt.failed(self.now().timestamp_millis());
            Err(AuthError::InvalidPassword)
        }
    }

    /// Replaces the password after checking the current one. With `revoke_other_sessions`
    /// every session of the user ends and a new one is returned.
    pub async fn change_password(
        &self,
        current: &ActiveSession,
        current_password: &Secret<String>,
        new_password: &Secret<String>,
        revoke_other_sessions: bool,
        client: ClientInfo,
    ) -> Result<Option<SignedIn>, AuthError> {
        let user = &current.user;
        let policy = self.config().password_policy;
        policy.check_length(new_password.expose())?;
        let account = self.verify_password(user, current_password).await?;
        let password = self.check_new_password(new_password.expose(), &user.email, &user.name)?;
        let hash = self.hasher().hash(password).await?;

        let tx = self.store().write().await?;
        accounts::set_password_hash(
            &tx,
            &account.id,
            account.audit.version,
            &hash,
            &user.id,
            self.now(),
        )
        .await?;
        let signed_in = if revoke_other_sessions {
            sessions::delete_all_for_user(&tx, &user.id, None).await?;
            let (session, token) = self
                .create_session(&tx, user, current.session.remember_me, &client)
                .await?;
            Some(SignedIn {
                user: user.clone(),
                session,
                token,
            })
        } else {
            None
        };
        self.after_password_change(&tx, user).await?;
        self.commit_with_mail(tx).await?;
        self.user_changed(&user.id).await;
        tracing::info!(user_id = %user.id, revoke_other_sessions, "password changed");
        Ok(signed_in)
    }

    /// Deletes the user, their personal organization (and any where they are alone),
    /// sessions, accounts and memberships. The last owner of an organization with other
    /// members is refused: it would be left without one.
    pub async fn delete_user(
        &self,
        current: &ActiveSession,
        input: DeleteUser,
    ) -> Result<(), AuthError> {
        if !self.config().delete_user_enabled {
            return Err(AuthError::DeleteUserDisabled);
        }
        let user = &current.user;
        let has_password = accounts::find_credential(self.store().conn(), &user.id)
            .await?
            .is_some();
        match (&input.password, has_password) {
            (Some(password), _) => {
                self.verify_password(user, password).await?;
            }
            (None, true) => return Err(AuthError::InvalidPassword),
            (None, false) if !self.is_fresh(&current.session) => {
                return Err(AuthError::SessionExpired);
            }
            (None, false) => {}
        }
        self.erase_user(user).await?;
        tracing::info!(user_id = %user.id, "user deleted");
        Ok(())
    }

    /// Deletes a user with everything that is theirs: organizations they alone own pass on
    /// or go, pending links and queued mail go, sessions end on every node.
    pub(crate) async fn erase_user(&self, user: &User) -> Result<(), AuthError> {
        let tx = self.store().write().await?;
        let touched = self.release_organizations_of(&tx, &user.id).await?;
        // Pending links die with the user, and no mail keeps their address.
        verifications::delete_created_by(&tx, &user.id).await?;
        outbox::delete_for_user(&tx, &user.id, user.email.as_str()).await?;
        users::delete(&tx, &user.id).await?;
        self.commit_and_announce(tx, touched).await?;
        self.user_changed(&user.id).await;
        Ok(())
    }
}
