//! Compact JWS signatures checked against a JSON Web Key Set (RFC 7515, 7517): RS256, ES256
//! and EdDSA only, never `none` or a shared-secret algorithm. Shared by the server (ID tokens
//! of social providers) and the client SDK (beep-iam's own JWTs); claims are the caller's to
//! check.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::Value;

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// Not three base64url parts with JSON inside.
    #[error("malformed token")]
    Malformed,
    /// An algorithm that is not accepted.
    #[error("token algorithm not allowed")]
    Algorithm,
    /// No key of the set has the token's `kid` (or fits its algorithm).
    #[error("token signed by an unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("token signature invalid")]
    Signature,
}

/// A JSON Web Key Set, as served at a `jwks_uri`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwks {
    /// The keys.
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

/// One public key (only the members beep-iam reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    /// `RSA`, `EC` or `OKP`.
    pub kty: String,
    /// Key id.
    #[serde(default)]
    pub kid: Option<String>,
    /// `sig` or `enc`.
    #[serde(default, rename = "use")]
    pub usage: Option<String>,
    /// RSA modulus.
    #[serde(default)]
    pub n: Option<String>,
    /// RSA exponent.
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve or OKP subtype.
    #[serde(default)]
    pub crv: Option<String>,
    /// EC x coordinate, or the Ed25519 public key.
    #[serde(default)]
    pub x: Option<String>,
    /// EC y coordinate.
    #[serde(default)]
    pub y: Option<String>,
}

impl Jwks {
    /// Whether a key with this id is in the set.
    pub fn has(&self, kid: Option<&str>) -> bool {
        self.find(kid).is_some()
    }

    fn find(&self, kid: Option<&str>) -> Option<&Jwk> {
        let signing = self
            .keys
            .iter()
            .filter(|k| k.usage.as_deref().is_none_or(|u| u == "sig"));
        match kid {
            Some(kid) => signing.into_iter().find(|k| k.kid.as_deref() == Some(kid)),
            None => {
                let all: Vec<&Jwk> = signing.collect();
                (all.len() == 1).then(|| all[0])
            }
        }
    }
}

/// The parts of an ID token needed before its key is known.
#[derive(Debug, Clone)]
pub struct UnverifiedJws<'t> {
    alg: String,
    kid: Option<String>,
    signed: &'t str,
    signature: Vec<u8>,
    claims: Value,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

impl<'t> UnverifiedJws<'t> {
    /// Splits and decodes a compact JWS; nothing is trusted yet.
    pub fn parse(token: &'t str) -> Result<Self, JwsError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwsError::Malformed);
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| JwsError::Malformed)
        };
        let header: Header =
            serde_json::from_slice(&decode(header)?).map_err(|_| JwsError::Malformed)?;
        let claims: Value =
            serde_json::from_slice(&decode(payload)?).map_err(|_| JwsError::Malformed)?;
        if !claims.is_object() {
            return Err(JwsError::Malformed);
        }
        Ok(Self {
            alg: header.alg,
            kid: header.kid,
            signed: &token[..token.len() - signature.len() - 1],
            signature: decode(signature)?,
            claims,
        })
    }

    /// The key id the token names.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The claims, still unverified (a caller may need one to know what to expect).
    pub fn unverified_claims(&self) -> &Value {
        &self.claims
    }

    /// Checks the signature with the matching key of `jwks`.
    pub fn verify_signature(self, jwks: &Jwks) -> Result<Value, JwsError> {
        let key = jwks.find(self.kid.as_deref()).ok_or(JwsError::UnknownKey)?;
        let message = self.signed.as_bytes();
        let ok = match (self.alg.as_str(), key.kty.as_str()) {
            ("RS256", "RSA") => {
                let n = b64(key.n.as_deref())?;
                let e = b64(key.e.as_deref())?;
                RsaPublicKeyComponents { n, e }
                    .verify(
                        &signature::RSA_PKCS1_2048_8192_SHA256,
                        message,
                        &self.signature,
                    )
                    .is_ok()
            }
            ("ES256", "EC") if key.crv.as_deref() == Some("P-256") => {
                let mut point = vec![4u8];
                point.extend(b64(key.x.as_deref())?);
                point.extend(b64(key.y.as_deref())?);
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, &self.signature)
                    .is_ok()
            }
            ("EdDSA", "OKP") if key.crv.as_deref() == Some("Ed25519") => {
                UnparsedPublicKey::new(&signature::ED25519, b64(key.x.as_deref())?)
                    .verify(message, &self.signature)
                    .is_ok()
            }
            ("RS256" | "ES256" | "EdDSA", _) => return Err(JwsError::UnknownKey),
            _ => return Err(JwsError::Algorithm),
        };
        if ok {
            Ok(self.claims)
        } else {
            Err(JwsError::Signature)
        }
    }
}

fn b64(part: Option<&str>) -> Result<Vec<u8>, JwsError> {
    URL_SAFE_NO_PAD
        .decode(part.ok_or(JwsError::UnknownKey)?)
        .map_err(|_| JwsError::UnknownKey)
}

/// What the claims of a verified token must say.
impl UnverifiedJws<'_> {
    /// The algorithm the header names.
    pub fn alg(&self) -> &str {
        &self.alg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use serde_json::json;

    fn sign(claims: &Value, alg: &str, kid: &str, key: &Ed25519KeyPair) -> String {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": kid}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(key.sign(signed.as_bytes()).as_ref());
        format!("{signed}.{signature}")
    }

    fn key_pair() -> (Ed25519KeyPair, Jwks) {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let jwks: Jwks = serde_json::from_value(json!({"keys": [{
            "kty": "OKP", "crv": "Ed25519", "kid": "k1",
            "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        }]}))
        .unwrap();
        (pair, jwks)
    }

    #[test]
    fn a_signed_token_verifies_and_an_altered_one_does_not() {
        let (pair, jwks) = key_pair();
        let token = sign(&json!({"sub": "1"}), "EdDSA", "k1", &pair);

        let claims = UnverifiedJws::parse(&token)
            .unwrap()
            .verify_signature(&jwks)
            .unwrap();
        assert_eq!(claims["sub"], "1");

        let forged_payload = URL_SAFE_NO_PAD.encode(json!({"sub": "2"}).to_string());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        let refused = UnverifiedJws::parse(&forged)
            .unwrap()
            .verify_signature(&jwks);
        assert_eq!(refused.unwrap_err(), JwsError::Signature);
    }

    #[test]
    fn alg_none_and_shared_secret_algorithms_are_refused() {
        let (pair, jwks) = key_pair();
        for alg in ["none", "HS256"] {
            let token = sign(&json!({"sub": "1"}), alg, "k1", &pair);
            let refused = UnverifiedJws::parse(&token)
                .unwrap()
                .verify_signature(&jwks);
            assert_eq!(refused.unwrap_err(), JwsError::Algorithm, "{alg}");
        }
    }
}
