//! The key this node signs with: read from the database, made when there is none that may
//! still sign, and kept in memory in between.

use super::JwtConfig;
use super::key_pair::{JwtAlgorithm, KeyPair};
use super::recent_tokens::RecentTokens;
use crate::error::AuthError;
use crate::mail::SealingKey;
use beep_domain::{Audit, JsonWebKey, JsonWebKeyId};
use beep_store::Store;
use beep_store::repos::jwks;
use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, RwLock};

/// The purpose private keys are sealed under (see [`SealingKey::derive`]).
const SEALING_PURPOSE: &str = "jwks";

/// How long a node signs with the key it read before it looks for a newer one, so that the
/// nodes of a cluster come to sign with the same key soon after one of them rotated.
const RECHECK_AFTER: Duration = Duration::minutes(5);

/// A key ready to sign, with its `kid`.
pub(crate) struct SigningKey {
    /// The key's id, the tokens' `kid`.
    pub(crate) id: JsonWebKeyId,
    /// The private key.
    pub(crate) pair: KeyPair,
    /// When it stops signing.
    signs_until: Option<DateTime<Utc>>,
    /// When this node read it from the database.
    read_at: DateTime<Utc>,
}

impl SigningKey {
    /// Whether it is of `algorithm` and may still sign at `now`.
    fn signs(&self, algorithm: JwtAlgorithm, now: DateTime<Utc>) -> bool {
        self.pair.algorithm() == algorithm && self.signs_until.is_none_or(|until| until > now)
    }

    /// [`SigningKey::signs`], and read recently enough that no newer key is likely.
    fn fresh(&self, algorithm: JwtAlgorithm, now: DateTime<Utc>) -> bool {
        self.signs(algorithm, now) && now < self.read_at + RECHECK_AFTER
    }
}

/// The signing keys of this node.
pub(crate) struct SigningKeys {
    sealing: SealingKey,
    current: RwLock<Option<Arc<SigningKey>>>,
    /// Held while a key is read or made, so a node makes one key at a time.
    refreshing: tokio::sync::Mutex<()>,
    /// Tokens signed in the last minute, by their claims.
    recent_tokens: RecentTokens,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys").finish_non_exhaustive()
    }
}

impl SigningKeys {
    /// The keys of a server whose secret is `secret` (private keys are sealed under it).
    pub(crate) fn new(secret: &str) -> Self {
        Self {
            sealing: SealingKey::derive(secret, SEALING_PURPOSE),
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            recent_tokens: RecentTokens::default(),
        }
    }

    /// Tokens signed in the last minute.
    pub(crate) fn recent_tokens(&self) -> &RecentTokens {
        &self.recent_tokens
    }

    /// The key to sign with at `now`.
    pub(crate) async fn signer(
        &self,
        store: &Store,
        config: &JwtConfig,
        now: DateTime<Utc>,
    ) -> Result<Arc<SigningKey>, AuthError> {
        if let Some(key) = self.cached(config.algorithm, now) {
            return Ok(key);
        }
        let _refreshing = self.refreshing.lock().await;
        if let Some(key) = self.cached(config.algorithm, now) {
            return Ok(key);
        }
        let newest = match self
            .newest_from_database(store, config.algorithm, now)
            .await
        {
            Ok(newest) => newest,
            // The database is away: the key in hand still signs until it expires.
            Err(err) => return self.still_signing(config.algorithm, now).ok_or(err),
        };
        let key = match newest {
            Some(key) => key,
            None => {
                let made = self.create(store, config, now).await?;
                // Read back rather than use the new key: when two nodes made one at once,
                // both then sign with the same (the newest) one.
                self.newest_from_database(store, config.algorithm, now)
                    .await?
                    .unwrap_or(made)
            }
        };
        let key = Arc::new(key);
        if let Ok(mut current) = self.current.write() {
            *current = Some(key.clone());
        }
        Ok(key)
    }

    /// Makes a key now if none may sign: `/jwks` never answers an empty set.
    pub(crate) async fn ensure_one(
        &self,
        store: &Store,
        config: &JwtConfig,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        self.signer(store, config, now).await.map(drop)
    }

    /// The key in memory if it may still sign, however long ago it was read.
    fn still_signing(
        &self,
        algorithm: JwtAlgorithm,
        now: DateTime<Utc>,
    ) -> Option<Arc<SigningKey>> {
        self.in_memory(|key| key.signs(algorithm, now))
    }

    /// The key in memory if it may sign and was read lately.
    fn cached(&self, algorithm: JwtAlgorithm, now: DateTime<Utc>) -> Option<Arc<SigningKey>> {
        self.in_memory(|key| key.fresh(algorithm, now))
    }

    fn in_memory(&self, keep: impl Fn(&SigningKey) -> bool) -> Option<Arc<SigningKey>> {
        let current = self.current.read().ok()?;
        current.as_ref().filter(|key| keep(key)).cloned()
    }

    /// The newest key of `algorithm` that may sign at `now` and that this server can open.
    /// A key sealed under another secret cannot sign here: it is skipped (a new one is made),
    /// but stays published until it expires.
    async fn newest_from_database(
        &self,
        store: &Store,
        algorithm: JwtAlgorithm,
        now: DateTime<Utc>,
    ) -> Result<Option<SigningKey>, AuthError> {
        let Some(row) = jwks::newest_signing(store.conn(), algorithm.as_str(), now).await? else {
            return Ok(None);
        };
        let Some(pkcs8) = self.sealing.open(&row.sealed_private_key) else {
            tracing::warn!(kid = %row.id, "a JWT signing key is sealed under another secret; making a new one");
            return Ok(None);
        };
        let pkcs8 = zeroize::Zeroizing::new(pkcs8);
        match KeyPair::load(algorithm, &pkcs8) {
            Ok(pair) => Ok(Some(SigningKey {
                id: row.id,
                pair,
                signs_until: row.expires_at,
                read_at: now,
            })),
            Err(err) => {
                tracing::warn!(kid = %row.id, error = %err, "a stored JWT signing key does not load; making a new one");
                Ok(None)
            }
        }
    }

    /// Generates a key pair of the configured algorithm and stores it sealed.
    async fn create(
        &self,
        store: &Store,
        config: &JwtConfig,
        now: DateTime<Utc>,
    ) -> Result<SigningKey, AuthError> {
        let algorithm = config.algorithm;
        // RSA key generation takes long enough to stall the async threads.
        let pkcs8 = tokio::task::spawn_blocking(move || KeyPair::generate(algorithm))
            .await
            .map_err(|err| AuthError::Internal(format!("JWT key generation: {err}")))?
            .map_err(|err| AuthError::Internal(err.to_string()))?;
        let pair =
            KeyPair::load(algorithm, &pkcs8).map_err(|err| AuthError::Internal(err.to_string()))?;
        let public_jwk = serde_json::Value::Object(pair.public_jwk()).to_string();
        let key = JsonWebKey {
            id: JsonWebKeyId::generate(),
            algorithm: algorithm.as_str().to_owned(),
            public_jwk,
            sealed_private_key: self.sealing.seal(&pkcs8),
            expires_at: config.rotation_interval.map(|interval| now + interval),
            audit: Audit::created(now, None),
        };
        jwks::insert(store.conn(), &key).await?;
        tracing::info!(kid = %key.id, alg = algorithm.as_str(), "made a JWT signing key");
        Ok(SigningKey {
            id: key.id,
            pair,
            signs_until: key.expires_at,
            read_at: now,
        })
    }
}
