//! Credential public keys as COSE_Key (RFC 9052/9053) and checking signatures with them:
//! ES256 (P-256, DER signatures), EdDSA (Ed25519) and RS256 — the three algorithms offered
//! at registration.

use super::cbor::Cbor;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

/// COSE algorithm -7.
pub const ES256: i128 = -7;
/// COSE algorithm -8.
pub const EDDSA: i128 = -8;
/// COSE algorithm -257.
pub const RS256: i128 = -257;

/// A credential's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoseKey {
    /// ECDSA P-256 with SHA-256: the uncompressed point `04 ‖ x ‖ y`.
    Es256(Vec<u8>),
    /// Ed25519: the 32-byte key.
    EdDsa(Vec<u8>),
    /// RSASSA-PKCS1-v1_5 with SHA-256: modulus and exponent, big-endian.
    Rs256 {
        /// Modulus.
        n: Vec<u8>,
        /// Exponent.
        e: Vec<u8>,
    },
}

/// Why a COSE key is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unsupported or malformed credential public key")]
pub struct CoseKeyError;

impl CoseKey {
    /// Reads a COSE_Key map.
    pub fn from_cbor(key: &Cbor) -> Result<Self, CoseKeyError> {
        let int = |label| key.get_int(label).and_then(Cbor::as_int);
        let bytes = |label| key.get_int(label).and_then(Cbor::as_bytes);
        // Labels: 1 kty, 3 alg; -1 crv or n; -2 x or e; -3 y.
        match (int(1), int(3)) {
            (Some(2), Some(ES256)) if int(-1) == Some(1) => {
                let (x, y) = (
                    bytes(-2).ok_or(CoseKeyError)?,
                    bytes(-3).ok_or(CoseKeyError)?,
                );
                if x.len() != 32 || y.len() != 32 {
                    return Err(CoseKeyError);
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                Ok(Self::Es256(point))
            }
            (Some(1), Some(EDDSA)) if int(-1) == Some(6) => {
                let x = bytes(-2).ok_or(CoseKeyError)?;
                if x.len() != 32 {
                    return Err(CoseKeyError);
                }
                Ok(Self::EdDsa(x.to_vec()))
            }
            (Some(3), Some(RS256)) => {
                let strip = |b: &[u8]| {
                    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
                    b[first..].to_vec()
                };
                let n = strip(bytes(-1).ok_or(CoseKeyError)?);
                let e = strip(bytes(-2).ok_or(CoseKeyError)?);
                if n.len() < 256 || e.is_empty() {
                    return Err(CoseKeyError);
                }
                Ok(Self::Rs256 { n, e })
            }
            _ => Err(CoseKeyError),
        }
    }

    /// The COSE algorithm of the key.
    pub fn algorithm(&self) -> i128 {
        match self {
            Self::Es256(_) => ES256,
            Self::EdDsa(_) => EDDSA,
            Self::Rs256 { .. } => RS256,
        }
    }

    /// Whether `signature` signs `message` under this key.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Es256(point) => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                .verify(message, signature)
                .is_ok(),
            Self::EdDsa(key) => UnparsedPublicKey::new(&signature::ED25519, key)
                .verify(message, signature)
                .is_ok(),
            Self::Rs256 { n, e } => RsaPublicKeyComponents { n, e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
                .is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};

    fn map(entries: Vec<(i128, Cbor)>) -> Cbor {
        Cbor::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = if k >= 0 {
                        Cbor::Unsigned(k as u64)
                    } else {
                        Cbor::Negative(k)
                    };
                    (key, v)
                })
                .collect(),
        )
    }

    #[test]
    fn an_es256_key_checks_der_signatures() {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_ASN1_SIGNING;
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let key = CoseKey::from_cbor(&map(vec![
            (1, Cbor::Unsigned(2)),
            (3, Cbor::Negative(ES256)),
            (-1, Cbor::Unsigned(1)),
            (-2, Cbor::Bytes(point[1..33].to_vec())),
            (-3, Cbor::Bytes(point[33..].to_vec())),
        ]))
        .unwrap();
        let signature = pair.sign(&rng, b"signed").unwrap();

        assert!(key.verifies(b"signed", signature.as_ref()));
        assert!(!key.verifies(b"other", signature.as_ref()));
        assert_eq!(key.algorithm(), ES256);
    }

    #[test]
    fn an_ed25519_key_checks_signatures() {
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let key = CoseKey::from_cbor(&map(vec![
            (1, Cbor::Unsigned(1)),
            (3, Cbor::Negative(EDDSA)),
            (-1, Cbor::Unsigned(6)),
            (-2, Cbor::Bytes(pair.public_key().as_ref().to_vec())),
        ]))
        .unwrap();

        assert!(key.verifies(b"m", pair.sign(b"m").as_ref()));
        assert!(!key.verifies(b"n", pair.sign(b"m").as_ref()));
    }

    #[test]
    fn keys_of_other_kinds_or_shapes_are_refused() {
        let refused = [
            map(vec![(1, Cbor::Unsigned(2)), (3, Cbor::Negative(-35))]),
            map(vec![
                (1, Cbor::Unsigned(2)),
                (3, Cbor::Negative(ES256)),
                (-1, Cbor::Unsigned(1)),
                (-2, Cbor::Bytes(vec![0; 31])),
                (-3, Cbor::Bytes(vec![0; 32])),
            ]),
            map(vec![
                (1, Cbor::Unsigned(3)),
                (3, Cbor::Negative(RS256)),
                (-1, Cbor::Bytes(vec![1; 128])),
                (-2, Cbor::Bytes(vec![1, 0, 1])),
            ]),
            Cbor::Array(vec![]),
        ];
        for key in refused {
            assert_eq!(CoseKey::from_cbor(&key), Err(CoseKeyError), "{key:?}");
        }
    }
}
