//! Device authorization (RFC 8628, better-auth's `deviceAuthorization()`): a device with no
//! browser shows the user a short code; the user enters it on another device, signed in, and
//! approves or denies; meanwhile the device polls for its token.
//!
//! The device code is long and random, the user code short; both are kept only as digests
//! (the user code's under a server key, since its few bits could be reversed by trying all).

use crate::{Audit, DeviceCodeId, UserId};
use chrono::{DateTime, Utc};

/// Where a device authorization stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceCodeStatus {
    /// Waiting for the user.
    Pending,
    /// The user approved; the next poll gets a token.
    Approved,
    /// The user denied; the next poll gets `access_denied`.
    Denied,
}

impl DeviceCodeStatus {
    /// Every status.
    pub const ALL: [DeviceCodeStatus; 3] = [Self::Pending, Self::Approved, Self::Denied];

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// One device authorization.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// The row's id.
    pub id: DeviceCodeId,
    /// base64url SHA-256 of the device code (unique).
    pub device_code_digest: String,
    /// Keyed digest of the user code, without dashes (unique).
    pub user_code_digest: String,
    /// The `client_id` of the device's application.
    pub client_id: String,
    /// The signed-in user who opened the code on the verification page (and alone may
    /// approve or deny it).
    pub user_id: Option<UserId>,
    /// Where it stands.
    pub status: DeviceCodeStatus,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// When the codes stop working.
    pub expires_at: DateTime<Utc>,
    /// When the device last polled.
    pub last_polled_at: Option<DateTime<Utc>>,
    /// Seconds the device must wait between polls (grows by 5 on each `slow_down`).
    pub interval_secs: i32,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCode")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .field("status", &self.status)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_their_names() {
        for status in DeviceCodeStatus::ALL {
            assert_eq!(DeviceCodeStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DeviceCodeStatus::parse("expired"), None);
    }
}
