//! [`Auth`]: the handle every flow hangs off, shared by all requests.

use crate::clock::Clock;
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::login_throttle::{Attempt, LoginThrottle};
use crate::password_hasher::PasswordHasher;
use beep_store::Store;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The auth service: store, clock, hasher and settings. Cheap to clone.
#[derive(Clone)]
pub struct Auth {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
    throttle: LoginThrottle,
    config: AuthConfig,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("store", &self.inner.store)
            .field("hasher", &self.inner.hasher)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Builds the service; computes the hasher's timing-equaliser hash once.
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AuthConfig) -> Result<Self, AuthError> {
        let hasher = PasswordHasher::new(config.hashing)?;
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                clock,
                hasher,
                throttle: LoginThrottle::default(),
                config,
            }),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The password hasher.
    pub fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    /// Starts a password check for `account`, or refuses it while the account is throttled.
    pub(crate) fn begin_password_attempt(&self, account: &str) -> Result<Attempt<'_>, AuthError> {
        self.inner
            .throttle
            .begin(account, self.now().timestamp_millis())
            .map_err(|retry_after_secs| AuthError::TooManyAttempts { retry_after_secs })
    }

    /// Now, by the service's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }
}
