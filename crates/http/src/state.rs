//! The state every handler receives.

use crate::cookies::CookieJar;
use crate::settings::HttpSettings;
use crate::verified_cookie_caches::VerifiedCookieCaches;
use beep_core::Auth;
use beep_core::rate_limit::{RateLimit, RateLimitRules};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Live rate-limit buckets a node keeps in memory at most.
pub const MAX_RATE_LIMIT_BUCKETS: usize = 100_000;

/// Whether the node should receive traffic; flipped off when shutdown begins.
#[derive(Debug, Default)]
pub struct Readiness(AtomicBool);

impl Readiness {
    /// Marks the node as draining.
    pub fn set_draining(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the node is draining.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Shared state: the core service, the edge's settings, the limiter. One `Arc`, so the
/// per-request clones that axum's middleware makes cost one atomic increment, not one per
/// field.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

/// What [`AppState`] holds; its fields are reached through `Deref`.
pub struct SharedState {
    /// The auth service.
    pub auth: Auth,
    /// Edge settings.
    pub settings: HttpSettings,
    /// The rate limiter (present even when disabled; unused then).
    pub limiter: RateLimit,
    /// Shutdown flag for `/health/ready`.
    pub readiness: Arc<Readiness>,
    /// Cookie caches already verified on this node, with the body each answers.
    pub verified_cookie_caches: VerifiedCookieCaches,
    /// Cookie naming and signing, built once.
    jar: CookieJar,
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl SharedState {
    /// The cookie jar for this server's secret and naming.
    pub fn jar(&self) -> &CookieJar {
        &self.jar
    }
}

impl AppState {
    /// State with better-auth's default rate-limit rules, counted in this node's memory.
    pub fn new(auth: Auth, settings: HttpSettings) -> Self {
        let limiter = RateLimit::per_node(RateLimitRules::default(), MAX_RATE_LIMIT_BUCKETS);
        Self::with_rate_limit(auth, settings, limiter)
    }

    /// State with this rate limiter (for example one shared through Redis).
    pub fn with_rate_limit(auth: Auth, settings: HttpSettings, limiter: RateLimit) -> Self {
        let cache_ms = settings
            .cookies
            .cache_max_age
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let cookies = &settings.cookies;
        let jar = CookieJar::new(&cookies.prefix, cookies.secure, settings.secret.expose());
        // Changes must be remembered for as long as a cookie cache made before them lives.
        auth.recent_changes().keep_at_least(cache_ms);
        Self(Arc::new(SharedState {
            jar,
            verified_cookie_caches: VerifiedCookieCaches::default(),
            auth,
            settings,
            limiter,
            readiness: Arc::new(Readiness::default()),
        }))
    }
}
