//! Device authorization (RFC 8628; better-auth's `deviceAuthorization()` wire shape): a
//! device asks for a code pair, the user opens the short code signed in (which claims it
//! for them), approves or denies, and the device's polls learn the answer.
//!
//! Only a registered, enabled client may ask. A code is claimed by the first user who opens
//! it and only they can answer it; an approved code gives one token, then is gone.

use super::credential_digest;
use super::error::{OAuthError, OAuthErrorCode};
use crate::auth::Auth;
use crate::error::AuthError;
use crate::flows::ClientInfo;
use crate::mail::SealingKey;
use crate::tokens::{SessionToken, random_alphanumeric};
use beep_domain::{Audit, DeviceCode, DeviceCodeId, DeviceCodeStatus, Secret, User};
use beep_store::repos::{device_codes, oauth_clients, users};
use rand::Rng as _;

/// The `grant_type` of a device's token request.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// User codes use letters and digits that cannot be mistaken for one another.
const USER_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The key purpose of user-code digests.
const USER_CODE_PURPOSE: &str = "device-user-code";

/// A device authorization just started (RFC 8628 §3.2).
#[derive(Debug)]
pub struct IssuedDeviceCode {
    /// The device's code (40 letters and digits), shown to the device only.
    pub device_code: Secret<String>,
    /// The user's code (8 characters).
    pub user_code: String,
    /// Where the user enters it.
    pub verification_uri: String,
    /// The same with the code filled in.
    pub verification_uri_complete: String,
    /// Seconds until both codes stop working.
    pub expires_in: i64,
    /// Seconds between polls.
    pub interval: i64,
}

/// What the verification page shows of a code.
#[derive(Debug, Clone)]
pub struct DeviceView {
    /// The code as the user typed it.
    pub user_code: String,
    /// Where it stands.
    pub status: DeviceCodeStatus,
    /// The device's client.
    pub client_id: String,
    /// Its name (its id when it gave none).
    pub client_name: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
}

impl Auth {
    /// `POST /device/code`: a code pair for the device of `client_id`, for `scope`.
    pub async fn request_device_code(
        &self,
        client_id: &str,
        scope: Option<&str>,
    ) -> Result<IssuedDeviceCode, AuthError> {
        if client_id.contains('\0') || scope.is_some_and(|s| s.contains('\0')) {
            return Err(
                OAuthError::invalid_request("parameters must not contain NUL characters").into(),
            );
        }
        let client = oauth_clients::find(self.store().conn(), client_id)
            .await?
            .filter(|c| !c.disabled)
            .ok_or_else(|| OAuthError::bad(OAuthErrorCode::InvalidClient, "Invalid client ID"))?;
        let scopes = self
            .requested_scopes(&client, scope)
            .map_err(|(code, description)| OAuthError::bad(code, description))?;
        let config = &self.config().oauth_provider;
        let now = self.now();
        let device_code = Secret::new(random_alphanumeric(40));
        let user_code = new_user_code();
        let row = DeviceCode {
            id: DeviceCodeId::generate(),
            device_code_digest: credential_digest(device_code.expose()),
            user_code_digest: self.user_code_digest(&user_code),
            client_id: client.client_id.clone(),
            user_id: None,
            status: DeviceCodeStatus::Pending,
            scopes,
            expires_at: now + config.device_code_expires_in,
            last_polled_at: None,
            interval_secs: i32::try_from(config.device_interval.num_seconds()).unwrap_or(5),
            audit: Audit::created(now, None),
        };
        device_codes::insert(self.store().conn(), &row).await?;
        let separator = if config.device_verification_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(IssuedDeviceCode {
            verification_uri_complete: format!(
                "{}{separator}user_code={user_code}",
                config.device_verification_uri
            ),
            verification_uri: config.device_verification_uri.clone(),
            device_code,
            user_code,
            expires_in: config.device_code_expires_in.num_seconds(),
            interval: config.device_interval.num_seconds(),
        })
    }

    /// A device's poll with `device_code`: the approved authorization (gone from the store
    /// now, so it answers once), or why there is no token yet.
    pub(super) async fn poll_device_code(
        &self,
        client_id: &str,
        device_code: &str,
    ) -> Result<(DeviceCode, User), AuthError> {
        let conn = self.store().conn();
        let now = self.now();
        let refuse = |code, description: &str| AuthError::from(OAuthError::bad(code, description));
        let Some(found) =
            device_codes::find_by_device_code(conn, &credential_digest(device_code)).await?
        else {
            return Err(refuse(OAuthErrorCode::InvalidGrant, "Invalid device code"));
        };
        if found.client_id != client_id {
            return Err(refuse(OAuthErrorCode::InvalidGrant, "Client ID mismatch"));
        }
        if found.expires_at <= now {
            device_codes::delete(conn, &found.id).await?;
            return Err(refuse(
                OAuthErrorCode::ExpiredToken,
                "Device code has expired",
            ));
        }
        let earliest = now - chrono::Duration::seconds(i64::from(found.interval_secs));
        if !device_codes::record_poll(conn, &found.id, now, earliest).await? {
            device_codes::slow_down(conn, &found.id, now).await?;
            return Err(refuse(OAuthErrorCode::SlowDown, "Polling too frequently"));
        }
        match (found.status, &found.user_id) {
            (DeviceCodeStatus::Pending, _) => Err(refuse(
                OAuthErrorCode::AuthorizationPending,
                "Authorization pending",
            )),
            (DeviceCodeStatus::Denied, _) => {
                device_codes::delete(conn, &found.id).await?;
                Err(refuse(OAuthErrorCode::DeviceDenied, "Access denied"))
            }
            (DeviceCodeStatus::Approved, Some(user_id)) => {
                let user = users::find_by_id(conn, user_id)
                    .await?
                    .filter(|u| !u.is_banned_at(now));
                // Whoever deletes the row hands out the token: two polls racing get one.
                let won = device_codes::delete(conn, &found.id).await?;
                match user {
                    Some(user) if won => Ok((found, user)),
                    _ => Err(refuse(OAuthErrorCode::InvalidGrant, "Invalid device code")),
                }
            }
            (DeviceCodeStatus::Approved, None) => {
                Err(refuse(OAuthErrorCode::InvalidGrant, "Invalid device code"))
            }
        }
    }

