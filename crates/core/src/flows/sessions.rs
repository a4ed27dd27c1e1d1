//! Reading sessions (with sliding refresh), listing and revoking them.

use super::ActiveSession;
use crate::tokens::SessionToken;
use crate::{Auth, AuthError};
use beep_domain::{Session, SessionId, UserId};
use beep_store::repos::sessions;

impl Auth {
    /// The valid session for a token, or `None`. An expired session is deleted. A session
    /// whose last refresh is older than `update_age` gets its expiry moved forward (unless
    /// `allow_refresh` is false or it is a don't-remember session), never past
    /// `created_at + max_lifetime`.
    pub async fn authenticate(
        &self,
        token: &SessionToken,
        allow_refresh: bool,
    ) -> Result<Option<ActiveSession>, AuthError> {
        let conn = self.store().conn();
        let Some((mut session, user)) = sessions::find_with_user(conn, &token.digest()).await?
        else {
            return Ok(None);
        };
        let now = self.now();
        if session.expires_at <= now {
            sessions::delete(conn, &session.id).await?;
            return Ok(None);
        }
        let mut refreshed = false;
        if allow_refresh && session.remember_me {
            let config = &self.config().session;
            let last_refresh = session.expires_at - config.expires_in;
            let renewed =
                (now + config.expires_in).min(session.audit.created_at + config.max_lifetime);
            if last_refresh + config.update_age <= now && renewed > session.expires_at {
                refreshed = sessions::extend(conn, &session.id, renewed, now).await?;
                if refreshed {
                    session.expires_at = renewed;
                    session.audit.updated_at = now;
                    session.audit.version += 1;
                }
            }
        }
        Ok(Some(ActiveSession {
            session,
            user,
            refreshed,
        }))
    }

    /// Ends the session of this token, if there is one, and returns it.
    pub async fn sign_out(&self, token: &SessionToken) -> Result<Option<Session>, AuthError> {
        let conn = self.store().conn();
        let Some((session, _)) = sessions::find_with_user(conn, &token.digest()).await? else {
            return Ok(None);
        };
        sessions::delete(conn, &session.id).await?;
        Ok(Some(session))
    }

    /// Whether a session is recent enough for actions that demand a fresh sign-in.
    pub fn is_fresh(&self, session: &Session) -> bool {
        session.audit.created_at + self.config().session.fresh_age > self.now()
    }

    /// The user's unexpired sessions. Requires a fresh session, as better-auth does.
    pub async fn list_sessions(&self, current: &ActiveSession) -> Result<Vec<Session>, AuthError> {
        if !self.is_fresh(&current.session) {
            return Err(AuthError::SessionNotFresh);
        }
        Ok(sessions::list_active(self.store().conn(), &current.user.id, self.now()).await?)
    }

    /// Ends one of the user's sessions by its public handle. Unknown handles and other
    /// users' sessions are ignored, so the answer reveals nothing about them.
    pub async fn revoke_session(&self, user: &UserId, handle: &str) -> Result<bool, AuthError> {
        if SessionId::parse(handle).is_err() {
            return Ok(false);
        }
        Ok(sessions::delete_owned(self.store().conn(), user, handle).await?)
    }

    /// Ends every session of the user; `keep` survives when given.
    pub async fn revoke_sessions(
        &self,
        user: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<u64, AuthError> {
        Ok(sessions::delete_all_for_user(self.store().conn(), user, keep).await?)
    }
}
