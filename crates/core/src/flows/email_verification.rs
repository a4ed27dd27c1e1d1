//! Verifying an address: the mail with a single-use link (sent on sign-up, on request, and on
//! a refused sign-in when verification is required), and following that link — which also
//! completes a change of email.

use super::{ClientInfo, SignedIn};
use crate::tokens::LinkToken;
use crate::{Auth, AuthError};
use beep_domain::uri::append_query;
use beep_domain::{Audit, Email, User, UserId, Verification, VerificationId};
use beep_email::{Template, Vars};
use beep_store::repos::{users, verifications};
use beep_store::{ConnectionTrait, StoreError};
use serde::{Deserialize, Serialize};

/// Verification rows for "this address belongs to this user".
pub(crate) const EMAIL_VERIFICATION: &str = "email-verification";
/// Verification rows for "move this user to this new address".
pub(crate) const CHANGE_EMAIL: &str = "change-email";

/// What an email-verification token grants.
#[derive(Serialize, Deserialize)]
struct VerifyGrant {
    user_id: String,
    email: String,
}

/// What a change-of-email token grants.
#[derive(Serialize, Deserialize)]
pub(crate) struct ChangeGrant {
    pub user_id: String,
    pub from: String,
    pub to: String,
}

/// A followed verification link.
#[derive(Debug, Clone)]
pub struct EmailVerified {
    /// The user, as stored now.
    pub user: User,
    /// Whether the link completed a change of email (the answer then includes the user).
    pub changed_email: bool,
    /// A new session, when verification signs the user in.
    pub signed_in: Option<SignedIn>,
}

impl Auth {
    /// The link in a verification mail: `…/verify-email?token=…[&callbackURL=…]`.
    pub(crate) fn verification_link(&self, token: &LinkToken, callback: Option<&str>) -> String {
        let link = format!(
            "{}/verify-email?token={}",
            self.config().email.links_base,
            token.expose()
        );
        match callback {
            Some(callback) => append_query(&link, "callbackURL", callback),
            None => link,
        }
    }

    /// Stores a verification row for `token` under `purpose`, valid for the verification
    /// lifetime.
    pub(crate) async fn store_link_token(
        &self,
        conn: &impl ConnectionTrait,
        token: &LinkToken,
        purpose: &str,
        value: String,
        lifetime: chrono::Duration,
        actor: &UserId,
    ) -> Result<(), StoreError> {
        let now = self.now();
        let row = Verification {
            id: VerificationId::generate(),
            identifier: token.identifier(purpose),
            value,
            expires_at: now + lifetime,
            audit: Audit::created(now, Some(actor.as_str())),
        };
        verifications::insert(conn, &row).await
    }

    /// Queues a verification mail for `user` in `conn`'s transaction.
    pub(crate) async fn queue_verification(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        callback: Option<&str>,
    ) -> Result<(), StoreError> {
        let token = LinkToken::generate();
        let grant = VerifyGrant {
            user_id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
        };
        let value =
            serde_json::to_string(&grant).map_err(|e| StoreError::Database(e.to_string()))?;
        let lifetime = self.config().email.verification_expires_in;
        self.store_link_token(conn, &token, EMAIL_VERIFICATION, value, lifetime, &user.id)
            .await?;
        let vars = Vars {
            url: Some(self.verification_link(&token, callback)),
            name: Some(user.name.clone()),
            ..Vars::default()
        };
        self.queue_mail(
            conn,
            Template::VerifyEmail,
            &user.email,
            vars,
            Some(&user.id),
        )
        .await
    }

    /// Sends `user` a new verification link now, unless their address had its share of
    /// mails lately (then nothing happens, and the caller answers as usual).
    pub(crate) async fn send_verification(
        &self,
        user: &User,
        callback: Option<&str>,
    ) -> Result<(), AuthError> {
        let tx = self.store().write().await?;
        if self
            .may_mail(&tx, &user.email, &[Template::VerifyEmail])
            .await?
        {
            self.queue_verification(&tx, user, callback).await?;
            self.commit_with_mail(tx).await?;
        }
        Ok(())
    }

    /// `send-verification-email` by a signed-in user, for their own address.
    pub async fn send_verification_email_for(
        &self,
        user: &User,
        email: &str,
        callback: Option<&str>,
    ) -> Result<(), AuthError> {
        let email = Email::parse(email)?;
        if email != user.email {
            return Err(AuthError::EmailMismatch);
        }
        if user.email_verified {
            return Err(AuthError::EmailAlreadyVerified);
        }
        self.send_verification(user, callback).await
    }

