//! Impersonation: an admin opens a short session as another user (to see what they see),
//! then returns to their own session, which stays valid meanwhile. Every start and stop is
//! written to the audit log.

use super::{AdminAction, AdminError};
use crate::{ActiveSession, Auth, AuthError, ClientInfo, SessionToken, SignedIn};
use beep_domain::admin_access::AdminReach;
use beep_store::StoreError;
use beep_store::repos::sessions;

impl Auth {
    /// `admin/impersonate-user`: a session as the user, marked with the admin's id, lasting
    /// the impersonation lifetime and never remembered. Admins may not impersonate admins
    /// (only a listed admin user may).
    pub async fn admin_impersonate_user(
        &self,
        caller: &ActiveSession,
        id: &str,
        client: &ClientInfo,
    ) -> Result<SignedIn, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::ImpersonateUsers)?;
        let target = self.target_user(id).await?;
        if self.is_admin(&target) && self.admin_reach(&caller.user) != AdminReach::Everything {
            return Err(AdminError::CannotImpersonateAdmins.into());
        }
        let lifetime = self.config().admin.impersonation_lifetime;
        let tx = self.store().write().await?;
        let (session, token) = self
            .open_session(&tx, &target, lifetime, false, client, Some(&caller.user.id))
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, session = %session.id, "admin started impersonating");
        Ok(SignedIn {
            user: target,
            session,
            token,
        })
    }

    /// `admin/stop-impersonating`: ends the impersonation session and hands back the admin's
    /// own session, whose token the admin's cookie kept.
    pub async fn admin_stop_impersonating(
        &self,
        current: &ActiveSession,
        admin_token: Option<&SessionToken>,
    ) -> Result<SignedIn, AuthError> {
        let Some(admin_id) = &current.session.impersonated_by else {
            return Err(AdminError::NotImpersonating.into());
        };
        let Some(token) = admin_token else {
            return Err(AdminError::AdminSessionNotFound.into());
        };
        let admin = self
            .authenticate(token, false)
            .await?
            .filter(|admin| admin.user.id == *admin_id)
            .ok_or(AdminError::AdminSessionNotFound)?;
        let conn = self.store().conn();
        sessions::delete(conn, &current.session.id).await?;
        self.session_changed(&current.session.id, &current.user.id)
            .await;
        tracing::info!(target: "audit", admin = %admin_id, user_id = %current.user.id, session = %current.session.id, "admin stopped impersonating");
        Ok(SignedIn {
            user: admin.user,
            session: admin.session,
            token: token.clone(),
        })
    }
}
