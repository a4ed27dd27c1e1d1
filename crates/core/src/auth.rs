//! [`Auth`]: the handle every flow hangs off, shared by all requests.

use crate::clock::Clock;
use crate::config::AuthConfig;
use crate::error::AuthError;
use crate::jwt::SigningKeys;
use crate::login_throttle::{Attempt, LoginThrottle};
use crate::mail::{OUTBOX_PURPOSE, SealingKey};
use crate::password_hasher::PasswordHasher;
use crate::recent_changes::RecentChanges;
use crate::session_cache::{FeedEvent, SessionCache};
use crate::social::Social;
use crate::two_factor::TwoFactorKeys;
use beep_domain::{SessionId, UserId};
use beep_email::Templates;
use beep_store::Store;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;

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
    templates: Templates,
    outbox_key: SealingKey,
    outbox_signal: Notify,
    mail_host: String,
    session_cache: SessionCache,
    recent_changes: RecentChanges,
    social: Social,
    two_factor_keys: TwoFactorKeys,
    signing_keys: SigningKeys,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("store", &self.inner.store)
            .field("hasher", &self.inner.hasher)
            .field("session_cache", &self.inner.session_cache)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Builds the service: computes the hasher's timing-equaliser hash once and loads the
    /// mail templates (a broken override stops the start, not a later mail).
    /// Sessions are read from the database on every request; see [`Auth::with_session_cache`].
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AuthConfig) -> Result<Self, AuthError> {
        Self::with_session_cache(store, clock, config, SessionCache::Off)
    }

    /// [`Auth::new`] with a session cache in front of the database for `get-session`.
    pub fn with_session_cache(
        store: Store,
        clock: Arc<dyn Clock>,
        config: AuthConfig,
        session_cache: SessionCache,
    ) -> Result<Self, AuthError> {
        let hasher = PasswordHasher::new(config.hashing)?;
        let templates = match &config.email.templates_dir {
            Some(dir) => Templates::with_overrides(&config.app_name, dir)
                .map_err(|e| AuthError::Internal(format!("mail templates: {e}")))?,
            None => Templates::builtin(&config.app_name),
        };
        let outbox_key = SealingKey::derive(config.secret.expose(), OUTBOX_PURPOSE);
        let mail_host = host_of(&config.email.links_base);
        let social = Social::new(config.social.clone(), config.secret.expose());
        let two_factor_keys = TwoFactorKeys::derive(config.secret.expose());
        let signing_keys = SigningKeys::new(config.secret.expose());
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                clock,
                hasher,
                throttle: LoginThrottle::default(),
                config,
                templates,
                outbox_key,
                outbox_signal: Notify::new(),
                mail_host,
                session_cache,
                recent_changes: RecentChanges::default(),
                social,
                two_factor_keys,
                signing_keys,
            }),
        })
    }

    /// The mail templates.
    pub(crate) fn templates(&self) -> &Templates {
        &self.inner.templates
    }

    /// The key the outbox seals mail bodies with.
    pub(crate) fn outbox_key(&self) -> &SealingKey {
        &self.inner.outbox_key
    }

    /// Raised when this node queues mail, so its worker need not wait for the next poll.
    pub(crate) fn outbox_signal(&self) -> &Notify {
        &self.inner.outbox_signal
    }

    /// The session cache (possibly off).
    pub fn session_cache(&self) -> &SessionCache {
        &self.inner.session_cache
    }

    /// The users and sessions that changed lately, which void copies of sessions made
    /// before (the edge's cookie caches).
    pub fn recent_changes(&self) -> &RecentChanges {
        &self.inner.recent_changes
    }

    /// Applies what the database's change feed reports about other nodes' changes (see
    /// [`crate::session_cache::keep_in_step`]).
    pub fn hear(&self, event: FeedEvent<'_>) {
        let now_ms = self.now().timestamp_millis();
        self.inner.recent_changes.hear(event, now_ms);
    }

    /// After a commit that changed a user, or some of their sessions: the session cache
    /// forgets them, and copies of their sessions made before now are void. Every flow that
    /// changes what `get-session` answers calls this (or [`Auth::session_changed`]).
    pub(crate) async fn user_changed(&self, user: &UserId) {
        self.inner.session_cache.forget_user(user).await;
        let now_ms = self.now().timestamp_millis();
        self.inner.recent_changes.user(user.as_str(), now_ms);
    }

    /// After a commit that changed or ended one session: as [`Auth::user_changed`], but only
    /// that session's copies are void.
    pub(crate) async fn session_changed(&self, session: &SessionId, user: &UserId) {
        self.inner.session_cache.forget_user(user).await;
        let now_ms = self.now().timestamp_millis();
        self.inner.recent_changes.session(session.as_str(), now_ms);
    }

    /// The host named in `Message-ID`s (the public base URL's).
    pub(crate) fn mail_host(&self) -> &str {
        &self.inner.mail_host
    }

    /// The social sign-in providers and their keys.
    pub fn social(&self) -> &Social {
        &self.inner.social
    }

    /// The keys of the second factors.
    pub(crate) fn two_factor_keys(&self) -> &TwoFactorKeys {
        &self.inner.two_factor_keys
    }

    /// The keys JWTs are signed with.
    pub(crate) fn signing_keys(&self) -> &SigningKeys {
        &self.inner.signing_keys
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

/// The host of a URL such as `https://auth.example.com:8443/api/auth` (`auth.example.com`).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host.split(':').next().unwrap_or_default();
    if host.is_empty() {
        "localhost".to_owned()
    } else {
        host.to_owned()
    }
}
