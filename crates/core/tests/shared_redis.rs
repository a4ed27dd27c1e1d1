//! Rate limits and the session cache shared through a real Redis (127.0.0.1:6379, or
//! `REDIS_URL`), as several nodes use them: each "node" here has its own Redis handle and
//! its own `Auth` over one database. Every test writes under its own key prefix and deletes
//! its keys at the end.

mod support;

use support::{is_cached, node, sign_up};

use beep_core::Auth;
use beep_core::rate_limit::{
    ClientKey, Decision, RateLimitRules, SharedRateLimiter, WhenRedisFails,
};
use beep_core::session_cache::{LocalSessionCache, Lookup, SessionCache, SharedSessionCache};
use beep_core::shared_redis::{RedisConfig, SharedRedis};
use beep_domain::Secret;
use beep_store::on_both_databases;
use beep_store::testing::TestDb;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A Redis namespace of one test: handles for several nodes, and cleanup.
struct Namespace {
    prefix: String,
}

impl Namespace {
    fn new() -> Self {
        Self {
            prefix: format!("beep-test:{}:", uuid::Uuid::now_v7().simple()),
        }
    }

    /// One node's handle on the shared Redis.
    fn node(&self) -> SharedRedis {
        let mut config = RedisConfig::new(Secret::new(redis_url()));
        config.key_prefix = self.prefix.clone();
        SharedRedis::connect(&config).unwrap()
    }

    /// A handle on a Redis that is not there.
    fn dead_node(&self) -> SharedRedis {
        let mut config = RedisConfig::new(Secret::new("redis://127.0.0.1:1".to_owned()));
        config.key_prefix = self.prefix.clone();
        SharedRedis::connect(&config).unwrap()
    }

