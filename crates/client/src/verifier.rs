//! [`Verifier`]: checks the credential of a request.

use crate::api_key::{self, API_KEY_HEADER, VerifiedKey};
use crate::caller::{Caller, CredentialKind};
use crate::config::VerifierConfig;
use crate::error::VerifyError;
use crate::key_set::KeySetCache;
use crate::session;
use beep_domain::jws::UnverifiedJws;
use http::HeaderMap;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Verifies credentials issued by one beep-iam server. Cheap to clone; keep one per process
/// so the key set is fetched once.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    config: VerifierConfig,
    http: reqwest::Client,
    keys: KeySetCache,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("base_url", &self.inner.config.base_url)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for the server `config` describes.
    pub fn new(config: VerifierConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .unwrap_or_default();
        Self {
            inner: Arc::new(Inner {
                config,
                http,
                keys: KeySetCache::default(),
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &VerifierConfig {
        &self.inner.config
    }

    /// The caller a request's credential proves: a user's API key in `x-api-key`, a JWT or a
    /// session bearer token in `Authorization: Bearer`, else the session cookies.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, VerifyError> {
        if let Some(key) = headers
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|k| !k.is_empty())
        {
            return self
                .verify_api_key(key, None)
                .await?
                .caller()
                .ok_or(VerifyError::NotAUserKey);
        }
        if let Some(bearer) = bearer(headers) {
            return if looks_like_jwt(bearer) {
                self.verify_jwt(bearer).await
            } else {
                self.check_session_bearer(bearer).await
            };
        }
        let cookies = headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("; ");
        match session::session_cookies(&cookies) {
            Some(cookies) => self.check_session_cookies(&cookies).await,
            None => Err(VerifyError::Missing),
        }
    }

    /// Verifies a beep-iam JWT offline (after the key set is cached), now.
    pub async fn verify_jwt(&self, token: &str) -> Result<Caller, VerifyError> {
        self.verify_jwt_at(token, unix_now()).await
    }

    /// [`Verifier::verify_jwt`] at `now` (seconds since the epoch).
    pub async fn verify_jwt_at(&self, token: &str, now: i64) -> Result<Caller, VerifyError> {
        let config = &self.inner.config;
        let unverified = UnverifiedJws::parse(token)?;
        if !config.algorithms.iter().any(|alg| alg == unverified.alg()) {
            return Err(VerifyError::Algorithm);
        }
        let keys = self
            .inner
            .keys
            .holding(unverified.kid(), &self.inner.http, config)
            .await?;
        let Value::Object(claims) = unverified.verify_signature(&keys)? else {
            return Err(VerifyError::Malformed);
        };
        check_claims(&claims, config, now)?;
        Caller::from_user(claims, "sub", None, CredentialKind::Jwt).ok_or(VerifyError::Malformed)
    }

    /// Checks an API key with the server (counting the use), and that it holds every action
    /// of `permissions` (resource → actions) when given. A user's or an organization's key.
    pub async fn verify_api_key(
        &self,
        key: &str,
        permissions: Option<&Map<String, Value>>,
    ) -> Result<VerifiedKey, VerifyError> {
        api_key::verify(&self.inner.http, &self.inner.config, key, permissions).await
    }

    /// Checks a session bearer token (`set-auth-token`) with the server.
    pub async fn check_session_bearer(&self, token: &str) -> Result<Caller, VerifyError> {
        let value = format!("Bearer {token}");
        session::check(
            &self.inner.http,
            &self.inner.config,
            ("authorization", &value),
            CredentialKind::SessionBearer,
        )
        .await
    }

    /// Checks session cookies (a `Cookie` header's value) with the server.
    pub async fn check_session_cookies(&self, cookies: &str) -> Result<Caller, VerifyError> {
        session::check(
            &self.inner.http,
            &self.inner.config,
            ("cookie", cookies),
            CredentialKind::SessionCookie,
        )
        .await
    }
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A compact JWS has three parts; a session token (`token.signature`) has two.
fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// `iss`, `aud`, `exp` and `nbf`, as the server writes them.
fn check_claims(
    claims: &Map<String, Value>,
    config: &VerifierConfig,
    now: i64,
) -> Result<(), VerifyError> {
    if claims.get("iss").and_then(Value::as_str) != Some(config.issuer.as_str()) {
        return Err(VerifyError::Issuer);
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => *aud == config.audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(&config.audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(VerifyError::Audience);
    }
    let leeway = i64::try_from(config.leeway.as_secs()).unwrap_or(i64::MAX);
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(VerifyError::Malformed)?;
    if now >= exp.saturating_add(leeway) {
        return Err(VerifyError::Expired);
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && now.saturating_add(leeway) < nbf
    {
        return Err(VerifyError::Expired);
    }
    Ok(())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn config() -> VerifierConfig {
        VerifierConfig::for_server("https://auth.example.com")
    }

    #[test]
    fn claims_as_the_server_writes_them_pass() {
        let good = claims(
            json!({"iss": "https://auth.example.com", "aud": "https://auth.example.com", "exp": 1_000, "sub": "user_a"}),
        );

        assert_eq!(check_claims(&good, &config(), 999), Ok(()));
        assert_eq!(
            check_claims(&good, &config(), 1_059),
            Ok(()),
            "within the leeway"
        );
        assert_eq!(
            check_claims(&good, &config(), 1_060),
            Err(VerifyError::Expired)
        );
    }

    #[test]
    fn another_issuer_audience_or_a_missing_exp_is_refused() {
        let base = json!({"iss": "https://auth.example.com", "aud": "https://auth.example.com", "exp": 1_000});
        let mut other_issuer = base.clone();
        other_issuer["iss"] = json!("https://evil.example.com");
        let mut other_audience = base.clone();
        other_audience["aud"] = json!(["https://api.example.com"]);
        let mut no_exp = base.clone();
        no_exp.as_object_mut().unwrap().remove("exp");
        let mut not_yet = base;
        not_yet["nbf"] = json!(900);

        assert_eq!(
            check_claims(&claims(other_issuer), &config(), 1),
            Err(VerifyError::Issuer)
        );
        assert_eq!(
            check_claims(&claims(other_audience), &config(), 1),
            Err(VerifyError::Audience)
        );
        assert_eq!(
            check_claims(&claims(no_exp), &config(), 1),
            Err(VerifyError::Malformed)
        );
        assert_eq!(
            check_claims(&claims(not_yet), &config(), 800),
            Err(VerifyError::Expired)
        );
    }

    #[test]
    fn bearer_tokens_are_told_apart() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer a.b.c".parse().unwrap());
        assert_eq!(bearer(&headers), Some("a.b.c"));
        assert!(looks_like_jwt("a.b.c"));
        assert!(!looks_like_jwt("token.signature"));
        headers.insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
