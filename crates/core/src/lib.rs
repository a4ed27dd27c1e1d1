//! The beep-iam core: sign-up, sign-in, sessions and account management as flows over the
//! store, plus the seed's hooks, password hashing and rate limiting. Knows nothing of HTTP:
//! the edge turns requests into calls on [`Auth`] and [`AuthError`]s into responses.

pub mod admin;
pub mod api_keys;
pub mod audit;
mod auth;
pub mod clock;
pub mod config;
mod error;
pub mod flows;
pub mod hooks;
pub mod jwt;
mod list_filter;
pub mod login_throttle;
pub mod mail;
pub mod oauth_provider;
pub mod organizations;
pub mod passkeys;
pub mod password_hasher;
pub mod rate_limit;
pub mod recent_changes;
pub mod session_cache;
pub mod shared_redis;
pub mod social;
pub mod tokens;
pub mod two_factor;

pub use auth::Auth;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AuthConfig, EmailConfig, HashingConfig, OrganizationConfig, SessionConfig};
pub use error::AuthError;
pub use flows::{ActiveSession, ClientInfo, SignedIn};
pub use social::SocialConfig;
pub use tokens::SessionToken;