    async fn raw(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(redis_url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// Every key of this test, with its remaining time to live in ms (-1: none).
    async fn keys_with_ttl(&self) -> Vec<(String, i64)> {
        let mut conn = self.raw().await;
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query_async(&mut conn)
            .await
            .unwrap();
        let mut out = Vec::new();
        for key in keys {
            let ttl: i64 = redis::cmd("PTTL")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .unwrap();
            out.push((key, ttl));
        }
        out
    }

    async fn clean(self) {
        let keys: Vec<String> = self
            .keys_with_ttl()
            .await
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        if !keys.is_empty() {
            let mut conn = self.raw().await;
            let _: () = redis::cmd("DEL")
                .arg(keys)
                .query_async(&mut conn)
                .await
                .unwrap();
        }
    }
}

fn limiter(redis: SharedRedis, when_fails: WhenRedisFails) -> SharedRateLimiter {
    SharedRateLimiter::new(RateLimitRules::default(), 1000, redis, when_fails)
}

fn client() -> ClientKey {
    ClientKey::from_ip("203.0.113.9".parse().unwrap())
}

#[tokio::test]
async fn sign_in_attempts_are_counted_across_nodes() {
    let ns = Namespace::new();
    let nodes: Vec<_> = (0..3)
        .map(|_| limiter(ns.node(), WhenRedisFails::PerNodeMemory))
        .collect();

    let mut decisions = Vec::new();
    for node in &nodes {
        decisions.push(node.check(&client(), "/sign-in/email", 0).await);
    }
    let fourth = nodes[0].check(&client(), "/sign-in/email", 0).await;

    assert_eq!(decisions, vec![Decision::Allowed; 3]);
    assert!(
        matches!(fourth, Decision::Limited { retry_after_secs } if (1..=10).contains(&retry_after_secs))
    );
    ns.clean().await;
}

#[tokio::test]
async fn concurrent_requests_on_three_nodes_are_each_counted_once() {
    let ns = Namespace::new();
    let nodes: Vec<_> = (0..3)
        .map(|_| Arc::new(limiter(ns.node(), WhenRedisFails::PerNodeMemory)))
        .collect();

    let mut tasks = Vec::new();
    for i in 0..150 {
        let node = nodes[i % 3].clone();
        tasks.push(tokio::spawn(async move {
            node.check(&client(), "/get-session", 0).await
        }));
    }
    let mut allowed = 0;
    for task in tasks {
        if task.await.unwrap() == Decision::Allowed {
            allowed += 1;
        }
    }

    assert_eq!(
        allowed, 100,
        "the default rule allows exactly 100 per window"
    );
    ns.clean().await;
}

#[tokio::test]
async fn every_key_written_has_an_expiry() {
    let ns = Namespace::new();
    let node = limiter(ns.node(), WhenRedisFails::PerNodeMemory);
    for path in ["/sign-in/email", "/get-session", "/request-password-reset"] {
        for _ in 0..5 {
            node.check(&client(), path, 0).await;
        }
    }

    let keys = ns.keys_with_ttl().await;

    assert_eq!(keys.len(), 3);
    for (key, ttl) in keys {
        assert!(ttl > 0 && ttl <= 60_000, "{key} has ttl {ttl}");
    }
    ns.clean().await;
}

#[tokio::test]
async fn without_redis_the_limiter_counts_in_memory_by_default() {
    let ns = Namespace::new();
    let node = limiter(ns.dead_node(), WhenRedisFails::PerNodeMemory);

    let started = Instant::now();
    let mut decisions = Vec::new();
    for _ in 0..4 {
        decisions.push(node.check(&client(), "/sign-in/email", 0).await);
    }

    assert_eq!(&decisions[..3], &[Decision::Allowed; 3]);
    assert!(matches!(decisions[3], Decision::Limited { .. }));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a dead Redis must not stall requests"
    );
}

#[tokio::test]
async fn without_redis_the_limiter_can_fail_open_or_closed() {
    let ns = Namespace::new();
    let open = limiter(ns.dead_node(), WhenRedisFails::Open);
    let closed = limiter(ns.dead_node(), WhenRedisFails::Closed);

    for _ in 0..5 {
        assert_eq!(
            open.check(&client(), "/sign-in/email", 0).await,
            Decision::Allowed
        );
        assert_eq!(
            closed.check(&client(), "/sign-in/email", 0).await,
            Decision::Unavailable
        );
    }
}

#[test]
fn failure_modes_parse_from_their_names() {
    assert_eq!("memory".parse(), Ok(WhenRedisFails::PerNodeMemory));
    assert_eq!("open".parse(), Ok(WhenRedisFails::Open));
    assert_eq!("closed".parse(), Ok(WhenRedisFails::Closed));
    assert!("sometimes".parse::<WhenRedisFails>().is_err());
}

// ---- the session cache ----

fn shared_cache(redis: SharedRedis) -> SessionCache {
    SessionCache::Shared(Box::new(SharedSessionCache::new(
        redis,
        Duration::from_secs(60),
    )))
}

async fn a_sign_out_on_one_node_ends_the_cached_session_on_another(db: TestDb) {
    let ns = Namespace::new();
    let (a, b) = (
        node(&db, shared_cache(ns.node())),
        node(&db, shared_cache(ns.node())),
    );
    let signed = sign_up(&a, "ada@example.com").await;
    assert!(b.read_session(&signed.token, true).await.unwrap().is_some());
    assert!(
        is_cached(&b, &signed).await,
        "the first read fills the cache"
    );

    a.sign_out(&signed.token).await.unwrap();

    assert!(b.read_session(&signed.token, true).await.unwrap().is_none());
    assert!(!is_cached(&b, &signed).await);
    ns.clean().await;
}

async fn a_profile_change_on_one_node_is_read_on_another(db: TestDb) {
    let ns = Namespace::new();
    let (a, b) = (
        node(&db, shared_cache(ns.node())),
        node(&db, shared_cache(ns.node())),
    );
    let signed = sign_up(&a, "ada@example.com").await;
    b.read_session(&signed.token, true).await.unwrap();

    let change = beep_core::flows::UpdateUser {
        name: Some("Countess of Lovelace".into()),
        ..Default::default()
    };
    a.update_user(&signed.user, change).await.unwrap();

    let read = b.read_session(&signed.token, true).await.unwrap().unwrap();
    assert_eq!(read.user.name, "Countess of Lovelace");
    ns.clean().await;
}

async fn a_fill_that_raced_a_revocation_is_dropped(db: TestDb) {
    let ns = Namespace::new();
    assert_a_racing_fill_is_dropped(node(&db, shared_cache(ns.node()))).await;
    ns.clean().await;
}

/// A lookup misses, the database is read, then the user is revoked before the fill: the
/// fill must not store what the database said.
async fn assert_a_racing_fill_is_dropped(auth: Auth) {
    let signed = sign_up(&auth, "ada@example.com").await;
    let Lookup::Miss(ticket) = auth.session_cache().lookup(&signed.token.digest()).await else {
        panic!("nothing is cached yet");
    };
    let read = auth
        .authenticate(&signed.token, true)
        .await
        .unwrap()
        .unwrap();

    auth.session_cache().forget_user(&signed.user.id).await;
    let cached = beep_core::session_cache::Cached {
        session: read.session,
        user: read.user,
    };
    auth.session_cache()
        .fill(ticket, &cached, chrono::Utc::now())
        .await;

    assert!(!is_cached(&auth, &signed).await);
}

async fn session_cache_keys_all_expire(db: TestDb) {
    let ns = Namespace::new();
    let auth = node(&db, shared_cache(ns.node()));
    let signed = sign_up(&auth, "ada@example.com").await;
    auth.read_session(&signed.token, true).await.unwrap();
    auth.revoke_sessions(&signed.user.id, None).await.unwrap();

    let keys = ns.keys_with_ttl().await;

    assert_eq!(keys.len(), 2, "one entry and one revocation mark: {keys:?}");
    for (key, ttl) in keys {
        assert!(ttl > 0 && ttl <= 61_000, "{key} has ttl {ttl}");
    }
    ns.clean().await;
}

async fn without_redis_sessions_are_read_from_the_database(db: TestDb) {
    let ns = Namespace::new();
    let auth = node(&db, shared_cache(ns.dead_node()));
    let signed = sign_up(&auth, "ada@example.com").await;

    let started = Instant::now();
    let first = auth.read_session(&signed.token, true).await.unwrap();
    auth.sign_out(&signed.token).await.unwrap();
    let after_sign_out = auth.read_session(&signed.token, true).await.unwrap();

    assert!(first.is_some());
    assert!(after_sign_out.is_none());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a dead Redis must not stall requests"
    );
}

