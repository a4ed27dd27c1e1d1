//! Several `beep-iam` nodes over one PostgreSQL and one Redis, as a deployment runs them:
//! sessions, revocations and rate limits hold across nodes, a node killed mid-load loses no
//! committed write, and a Redis that goes away (and comes back) never makes a node fail.

use beep_store::testing::{TestDb, count_rows};
use futures::StreamExt;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod support;
use support::{Scratch, Server, free_port};

const PASSWORD: &str = "Correct-Horse-Battery-Staple";

// ---------------------------------------------------------------------------------------
// Sessions and rate limits across nodes
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_node_is_valid_on_the_others() {
    let cluster = Cluster::start(&[]).await;
    let session = cluster.sign_up(0, "ada@example.com").await;

    for node in 0..3 {
        let body = cluster.get_session(node, &session, true).await;
        assert_eq!(body["user"]["email"], "ada@example.com", "node {node}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_is_seen_at_once_by_server_reads_and_within_the_cookie_cache_window() {
    let cluster = Cluster::start(&[
        ("SESSION_COOKIE_CACHE_MAX_AGE", "2".into()),
        ("SESSION_CACHE", "shared".into()),
    ])
    .await;
    let session = cluster.sign_up(0, "ada@example.com").await;
    for node in 1..3 {
        // Fills the shared session cache and checks the cookie cache is believed.
        assert!(cluster.get_session(node, &session, true).await.is_object());
        assert!(cluster.get_session(node, &session, false).await.is_object());
    }
    let signed_out_at = Instant::now();

    let (status, _) = cluster
        .post(0, "/api/auth/sign-out", &json!({}), Some(&session))
        .await;
    assert_eq!(status, 200);

    for node in 1..3 {
        let read = cluster.get_session(node, &session, true).await;
        assert_eq!(
            read,
            Value::Null,
            "node {node} still serves the revoked session"
        );
    }
    tokio::time::sleep(Duration::from_millis(2200).saturating_sub(signed_out_at.elapsed())).await;
    for node in 1..3 {
        let read = cluster.get_session(node, &session, false).await;
        assert_eq!(
            read,
            Value::Null,
            "node {node}'s cookie cache outlived its window"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_in_process_caches_a_sign_out_reaches_every_node_within_moments() {
    let cluster = Cluster::start(&[("SESSION_CACHE", "auto".into())]).await;
    let session = cluster.sign_up(0, "ada@example.com").await;
    for node in 1..3 {
        // Twice: the first read fills the node's own cache, the second is served from it.
        for _ in 0..2 {
            assert!(cluster.get_session(node, &session, true).await.is_object());
        }
    }

    let (status, _) = cluster
        .post(0, "/api/auth/sign-out", &json!({}), Some(&session))
        .await;
    assert_eq!(status, 200);

    cluster
        .assert_nodes_forget_within_a_second(&session, true)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_voids_the_cookie_caches_other_nodes_believed_within_moments() {
    // Five minutes of cookie cache: without the database's change feed, the other nodes
    // would believe it for all of that.
    let cluster = Cluster::start(&[("SESSION_COOKIE_CACHE_MAX_AGE", "300".into())]).await;
    let session = cluster.sign_up(0, "ada@example.com").await;
    for node in 1..3 {
        assert!(cluster.get_session(node, &session, false).await.is_object());
    }

    let (status, _) = cluster
        .post(0, "/api/auth/sign-out", &json!({}), Some(&session))
        .await;
    assert_eq!(status, 200);

    cluster
        .assert_nodes_forget_within_a_second(&session, false)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_renamed_on_one_node_is_renamed_in_sessions_on_every_node() {
    // Five minutes of cookie cache and the in-process caches: both must let go.
    let cluster = Cluster::start(&[("SESSION_COOKIE_CACHE_MAX_AGE", "300".into())]).await;
    let ada = cluster.sign_up(0, "ada@example.com").await;
    let (status, ada) = cluster
        .post(
            0,
            "/api/auth/organization/create",
            &json!({ "name": "Acme", "slug": "acme" }),
            Some(&ada),
        )
        .await;
    assert_eq!(status, 200);
    let name_on = |session: Value| {
        let org = session["session"]["activeOrganizationId"]
            .as_str()
            .unwrap()
            .to_owned();
        session["session"]["organizationContext"][&org]["name"].clone()
    };
    for node in 1..3 {
        for _ in 0..2 {
            assert_eq!(
                name_on(cluster.get_session(node, &ada, false).await),
                "Acme"
            );
        }
    }

    let (status, _) = cluster
        .post(
            0,
            "/api/auth/organization/update",
            &json!({ "data": { "name": "Acme Renamed" } }),
            Some(&ada),
        )
        .await;
    assert_eq!(status, 200);

    let deadline = Instant::now() + Duration::from_secs(1);
    for node in 1..3 {
        while name_on(cluster.get_session(node, &ada, false).await) != "Acme Renamed" {
            assert!(
                Instant::now() < deadline,
                "node {node} still shows the old name"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_on_one_node_ends_the_users_sessions_on_every_node_and_refuses_new_ones() {
    // Five minutes of cookie cache and the in-process caches: both must let go.
    let cluster = Cluster::start(&[("SESSION_COOKIE_CACHE_MAX_AGE", "300".into())]).await;
    cluster.sign_up(0, "root@example.com").await;
    make_admin(&cluster, "root@example.com").await;
    let root = cluster.sign_in(0, "root@example.com").await;
    let mallory = cluster.sign_up(0, "mallory@example.com").await;
    let mallory_id = cluster.get_session(0, &mallory, true).await["user"]["id"].clone();
    for node in 1..3 {
        for _ in 0..2 {
            assert!(cluster.get_session(node, &mallory, false).await.is_object());
        }
    }

    let (status, _) = cluster
        .post(
            0,
            "/api/auth/admin/ban-user",
            &json!({ "userId": mallory_id }),
            Some(&root),
        )
        .await;
    assert_eq!(status, 200);

    cluster
        .assert_nodes_forget_within_a_second(&mallory, false)
        .await;
    let body = json!({ "email": "mallory@example.com", "password": PASSWORD });
    let (status, _) = cluster
        .post(2, "/api/auth/sign-in/email", &body, None)
        .await;
    assert_eq!(status, 403, "a banned user cannot sign in on another node");
}

/// Gives a user the `admin` role straight in the database (as `user create --role admin`
/// would have).
async fn make_admin(cluster: &Cluster, email: &str) {
    use beep_store::ConnectionTrait as _;
    cluster
        .db
        .store
        .conn()
        .execute_unprepared(&format!(
            r#"UPDATE "user" SET role = 'admin' WHERE email = '{email}'"#
        ))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_rate_limit_is_counted_across_all_nodes() {
    let cluster = Cluster::start(&[("RATE_LIMIT_ENABLED", "true".into())]).await;

    let mut statuses = Vec::new();
    for attempt in 0..4 {
        let body = json!({ "email": format!("nobody{attempt}@example.com"), "password": PASSWORD });
        let (status, _) = cluster
            .post(attempt % 3, "/api/auth/sign-in/email", &body, None)
            .await;
        statuses.push(status);
    }

    assert_eq!(statuses, vec![401, 401, 401, 429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_a_node_mid_load_loses_no_committed_write() {
    let mut cluster = Cluster::start(&[]).await;
    let emails: Vec<String> = (0..150).map(|n| format!("load{n}@example.com")).collect();
    let client = reqwest::Client::new();
    let urls: Vec<String> = cluster
        .nodes
        .iter()
        .map(|n| n.url("/api/auth/sign-up/email"))
        .collect();

    let answered = AtomicUsize::new(0);
    let load = futures::stream::iter(emails.iter().enumerate())
        .map(|(n, email)| {
            let request = client
                .post(&urls[n % 3])
                .json(&json!({ "name": "Load", "email": email, "password": PASSWORD }));
            let answered = &answered;
            async move {
                let ok = matches!(request.send().await, Ok(reply) if reply.status() == 200);
                answered.fetch_add(1, Ordering::SeqCst);
                (email.clone(), ok)
            }
        })
        .buffer_unordered(12)
        .collect::<Vec<_>>();
    // Killed once 40 sign-ups have answered, so the kill lands mid-load on any machine.
    let kill = async {
        while answered.load(Ordering::SeqCst) < 40 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cluster.nodes[2].kill();
    };
    let (replies, ()) = tokio::join!(load, kill);

    let confirmed: Vec<&String> = replies
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(e, _)| e)
        .collect();
    let failed = replies.len() - confirmed.len();
    assert!(
        failed > 0,
        "the kill landed after the load; nothing was tested"
    );
    assert!(
        confirmed.len() >= 90,
        "only {} sign-ups succeeded",
        confirmed.len()
    );
    let conn = cluster.db.store.conn();
    for email in &confirmed {
        assert!(
            beep_store::repos::users::find_by_email(
                conn,
                &beep_domain::Email::parse(email).unwrap()
            )
            .await
            .unwrap()
            .is_some(),
            "{email} was confirmed but is not stored"
        );
    }
    // Whatever a dying node committed, it committed whole: a personal organization and an
    // owner membership for every user, no more, no less.
    let users = count_rows(conn, "user").await;
    assert!(users >= confirmed.len() as i64);
    assert_eq!(count_rows(conn, "organization").await, users);
    assert_eq!(count_rows(conn, "member").await, users);
}

// ---------------------------------------------------------------------------------------
// Redis going away
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_redis_goes_away_nodes_fall_back_and_never_fail() {
    let mut redis = OwnRedis::start();
    let cluster = Cluster::start_on(
        &redis.url(),
        &[
            ("RATE_LIMIT_ENABLED", "true".into()),
            ("SESSION_COOKIE_CACHE_MAX_AGE", "0".into()),
            ("SESSION_CACHE", "shared".into()),
        ],
    )
    .await;
    let session = cluster.sign_up(0, "ada@example.com").await;
    assert!(cluster.get_session(1, &session, true).await.is_object());

    redis.kill();

    // Sessions come from the database: still valid, and a sign-out still ends them.
    assert!(cluster.get_session(1, &session, true).await.is_object());
    let other = cluster.sign_in(2, "ada@example.com").await;
    let (status, _) = cluster
        .post(2, "/api/auth/sign-out", &json!({}), Some(&other))
        .await;
    assert_eq!(status, 200);
    assert_eq!(cluster.get_session(0, &other, true).await, Value::Null);
    // Rate limits are counted per node: three sign-ins on node 0, then 429.
    let mut statuses = Vec::new();
    for attempt in 0..4 {
        let body = json!({ "email": format!("x{attempt}@example.com"), "password": PASSWORD });
        statuses.push(
            cluster
                .post(0, "/api/auth/sign-in/email", &body, None)
                .await
                .0,
        );
    }
    assert_eq!(statuses[3], 429, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s != 500));
    assert!(cluster.nodes[0].log_text().contains("Redis unavailable"));

    redis.restart();
    assert!(cluster.get_session(1, &session, true).await.is_object());
    wait_for_log(&cluster, 1, "Redis answers again").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_told_to_fail_closed_refuses_with_503_while_redis_is_away() {
    let mut redis = OwnRedis::start();
    let cluster = Cluster::start_on(
        &redis.url(),
        &[
            ("RATE_LIMIT_ENABLED", "true".into()),
            ("RATE_LIMIT_WHEN_REDIS_FAILS", "closed".into()),
        ],
    )
    .await;
    assert_eq!(cluster.get(0, "/api/auth/ok").await, 200);

    redis.kill();

    for node in 0..3 {
        assert_eq!(cluster.get(node, "/api/auth/ok").await, 503, "node {node}");
    }
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.get(0, "/api/auth/ok").await != 200 {
        assert!(Instant::now() < deadline, "node 0 never used Redis again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// Three nodes on one fresh PostgreSQL database and one Redis key prefix.
struct Cluster {
    nodes: Vec<Server>,
    db: TestDb,
    client: reqwest::Client,
    _scratch: Scratch,
}

/// A session as a browser holds it: the `Cookie` header of its session cookies.
struct Session(String);

impl Cluster {
    /// Three nodes sharing the machine's Redis (127.0.0.1:6379) under a fresh key prefix.
    async fn start(env: &[(&str, String)]) -> Self {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        Self::start_on(&url, env).await
    }

    async fn start_on(redis_url: &str, env: &[(&str, String)]) -> Self {
        let db = TestDb::postgres().await;
        let scratch = Scratch::new();
        let prefix = format!("beep-test:{}:", uuid::Uuid::now_v7().simple());
        let mut all_env = vec![
            ("DATABASE_MAX_CONNECTIONS", "4".to_owned()),
            ("REDIS_URL", redis_url.to_owned()),
            ("REDIS_KEY_PREFIX", prefix),
        ];
        all_env.extend(env.iter().map(|(k, v)| (*k, v.clone())));
        let mut nodes = Vec::new();
        for _ in 0..3 {
            nodes.push(Server::start(&scratch, &db.url, &all_env).await);
        }
        Self {
            nodes,
            db,
            client: reqwest::Client::new(),
            _scratch: scratch,
        }
    }

    async fn get(&self, node: usize, path: &str) -> u16 {
        let reply = self
            .client
            .get(self.nodes[node].url(path))
            .send()
            .await
            .unwrap();
        reply.status().as_u16()
    }

    /// POSTs JSON to a node; returns the status and the session cookies it set.
    async fn post(
        &self,
        node: usize,
        path: &str,
        body: &Value,
        session: Option<&Session>,
    ) -> (u16, Session) {
        let origin = self.nodes[node].url("");
        let mut request = self
            .client
            .post(self.nodes[node].url(path))
            .header("origin", origin)
            .json(body);
        if let Some(session) = session {
            request = request.header("cookie", &session.0);
        }
        let reply = request.send().await.unwrap();
        let status = reply.status().as_u16();
        assert!(
            status < 500 || status == 503,
            "{status} from {path} on node {node}"
        );
        (status, Session(cookies_of(reply.headers())))
    }

    async fn sign_up(&self, node: usize, email: &str) -> Session {
        let body = json!({ "name": "Ada", "email": email, "password": PASSWORD });
        let (status, session) = self
            .post(node, "/api/auth/sign-up/email", &body, None)
            .await;
        assert_eq!(status, 200);
        session
    }

    async fn sign_in(&self, node: usize, email: &str) -> Session {
        let body = json!({ "email": email, "password": PASSWORD });
        let (status, session) = self
            .post(node, "/api/auth/sign-in/email", &body, None)
            .await;
        assert_eq!(status, 200);
        session
    }

    /// Nodes 1 and 2 answer `null` for a signed-out session within a second: the database's
    /// notice reaches them in milliseconds, so a second is generous.
    async fn assert_nodes_forget_within_a_second(
        &self,
        session: &Session,
        skip_cookie_cache: bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(1);
        for node in 1..3 {
            while self.get_session(node, session, skip_cookie_cache).await != Value::Null {
                assert!(
                    Instant::now() < deadline,
                    "node {node} still serves the signed-out session (cookie cache skipped: \
                     {skip_cookie_cache})"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }

    /// `get-session` on a node; `skip_cookie_cache` asks the server to check its store.
    async fn get_session(&self, node: usize, session: &Session, skip_cookie_cache: bool) -> Value {
        let query = if skip_cookie_cache {
            "?disableCookieCache=true"
        } else {
            ""
        };
        let reply = self
            .client
            .get(self.nodes[node].url(&format!("/api/auth/get-session{query}")))
            .header("cookie", &session.0)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "get-session on node {node}");
        reply.json().await.unwrap()
    }
}

/// The `name=value` pairs of a response's `Set-Cookie` headers, as a `Cookie` header.
fn cookies_of(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Waits until a node logs `text`, reading its session now and then so it tries Redis.
async fn wait_for_log(cluster: &Cluster, node: usize, text: &str) {
    let server = &cluster.nodes[node];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.log_text().contains(text) {
        assert!(
            Instant::now() < deadline,
            "no {text:?} in the log: {}",
            server.log_text()
        );
        cluster.get(node, "/api/auth/ok").await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A Redis of this test's own (so it can be killed), on a free port.
struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            child: None,
        };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port, and waits until it accepts connections.
    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}
