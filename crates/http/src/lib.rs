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
mod openapi;
mod origin;
mod query;
mod rate_limit;
mod routes;
mod server;
mod settings;
mod state;
mod typed_body;
mod verified_cookie_caches;
mod wire;

pub use cookies::CookieJar;
pub use origin::{OriginPattern, TrustedOrigins};
pub use routes::auth_paths;
pub use server::{ShutdownSignal, router, serve};
pub use settings::{CookieSettings, HttpSettings};
pub use state::{AppState, MAX_RATE_LIMIT_BUCKETS, Readiness, SharedState};

/// The parsers that face untrusted input, exposed for the fuzz targets in `fuzz/`. Not a
/// stable API: nothing outside the fuzz targets should use it.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::body::{Fields, decode as decode_body};
    pub use crate::cookie_cache::{
        CachedSession, decode as decode_cookie_cache, encode as encode_cookie_cache,
    };
    pub use crate::cookies::{
        DONT_REMEMBER, SESSION_DATA, SESSION_TOKEN, encode_uri_component, percent_decode,
    };
    pub use crate::current_session::presented_token;
    pub use crate::error::ApiError;
    pub use crate::routes::organization::{parse_any_request, parse_list_members_query};
    pub use crate::routes::passkeys::parse_any_request as parse_passkey_request;
    pub use crate::routes::social::parse_sign_in_request;
    pub use crate::routes::two_factor::parse_any_request as parse_two_factor_request;
    pub use crate::wire::{SessionJson, UserJson};
}
