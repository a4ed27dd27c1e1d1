//! What the browser sends back: `credential.toJSON()` of a registration or an
//! authentication, every binary part base64url. Read strictly enough that nothing malformed
//! reaches the ceremony checks, leniently enough for every browser (padding or not, extra
//! fields ignored).

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;

/// Base64url, with or without padding.
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Longest encoded field accepted: an attestation object with a certificate chain stays
/// well below it.
const MAX_FIELD_CHARS: usize = 64 * 1024;
/// Longest credential id (WebAuthn: at most 1023 bytes).
const MAX_CREDENTIAL_ID_BYTES: usize = 1023;
/// Transports a browser may name.
const KNOWN_TRANSPORTS: [&str; 7] = [
    "ble",
    "cable",
    "hybrid",
    "internal",
    "nfc",
    "smart-card",
    "usb",
];

/// A registration, decoded.
#[derive(Debug, Clone)]
pub(super) struct Registration {
    /// The credential id, decoded.
    pub id: Vec<u8>,
    pub client_data_json: Vec<u8>,
    pub attestation_object: Vec<u8>,
    /// Known transports only, at most seven.
    pub transports: Vec<String>,
}

/// An authentication, decoded.
#[derive(Debug, Clone)]
pub(super) struct Authentication {
    pub client_data_json: Vec<u8>,
    pub authenticator_data: Vec<u8>,
    pub signature: Vec<u8>,
}

#[derive(Deserialize)]
struct RegistrationJson {
    id: String,
    #[serde(rename = "rawId", default)]
    raw_id: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    response: AttestationJson,
}

#[derive(Deserialize)]
struct AttestationJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    #[serde(rename = "attestationObject")]
    attestation_object: String,
    #[serde(default)]
    transports: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct AuthenticationJson {
    id: String,
    #[serde(rename = "rawId", default)]
    raw_id: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    response: AssertionJson,
}

#[derive(Deserialize)]
struct AssertionJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    #[serde(rename = "authenticatorData")]
    authenticator_data: String,
    signature: String,
}

impl Registration {
    /// Reads a `RegistrationResponseJSON`; `None` when it is not one.
    pub(super) fn read(value: &serde_json::Value) -> Option<Self> {
        let json = RegistrationJson::deserialize(value).ok()?;
        check_id_and_kind(&json.id, json.raw_id.as_deref(), json.kind.as_deref())?;
        let mut transports: Vec<String> = json
            .response
            .transports
            .unwrap_or_default()
            .into_iter()
            .filter(|t| KNOWN_TRANSPORTS.contains(&t.as_str()))
            .collect();
        transports.sort();
        transports.dedup();
        Some(Self {
            id: decode(&json.id)?,
            client_data_json: decode(&json.response.client_data_json)?,
            attestation_object: decode(&json.response.attestation_object)?,
            transports,
        })
    }
}

impl Authentication {
    /// Reads an `AuthenticationResponseJSON`; `None` when it is not one.
    pub(super) fn read(value: &serde_json::Value) -> Option<Self> {
        let json = AuthenticationJson::deserialize(value).ok()?;
        check_id_and_kind(&json.id, json.raw_id.as_deref(), json.kind.as_deref())?;
        Some(Self {
            client_data_json: decode(&json.response.client_data_json)?,
            authenticator_data: decode(&json.response.authenticator_data)?,
            signature: decode(&json.response.signature)?,
        })
    }
}

/// The credential id a response names (`id`), canonical (base64url without padding), if it
/// is a plausible one: the lookup key of a sign-in, read before the rest is.
pub(super) fn credential_id_of(value: &serde_json::Value) -> Option<String> {
    let bytes = decode(value.get("id")?.as_str()?)?;
    (!bytes.is_empty() && bytes.len() <= MAX_CREDENTIAL_ID_BYTES).then(|| canonical_id(&bytes))
}

/// `id` is base64url of a credential id, `rawId` (when sent) the same, `type` (when sent)
/// `public-key`.
fn check_id_and_kind(id: &str, raw_id: Option<&str>, kind: Option<&str>) -> Option<()> {
    let bytes = decode(id)?;
    if bytes.is_empty() || bytes.len() > MAX_CREDENTIAL_ID_BYTES {
        return None;
    }
    if raw_id.is_some_and(|raw| decode(raw).as_deref() != Some(bytes.as_slice())) {
        return None;
    }
    if kind.is_some_and(|kind| kind != "public-key") {
        return None;
    }
    Some(())
}

/// Base64url (padded or not) of at most [`MAX_FIELD_CHARS`].
fn decode(text: &str) -> Option<Vec<u8>> {
    if text.len() > MAX_FIELD_CHARS {
        return None;
    }
    LENIENT_URL_SAFE.decode(text).ok()
}

/// The canonical form of a credential id: base64url without padding.
pub(super) fn canonical_id(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}
