//! In-process session caches on several nodes over one PostgreSQL, kept in step by the
//! database's change notices (`keep_in_step`): a revocation or profile change on one node,
//! or straight in the database, reaches every other node's cache within moments, and a lost
//! subscription empties the cache until it is back.

mod support;

use beep_core::flows::UpdateUser;
use beep_core::session_cache::{LocalSessionCache, SessionCache, keep_in_step};
use beep_core::{Auth, SignedIn};
use beep_store::ConnectionTrait;
use beep_store::testing::TestDb;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// How long a change may take to reach another node in these tests (it takes milliseconds).
const REACH: Duration = Duration::from_secs(3);

/// A node: its own `Auth` with a leased in-process cache, kept in step while it lives.
struct Node {
    auth: Auth,
    cache: LocalSessionCache,
    in_step: JoinHandle<()>,
}

impl Node {
    async fn start(db: &TestDb) -> Self {
        let cache = LocalSessionCache::leased(Duration::from_secs(60), 1000);
        let auth = support::node(db, SessionCache::Local(cache.clone()));
        let in_step = tokio::spawn(keep_in_step(Some(cache.clone()), db.store.clone(), |_| {}));
        let node = Self {
            auth,
            cache,
            in_step,
        };
        node.wait_until_trusted().await;
        node
    }

    async fn wait_until_trusted(&self) {
        assert!(
            eventually(|| async { self.cache.is_trusted() }).await,
            "the first echo never came back"
        );
    }

    /// Reads the session (filling the cache) and checks the cache now holds it.
    async fn read_and_cache(&self, signed: &SignedIn) {
        let read = self.auth.read_session(&signed.token, true).await.unwrap();
        assert!(read.is_some());
        assert!(self.holds(signed).await, "the read fills the cache");
    }

    async fn holds(&self, signed: &SignedIn) -> bool {
        support::is_cached(&self.auth, signed).await
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.in_step.abort();
    }
}

/// Polls `check` until it holds or [`REACH`] has passed.
async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + REACH;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn a_sign_out_on_one_node_reaches_the_other_nodes_cache() {
    let db = TestDb::postgres().await;
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let signed = support::sign_up(&a.auth, "ada@example.com").await;
    b.read_and_cache(&signed).await;

    a.auth.sign_out(&signed.token).await.unwrap();

    assert!(eventually(|| async { !b.holds(&signed).await }).await);
    let read = b.auth.read_session(&signed.token, true).await.unwrap();
    assert!(read.is_none());
}

#[tokio::test]
async fn a_profile_change_on_one_node_reaches_the_other_nodes_cache() {
    let db = TestDb::postgres().await;
    let (a, b) = (Node::start(&db).await, Node::start(&db).await);
    let signed = support::sign_up(&a.auth, "ada@example.com").await;
    b.read_and_cache(&signed).await;

    let change = UpdateUser {
        name: Some("Countess of Lovelace".into()),
        ..Default::default()
    };
    a.auth.update_user(&signed.user, change).await.unwrap();

    let renamed = eventually(|| async {
        let read = b.auth.read_session(&signed.token, true).await.unwrap();
        read.is_some_and(|active| active.user.name == "Countess of Lovelace")
    })
    .await;
    assert!(renamed, "node b kept the old name");
}

#[tokio::test]
async fn a_session_deleted_straight_in_the_database_leaves_every_cache() {
    let db = TestDb::postgres().await;
    let node = Node::start(&db).await;
    let signed = support::sign_up(&node.auth, "ada@example.com").await;
    node.read_and_cache(&signed).await;

    db.store
        .conn()
        .execute_unprepared("DELETE FROM \"session\"")
        .await
        .unwrap();

    assert!(eventually(|| async { !node.holds(&signed).await }).await);
}

#[tokio::test]
async fn a_lost_subscription_empties_the_cache_until_it_is_back() {
    let db = TestDb::postgres().await;
    let node = Node::start(&db).await;
    let signed = support::sign_up(&node.auth, "ada@example.com").await;
    node.read_and_cache(&signed).await;

    // The listener's connection dies (a restart, a proxy timeout): notices may be lost.
    db.store
        .conn()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();

    assert!(
        eventually(|| async { !node.holds(&signed).await }).await,
        "entries that notices can no longer correct were kept"
    );
    node.wait_until_trusted().await;
    node.read_and_cache(&signed).await;
}

#[tokio::test]
async fn on_sqlite_the_only_node_trusts_its_cache_at_once() {
    let db = TestDb::sqlite().await;
    let cache = LocalSessionCache::leased(Duration::from_secs(60), 10);

    keep_in_step(Some(cache.clone()), db.store.clone(), |_| {}).await;

    assert!(cache.is_trusted());
}

#[tokio::test]
async fn a_cache_whose_echoes_never_come_back_is_not_believed() {
    let db = TestDb::postgres().await;
    let node = Node::start(&db).await;
    node.in_step.abort();
    let signed = support::sign_up(&node.auth, "ada@example.com").await;

    tokio::time::sleep(beep_core::session_cache::in_step::LEASE).await;
    let read = node.auth.read_session(&signed.token, true).await.unwrap();

    assert!(read.is_some(), "sessions still come from the database");
    assert!(
        !node.holds(&signed).await,
        "past its lease the cache answers nothing"
    );
}
