//! Passkeys over HTTP, on SQLite and PostgreSQL, with a software authenticator beep-iam did
//! not write (1Password's passkey-rs): registration, sign-in without a password, the
//! user's list, passkeys and the second factor, and bad input.

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod management;
mod registration;
mod second_factor;
mod sign_in;

use serde_json::Value;
use support::soft_authenticator::SoftAuthenticator;
use support::{Reply, Session, TestServer};

/// The challenge cookie's full name on the test servers.
pub const CEREMONY: &str = "better-auth.better-auth-passkey";

/// An authenticator acting as a browser on the server's passkey origin
/// (`http://localhost:port`); `verifies_user` sets the UV flag (a PIN or a fingerprint) on
/// what it signs.
pub fn authenticator(server: &TestServer, verifies_user: bool) -> SoftAuthenticator {
    SoftAuthenticator::new(&support::passkey_origin(&server.base), verifies_user)
}

/// Options a GET answers, and the `Cookie` header naming its ceremony.
pub struct Started {
    pub options: Value,
    pub ceremony: String,
}

/// `GET path` with a raw `Cookie` header (possibly empty): the options and the ceremony's
/// cookie.
pub async fn start(server: &TestServer, path: &str, cookie: &str) -> Started {
    let mut request = server.http.get(server.url(path));
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    let reply = server.send(request).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    let value = reply.cookie_value(CEREMONY).expect("a ceremony cookie");
    Started {
        options: reply.json,
        ceremony: format!("{CEREMONY}={value}"),
    }
}

/// `POST path {response, …}` from the trusted origin with a raw `Cookie` header.
pub async fn post_with_cookie(server: &TestServer, path: &str, body: Value, cookie: &str) -> Reply {
    let mut request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .json(&body);
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    server.send(request).await
}

/// Two `Cookie` headers as one.
pub fn both(first: &str, second: &str) -> String {
    [first, second]
        .iter()
        .filter(|c| !c.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("; ")
}

/// A registration's options for `session` and the authenticator's answer to them.
pub async fn registration_answer(
    server: &TestServer,
    session: &Session,
    key: &mut SoftAuthenticator,
) -> (Value, String) {
    let started = start(
        server,
        "/passkey/generate-register-options",
        &session.cookie_header(),
    )
    .await;
    let response = key.register(&started.options).await;
    (response, started.ceremony)
}

/// `POST /passkey/verify-registration {response, name}` with `session`'s cookies and a
/// ceremony's.
pub async fn verify_registration(
    server: &TestServer,
    session: &Session,
    response: &Value,
    ceremony: &str,
) -> Reply {
    post_with_cookie(
        server,
        "/passkey/verify-registration",
        serde_json::json!({ "response": response, "name": "Laptop" }),
        &both(&session.cookie_header(), ceremony),
    )
    .await
}

/// Registers a passkey on `key` for `session`'s user: the reply to verify-registration.
pub async fn register(
    server: &TestServer,
    session: &Session,
    key: &mut SoftAuthenticator,
) -> Reply {
    let (response, ceremony) = registration_answer(server, session, key).await;
    verify_registration(server, session, &response, &ceremony).await
}

/// Signs a user up and registers a passkey for them on a new authenticator.
pub async fn user_with_passkey(
    server: &TestServer,
    email: &str,
    verifies_user: bool,
) -> (Session, SoftAuthenticator, Value) {
    let session = server.sign_up(email).await;
    let mut key = authenticator(server, verifies_user);
    let registered = register(server, &session, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    (session, key, registered.json)
}

/// Sign-in options for a caller holding `cookie`, and the authenticator's answer.
pub async fn assertion(
    server: &TestServer,
    key: &mut SoftAuthenticator,
    cookie: &str,
) -> (Value, String) {
    let started = start(server, "/passkey/generate-authenticate-options", cookie).await;
    let response = key.authenticate(&started.options).await;
    (response, started.ceremony)
}

/// `POST /passkey/verify-authentication {response}` with a raw `Cookie` header.
pub async fn verify_authentication(server: &TestServer, response: &Value, cookie: &str) -> Reply {
    post_with_cookie(
        server,
        "/passkey/verify-authentication",
        serde_json::json!({ "response": response }),
        cookie,
    )
    .await
}

/// A whole username-less sign-in with `key`, from a client with no cookies.
pub async fn sign_in_with(server: &TestServer, key: &mut SoftAuthenticator) -> Reply {
    let (response, ceremony) = assertion(server, key, "").await;
    verify_authentication(server, &response, &ceremony).await
}

/// The passkeys `session` lists.
pub async fn listed(server: &TestServer, session: &Session) -> Vec<Value> {
    let reply = server
        .get("/passkey/list-user-passkeys", Some(session))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json.as_array().cloned().unwrap_or_default()
}
