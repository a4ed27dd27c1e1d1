//! beep-iam's SDK for resource servers: who is calling, without asking beep-iam on every
//! request where it can be helped.
//!
//! A [`Verifier`] accepts three credentials:
//! - a beep-iam JWT (`Authorization: Bearer <jwt>`, from `GET /api/auth/token` or the
//!   `set-auth-jwt` header), verified offline against the server's key set, which is fetched
//!   once, cached, and fetched again when a token names a key it does not hold;
//! - a session bearer token (`Authorization: Bearer <token>` from `set-auth-token`), and
//! - the session cookies of a browser, and
//! - an API key (`x-api-key`),
//!
//! the last three checked with the server (get-session, `POST /api-key/verify`), so a revoked
//! session or a deleted, disabled or spent key is refused at once. [`Authenticated`] is the axum extractor; [`Verifier::authenticate`] the plain function.
//!
//! ```no_run
//! # async fn run() -> Result<(), beep_client::VerifyError> {
//! let verifier = beep_client::Verifier::new(beep_client::VerifierConfig::for_server(
//!     "https://auth.example.com",
//! ));
//! let caller = verifier.verify_jwt("eyJ...").await?;
//! println!("{} calls", caller.user_id);
//! # Ok(())
//! # }
//! ```

mod api_key;
mod caller;
mod config;
mod error;
mod extractor;
mod key_set;
mod session;
mod verifier;

pub use api_key::{KeyOwner, VerifiedKey};
pub use caller::{Caller, CredentialKind};
pub use config::VerifierConfig;
pub use error::VerifyError;
pub use extractor::Authenticated;
pub use verifier::Verifier;
