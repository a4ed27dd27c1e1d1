//! The beep-iam HTTP edge: better-auth 1.7's wire protocol under `/api/auth`, plus health
//! endpoints. Requests become calls on [`beep_core::Auth`]; errors become better-auth's
//! `{message, code}` bodies. Cookies, the origin check and the rate limiter live here.

mod body;
mod client_ip;
mod cookie_cache;
mod cookies;
mod cors;
mod csrf;
mod current_session;
mod error;
mod origin;
mod rate_limit;
mod revocations;
mod routes;
mod server;
mod settings;
mod state;
mod wire;

pub use cookies::CookieJar;
pub use origin::{OriginPattern, TrustedOrigins};
pub use routes::PATHS as AUTH_PATHS;
pub use server::{ShutdownSignal, router, serve};
pub use settings::{CookieSettings, HttpSettings};
pub use state::{AppState, Readiness};
