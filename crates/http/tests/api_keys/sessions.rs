//! `x-api-key` standing for its user's session (`API_KEY_SESSIONS=true`): get-session and
//! other routes answer as for a signed-in user, with no cookie set; off by default; a key
//! too short to be one is 403, a refused key says why.

use crate::support::TestServer;
use crate::{created, get_with_key, secret, server_with_key_sessions};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    a_key_opens_its_users_session => key_opens_session,
    a_key_session_reaches_session_routes => key_reaches_routes,
    keys_stand_for_no_session_by_default => off_by_default,
    a_short_key_is_forbidden => short_key,
    a_disabled_key_opens_no_session => disabled_key,
    a_key_session_carries_a_jwt => carries_jwt,
);

async fn key_opens_session(backend: Backend) {
    let server = server_with_key_sessions(backend).await;
    let session = server.sign_up("keyed@example.com").await;
    let made = created(&server, &session, "script").await;

    let reply = get_with_key(&server, "/get-session", secret(&made)).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "keyed@example.com");
    assert_eq!(reply.json["session"]["userId"], session.user_id.as_str());
    assert!(reply.set_cookies().is_empty(), "{:?}", reply.set_cookies());
    assert_eq!(server.rows("session").await, 1, "no session row is stored");
}

async fn key_reaches_routes(backend: Backend) {
    let server = server_with_key_sessions(backend).await;
    let session = server.sign_up("routes@example.com").await;
    let made = created(&server, &session, "script").await;

    let listed = get_with_key(&server, "/api-key/list", secret(&made)).await;

    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["total"], 1);
}

async fn off_by_default(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("off@example.com").await;
    let made = created(&server, &session, "script").await;
    let key = secret(&made);

    let reply = get_with_key(&server, "/get-session", key).await;
    let listed = get_with_key(&server, "/api-key/list", key).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.json.is_null(), "{}", reply.text);
    assert_eq!(listed.error(), (401, "UNAUTHORIZED_SESSION".into()));
}

async fn short_key(backend: Backend) {
    let server = server_with_key_sessions(backend).await;

    let reply = get_with_key(&server, "/get-session", "too-short").await;

    assert_eq!(reply.error(), (403, "INVALID_API_KEY".into()));
}

async fn disabled_key(backend: Backend) {
    let server = server_with_key_sessions(backend).await;
    let session = server.sign_up("disabled@example.com").await;
    let made = created(&server, &session, "script").await;
    let off = server
        .post(
            "/api-key/update",
            json!({ "keyId": made["id"], "enabled": false }),
            Some(&session),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);

    let reply = get_with_key(&server, "/get-session", secret(&made)).await;
    let unknown = get_with_key(&server, "/get-session", &"q".repeat(64)).await;

    assert_eq!(reply.error(), (401, "KEY_DISABLED".into()));
    assert_eq!(unknown.error(), (401, "INVALID_API_KEY".into()));
}

async fn carries_jwt(backend: Backend) {
    let server = server_with_key_sessions(backend).await;
    let session = server.sign_up("jwt-key@example.com").await;
    let made = created(&server, &session, "script").await;

    let reply = get_with_key(&server, "/get-session", secret(&made)).await;

    let jwt = reply.header("set-auth-jwt").expect("a set-auth-jwt header");
    assert_eq!(jwt.split('.').count(), 3, "{jwt}");
}
