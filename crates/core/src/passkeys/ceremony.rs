//! The two WebAuthn ceremonies as a relying party checks them (WebAuthn Level 2, §7.1 and
//! §7.2): registration (attestation `none`, or `packed` self-attestation) and
//! authentication. Pure functions over what the browser sent and what the server expects;
//! storing challenges and credentials is the caller's.

use super::cbor::Cbor;
use super::cose::CoseKey;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use subtle::ConstantTimeEq;

/// Flag: the user was present.
const USER_PRESENT: u8 = 0x01;
/// Flag: the user was verified (PIN, biometrics).
const USER_VERIFIED: u8 = 0x04;
/// Flag: the credential may be backed up (a synced passkey).
const BACKUP_ELIGIBLE: u8 = 0x08;
/// Flag: the credential is backed up.
const BACKED_UP: u8 = 0x10;
/// Flag: attested credential data follows.
const ATTESTED: u8 = 0x40;
/// Flag: extensions follow.
const EXTENSIONS: u8 = 0x80;

/// What the server expects of a ceremony.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The challenge it issued, base64url without padding.
    pub challenge: &'a str,
    /// The origins the page may be on (`https://app.example.com`).
    pub origins: &'a [String],
    /// The relying party id (a registrable domain of those origins).
    pub rp_id: &'a str,
    /// Whether the authenticator must have verified the user.
    pub user_verification: bool,
}

/// Why a ceremony was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CeremonyError {
    /// `clientDataJSON` is not JSON with `type`, `challenge` and `origin`.
    #[error("client data malformed")]
    ClientData,
    /// `type` is not this ceremony's.
    #[error("client data type mismatch")]
    Type,
    /// Not the challenge the server issued.
    #[error("challenge mismatch")]
    Challenge,
    /// Not an expected origin.
    #[error("origin not allowed")]
    Origin,
    /// The authenticator data or attestation object is malformed.
    #[error("authenticator data malformed")]
    AuthenticatorData,
    /// Made for another relying party.
    #[error("relying party id mismatch")]
    RpId,
    /// The user was not present.
    #[error("user not present")]
    UserPresence,
    /// The user was not verified where that is required.
    #[error("user not verified")]
    UserVerification,
    /// Backed up but not backup-eligible.
    #[error("backup flags inconsistent")]
    BackupFlags,
    /// The public key is not one of the accepted kinds.
    #[error("credential public key not accepted")]
    PublicKey,
    /// An attestation format or statement not accepted.
    #[error("attestation not accepted")]
    Attestation,
    /// The signature does not verify.
    #[error("signature invalid")]
    Signature,
    /// The signature counter went backwards: the credential may have been cloned.
    #[error("signature counter did not increase")]
    Counter,
}

/// A credential a registration created.
#[derive(Debug, Clone)]
pub struct NewCredential {
    /// The credential id.
    pub id: Vec<u8>,
    /// The public key as the authenticator sent it (COSE_Key CBOR), for storing.
    pub public_key_cose: Vec<u8>,
    /// The public key, read.
    pub public_key: CoseKey,
    /// The signature counter.
    pub sign_count: u32,
    /// The authenticator model (all zeros when not disclosed).
    pub aaguid: [u8; 16],
    /// Whether the credential may be synced (a "multi-device" passkey).
    pub backup_eligible: bool,
    /// Whether it is backed up now.
    pub backed_up: bool,
}

/// A passed authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assertion {
    /// The new signature counter, to store.
    pub sign_count: u32,
    /// Whether the credential is backed up now.
    pub backed_up: bool,
    /// Whether the authenticator verified the user (PIN, biometrics): a passkey with user
    /// verification is two factors in one.
    pub user_verified: bool,
}

