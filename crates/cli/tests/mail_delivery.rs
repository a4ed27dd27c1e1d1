//! Mail delivery through the outbox, checked on the real `beep-iam serve` process against a
//! real SMTP server (`beep_email::testing::SmtpSink`) and a fake Resend API:
//!
//! - mail queued while SMTP is down is delivered, once, when it comes back;
//! - mail queued before a `kill -9` is delivered, once, after a restart (SQLite, PostgreSQL);
//! - three processes on one PostgreSQL database never send one mail twice, whether each
//!   delivers what it queues or all three race for the retries of a backlog;
//! - a Resend 429 and 500 are retried with the same idempotency key until it accepts.
//!
//! Every mail's Message-ID is `<outbox row id>@<host>`, so a duplicate or a stranger is
//! recognisable in what the sink received. Counts are taken after the servers have stopped
//! (SIGTERM lets deliveries in flight finish and be recorded), so they are final.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::post};
use beep_email::testing::{ReceivedMail, SmtpSink};
use beep_store::entities::enums::DbOutboxStatus;
use beep_store::entities::{outbox_attempt, outbox_mail};
use beep_store::sea_orm::EntityTrait;
use beep_store::testing::TestDb;
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;
use support::{FROM, Scratch, Server, stop_all};

const PASSWORD: &str = "Correct-Horse-Battery-Staple";
const RESEND_KEY: &str = "re_test_key";
/// How long mail may take to arrive once its way out is open.
const DELIVERY: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// The stories
// ---------------------------------------------------------------------------------------

/// Mail queued while the SMTP server is down is retried, kept, and delivered once when it is
/// back on the same port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_while_smtp_is_down_is_delivered_once_when_it_comes_back() {
    let scratch = Scratch::new();
    let db = TestDb::sqlite().await;
    let smtp = DownSmtp::reserve();
    let mut server = Server::start(&scratch, &db.url, &smtp.env()).await;
    let emails = addresses("down", 20);

    sign_up_all(&[&server], &emails).await;
    let failing = wait_for_outbox(&db, "every mail to fail once", |o| {
        o.mails.len() == 20 && o.mails_with_attempt("transient") == 20
    })
    .await;
    assert_eq!(failing.with_status(DbOutboxStatus::Pending), 20);
    assert_eq!(failing.attempts_with("sent"), 0);

    let sink = smtp.come_up();
    sink.wait_for(20, DELIVERY).await;
    wait_for_outbox(&db, "no mail pending", |o| o.pending() == 0).await;
    server.stop().await;
    let done = Outbox::read(&db).await;

    assert_all_sent_once(&done, 20);
    assert_each_delivered_once(&sink.received(), &done, &emails);
}