    /// `send-verification-email` without a session: the same answer, no sooner than the
    /// enumeration floor, whether or not the address has an unverified account.
    pub async fn send_verification_email(
        &self,
        email: &str,
        callback: Option<&str>,
    ) -> Result<(), AuthError> {
        let started = tokio::time::Instant::now();
        let email = Email::parse(email)?;
        let outcome = match users::find_by_email(self.store().conn(), &email).await {
            Ok(Some(user)) if !user.email_verified => self.send_verification(&user, callback).await,
            Ok(_) => Ok(()),
            Err(err) => Err(err.into()),
        };
        self.pad_to_floor(started).await;
        outcome
    }

    /// Follows a verification link: consumes the token (once, even under concurrent clicks)
    /// and marks the address verified, or completes a change of email.
    pub async fn verify_email(
        &self,
        raw_token: &str,
        client: ClientInfo,
    ) -> Result<EmailVerified, AuthError> {
        let token = LinkToken::from_client(raw_token).ok_or(AuthError::InvalidToken)?;
        let conn = self.store().conn();
        let mut found = None;
        for purpose in [EMAIL_VERIFICATION, CHANGE_EMAIL] {
            if let Some(row) = verifications::find(conn, &token.identifier(purpose)).await? {
                found = Some((purpose, row));
                break;
            }
        }
        let (purpose, row) = found.ok_or(AuthError::InvalidToken)?;
        let now = self.now();
        let tx = self.store().write().await?;
        if row.expires_at <= now {
            verifications::consume(&tx, &row.identifier, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(AuthError::TokenExpired);
        }
        verifications::consume(&tx, &row.identifier, now)
            .await?
            .ok_or(AuthError::InvalidToken)?;
        let (user_id, changed_email) = if purpose == CHANGE_EMAIL {
            (self.apply_email_change(&tx, &row.value).await?, true)
        } else {
            (self.apply_verification(&tx, &row.value).await?, false)
        };
        let user = users::find_by_id(&tx, &user_id)
            .await?
            .ok_or(AuthError::UserNotFound)?;
        // A link proves the mailbox only: a user with a second factor signs in as usual.
        let signed_in =
            if self.config().email.auto_sign_in_after_verification && !user.two_factor_enabled {
                let (session, token) = self.create_session(&tx, &user, true, &client).await?;
                Some(SignedIn {
                    user: user.clone(),
                    session,
                    token,
                })
            } else {
                None
            };
        tx.commit().await.map_err(StoreError::from)?;
        self.user_changed(&user.id).await;
        tracing::info!(user_id = %user.id, changed_email, "email verified");
        Ok(EmailVerified {
            user,
            changed_email,
            signed_in,
        })
    }

    async fn apply_verification(
        &self,
        conn: &impl ConnectionTrait,
        value: &str,
    ) -> Result<UserId, AuthError> {
        let grant: VerifyGrant =
            serde_json::from_str(value).map_err(|_| AuthError::InvalidToken)?;
        let user_id = UserId::from_trusted(grant.user_id);
        let email = Email::from_trusted(grant.email);
        if users::find_by_id(conn, &user_id).await?.is_none() {
            return Err(AuthError::UserNotFound);
        }
        // A link sent to an earlier address must not verify the current one.
        if !users::mark_email_verified(conn, &user_id, &email, self.now()).await? {
            return Err(AuthError::InvalidToken);
        }
        Ok(user_id)
    }

    async fn apply_email_change(
        &self,
        conn: &impl ConnectionTrait,
        value: &str,
    ) -> Result<UserId, AuthError> {
        let grant: ChangeGrant =
            serde_json::from_str(value).map_err(|_| AuthError::InvalidToken)?;
        let user_id = UserId::from_trusted(grant.user_id);
        if users::find_by_id(conn, &user_id).await?.is_none() {
            return Err(AuthError::UserNotFound);
        }
        let from = Email::from_trusted(grant.from);
        let to = Email::from_trusted(grant.to);
        match users::change_email(conn, &user_id, &from, &to, self.now()).await {
            Ok(true) => Ok(user_id),
            Ok(false) => Err(AuthError::InvalidToken),
            Err(StoreError::Conflict) => Err(AuthError::UserAlreadyExists),
            Err(other) => Err(other.into()),
        }
    }
}
