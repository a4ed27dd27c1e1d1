//! Second factors over HTTP, on SQLite and PostgreSQL: TOTP codes come from an independent
//! implementation (the `totp-rs` crate), mailed codes from a real SMTP server.

#[path = "../support/mod.rs"]
mod support;

mod backup_codes;
mod bad_input;
mod enrolment;
mod links;
mod mailed_codes;
mod required;
mod sign_in;
mod trusted_devices;

pub use support::two_factor::*;