/// A `kill -9` while mail waits for SMTP loses none of it and, after a restart, sends none
/// of it twice.
async fn mail_queued_before_a_kill_9_is_delivered_once_after_a_restart(db: TestDb) {
    let scratch = Scratch::new();
    let smtp = DownSmtp::reserve();
    let mut server = Server::start(&scratch, &db.url, &smtp.env()).await;
    let emails = addresses("killed", 20);

    sign_up_all(&[&server], &emails).await;
    wait_for_outbox(&db, "every mail to fail once", |o| {
        o.mails.len() == 20 && o.mails_with_attempt("transient") == 20
    })
    .await;
    kill_while_nothing_is_in_flight(&mut server, &db).await;
    let orphaned = Outbox::read(&db).await;
    assert_eq!(orphaned.with_status(DbOutboxStatus::Pending), 20);
    assert_eq!(orphaned.leased(), 0, "the kill landed inside a delivery");

    let sink = smtp.come_up();
    let mut restarted = Server::start(&scratch, &db.url, &smtp.env()).await;
    sink.wait_for(20, DELIVERY).await;
    wait_for_outbox(&db, "no mail pending", |o| o.pending() == 0).await;
    restarted.stop().await;
    let done = Outbox::read(&db).await;

    assert_all_sent_once(&done, 20);
    assert_each_delivered_once(&sink.received(), &done, &emails);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_before_a_kill_9_is_delivered_once_after_a_restart_sqlite() {
    mail_queued_before_a_kill_9_is_delivered_once_after_a_restart(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_before_a_kill_9_is_delivered_once_after_a_restart_postgres() {
    mail_queued_before_a_kill_9_is_delivered_once_after_a_restart(TestDb::postgres().await).await;
}

/// Three nodes on one PostgreSQL database, each taking a third of 150 sign-ups at once:
/// every mail is sent by exactly one of them, and more than one node does the sending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_on_one_database_never_send_a_mail_twice() {
    let scratch = Scratch::new();
    let db = TestDb::postgres().await;
    let sink = SmtpSink::start();
    let smtp = [
        ("EMAIL_TRANSPORT", "smtp".to_owned()),
        ("SMTP_URL", sink.url()),
    ];
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(Server::start(&scratch, &db.url, &smtp).await);
    }
    let emails = addresses("cluster", 150);

    sign_up_all(&nodes.iter().collect::<Vec<_>>(), &emails).await;
    sink.wait_for(150, DELIVERY).await;
    wait_for_outbox(&db, "no mail pending", |o| {
        o.mails.len() == 150 && o.pending() == 0
    })
    .await;
    stop_all(&mut nodes).await;
    let done = Outbox::read(&db).await;

    assert_all_sent_once(&done, 150);
    assert_each_delivered_once(&sink.received(), &done, &emails);
    let senders: BTreeSet<&str> = done.attempts.iter().map(|a| a.node.as_str()).collect();
    assert!(
        senders.len() >= 2,
        "one node delivered everything: {senders:?}"
    );
}

/// The same when the nodes race for every claim: 150 mails pile up while SMTP is down, then
/// it comes back and all three nodes, polling every 10 ms, take the retries as they fall
/// due. (In the test above each node mostly delivers its own mail the moment it is queued,
/// so claims rarely meet: with the claim's row locking and re-check removed, that test
/// caught the duplicates in about one run of five, this one in nearly every run.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_draining_a_backlog_never_send_a_mail_twice() {
    let scratch = Scratch::new();
    let db = TestDb::postgres().await;
    let smtp = DownSmtp::reserve();
    let mut env = smtp.env().to_vec();
    env.push(("EMAIL_POLL_INTERVAL_MS", "10".to_owned()));
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(Server::start(&scratch, &db.url, &env).await);
    }
    let emails = addresses("backlog", 150);

    sign_up_all(&nodes.iter().collect::<Vec<_>>(), &emails).await;
    wait_for_outbox(&db, "every mail to fail once", |o| {
        o.mails.len() == 150 && o.mails_with_attempt("transient") == 150
    })
    .await;
    let sink = smtp.come_up();
    sink.wait_for(150, DELIVERY).await;
    wait_for_outbox(&db, "no mail pending", |o| o.pending() == 0).await;
    stop_all(&mut nodes).await;
    let done = Outbox::read(&db).await;

    assert_all_sent_once(&done, 150);
    assert_each_delivered_once(&sink.received(), &done, &emails);
    let senders: BTreeSet<&str> = done
        .attempts
        .iter()
        .filter(|a| a.outcome == "sent")
        .map(|a| a.node.as_str())
        .collect();
    assert_eq!(senders.len(), 3, "not every node took part in the drain");
}

/// Resend answers 429 (retry after 1 s), then 500, then accepts: the mail is tried three
/// times with one idempotency key, waiting as asked, and recorded as sent on the third.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_refusals_are_retried_with_one_idempotency_key_until_it_accepts() {
    let scratch = Scratch::new();
    let db = TestDb::sqlite().await;
    let resend = FakeResend::start(&[
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::OK,
    ])
    .await;
    let env = [
        ("EMAIL_TRANSPORT", "resend".to_owned()),
        ("RESEND_API_KEY", RESEND_KEY.to_owned()),
        ("RESEND_BASE_URL", resend.url.clone()),
    ];
    let mut server = Server::start(&scratch, &db.url, &env).await;
    let email = "resend@example.com".to_owned();

    sign_up_all(&[&server], std::slice::from_ref(&email)).await;
    wait_for_outbox(&db, "the mail to leave pending", |o| {
        o.mails.len() == 1 && o.pending() == 0
    })
    .await;
    server.stop().await;
    let done = Outbox::read(&db).await;

    let mail = &done.mails[0];
    assert_eq!(mail.status, DbOutboxStatus::Sent, "{:?}", mail.last_error);
    assert_eq!(mail.sealed_body, None);
    assert_eq!(
        done.attempt_outcomes(&mail.id),
        [(1, "transient"), (2, "transient"), (3, "sent")]
    );
    let requests = resend.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    for request in &requests {
        assert_eq!(request.problem, None, "{request:#?}");
        assert_eq!(
            request.idempotency_key.as_deref(),
            Some(format!("{}@127.0.0.1", mail.id).as_str()),
            "every try carries the mail's Message-ID as its idempotency key"
        );
        assert_eq!(request.body["to"], json!([email]));
        assert_eq!(request.body["from"], FROM);
    }
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_secs(1),
        "the 429's retry-after of 1 s was not respected: retried after {waited:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------

