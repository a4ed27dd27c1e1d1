//! The beep-iam domain: what an identity is, independent of storage and transport.
//!
//! Entities carry typed, prefixed ids ([`ids`]) and the seed's audit fields ([`Audit`]);
//! enums mirror the seed's enum kits ([`enums`]); input rules (email, password, names) live
//! here so every layer applies the same ones. Nothing in this crate does I/O.

pub mod access;
pub mod admin_access;
pub mod api_key;
pub mod audit;
pub mod audit_event;
pub mod device_code;
pub mod email;
pub mod entities;
pub mod enums;
pub mod ids;
pub mod jws;
pub mod oauth_client;
pub mod oauth_grant;
pub mod password;
pub mod secret;
pub mod slug;
pub mod uri;

pub use access::{PermissionRequest, Roles};
pub use api_key::{ApiKey, ApiKeyOwner, ApiKeyRefusal, ApiKeyUse};
pub use audit::Audit;
pub use audit_event::{AuditAction, AuditEvent};
pub use device_code::{DeviceCode, DeviceCodeStatus};
pub use email::{Email, EmailError};
pub use entities::*;
pub use enums::*;
pub use ids::*;
pub use oauth_client::{
    ApplicationType, ClientAuthMethod, ClientMetadata, GrantType, OAuthAccessToken, OAuthClient,
};
pub use oauth_grant::{OAuthConsent, OAuthGrant, OAuthRefreshToken};
pub use password::{PasswordPolicy, PasswordRejection, PlainPassword};
pub use secret::Secret;