async fn the_local_cache_drops_a_fill_that_raced_a_revocation(db: TestDb) {
    let cache = LocalSessionCache::new(Duration::from_secs(60), 100);
    assert_a_racing_fill_is_dropped(node(&db, SessionCache::Local(cache))).await;
}

async fn the_local_cache_serves_reads_and_forgets_on_sign_out(db: TestDb) {
    let auth = node(
        &db,
        SessionCache::Local(LocalSessionCache::new(Duration::from_secs(60), 100)),
    );
    let signed = sign_up(&auth, "ada@example.com").await;
    auth.read_session(&signed.token, true).await.unwrap();
    assert!(is_cached(&auth, &signed).await);

    auth.sign_out(&signed.token).await.unwrap();

    assert!(!is_cached(&auth, &signed).await);
    assert!(
        auth.read_session(&signed.token, true)
            .await
            .unwrap()
            .is_none()
    );
}

on_both_databases!(
    sign_out_across_nodes => a_sign_out_on_one_node_ends_the_cached_session_on_another,
    profile_change_across_nodes => a_profile_change_on_one_node_is_read_on_another,
    shared_fill_race => a_fill_that_raced_a_revocation_is_dropped,
    shared_keys_expire => session_cache_keys_all_expire,
    dead_redis_reads_database => without_redis_sessions_are_read_from_the_database,
    local_fill_race => the_local_cache_drops_a_fill_that_raced_a_revocation,
    local_cache_forgets_on_sign_out => the_local_cache_serves_reads_and_forgets_on_sign_out,
);
