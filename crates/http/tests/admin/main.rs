//! The admin API over HTTP, on SQLite and PostgreSQL, in better-auth's shapes: who may call
//! it (401 with an empty body, 403 with the action's code), user management, bans (sessions
//! end at once, new ones are refused), a user's sessions, impersonation, and bad input.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod bad_input;
mod bans;
mod impersonation;
mod sessions;
mod users;

use beep_domain::UserId;
use serde_json::{Value, json};
use support::{PASSWORD, Reply, Session, TestServer};

/// A signed-in user holding the `admin` role (given by the operator, as `user create
/// --role admin` does).
pub async fn admin(server: &TestServer, email: &str) -> Session {
    let session = server.sign_up(email).await;
    server
        .auth
        .operator_set_role(&UserId::parse(&session.user_id).unwrap(), &["admin".into()])
        .await
        .unwrap();
    session
}

/// `POST /admin/<route>` with `body` as `session`.
pub async fn call(server: &TestServer, route: &str, body: Value, session: &Session) -> Reply {
    server
        .post(&format!("/admin/{route}"), body, Some(session))
        .await
}

/// `POST /admin/<route>` with `{userId}` as `session`.
pub async fn on_user(server: &TestServer, route: &str, user_id: &str, session: &Session) -> Reply {
    call(server, route, json!({ "userId": user_id }), session).await
}

/// `GET /admin/list-users?<query>` as `session`: the answer's body.
pub async fn list_users(server: &TestServer, query: &str, session: &Session) -> Value {
    let reply = server
        .get(&format!("/admin/list-users?{query}"), Some(session))
        .await;
    assert_eq!(reply.status, 200, "list-users?{query}: {}", reply.text);
    reply.json
}

/// The emails of a list-users answer, in order.
pub fn emails(listed: &Value) -> Vec<String> {
    listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

/// Signs in with the standard password: the status and the code of a refusal.
pub async fn try_sign_in(server: &TestServer, email: &str, password: &str) -> (u16, String) {
    server
        .post(
            "/sign-in/email",
            json!({ "email": email, "password": password }),
            None,
        )
        .await
        .error()
}

/// Whether the session still reads back (from the database, not the cookie cache).
pub async fn is_signed_in(server: &TestServer, session: &Session) -> bool {
    server
        .get("/get-session?disableCookieCache=true", Some(session))
        .await
        .json
        .is_object()
}

/// The standard password, for tests that compare with another one.
pub const STANDARD_PASSWORD: &str = PASSWORD;
