//! Checking an OpenID Connect ID token: the signature against the provider's JWKS (RS256,
//! ES256 or EdDSA only; never `none` or a shared-secret algorithm), then issuer, audience,
//! lifetime and nonce.

use beep_domain::jws::JwsError;
pub use beep_domain::jws::{Jwk, Jwks, UnverifiedJws as UnverifiedIdToken};
use chrono::{DateTime, Utc};
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

impl From<JwsError> for IdTokenError {
    fn from(err: JwsError) -> Self {
        match err {
            JwsError::Malformed => Self::Malformed,
            JwsError::Algorithm => Self::Algorithm,
            JwsError::UnknownKey => Self::UnknownKey,
            JwsError::Signature => Self::Signature,
        }
    }
}

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
    use serde_json::json;

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
