//! API keys over HTTP, on SQLite and PostgreSQL, in better-auth 1.7's shapes: the lifecycle
//! (the secret shown once and never stored), each refusal code, keys standing for a session
//! in `x-api-key`, organization keys, racing uses, and bad input.

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod lifecycle;
mod organizations;
mod refusals;
mod sessions;

use beep_core::api_keys::{NewApiKey, ServerLimits};
use beep_domain::UserId;
use beep_store::ConnectionTrait as _;
use beep_store::sea_orm::Statement;
use serde_json::{Value, json};
use support::{Options, Reply, Session, TestServer};

/// A server whose `x-api-key` stands for a session (`API_KEY_SESSIONS=true`).
pub async fn server_with_key_sessions(backend: beep_store::Backend) -> TestServer {
    let mut options = Options::default();
    options.api_key.sessions = true;
    TestServer::with(backend, options).await
}

/// `POST /api-key/create` with `body` for `session`.
pub async fn create(server: &TestServer, session: &Session, body: Value) -> Reply {
    server.post("/api-key/create", body, Some(session)).await
}

/// A new key of `session`'s user named `name`: the create answer.
pub async fn created(server: &TestServer, session: &Session, name: &str) -> Value {
    let reply = create(server, session, json!({ "name": name })).await;
    assert_eq!(reply.status, 200, "create failed: {}", reply.text);
    reply.json
}

/// A key made on the server side (as an operator's code would) with limits no client may
/// set: its secret.
pub async fn key_with_limits(
    server: &TestServer,
    session: &Session,
    limits: ServerLimits,
) -> String {
    let created = server
        .auth
        .create_api_key(
            &UserId::parse(&session.user_id).unwrap(),
            NewApiKey {
                limits,
                ..NewApiKey::default()
            },
        )
        .await
        .unwrap();
    created.secret.expose().to_owned()
}

/// The secret of a create answer.
pub fn secret(made: &Value) -> &str {
    made["key"].as_str().expect("a created key")
}

/// `POST /api-key/verify {key}`: the answer's body.
pub async fn verify(server: &TestServer, key: &str) -> Value {
    let reply = server
        .post("/api-key/verify", json!({ "key": key }), None)
        .await;
    assert_eq!(reply.status, 200, "verify: {}", reply.text);
    reply.json
}

/// The code a verify answer refuses with (`None`: valid).
pub async fn refusal(server: &TestServer, key: &str) -> Option<String> {
    let answer = verify(server, key).await;
    if answer["valid"] == true {
        assert!(answer["error"].is_null(), "{answer}");
        None
    } else {
        assert!(answer["key"].is_null(), "{answer}");
        Some(answer["error"]["code"].as_str().unwrap().to_owned())
    }
}

/// `GET path` presenting `key` in `x-api-key`, with no cookie.
pub async fn get_with_key(server: &TestServer, path: &str, key: &str) -> Reply {
    server
        .send(server.http.get(server.url(path)).header("x-api-key", key))
        .await
}

/// Every text column of every `apikey` row, as stored.
pub async fn stored_text(server: &TestServer) -> Vec<String> {
    let conn = server.db.store.conn();
    let columns = [
        "id",
        "config_id",
        "name",
        "start",
        "prefix",
        "user_id",
        "organization_id",
        "key_digest",
        "permissions",
        "metadata",
    ];
    let sql = format!("SELECT {} FROM apikey", columns.join(", "));
    let statement = Statement::from_string(conn.get_database_backend(), sql);
    let rows = conn.query_all_raw(statement).await.unwrap();
    rows.iter()
        .flat_map(|row| {
            columns
                .iter()
                .filter_map(|column| row.try_get::<Option<String>>("", column).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One stored number of the key with `id`.
pub async fn stored_number(server: &TestServer, id: &str, column: &str) -> Option<i64> {
    let conn = server.db.store.conn();
    let statement = Statement::from_sql_and_values(
        conn.get_database_backend(),
        match conn.get_database_backend() {
            beep_store::sea_orm::DatabaseBackend::Postgres => {
                format!("SELECT {column} FROM apikey WHERE id = $1")
            }
            _ => format!("SELECT {column} FROM apikey WHERE id = ?"),
        },
        [id.into()],
    );
    let row = conn.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get::<Option<i64>>("", column).unwrap()
}
