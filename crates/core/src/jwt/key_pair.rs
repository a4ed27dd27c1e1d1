//! The signing key pairs of beep-iam's JWTs: generated here, kept as PKCS#8, signed with `ring`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RSA_PKCS1_SHA256,
    RsaKeyPair,
};
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

/// How many bits an RS256 key has (NIST SP 800-57: 2048 is good to 2030).
const RSA_BITS: usize = 2048;

/// The JWS algorithms beep-iam signs with. No shared-secret algorithm: anyone holding the
/// JWKS must be able to verify, and nobody but the server to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// Ed25519 (the default: small keys, fast, deterministic signatures).
    EdDsa,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys.
    Rs256,
}

impl JwtAlgorithm {
    /// Every algorithm, for error messages and docs.
    pub const ALL: [JwtAlgorithm; 3] = [Self::EdDsa, Self::Es256, Self::Rs256];

    /// The JOSE name (`EdDSA`, `ES256`, `RS256`), as in a JWT header's `alg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    /// The algorithm with this JOSE name, case-insensitively.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// The curve a JWK of this algorithm names (`crv`), if it has one.
    pub fn curve(self) -> Option<&'static str> {
        match self {
            Self::EdDsa => Some("Ed25519"),
            Self::Es256 => Some("P-256"),
            Self::Rs256 => None,
        }
    }
}