/// Checks a registration: `clientDataJSON` and `attestationObject`, both decoded from
/// base64url.
pub fn verify_registration(
    expected: &Expected<'_>,
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Result<NewCredential, CeremonyError> {
    check_client_data(expected, client_data_json, "webauthn.create")?;
    let object =
        Cbor::read_exact(attestation_object).map_err(|_| CeremonyError::AuthenticatorData)?;
    let auth_data = object
        .get_text("authData")
        .and_then(Cbor::as_bytes)
        .ok_or(CeremonyError::AuthenticatorData)?;
    let data = AuthenticatorData::read(auth_data)?;
    data.check(expected)?;
    let attested = data.attested.ok_or(CeremonyError::AuthenticatorData)?;
    let statement = object
        .get_text("attStmt")
        .ok_or(CeremonyError::Attestation)?;
    match object.get_text("fmt").and_then(Cbor::as_text) {
        Some("none") if matches!(statement, Cbor::Map(entries) if entries.is_empty()) => {}
        // Self attestation: signed by the new credential itself (no certificate chain).
        Some("packed") if statement.get_text("x5c").is_none() => {
            let alg = statement.get_text("alg").and_then(Cbor::as_int);
            let sig = statement.get_text("sig").and_then(Cbor::as_bytes);
            let (Some(alg), Some(sig)) = (alg, sig) else {
                return Err(CeremonyError::Attestation);
            };
            if alg != attested.public_key.algorithm()
                || !attested
                    .public_key
                    .verifies(&signed_message(auth_data, client_data_json), sig)
            {
                return Err(CeremonyError::Attestation);
            }
        }
        _ => return Err(CeremonyError::Attestation),
    }
    Ok(NewCredential {
        id: attested.credential_id,
        public_key_cose: attested.public_key_cose,
        public_key: attested.public_key,
        sign_count: data.sign_count,
        aaguid: attested.aaguid,
        backup_eligible: data.flags & BACKUP_ELIGIBLE != 0,
        backed_up: data.flags & BACKED_UP != 0,
    })
}

/// Checks an authentication with a stored credential (`stored_count` is its counter).
pub fn verify_assertion(
    expected: &Expected<'_>,
    key: &CoseKey,
    stored_count: u32,
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
) -> Result<Assertion, CeremonyError> {
    check_client_data(expected, client_data_json, "webauthn.get")?;
    let data = AuthenticatorData::read(authenticator_data)?;
    data.check(expected)?;
    if !key.verifies(
        &signed_message(authenticator_data, client_data_json),
        signature,
    ) {
        return Err(CeremonyError::Signature);
    }
    // A counter of zero on both sides means the authenticator does not count.
    if (data.sign_count > 0 || stored_count > 0) && data.sign_count <= stored_count {
        return Err(CeremonyError::Counter);
    }
    Ok(Assertion {
        sign_count: data.sign_count,
        backed_up: data.flags & BACKED_UP != 0,
        user_verified: data.flags & USER_VERIFIED != 0,
    })
}

/// What an authenticator signs: its data, then the SHA-256 of the client data.
fn signed_message(authenticator_data: &[u8], client_data_json: &[u8]) -> Vec<u8> {
    let mut message = authenticator_data.to_vec();
    message.extend_from_slice(digest(&SHA256, client_data_json).as_ref());
    message
}

fn check_client_data(
    expected: &Expected<'_>,
    client_data_json: &[u8],
    ceremony: &str,
) -> Result<(), CeremonyError> {
    #[derive(serde::Deserialize)]
    struct ClientData {
        #[serde(rename = "type")]
        kind: String,
        challenge: String,
        origin: String,
    }
    let data: ClientData =
        serde_json::from_slice(client_data_json).map_err(|_| CeremonyError::ClientData)?;
    if data.kind != ceremony {
        return Err(CeremonyError::Type);
    }
    let same = data
        .challenge
        .as_bytes()
        .ct_eq(expected.challenge.as_bytes());
    if !bool::from(same) || expected.challenge.is_empty() {
        return Err(CeremonyError::Challenge);
    }
    if !expected.origins.contains(&data.origin) {
        return Err(CeremonyError::Origin);
    }
    Ok(())
}

/// The parts of authenticator data (WebAuthn §6.1).
struct AuthenticatorData {
    rp_id_hash: [u8; 32],
    flags: u8,
    sign_count: u32,
    attested: Option<AttestedCredential>,
}

struct AttestedCredential {
    aaguid: [u8; 16],
    credential_id: Vec<u8>,
    public_key_cose: Vec<u8>,
    public_key: CoseKey,
}

impl AuthenticatorData {
    fn read(bytes: &[u8]) -> Result<Self, CeremonyError> {
        let bad = CeremonyError::AuthenticatorData;
        let head = bytes.get(..37).ok_or(bad)?;
        let mut rp_id_hash = [0u8; 32];
        rp_id_hash.copy_from_slice(&head[..32]);
        let flags = head[32];
        let sign_count = u32::from_be_bytes([head[33], head[34], head[35], head[36]]);
        let mut rest = &bytes[37..];
        let attested = if flags & ATTESTED != 0 {
            let aaguid: [u8; 16] = rest.get(..16).ok_or(bad)?.try_into().map_err(|_| bad)?;
            let id_len = usize::from(u16::from_be_bytes(
                rest.get(16..18).ok_or(bad)?.try_into().map_err(|_| bad)?,
            ));
            let credential_id = rest.get(18..18 + id_len).ok_or(bad)?.to_vec();
            rest = &rest[18 + id_len..];
            let (key, used) = Cbor::read_prefix(rest).map_err(|_| bad)?;
            let public_key = CoseKey::from_cbor(&key).map_err(|_| CeremonyError::PublicKey)?;
            let public_key_cose = rest[..used].to_vec();
            rest = &rest[used..];
            Some(AttestedCredential {
                aaguid,
                credential_id,
                public_key_cose,
                public_key,
            })
        } else {
            None
        };
        if flags & EXTENSIONS != 0 {
            let (_, used) = Cbor::read_prefix(rest).map_err(|_| bad)?;
            rest = &rest[used..];
        }
        if !rest.is_empty() {
            return Err(bad);
        }
        Ok(Self {
            rp_id_hash,
            flags,
            sign_count,
            attested,
        })
    }

    fn check(&self, expected: &Expected<'_>) -> Result<(), CeremonyError> {
        let rp_hash = digest(&SHA256, expected.rp_id.as_bytes());
        if !bool::from(self.rp_id_hash.as_slice().ct_eq(rp_hash.as_ref())) {
            return Err(CeremonyError::RpId);
        }
        if self.flags & USER_PRESENT == 0 {
            return Err(CeremonyError::UserPresence);
        }
        if expected.user_verification && self.flags & USER_VERIFIED == 0 {
            return Err(CeremonyError::UserVerification);
        }
        if self.flags & BACKED_UP != 0 && self.flags & BACKUP_ELIGIBLE == 0 {
            return Err(CeremonyError::BackupFlags);
        }
        Ok(())
    }
}

/// A new challenge: 32 random bytes, base64url without padding.
pub fn new_challenge() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
