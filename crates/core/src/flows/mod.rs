//! The flows, one file per concern. Each is a method on [`crate::Auth`] that validates its
//! input, does its writes in one transaction, and runs the seed's hooks inside it.

mod account;
mod change_email;
mod email_verification;
mod password_reset;
mod sessions;
mod sign_in;
pub(crate) mod sign_up;

pub use account::{DeleteUser, UpdateUser};
pub use email_verification::EmailVerified;
pub use password_reset::PasswordReset;
pub use sign_in::{SignIn, SignInOutcome};
pub(crate) use sign_up::{MAX_NAME_CHARS, validate_picture};
pub use sign_up::{SignUp, SignUpOutcome};

use crate::hooks;
use crate::tokens::SessionToken;
use crate::{Auth, AuthError};
use beep_domain::{Audit, Session, SessionId, User, UserId};
use beep_store::ConnectionTrait;
use beep_store::repos::sessions as session_repo;

/// Where a request came from, recorded on the sessions it creates.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Client IP address, `""` when unknown.
    pub ip_address: String,
    /// User agent, `""` when unknown.
    pub user_agent: String,
}

/// A new session: what sign-up, sign-in and change-password return.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user, as stored.
    pub user: User,
    /// The new session.
    pub session: Session,
    /// Its secret token, for the cookie and the bearer header only.
    pub token: SessionToken,
}

impl SignedIn {
    /// The new session as one a request presents.
    pub fn active(&self) -> ActiveSession {
        ActiveSession {
            session: self.session.clone(),
            user: self.user.clone(),
            refreshed: false,
        }
    }
}

/// A session that a request presented and that is valid now.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// The session, after any refresh.
    pub session: Session,
    /// Its user.
    pub user: User,
    /// Whether this read renewed the expiry (so the cookie must be re-issued).
    pub refreshed: bool,
}

impl Auth {
    /// Creates a session for `user` inside `conn`'s transaction, running the session hook.
    /// A banned user gets `BANNED_USER` instead.
    pub(crate) async fn create_session(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        remember_me: bool,
        client: &ClientInfo,
    ) -> Result<(Session, SessionToken), AuthError> {
        let lifetime = if remember_me {
            self.config().session.expires_in
        } else {
            self.config().session.short_expires_in
        };
        self.open_session(conn, user, lifetime, remember_me, client, None)
            .await
    }

    /// [`Auth::create_session`] with its lifetime given, and (for an impersonation) the admin
    /// it is opened for.
    pub(crate) async fn open_session(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
        lifetime: chrono::Duration,
        remember_me: bool,
        client: &ClientInfo,
        impersonated_by: Option<&UserId>,
    ) -> Result<(Session, SessionToken), AuthError> {
        self.refuse_banned(conn, user).await?;
        let now = self.now();
        // Locked as every rewrite of the user's organization context does, so a membership
        // change committing meanwhile cannot miss this session.
        beep_store::repos::users::lock(conn, &user.id).await?;
        let (organization_context, active_organization_id) =
            hooks::on_session_created(conn, user).await?;
        let token = SessionToken::generate();
        let session = Session {
            id: SessionId::generate(),
            token_digest: token.digest(),
            user_id: user.id.clone(),
            expires_at: now + lifetime,
            ip_address: truncate(&client.ip_address, 64),
            user_agent: truncate(&client.user_agent, 512),
            remember_me,
            active_organization_id,
            active_team_id: None,
            organization_context,
            impersonated_by: impersonated_by.cloned(),
            audit: Audit::created(now, Some(user.id.as_str())),
        };
        session_repo::insert(conn, &session).await?;
        Ok((session, token))
    }
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}