/// Why a key pair could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyPairError {
    /// The random source or the generator failed.
    #[error("could not generate a {0} key pair")]
    Generate(&'static str),
    /// Stored bytes that are not a PKCS#8 key of the algorithm.
    #[error("stored {0} private key is not valid PKCS#8")]
    Malformed(&'static str),
    /// The signer failed (only possible for RSA, on a broken random source).
    #[error("signing with {0} failed")]
    Sign(&'static str),
}

/// A private key ready to sign. `Debug` never shows the key.
pub struct KeyPair {
    signer: Signer,
    algorithm: JwtAlgorithm,
}

enum Signer {
    Ed25519(Ed25519KeyPair),
    P256(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new private key of `algorithm`, as PKCS#8 DER. RSA takes a while (about a second on
    /// a release build): call it off the async threads.
    pub fn generate(algorithm: JwtAlgorithm) -> Result<Zeroizing<Vec<u8>>, KeyPairError> {
        let rng = SystemRandom::new();
        let failed = || KeyPairError::Generate(algorithm.as_str());
        let der = match algorithm {
            JwtAlgorithm::EdDsa => Ed25519KeyPair::generate_pkcs8(&rng)
                .map_err(|_| failed())?
                .as_ref()
                .to_vec(),
            JwtAlgorithm::Es256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| failed())?
                    .as_ref()
                    .to_vec()
            }
            // ring signs with RSA but cannot make RSA keys; the `rsa` crate only makes them.
            JwtAlgorithm::Rs256 => {
                use rsa::pkcs8::EncodePrivateKey as _;
                let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, RSA_BITS)
                    .map_err(|_| failed())?;
                key.to_pkcs8_der()
                    .map_err(|_| failed())?
                    .as_bytes()
                    .to_vec()
            }
        };
        Ok(Zeroizing::new(der))
    }

    /// Reads a PKCS#8 private key of `algorithm`.
    pub fn load(algorithm: JwtAlgorithm, pkcs8: &[u8]) -> Result<Self, KeyPairError> {
        let malformed = || KeyPairError::Malformed(algorithm.as_str());
        let signer = match algorithm {
            JwtAlgorithm::EdDsa => Signer::Ed25519(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(|_| malformed())?,
            ),
            JwtAlgorithm::Es256 => Signer::P256(
                EcdsaKeyPair::from_pkcs8(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    pkcs8,
                    &SystemRandom::new(),
                )
                .map_err(|_| malformed())?,
            ),
            JwtAlgorithm::Rs256 => {
                Signer::Rsa(RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| malformed())?)
            }
        };
        Ok(Self { signer, algorithm })
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> JwtAlgorithm {
        self.algorithm
    }

    /// The JWS signature of `message` (for a JWT, `header.payload` in base64url).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyPairError> {
        match &self.signer {
            Signer::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            Signer::P256(pair) => pair
                .sign(&SystemRandom::new(), message)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| KeyPairError::Sign(self.algorithm.as_str())),
            Signer::Rsa(pair) => {
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| KeyPairError::Sign(self.algorithm.as_str()))?;
                Ok(signature)
            }
        }
    }

    /// The public half as a JWK (RFC 7517): `kty` and the key's own members, without `kid`,
    /// `alg` or `use`, which the key set adds.
    pub fn public_jwk(&self) -> Map<String, Value> {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let jwk = match &self.signer {
            Signer::Ed25519(pair) => json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64(pair.public_key().as_ref()),
            }),
            Signer::P256(pair) => {
                // An uncompressed SEC1 point: 0x04 ‖ x ‖ y, 32 bytes each.
                let point = pair.public_key().as_ref();
                let x = point.get(1..33).unwrap_or_default();
                let y = point.get(33..65).unwrap_or_default();
                json!({ "kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y) })
            }
            Signer::Rsa(pair) => {
                let components = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
                json!({ "kty": "RSA", "n": b64(&components.n), "e": b64(&components.e) })
            }
        };
        match jwk {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256};

    fn decode(jwk: &Map<String, Value>, member: &str) -> Vec<u8> {
        let text = jwk[member].as_str().expect("a string member");
        URL_SAFE_NO_PAD.decode(text).expect("base64url")
    }

    /// Signs with a freshly generated key and verifies with ring against the published JWK.
    fn signs_and_verifies(algorithm: JwtAlgorithm) -> Map<String, Value> {
        let der = KeyPair::generate(algorithm).expect("generate");
        let pair = KeyPair::load(algorithm, &der).expect("load");
        let signature = pair.sign(b"header.payload").expect("sign");
        let jwk = pair.public_jwk();
        let ok = match algorithm {
            JwtAlgorithm::EdDsa => {
                ring::signature::UnparsedPublicKey::new(&ED25519, decode(&jwk, "x"))
                    .verify(b"header.payload", &signature)
            }
            JwtAlgorithm::Es256 => {
                let mut point = vec![4];
                point.extend(decode(&jwk, "x"));
                point.extend(decode(&jwk, "y"));
                ring::signature::UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                    .verify(b"header.payload", &signature)
            }
            JwtAlgorithm::Rs256 => ring::signature::RsaPublicKeyComponents {
                n: decode(&jwk, "n"),
                e: decode(&jwk, "e"),
            }
            .verify(&RSA_PKCS1_2048_8192_SHA256, b"header.payload", &signature),
        };
        assert!(
            ok.is_ok(),
            "{algorithm:?} signature verifies against its JWK"
        );
        jwk
    }

    #[test]
    fn ed25519_keys_sign_and_publish_an_okp_jwk() {
        let jwk = signs_and_verifies(JwtAlgorithm::EdDsa);
        assert_eq!(jwk["kty"], "OKP");
        assert_eq!(jwk["crv"], "Ed25519");
    }

    #[test]
    fn p256_keys_sign_and_publish_an_ec_jwk() {
        let jwk = signs_and_verifies(JwtAlgorithm::Es256);
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(decode(&jwk, "x").len(), 32);
        assert_eq!(decode(&jwk, "y").len(), 32);
    }

    #[test]
    fn rsa_keys_sign_and_publish_an_rsa_jwk() {
        let jwk = signs_and_verifies(JwtAlgorithm::Rs256);
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(decode(&jwk, "n").len(), RSA_BITS / 8);
    }

    #[test]
    fn a_key_of_one_algorithm_does_not_load_as_another() {
        let der = KeyPair::generate(JwtAlgorithm::EdDsa).expect("generate");
        assert_eq!(
            KeyPair::load(JwtAlgorithm::Es256, &der).unwrap_err(),
            KeyPairError::Malformed("ES256")
        );
    }

    #[test]
    fn algorithm_names_parse_case_insensitively() {
        assert_eq!(JwtAlgorithm::parse("eddsa"), Some(JwtAlgorithm::EdDsa));
        assert_eq!(JwtAlgorithm::parse("RS256"), Some(JwtAlgorithm::Rs256));
        assert_eq!(JwtAlgorithm::parse("HS256"), None);
        assert_eq!(JwtAlgorithm::parse("none"), None);
    }

    #[test]
    fn debug_does_not_show_the_key() {
        let der = KeyPair::generate(JwtAlgorithm::EdDsa).expect("generate");
        let pair = KeyPair::load(JwtAlgorithm::EdDsa, &der).expect("load");
        assert_eq!(format!("{pair:?}"), "KeyPair { algorithm: EdDsa, .. }");
    }
}
