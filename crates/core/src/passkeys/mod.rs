//! Passkeys (WebAuthn), the relying party's side: reading what authenticators send (CBOR,
//! COSE keys, authenticator data) and checking the registration and authentication
//! ceremonies, on `ring`, with no OpenSSL.
//!
//! Groundwork for better-auth's passkey plugin: the routes, the `passkey` table and the
//! challenge storage are not built yet.

pub mod cbor;
pub mod ceremony;
pub mod cose;

#[cfg(test)]
mod tests;