/// `count` mails, every one `sent` with its body gone, each with exactly one `sent` attempt.
fn assert_all_sent_once(outbox: &Outbox, count: usize) {
    assert_eq!(outbox.mails.len(), count);
    assert_eq!(outbox.with_status(DbOutboxStatus::Sent), count);
    assert!(
        outbox.mails.iter().all(|m| m.sealed_body.is_none()),
        "a sent mail kept its sealed body"
    );
    for mail in &outbox.mails {
        let sent = outbox
            .attempts
            .iter()
            .filter(|a| a.mail_id == mail.id && a.outcome == "sent")
            .count();
        assert_eq!(sent, 1, "mail {} has {sent} `sent` attempts", mail.id);
    }
}

/// The sink got exactly one mail per outbox row (its Message-ID naming the row) and one per
/// address signed up.
fn assert_each_delivered_once(received: &[ReceivedMail], outbox: &Outbox, emails: &[String]) {
    let message_ids: BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(
        received.len(),
        message_ids.len(),
        "a mail arrived twice: {:?}",
        duplicates(received.iter().map(|m| m.message_id.clone()))
    );
    let rows: BTreeSet<&str> = message_ids
        .iter()
        .map(|id| id.split('@').next().unwrap_or_default())
        .collect();
    let queued: BTreeSet<&str> = outbox.mails.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(rows, queued, "what arrived is not what was queued");
    let recipients = received.iter().flat_map(|m| m.rcpt_tos.iter().cloned());
    assert_eq!(
        counts(recipients),
        counts(emails.iter().cloned()),
        "not one mail per address"
    );
}

fn counts(items: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts
}

fn duplicates(items: impl Iterator<Item = String>) -> Vec<String> {
    counts(items)
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(item, _)| item)
        .collect()
}

// ---------------------------------------------------------------------------------------
// The outbox tables
// ---------------------------------------------------------------------------------------

/// The outbox tables as they are at one moment.
#[derive(Debug)]
struct Outbox {
    mails: Vec<outbox_mail::Model>,
    attempts: Vec<outbox_attempt::Model>,
}

impl Outbox {
    async fn read(db: &TestDb) -> Self {
        let conn = db.store.conn();
        Self {
            mails: outbox_mail::Entity::find().all(conn).await.unwrap(),
            attempts: outbox_attempt::Entity::find().all(conn).await.unwrap(),
        }
    }

    fn with_status(&self, status: DbOutboxStatus) -> usize {
        self.mails.iter().filter(|m| m.status == status).count()
    }

    fn pending(&self) -> usize {
        self.with_status(DbOutboxStatus::Pending)
    }

    /// Mails some node holds a lease on.
    fn leased(&self) -> usize {
        self.mails
            .iter()
            .filter(|m| m.lease_owner.is_some())
            .count()
    }

    fn attempts_with(&self, outcome: &str) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome == outcome)
            .count()
    }

    /// How many distinct mails have at least one attempt that ended in `outcome`.
    fn mails_with_attempt(&self, outcome: &str) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome == outcome)
            .map(|a| a.mail_id.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// `(attempt number, outcome)` of one mail's attempts, in order.
    fn attempt_outcomes(&self, mail_id: &str) -> Vec<(i32, &str)> {
        let mut outcomes: Vec<(i32, &str)> = self
            .attempts
            .iter()
            .filter(|a| a.mail_id == mail_id)
            .map(|a| (a.attempt, a.outcome.as_str()))
            .collect();
        outcomes.sort();
        outcomes
    }

    fn summary(&self) -> String {
        let statuses = counts(self.mails.iter().map(|m| format!("{:?}", m.status)));
        let outcomes = counts(self.attempts.iter().map(|a| a.outcome.clone()));
        format!(
            "mails {statuses:?}, attempts {outcomes:?}, leased {}",
            self.leased()
        )
    }
}

