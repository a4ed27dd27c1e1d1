//! A software passkey authenticator that beep-iam did not write: 1Password's passkey-rs
//! (its CTAP2 authenticator behind its WebAuthn client), acting as a browser on one origin.
//! It takes the server's options as JSON and answers what `credential.toJSON()` gives in a
//! browser.
//!
//! It makes ES256 credentials (passkey-rs supports no other), discoverable, with a signature
//! counter that goes up by one on each sign-in; attestation `none`. An authenticator that
//! cannot verify the user is emulated as a browser does with such a key: user verification
//! is asked as `discouraged`, so only the user-present flag is set.

use async_trait::async_trait;
use passkey_authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey_client::{Client, DefaultClientData};
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use passkey_types::{Passkey, webauthn};
use serde_json::Value;

/// The user's answer to the authenticator's prompt: always present, verified or not.
struct User {
    verifies: bool,
}

#[async_trait]
impl UserValidationMethod for User {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification: verification && self.verifies,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        self.verifies.then_some(true)
    }
}

/// A software authenticator holding one passkey, used from `origin`.
pub struct SoftAuthenticator {
    client: Client<Option<Passkey>, User, public_suffix::PublicSuffixList, ()>,
    origin: url::Url,
    verifies_user: bool,
}

impl SoftAuthenticator {
    /// An authenticator on `origin` (`http://localhost:port`); `verifies_user` sets the UV flag
    /// on what it signs (a PIN or a fingerprint).
    pub fn new(origin: &str, verifies_user: bool) -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            None,
            User {
                verifies: verifies_user,
            },
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        Self {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: url::Url::parse(origin).expect("an origin"),
            verifies_user,
        }
    }

    /// Answers creation options (`GET /passkey/generate-register-options`) with a
    /// `RegistrationResponseJSON`.
    pub async fn register(&mut self, options: &Value) -> Value {
        let mut options = options.clone();
        if !self.verifies_user {
            options["authenticatorSelection"]["userVerification"] = "discouraged".into();
        }
        let request: webauthn::CredentialCreationOptions =
            serde_json::from_value(serde_json::json!({ "publicKey": options }))
                .expect("creation options passkey-rs can read");
        let created = self
            .client
            .register(&self.origin, request, DefaultClientData)
            .await
            .expect("the authenticator registers");
        serde_json::to_value(created).expect("a registration as JSON")
    }

    /// Answers request options (`GET /passkey/generate-authenticate-options`) with an
    /// `AuthenticationResponseJSON`.
    pub async fn authenticate(&mut self, options: &Value) -> Value {
        let mut options = options.clone();
        if !self.verifies_user {
            options["userVerification"] = "discouraged".into();
        }
        let request: webauthn::CredentialRequestOptions =
            serde_json::from_value(serde_json::json!({ "publicKey": options }))
                .expect("request options passkey-rs can read");
        let asserted = self
            .client
            .authenticate(&self.origin, request, DefaultClientData)
            .await
            .expect("the authenticator signs");
        serde_json::to_value(asserted).expect("an assertion as JSON")
    }

    /// The ids of the credentials it holds, base64url without padding.
    pub fn credential_ids(&self) -> Vec<String> {
        use base64::Engine as _;
        self.client
            .authenticator()
            .store()
            .iter()
            .map(|key| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&*key.credential_id))
            .collect()
    }
}
