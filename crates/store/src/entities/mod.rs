//! SeaORM entities: the tables, as the database sees them. One module per table; the
//! repositories turn rows into domain entities.

pub mod account;
pub mod api_key;
pub mod audit_event;
pub mod device_code;
pub mod enums;
pub mod invitation;
pub mod jwks;
pub mod member;
pub mod oauth_access_token;
pub mod oauth_client;
pub mod oauth_consent;
pub mod oauth_grant;
pub mod oauth_refresh_token;
pub mod organization;
pub mod outbox_attempt;
pub mod outbox_mail;
pub mod passkey;
pub mod session;
pub mod team;
pub mod team_member;
pub mod trusted_device;
pub mod two_factor;
pub mod user;
pub mod verification;
pub mod webhook_delivery;
