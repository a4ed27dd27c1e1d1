//! Banning users: a ban ends every session of the user at once (on every node, through the
//! session caches) and keeps new ones from opening until it is lifted or runs out.

use super::{AdminAction, AdminError};
use crate::{ActiveSession, Auth, AuthError};
use beep_domain::User;
use beep_store::repos::users::Ban;
use beep_store::repos::{sessions, users};
use beep_store::{ConnectionTrait, StoreError};

/// The longest reason a ban keeps.
const MAX_REASON_CHARS: usize = 1000;

impl Auth {
    /// `admin/ban-user`: bans the user (for `expires_in_secs`, else for good) and deletes all
    /// of their sessions in the same transaction.
    pub async fn admin_ban_user(
        &self,
        caller: &ActiveSession,
        id: &str,
        reason: Option<&str>,
        expires_in_secs: Option<i64>,
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::BanUsers)?;
        let target = self.target_user(id).await?;
        if target.id == caller.user.id {
            return Err(AdminError::CannotBanYourself.into());
        }
        let reason = match reason.filter(|r| !r.is_empty()) {
            Some(r) if r.chars().count() > MAX_REASON_CHARS => {
                return Err(AuthError::InvalidField {
                    field: "banReason",
                    reason: "Too big: expected string to have <=1000 characters",
                });
            }
            Some(r) => r.to_owned(),
            None => self.config().admin.default_ban_reason.clone(),
        };
        let now = self.now();
        let expires = match expires_in_secs {
            None => None,
            Some(secs) => Some(
                chrono::Duration::try_seconds(secs)
                    .filter(|_| secs > 0)
                    .and_then(|d| now.checked_add_signed(d))
                    .ok_or(AuthError::InvalidField {
                        field: "banExpiresIn",
                        reason: "Invalid input: expected a positive number of seconds",
                    })?,
            ),
        };
        let ban = Ban { reason, expires };
        let tx = self.store().write().await?;
        users::set_ban(&tx, &target.id, Some(&ban), &caller.user.id, now).await?;
        let ended = sessions::delete_all_for_user(&tx, &target.id, None).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.user_changed(&target.id).await;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, sessions_ended = ended, "admin banned a user");
        self.target_user(target.id.as_str()).await
    }

    /// `admin/unban-user`: lifts the ban; the user may sign in again.
    pub async fn admin_unban_user(
        &self,
        caller: &ActiveSession,
        id: &str,
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::BanUsers)?;
        let target = self.target_user(id).await?;
        users::set_ban(
            self.store().conn(),
            &target.id,
            None,
            &caller.user.id,
            self.now(),
        )
        .await?;
        self.user_changed(&target.id).await;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, "admin lifted a ban");
        self.target_user(target.id.as_str()).await
    }

    /// Refuses a new session for a banned user with `BANNED_USER`; a ban that has run out is
    /// lifted instead (inside the caller's transaction).
    pub(crate) async fn refuse_banned(
        &self,
        conn: &impl ConnectionTrait,
        user: &User,
    ) -> Result<(), AuthError> {
        if !user.banned {
            return Ok(());
        }
        let now = self.now();
        if user.is_banned_at(now) {
            return Err(AdminError::BannedUser.into());
        }
        users::set_ban(conn, &user.id, None, &user.id, now).await?;
        Ok(())
    }
}
