//! What the passkey routes answer, in better-auth's shapes: its passkey row, and the
//! ceremony options as @simplewebauthn/server writes them.

use crate::wire::iso;
use beep_core::passkeys::{CreationOptions, CredentialDescriptor, RequestOptions};
use beep_domain::Passkey;
use serde::Serialize;
use utoipa::ToSchema;

/// A passkey, as better-auth's `passkey` row.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Passkey)]
pub struct PasskeyJson {
    /// `pk_…`
    pub id: String,
    /// The name the user gave it, or `null`.
    #[schema(required = true)]
    pub name: Option<String>,
    /// The COSE public key, standard base64.
    pub public_key: String,
    /// Whose it is.
    pub user_id: String,
    /// The credential id, base64url.
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    /// The last signature counter seen.
    pub counter: i64,
    /// `singleDevice` or `multiDevice` (synced).
    pub device_type: &'static str,
    /// Backed up when last seen.
    pub backed_up: bool,
    /// Comma-separated transports (`internal,hybrid`).
    pub transports: String,
    /// When it was registered.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The authenticator model, a UUID.
    #[schema(required = true)]
    pub aaguid: Option<String>,
}

impl From<&Passkey> for PasskeyJson {
    fn from(key: &Passkey) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.clone(),
            public_key: key.public_key.clone(),
            user_id: key.user_id.to_string(),
            credential_id: key.credential_id.clone(),
            counter: key.counter,
            device_type: key.device_type.as_str(),
            backed_up: key.backed_up,
            transports: key.transports.clone(),
            created_at: iso(&key.audit.created_at),
            aaguid: key.aaguid.clone(),
        }
    }
}

/// `POST /passkey/update-passkey`: `{passkey}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpdatedPasskeyJson {
    /// The passkey as it is now.
    pub passkey: PasskeyJson,
}

/// `POST /passkey/delete-passkey`: `{status: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyStatusJson {
    /// Always `true`.
    pub status: bool,
}

/// `PublicKeyCredentialCreationOptionsJSON`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreationOptionsJson {
    /// The challenge, base64url.
    pub challenge: String,
    /// This server: `{name, id}`.
    pub rp: RelyingPartyJson,
    /// The account: `{id (a random handle, base64url), name, displayName}`.
    pub user: UserEntityJson,
    /// EdDSA, ES256 and RS256 keys.
    pub pub_key_cred_params: Vec<CredentialParameterJson>,
    /// Milliseconds.
    pub timeout: u32,
    /// `none`.
    pub attestation: &'static str,
    /// The user's passkeys, not to be registered twice.
    pub exclude_credentials: Vec<CredentialDescriptorJson>,
    /// Discoverable credential and user verification preferred.
    pub authenticator_selection: AuthenticatorSelectionJson,
    /// `{credProps: true}`.
    #[schema(value_type = Object)]
    pub extensions: serde_json::Value,
    /// None.
    pub hints: Vec<String>,
}

/// The relying party.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelyingPartyJson {
    /// Display name.
    pub name: String,
    /// The host name passkeys are bound to.
    pub id: String,
}

/// The account as the authenticator stores it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserEntityJson {
    /// A random handle, base64url.
    pub id: String,
    /// Account name.
    pub name: String,
    /// Display name.
    pub display_name: String,
}

/// A key type.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialParameterJson {
    /// COSE algorithm.
    pub alg: i64,
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// A credential the browser may use (or must not register again).
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialDescriptorJson {
    /// The credential id, base64url.
    pub id: String,
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How the browser may reach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transports: Option<Vec<String>>,
}

/// What kind of authenticator is wanted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorSelectionJson {
    /// `platform` or `cross-platform`, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// `preferred`.
    pub resident_key: &'static str,
    /// `preferred`.
    pub user_verification: &'static str,
    /// `false`.
    pub require_resident_key: bool,
}

/// `PublicKeyCredentialRequestOptionsJSON`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptionsJson {
    /// The relying party id.
    pub rp_id: String,
    /// The challenge, base64url.
    pub challenge: String,
    /// The caller's passkeys when the caller is known; absent for a username-less sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<Vec<CredentialDescriptorJson>>,
    /// Milliseconds.
    pub timeout: u32,
    /// `preferred`.
    pub user_verification: &'static str,
}

impl From<&CredentialDescriptor> for CredentialDescriptorJson {
    fn from(descriptor: &CredentialDescriptor) -> Self {
        Self {
            id: descriptor.id.clone(),
            kind: descriptor.kind,
            transports: descriptor.transports.clone(),
        }
    }
}

impl From<CreationOptions> for CreationOptionsJson {
    fn from(options: CreationOptions) -> Self {
        Self {
            challenge: options.challenge,
            rp: RelyingPartyJson {
                name: options.rp.name,
                id: options.rp.id,
            },
            user: UserEntityJson {
                id: options.user.id,
                name: options.user.name,
                display_name: options.user.display_name,
            },
            pub_key_cred_params: options
                .pub_key_cred_params
                .iter()
                .map(|p| CredentialParameterJson {
                    alg: p.alg,
                    kind: p.kind,
                })
                .collect(),
            timeout: options.timeout,
            attestation: options.attestation,
            exclude_credentials: options
                .exclude_credentials
                .iter()
                .map(CredentialDescriptorJson::from)
                .collect(),
            authenticator_selection: AuthenticatorSelectionJson {
                authenticator_attachment: options.authenticator_selection.authenticator_attachment,
                resident_key: options.authenticator_selection.resident_key,
                user_verification: options.authenticator_selection.user_verification,
                require_resident_key: options.authenticator_selection.require_resident_key,
            },
            extensions: serde_json::json!({ "credProps": true }),
            hints: Vec::new(),
        }
    }
}

impl From<RequestOptions> for RequestOptionsJson {
    fn from(options: RequestOptions) -> Self {
        Self {
            rp_id: options.rp_id,
            challenge: options.challenge,
            allow_credentials: options
                .allow_credentials
                .map(|all| all.iter().map(CredentialDescriptorJson::from).collect()),
            timeout: options.timeout,
            user_verification: options.user_verification,
        }
    }
}
