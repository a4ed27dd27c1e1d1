//! Checking an OpenID Connect ID token: the signature against the provider's JWKS (RS256,
//! ES256 or EdDSA only; never `none` or a shared-secret algorithm), then issuer, audience,
//! lifetime and nonce.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

/// How far clocks may disagree, in seconds.
const LEEWAY_SECS: i64 = 60;

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// Not three base64url parts with JSON inside.
    #[error("malformed ID token")]
    Malformed,
    /// An algorithm beep-iam does not accept.
    #[error("ID token algorithm not allowed")]
    Algorithm,
    /// No key of the provider's JWKS has the token's `kid`.
    #[error("ID token signed by an unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("ID token signature invalid")]
    Signature,
    /// `iss` is not the provider's issuer.
    #[error("ID token issuer mismatch")]
    Issuer,
    /// `aud` does not name this client.
    #[error("ID token audience mismatch")]
    Audience,
    /// Past `exp`, or issued in the future.
    #[error("ID token expired")]
    Expired,
    /// `nonce` is not the one this sign-in sent.
    #[error("ID token nonce mismatch")]
    Nonce,
}

/// A JSON Web Key Set, as served at a provider's `jwks_uri`.
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
pub struct UnverifiedIdToken<'t> {
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

impl<'t> UnverifiedIdToken<'t> {
    /// Splits and decodes a compact JWS; nothing is trusted yet.
    pub fn parse(token: &'t str) -> Result<Self, IdTokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdTokenError::Malformed);
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| IdTokenError::Malformed)
        };
        let header: Header =
            serde_json::from_slice(&decode(header)?).map_err(|_| IdTokenError::Malformed)?;
        let claims: Value =
            serde_json::from_slice(&decode(payload)?).map_err(|_| IdTokenError::Malformed)?;
        if !claims.is_object() {
            return Err(IdTokenError::Malformed);
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

    /// The claims, still unverified (Microsoft's `tid` picks the issuer to expect).
    pub fn unverified_claims(&self) -> &Value {
        &self.claims
    }

    /// Checks the signature with the matching key of `jwks`.
    pub fn verify_signature(self, jwks: &Jwks) -> Result<Value, IdTokenError> {
        let key = jwks
            .find(self.kid.as_deref())
            .ok_or(IdTokenError::UnknownKey)?;
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
            ("RS256" | "ES256" | "EdDSA", _) => return Err(IdTokenError::UnknownKey),
            _ => return Err(IdTokenError::Algorithm),
        };
        if ok {
            Ok(self.claims)
        } else {
            Err(IdTokenError::Signature)
        }
    }
}

fn b64(part: Option<&str>) -> Result<Vec<u8>, IdTokenError> {
    URL_SAFE_NO_PAD
        .decode(part.ok_or(IdTokenError::UnknownKey)?)
        .map_err(|_| IdTokenError::UnknownKey)
}

/// What the claims of a verified token must say.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The issuer, exactly.
    pub issuer: &'a str,
    /// This client's id, which `aud` must contain.
    pub client_id: &'a str,
    /// The nonce this sign-in sent, if it sent one.
    pub nonce: Option<&'a str>,
    /// Now, by the server's clock.
    pub now: DateTime<Utc>,
}

/// Checks the claims of a token whose signature verified.
pub fn check_claims(claims: &Value, expected: &Expected<'_>) -> Result<(), IdTokenError> {
    if claims["iss"].as_str() != Some(expected.issuer) {
        return Err(IdTokenError::Issuer);
    }
    let audience_ok = match &claims["aud"] {
        Value::String(aud) => aud == expected.client_id,
        Value::Array(auds) => {
            auds.iter().any(|a| a.as_str() == Some(expected.client_id))
                && (auds.len() == 1 || claims["azp"].as_str() == Some(expected.client_id))
        }
        _ => false,
    };
    if !audience_ok {
        return Err(IdTokenError::Audience);
    }
    let now = expected.now.timestamp();
    let exp = claims["exp"].as_i64().ok_or(IdTokenError::Expired)?;
    if exp + LEEWAY_SECS <= now {
        return Err(IdTokenError::Expired);
    }
    if claims["iat"]
        .as_i64()
        .is_some_and(|iat| iat > now + LEEWAY_SECS)
    {
        return Err(IdTokenError::Expired);
    }
    if let Some(nonce) = expected.nonce {
        let sent = claims["nonce"].as_str().unwrap_or_default();
        if !bool::from(sent.as_bytes().ct_eq(nonce.as_bytes())) {
            return Err(IdTokenError::Nonce);
        }
    }
    Ok(())
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

        let claims = UnverifiedIdToken::parse(&token)
            .unwrap()
            .verify_signature(&jwks)
            .unwrap();
        assert_eq!(claims["sub"], "1");

        let forged_payload = URL_SAFE_NO_PAD.encode(json!({"sub": "2"}).to_string());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        let refused = UnverifiedIdToken::parse(&forged)
            .unwrap()
            .verify_signature(&jwks);
        assert_eq!(refused.unwrap_err(), IdTokenError::Signature);
    }

    #[test]
    fn alg_none_and_shared_secret_algorithms_are_refused() {
        let (pair, jwks) = key_pair();
        for alg in ["none", "HS256"] {
            let token = sign(&json!({"sub": "1"}), alg, "k1", &pair);
            let refused = UnverifiedIdToken::parse(&token)
                .unwrap()
                .verify_signature(&jwks);
            assert_eq!(refused.unwrap_err(), IdTokenError::Algorithm, "{alg}");
        }
    }

    #[test]
    fn claims_are_checked_for_issuer_audience_lifetime_and_nonce() {
        let now = Utc::now();
        let good = json!({"iss": "https://idp", "aud": "client", "exp": now.timestamp() + 300,
                          "iat": now.timestamp(), "nonce": "n1"});
        let expected = Expected {
            issuer: "https://idp",
            client_id: "client",
            nonce: Some("n1"),
            now,
        };
        assert_eq!(check_claims(&good, &expected), Ok(()));

        let mut wrong = good.clone();
        wrong["iss"] = json!("https://other");
        assert_eq!(check_claims(&wrong, &expected), Err(IdTokenError::Issuer));
        let mut wrong = good.clone();
        wrong["aud"] = json!(["client", "other"]);
        assert_eq!(check_claims(&wrong, &expected), Err(IdTokenError::Audience));
        let mut wrong = good.clone();
        wrong["exp"] = json!(now.timestamp() - 120);
        assert_eq!(check_claims(&wrong, &expected), Err(IdTokenError::Expired));
        let mut wrong = good;
        wrong["nonce"] = json!("n2");
        assert_eq!(check_claims(&wrong, &expected), Err(IdTokenError::Nonce));
    }
}
