//! beep-iam as an OAuth provider, over HTTP on SQLite and PostgreSQL: client management by
//! owners (secrets shown once, stored as digests), the `client_credentials` grant with each
//! client-authentication rule, introspection and revocation, discovery, and bad input.

#[path = "../support/mod.rs"]
mod support;

mod authorization_code;
mod bad_input;
mod client_credentials;
mod clients;
mod consents;
mod continuation;
mod device;
mod discovery;
mod end_session;
mod hosted_pages;
mod introspection;
mod real_clients;
mod registration;

use base64::Engine as _;
use beep_domain::UserId;
use serde_json::{Value, json};
use support::{Options, Reply, Session, TestServer};

/// The scope the operator adds for machine clients in these tests.
pub const REPORTS: &str = "reports:read";

/// A server offering [`REPORTS`] besides the standard scopes.
pub async fn server(backend: beep_store::Backend) -> TestServer {
    TestServer::with(
        backend,
        Options {
            oauth_scopes: vec![REPORTS.to_owned(), "reports:write".to_owned()],
            ..Options::default()
        },
    )
    .await
}

/// A signed-up user with the `admin` role.
pub async fn admin(server: &TestServer, email: &str) -> Session {
    let session = server.sign_up(email).await;
    server
        .auth
        .operator_set_role(&UserId::parse(&session.user_id).unwrap(), &["admin".into()])
        .await
        .unwrap();
    session
}

/// `POST /oauth2/create-client` with `body` for `session`.
pub async fn create(server: &TestServer, session: &Session, body: Value) -> Reply {
    server
        .post("/oauth2/create-client", body, Some(session))
        .await
}

/// A web client of `session`'s user: the create answer.
pub async fn web_client(server: &TestServer, session: &Session) -> Value {
    let reply = create(
        server,
        session,
        json!({ "client_name": "Reports", "redirect_uris": ["https://rp.example.com/cb"] }),
    )
    .await;
    assert_eq!(reply.status, 201, "create failed: {}", reply.text);
    reply.json
}

/// A machine client an admin made, allowed [`REPORTS`] and `reports:write` with
/// `client_credentials`, authenticating with `method`: `(client_id, client_secret)`.
pub async fn machine_client(
    server: &TestServer,
    admin: &Session,
    method: &str,
) -> (String, String) {
    let reply = create(
        server,
        admin,
        json!({
            "client_name": "Nightly job",
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": method,
            "client_credentials_scopes": [REPORTS, "reports:write"],
        }),
    )
    .await;
    assert_eq!(reply.status, 201, "create failed: {}", reply.text);
    (
        reply.json["client_id"].as_str().unwrap().to_owned(),
        reply.json["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// `Authorization: Basic` for a client.
pub fn basic(client_id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    format!("Basic {encoded}")
}

/// A form POST to `path` with `pairs`, and `Authorization` when given.
pub async fn form(
    server: &TestServer,
    path: &str,
    pairs: &[(&str, &str)],
    authorization: Option<&str>,
) -> Reply {
    let body = serde_urlencoded::to_string(pairs).unwrap();
    let mut request = server
        .http
        .post(server.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    server.send(request).await
}

/// A `client_credentials` token for a Basic client: the token response.
pub async fn token_for(
    server: &TestServer,
    client: &(String, String),
    scope: Option<&str>,
) -> Reply {
    let mut pairs = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        pairs.push(("scope", scope));
    }
    form(
        server,
        "/oauth2/token",
        &pairs,
        Some(&basic(&client.0, &client.1)),
    )
    .await
}

/// `(error, error_description)` of an OAuth error answer.
pub fn oauth_error(reply: &Reply) -> (u16, String) {
    (
        reply.status,
        reply.json["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Every value of `columns` in every row of `table`, as stored.
pub async fn stored_text(server: &TestServer, table: &str, columns: &[&str]) -> Vec<String> {
    use beep_store::ConnectionTrait as _;
    use beep_store::sea_orm::Statement;
    let conn = server.db.store.conn();
    let sql = format!("SELECT {} FROM {table}", columns.join(", "));
    let rows = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .flat_map(|row| {
            columns
                .iter()
                .filter_map(|column| row.try_get::<Option<String>>("", column).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `POST /oauth2/introspect` of `token` by a Basic `client`.
pub async fn introspect(server: &TestServer, client: &(String, String), token: &str) -> Reply {
    form(
        server,
        "/oauth2/introspect",
        &[("token", token)],
        Some(&basic(&client.0, &client.1)),
    )
    .await
}
