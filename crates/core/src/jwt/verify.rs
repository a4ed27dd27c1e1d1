//! Checking a JWT this server signed: its `kid` names a published key (one that signs now,
//! or stopped less than the grace period ago), and the signature verifies under that key's
//! algorithm. What the claims must say is the caller's business.

use crate::auth::Auth;
use crate::error::AuthError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use serde_json::{Map, Value};

impl Auth {
    /// The claims of `token` if this server signed it with a published key; `None` for
    /// anything else (malformed, unknown key, wrong algorithm, bad signature).
    pub(crate) async fn verified_own_jwt(
        &self,
        token: &str,
    ) -> Result<Option<Map<String, Value>>, AuthError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).ok();
        let (Some(header_bytes), Some(payload_bytes), Some(signature)) =
            (decode(header), decode(payload), decode(signature))
        else {
            return Ok(None);
        };
        let Ok(Value::Object(header_json)) = serde_json::from_slice::<Value>(&header_bytes) else {
            return Ok(None);
        };
        let (Some(kid), Some(alg)) = (
            header_json.get("kid").and_then(Value::as_str),
            header_json.get("alg").and_then(Value::as_str),
        ) else {
            return Ok(None);
        };
        let keys = self.json_web_key_set().await?.keys;
        let Some(jwk) = keys
            .iter()
            .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
            .filter(|k| k.get("alg").and_then(Value::as_str) == Some(alg))
        else {
            return Ok(None);
        };
        let signing_input = format!("{header}.{payload}");
        if !signature_verifies(jwk, alg, signing_input.as_bytes(), &signature) {
            return Ok(None);
        }
        Ok(match serde_json::from_slice::<Value>(&payload_bytes) {
            Ok(Value::Object(claims)) => Some(claims),
            _ => None,
        })
    }
}

/// Whether `signature` is `alg`'s signature of `message` under the public key `jwk`.
fn signature_verifies(
    jwk: &Map<String, Value>,
    alg: &str,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
    };
    match alg {
        "EdDSA" => member("x").is_some_and(|x| {
            UnparsedPublicKey::new(&ED25519, x)
                .verify(message, signature)
                .is_ok()
        }),
        "ES256" => match (member("x"), member("y")) {
            (Some(x), Some(y)) => {
                let mut point = vec![4];
                point.extend(x);
                point.extend(y);
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
                    .is_ok()
            }
            _ => false,
        },
        "RS256" => match (member("n"), member("e")) {
            (Some(n), Some(e)) => RsaPublicKeyComponents { n, e }
                .verify(&RSA_PKCS1_2048_8192_SHA256, message, signature)
                .is_ok(),
            _ => false,
        },
        _ => false,
    }
}