/// Polls the outbox until `done` holds, and returns it; panics after [`DELIVERY`].
async fn wait_for_outbox(db: &TestDb, what: &str, done: impl Fn(&Outbox) -> bool) -> Outbox {
    let deadline = Instant::now() + DELIVERY;
    loop {
        let outbox = Outbox::read(db).await;
        if done(&outbox) {
            return outbox;
        }
        assert!(
            Instant::now() < deadline,
            "waited {DELIVERY:?} for {what}: {}",
            outbox.summary()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// SIGKILLs `server` at a moment when it holds no lease and no mail falls due for a while,
/// so no delivery is in flight. A mail leased by a dead node rightly waits out the lease
/// (two minutes) before another node may take it, which is more than this test can wait.
async fn kill_while_nothing_is_in_flight(server: &mut Server, db: &TestDb) {
    let deadline = Instant::now() + DELIVERY;
    loop {
        let outbox = Outbox::read(db).await;
        let quiet_until = chrono::Utc::now() + chrono::Duration::milliseconds(150);
        if outbox.leased() == 0 && outbox.mails.iter().all(|m| m.next_attempt_at > quiet_until) {
            server.kill();
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the worker was never idle: {}",
            outbox.summary()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `count` fresh addresses, `<prefix><n>@example.com`.
fn addresses(prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("{prefix}{n}@example.com"))
        .collect()
}

/// Signs up one user per address, spread round-robin over `servers`, 16 at a time; each
/// sign-up queues one verification mail.
async fn sign_up_all(servers: &[&Server], emails: &[String]) {
    let client = reqwest::Client::new();
    let replies: Vec<(String, u16, String)> = futures::stream::iter(emails.iter().enumerate())
        .map(|(n, email)| {
            let request = client
                .post(servers[n % servers.len()].url("/api/auth/sign-up/email"))
                .json(&json!({ "name": "Mail Test", "email": email, "password": PASSWORD }));
            async move {
                let reply = request.send().await.expect("sign-up request");
                let status = reply.status().as_u16();
                (
                    email.clone(),
                    status,
                    reply.text().await.unwrap_or_default(),
                )
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let failed: Vec<_> = replies
        .iter()
        .filter(|(_, status, _)| *status != 200)
        .collect();
    assert!(failed.is_empty(), "sign-ups failed: {failed:?}");
}

// ---------------------------------------------------------------------------------------
// SMTP that is down for a while
// ---------------------------------------------------------------------------------------

/// An SMTP port with nobody listening, until [`DownSmtp::come_up`] starts a sink on it.
struct DownSmtp {
    /// The stopped sink that reserved the port; it owns the folder mail is written to.
    stopped: SmtpSink,
}

impl DownSmtp {
    fn reserve() -> Self {
        let mut stopped = SmtpSink::start();
        stopped.stop();
        Self { stopped }
    }

    /// The server's environment for SMTP to this port.
    fn env(&self) -> [(&'static str, String); 2] {
        [
            ("EMAIL_TRANSPORT", "smtp".to_owned()),
            ("SMTP_URL", self.stopped.url()),
        ]
    }

    /// Starts a sink on the port; keep `self` alive while it runs, it owns the folder.
    fn come_up(&self) -> SmtpSink {
        SmtpSink::start_on(self.stopped.port(), self.stopped.dir())
    }
}

// ---------------------------------------------------------------------------------------
// A fake Resend API
// ---------------------------------------------------------------------------------------

/// `POST /emails` answering with scripted statuses in turn (then 200), recording each request.
struct FakeResend {
    url: String,
    state: Arc<FakeState>,
    server: tokio::task::JoinHandle<()>,
}

struct FakeState {
    answers: Mutex<VecDeque<StatusCode>>,
    seen: Mutex<Vec<ResendRequest>>,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
struct ResendRequest {
    at: Instant,
    idempotency_key: Option<String>,
    body: Value,
    /// What was wrong with it (key or JSON shape), if anything; such a request is refused.
    problem: Option<String>,
}

impl FakeResend {
    async fn start(answers: &[StatusCode]) -> Self {
        let state = Arc::new(FakeState {
            answers: Mutex::new(answers.iter().copied().collect()),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/emails", post(fake_resend_emails))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, state, server }
    }

    fn requests(&self) -> Vec<ResendRequest> {
        self.state.seen.lock().unwrap().clone()
    }
}

impl Drop for FakeResend {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn fake_resend_emails(
    State(state): State<Arc<FakeState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let problem = if header("authorization") != Some(format!("Bearer {RESEND_KEY}")) {
        Some("wrong or missing API key".to_owned())
    } else {
        shape_problem(&body)
    };
    let request = ResendRequest {
        at: Instant::now(),
        idempotency_key: header("idempotency-key"),
        body,
        problem: problem.clone(),
    };
    let number = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(request);
        seen.len()
    };
    if let Some(problem) = problem {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "message": problem })),
        )
            .into_response();
    }
    let status = state
        .answers
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(StatusCode::OK);
    match status {
        StatusCode::OK => Json(json!({ "id": format!("fake-{number}") })).into_response(),
        StatusCode::TOO_MANY_REQUESTS => (
            status,
            [("retry-after", "1")],
            Json(json!({ "message": "Too many requests" })),
        )
            .into_response(),
        _ => (status, Json(json!({ "message": "Fake failure" }))).into_response(),
    }
}

/// What is wrong with a send-email body: `from`, `subject`, `html`, `text` non-empty
/// strings and `to` an array of one.
fn shape_problem(body: &Value) -> Option<String> {
    for field in ["from", "subject", "html", "text"] {
        if body[field].as_str().is_none_or(str::is_empty) {
            return Some(format!("`{field}` is not a non-empty string"));
        }
    }
    match body["to"].as_array() {
        Some(to) if to.len() == 1 && to[0].is_string() => None,
        _ => Some("`to` is not an array of one address".to_owned()),
    }
}
