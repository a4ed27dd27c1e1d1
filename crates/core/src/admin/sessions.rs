//! The admin's view of a user's sessions: list them, end one, end all.

use super::{AdminAction, target_id};
use crate::{ActiveSession, Auth, AuthError};
use beep_domain::{Session, SessionId};
use beep_store::repos::sessions;

impl Auth {
    /// `admin/list-user-sessions`: the user's unexpired sessions, impersonations included.
    /// An unknown user has none.
    pub async fn admin_list_user_sessions(
        &self,
        caller: &ActiveSession,
        id: &str,
    ) -> Result<Vec<Session>, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::ListSessions)?;
        let Ok(id) = target_id(id) else {
            return Ok(Vec::new());
        };
        Ok(sessions::list_active(self.store().conn(), &id, self.now()).await?)
    }

    /// `admin/revoke-user-session`: ends one session by its public handle (unknown handles
    /// are ignored).
    pub async fn admin_revoke_user_session(
        &self,
        caller: &ActiveSession,
        handle: &str,
    ) -> Result<(), AuthError> {
        self.authorize_admin(&caller.user, AdminAction::RevokeSessions)?;
        let Ok(id) = SessionId::parse(handle) else {
            return Ok(());
        };
        let conn = self.store().conn();
        if let Some(session) = sessions::find_by_id(conn, &id).await?
            && sessions::delete(conn, &id).await?
        {
            self.session_changed(&id, &session.user_id).await;
            tracing::info!(target: "audit", admin = %caller.user.id, user_id = %session.user_id, "admin ended a session");
        }
        Ok(())
    }

    /// `admin/revoke-user-sessions`: ends every session of the user.
    pub async fn admin_revoke_user_sessions(
        &self,
        caller: &ActiveSession,
        id: &str,
    ) -> Result<(), AuthError> {
        self.authorize_admin(&caller.user, AdminAction::RevokeSessions)?;
        let Ok(id) = target_id(id) else {
            return Ok(());
        };
        let ended = self.revoke_sessions(&id, None).await?;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %id, ended, "admin ended all sessions");
        Ok(())
    }
}
