//! Helpers shared by the session-cache tests: a node's `Auth`, a signed-up user, and whether
//! a node's cache holds a session.

use beep_core::flows::SignUp;
use beep_core::session_cache::{Lookup, SessionCache};
use beep_core::{Auth, AuthConfig, ClientInfo, HashingConfig, SignedIn, SystemClock};
use beep_domain::Secret;
use beep_store::testing::TestDb;
use std::sync::Arc;

/// A node: its own `Auth` (and so its own cache) over the shared database.
pub fn node(db: &TestDb, cache: SessionCache) -> Auth {
    let config = AuthConfig {
        hashing: HashingConfig::minimal(),
        ..AuthConfig::default()
    };
    Auth::with_session_cache(db.store.clone(), Arc::new(SystemClock), config, cache).unwrap()
}

/// Signs up Ada with `email` and returns her session.
pub async fn sign_up(auth: &Auth, email: &str) -> SignedIn {
    let input = SignUp {
        name: "Ada Lovelace".into(),
        email: email.into(),
        password: Secret::new("Analytical-Engine-1843".into()),
        image: None,
        remember_me: true,
        callback_url: None,
    };
    auth.sign_up(input, ClientInfo::default())
        .await
        .unwrap()
        .signed_in()
        .expect("signed in")
}

/// Whether the cache (not the database) holds the session of this token.
pub async fn is_cached(auth: &Auth, signed: &SignedIn) -> bool {
    matches!(
        auth.session_cache().lookup(&signed.token.digest()).await,
        Lookup::Hit(..)
    )
}
