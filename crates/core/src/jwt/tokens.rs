//! Signing a session's user into a JWT, and the key set that verifies it.

use crate::auth::Auth;
use crate::error::AuthError;
use crate::jwt::recent_tokens::RecentTokens;
use crate::jwt::signing_keys::SigningKey;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_domain::UserId;
use beep_store::repos::jwks;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The public keys that verify this server's JWTs (RFC 7517 §5), as `/jwks` answers them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonWebKeySet {
    /// Newest first: each key's JWK members plus `alg`, `kid` and (for curves) `crv`.
    pub keys: Vec<Map<String, Value>>,
}

/// `claims` signed by `key` as a compact JWS, with `alg` and `kid` in the header.
pub(crate) fn signed_compact(
    key: &SigningKey,
    claims: Map<String, Value>,
) -> Result<String, AuthError> {
    let header = json!({ "alg": key.pair.algorithm().as_str(), "kid": key.id.as_str() });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string())
    );
    let signature = key
        .pair
        .sign(signing_input.as_bytes())
        .map_err(|err| AuthError::Internal(err.to_string()))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

impl Auth {
    /// A JWT for `subject`: `claims` (the session's user, as get-session shows it) with `sub`,
    /// `iat`, `exp`, `iss` and `aud` set by the server, signed with the current key, whose id
    /// is the header's `kid`. The same claims within a minute get the same token again.
    pub async fn issue_jwt(
        &self,
        subject: &UserId,
        mut claims: Map<String, Value>,
    ) -> Result<String, AuthError> {
        let config = &self.config().jwt;
        let now = self.now();
        let key = self
            .signing_keys()
            .signer(self.store(), config, now)
            .await?;
        let issued_at = now.timestamp();
        claims.insert("sub".to_owned(), json!(subject.as_str()));
        claims.insert("iss".to_owned(), json!(config.issuer));
        claims.insert("aud".to_owned(), json!(config.audience));
        let digest = RecentTokens::digest(&Value::Object(claims.clone()).to_string());
        let recent = self.signing_keys().recent_tokens();
        if let Some(token) = recent.reuse(&digest, &key.id, issued_at) {
            return Ok(token);
        }
        claims.insert("iat".to_owned(), json!(issued_at));
        claims.insert(
            "exp".to_owned(),
            json!(issued_at + config.expires_in.num_seconds()),
        );
        let token = signed_compact(&key, claims)?;
        recent.remember(digest, &key.id, issued_at, &token);
        Ok(token)
    }

    /// The key that signs now (made on first use).
    pub(crate) async fn current_signing_key(&self) -> Result<Arc<SigningKey>, AuthError> {
        self.signing_keys()
            .signer(self.store(), &self.config().jwt, self.now())
            .await
    }

    /// Every key a verifier should accept now: the one that signs and those that stopped
    /// less than the grace period ago. Makes the first key when there is none.
    pub async fn json_web_key_set(&self) -> Result<JsonWebKeySet, AuthError> {
        let config = &self.config().jwt;
        let now = self.now();
        let mut rows = jwks::published(self.store().conn(), now, config.grace_period).await?;
        if rows.is_empty() {
            self.signing_keys()
                .ensure_one(self.store(), config, now)
                .await?;
            rows = jwks::published(self.store().conn(), now, config.grace_period).await?;
        }
        let keys = rows
            .into_iter()
            .filter_map(|row| {
                let Ok(Value::Object(mut jwk)) = serde_json::from_str(&row.public_jwk) else {
                    tracing::warn!(kid = %row.id, "a stored JWT public key is not a JSON object; not published");
                    return None;
                };
                jwk.insert("alg".to_owned(), json!(row.algorithm));
                jwk.insert("kid".to_owned(), json!(row.id.as_str()));
                Some(jwk)
            })
            .collect();
        Ok(JsonWebKeySet { keys })
    }
}
