//! Clearing what the provider no longer needs: expired access and refresh tokens, expired
//! device authorizations, and grants with nothing left of their family. A used refresh token
//! is kept until it would have expired, so presenting it again is still seen as reuse.

use crate::auth::Auth;
use crate::error::AuthError;
use beep_store::repos::{device_codes, oauth_access_tokens, oauth_grants, oauth_refresh_tokens};

impl Auth {
    /// Deletes the expired provider rows: how many went.
    pub async fn sweep_expired_oauth(&self) -> Result<u64, AuthError> {
        let conn = self.store().conn();
        let now = self.now();
        let mut removed = oauth_access_tokens::delete_expired(conn, now).await?;
        removed += oauth_refresh_tokens::delete_expired(conn, now).await?;
        removed += device_codes::delete_expired(conn, now).await?;
        removed += oauth_grants::delete_spent(conn, now).await?;
        Ok(removed)
    }
}
