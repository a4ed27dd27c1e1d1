//! Reading sessions (with sliding refresh), listing and revoking them.

use super::ActiveSession;
use crate::session_cache::{Cached, Lookup};
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
        self.authenticate_digest(&token.digest(), allow_refresh)
            .await
    }

    /// [`Auth::authenticate`] for a token already digested.
    async fn authenticate_digest(
        &self,
        digest: &str,
        allow_refresh: bool,
    ) -> Result<Option<ActiveSession>, AuthError> {
        let conn = self.store().conn();
        let Some((mut session, user)) = sessions::find_with_user(conn, digest).await? else {
            return Ok(None);
        };
        let now = self.now();
        if session.expires_at <= now {
            sessions::delete(conn, &session.id).await?;
            return Ok(None);
        }
        let mut refreshed = false;
        if allow_refresh && let Some(renewed) = self.refresh_due(&session) {
            refreshed = sessions::extend(conn, &session.id, renewed, now).await?;
            if refreshed {
                session.expires_at = renewed;
                session.audit.updated_at = now;
                session.audit.version += 1;
            }
        }
        Ok(Some(ActiveSession {
            session,
            user,
            refreshed,
        }))
    }

    /// [`Auth::authenticate`] through the session cache: the read behind `get-session`. A
    /// cached session is served while it is unexpired and not due for a refresh; anything
    /// else goes to the database, and what it says is cached. Flows that need the freshest
    /// state (changing a password, revoking) use [`Auth::authenticate`] directly.
    pub async fn read_session(
        &self,
        token: &SessionToken,
        allow_refresh: bool,
    ) -> Result<Option<ActiveSession>, AuthError> {
        let digest = token.digest();
        let ticket = match self.session_cache().lookup(&digest).await {
            Lookup::Hit(cached, _)
                if cached.session.expires_at > self.now()
                    && !(allow_refresh && self.refresh_due(&cached.session).is_some()) =>
            {
                let Cached { session, user } = *cached;
                return Ok(Some(ActiveSession {
                    session,
                    user,
                    refreshed: false,
                }));
            }
            // Expired or due for a refresh: the database decides, and its answer replaces
            // the entry.
            Lookup::Hit(_, ticket) | Lookup::Miss(ticket) => ticket,
        };
        let active = self.authenticate_digest(&digest, allow_refresh).await?;
        if let Some(active) = &active {
            let cached = Cached {
                session: active.session.clone(),
                user: active.user.clone(),
            };
            self.session_cache().fill(ticket, &cached, self.now()).await;
        }
        Ok(active)
    }

    /// The new expiry when a session is due for its sliding refresh, else `None`.
    fn refresh_due(&self, session: &Session) -> Option<chrono::DateTime<chrono::Utc>> {
        if !session.remember_me {
            return None;
        }
        let config = &self.config().session;
        let now = self.now();
        let last_refresh = session.expires_at - config.expires_in;
        let renewed = (now + config.expires_in).min(session.audit.created_at + config.max_lifetime);
        (last_refresh + config.update_age <= now && renewed > session.expires_at).then_some(renewed)
    }

    /// Ends the session of this token, if there is one, and returns it.
    pub async fn sign_out(&self, token: &SessionToken) -> Result<Option<Session>, AuthError> {
        let conn = self.store().conn();
        let Some((session, _)) = sessions::find_with_user(conn, &token.digest()).await? else {
            return Ok(None);
        };
        sessions::delete(conn, &session.id).await?;
        self.session_changed(&session.id, &session.user_id).await;
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
        let mut listed =
            sessions::list_active(self.store().conn(), &current.user.id, self.now()).await?;
        // An admin's impersonation is not the user's own device.
        listed.retain(|session| session.impersonated_by.is_none());
        Ok(listed)
    }

    /// Ends one of the user's sessions by its public handle. Unknown handles and other
    /// users' sessions are ignored, so the answer reveals nothing about them.
    pub async fn revoke_session(&self, user: &UserId, handle: &str) -> Result<bool, AuthError> {
        let Ok(session) = SessionId::parse(handle) else {
            return Ok(false);
        };
        let deleted = sessions::delete_owned(self.store().conn(), user, handle).await?;
        if deleted {
            self.session_changed(&session, user).await;
        }
        Ok(deleted)
    }

    /// Ends every session of the user; `keep` survives when given.
    pub async fn revoke_sessions(
        &self,
        user: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<u64, AuthError> {
        let deleted = sessions::delete_all_for_user(self.store().conn(), user, keep).await?;
        self.user_changed(user).await;
        Ok(deleted)
    }
}
