//! A user's own passkeys: listed, renamed, deleted. Another user's passkey reads as one
//! that does not exist.

use super::PasskeyError;
use super::registration::MAX_NAME_CHARS;
use crate::{Auth, AuthError};
use beep_domain::{Passkey, PasskeyId, UserId};
use beep_store::repos::passkeys;

impl Auth {
    /// The user's passkeys, oldest first.
    pub async fn list_passkeys(&self, user: &UserId) -> Result<Vec<Passkey>, AuthError> {
        Ok(passkeys::list_for_user(self.store().conn(), user).await?)
    }

    /// Renames one of the user's passkeys (the name is trimmed and must not be empty).
    pub async fn rename_passkey(
        &self,
        user: &UserId,
        id: &str,
        name: &str,
    ) -> Result<Passkey, AuthError> {
        let owned = self.owned_passkey(user, id).await?;
        let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
        passkeys::rename(self.store().conn(), &owned.id, &name, user, self.now())
            .await?
            .ok_or(PasskeyError::PasskeyNotFound.into())
    }

    /// Deletes one of the user's passkeys.
    pub async fn delete_passkey(&self, user: &UserId, id: &str) -> Result<(), AuthError> {
        let owned = self.owned_passkey(user, id).await?;
        if !passkeys::delete(self.store().conn(), &owned.id).await? {
            return Err(PasskeyError::PasskeyNotFound.into());
        }
        tracing::info!(user_id = %user, passkey_id = %owned.id, "passkey deleted");
        Ok(())
    }

    async fn owned_passkey(&self, user: &UserId, id: &str) -> Result<Passkey, AuthError> {
        let _: PasskeyId = PasskeyId::parse(id).map_err(|_| PasskeyError::PasskeyNotFound)?;
        passkeys::find(self.store().conn(), id)
            .await?
            .filter(|key| &key.user_id == user)
            .ok_or(PasskeyError::PasskeyNotFound.into())
    }
}