    /// `POST /device/token` (better-auth's shape): on approval, a new session for the user,
    /// whose token is the bearer access token.
    pub async fn device_session_token(
        &self,
        client_id: &str,
        device_code: &str,
        client: &ClientInfo,
    ) -> Result<(SessionToken, chrono::DateTime<chrono::Utc>, Vec<String>), AuthError> {
        let (approved, user) = self.poll_device_code(client_id, device_code).await?;
        let tx = self.store().write().await?;
        let (session, token) = self.create_session(&tx, &user, true, client).await?;
        tx.commit().await.map_err(beep_store::StoreError::from)?;
        tracing::info!(target: "audit", user_id = %user.id, client_id, "device authorized");
        Ok((token, session.expires_at, approved.scopes))
    }

    /// `GET /device?user_code=`: the code's state; for a signed-in `user` this claims it,
    /// so only they can answer it.
    pub async fn view_device_code(
        &self,
        user: Option<&User>,
        user_code: &str,
    ) -> Result<DeviceView, AuthError> {
        let found = self.live_user_code(user_code).await?;
        if let Some(user) = user
            && !device_codes::claim(self.store().conn(), &found.id, &user.id, self.now()).await?
            && found.status == DeviceCodeStatus::Pending
        {
            // Another user opened it first: to this one it does not exist.
            return Err(invalid_user_code());
        }
        let client_name = oauth_clients::find(self.store().conn(), &found.client_id)
            .await?
            .and_then(|c| c.metadata.name)
            .unwrap_or_else(|| found.client_id.clone());
        Ok(DeviceView {
            user_code: user_code.to_owned(),
            status: found.status,
            client_id: found.client_id,
            client_name,
            scopes: found.scopes,
        })
    }

    /// `POST /device/approve` or `/device/deny` by `user`, who opened the code first.
    pub async fn answer_device_code(
        &self,
        user: &User,
        user_code: &str,
        approve: bool,
    ) -> Result<(), AuthError> {
        let found = self.live_user_code(user_code).await?;
        if found.status != DeviceCodeStatus::Pending {
            return Err(OAuthError::invalid_request("Device code already processed").into());
        }
        if found.user_id.as_ref() != Some(&user.id) {
            return Err(OAuthError::invalid_request(
                "Open the code on the verification page first",
            )
            .into());
        }
        let status = if approve {
            DeviceCodeStatus::Approved
        } else {
            DeviceCodeStatus::Denied
        };
        if !device_codes::decide(self.store().conn(), &found.id, &user.id, status, self.now())
            .await?
        {
            return Err(OAuthError::invalid_request("Device code already processed").into());
        }
        tracing::info!(target: "audit", user_id = %user.id, client_id = %found.client_id, approved = approve, "device code answered");
        Ok(())
    }

    /// The unexpired authorization of `user_code` (dashes, spaces and case ignored).
    async fn live_user_code(&self, user_code: &str) -> Result<DeviceCode, AuthError> {
        let found =
            device_codes::find_by_user_code(self.store().conn(), &self.user_code_digest(user_code))
                .await?
                .ok_or_else(invalid_user_code)?;
        if found.expires_at <= self.now() {
            return Err(
                OAuthError::bad(OAuthErrorCode::ExpiredToken, "User code has expired").into(),
            );
        }
        Ok(found)
    }

    fn user_code_digest(&self, user_code: &str) -> String {
        let normalized: String = user_code
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        SealingKey::derive(self.config().secret.expose(), USER_CODE_PURPOSE)
            .mac_hex(normalized.as_bytes())
    }
}

fn invalid_user_code() -> AuthError {
    OAuthError::invalid_request("Invalid user code").into()
}

/// Eight characters of [`USER_CODE_ALPHABET`] (40 bits; the code lives 30 minutes and every
/// guess is rate limited).
fn new_user_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..8)
        .map(|_| char::from(USER_CODE_ALPHABET[rng.gen_range(0..USER_CODE_ALPHABET.len())]))
        .collect()
}
