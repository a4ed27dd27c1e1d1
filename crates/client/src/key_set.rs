//! The server's key set, fetched once and again only when a token names a key not in it.

use crate::config::VerifierConfig;
use crate::error::VerifyError;
use beep_domain::jws::Jwks;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// The cached `/jwks` of one server.
#[derive(Default)]
pub(crate) struct KeySetCache {
    current: RwLock<Option<Arc<Jwks>>>,
    /// When the set was last fetched; held while fetching, so concurrent misses fetch once.
    fetched_at: tokio::sync::Mutex<Option<Instant>>,
}

impl KeySetCache {
    /// A key set that holds `kid` if the server publishes it: the cached one, or a fresh
    /// copy when the cached one lacks it (at most once per `refetch_interval`).
    pub(crate) async fn holding(
        &self,
        kid: Option<&str>,
        http: &reqwest::Client,
        config: &VerifierConfig,
    ) -> Result<Arc<Jwks>, VerifyError> {
        if let Some(keys) = self.cached().filter(|keys| keys.has(kid)) {
            return Ok(keys);
        }
        let mut fetched_at = self.fetched_at.lock().await;
        // Another request may have fetched it while this one waited.
        if let Some(keys) = self.cached().filter(|keys| keys.has(kid)) {
            return Ok(keys);
        }
        if let (Some(at), Some(keys)) = (*fetched_at, self.cached())
            && at.elapsed() < config.refetch_interval
        {
            return Ok(keys);
        }
        let keys = Arc::new(fetch(http, config).await?);
        *fetched_at = Some(Instant::now());
        if let Ok(mut current) = self.current.write() {
            *current = Some(keys.clone());
        }
        Ok(keys)
    }

    fn cached(&self) -> Option<Arc<Jwks>> {
        self.current.read().ok()?.clone()
    }
}

async fn fetch(http: &reqwest::Client, config: &VerifierConfig) -> Result<Jwks, VerifyError> {
    let unavailable = |what: String| VerifyError::Unavailable(format!("GET /jwks: {what}"));
    let response = http
        .get(config.url("/jwks"))
        .send()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("status {}", response.status())));
    }
    response
        .json::<Jwks>()
        .await
        .map_err(|err| unavailable(err.without_url().to_string()))
}
