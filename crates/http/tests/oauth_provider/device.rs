//! Device authorization (RFC 8628, better-auth's wire shape) over HTTP: a device takes a
//! code pair and polls; the signed-in user opens the code (claiming it) and approves or
//! denies; polls answer `authorization_pending`, `slow_down`, `expired_token`,
//! `access_denied`, and on approval a token that works once.

use crate::support::{Options, Reply, Session, TestServer};
use beep_store::Backend;
use chrono::Duration;
use serde_json::{Value, json};

crate::on_both!(
    an_approved_device_gets_a_bearer_session_once => approved_device,
    polling_faster_than_the_interval_is_told_to_slow_down => slow_down,
    an_expired_device_code_is_refused_everywhere => expired,
    a_denied_device_gets_access_denied => denied,
    only_the_user_who_opened_a_code_may_answer_it => claimed_by_one_user,
    an_unknown_client_or_a_missing_field_is_refused => bad_requests,
);

async fn server_with_interval(backend: Backend, seconds: i64) -> TestServer {
    TestServer::with(
        backend,
        Options {
            device_interval_secs: seconds,
            ..Options::default()
        },
    )
    .await
}

/// A public client of a new user that devices use: its `client_id`.
async fn device_client(server: &TestServer) -> String {
    let owner = server.sign_up("owner@example.com").await;
    let reply = crate::create(
        server,
        &owner,
        json!({
            "client_name": "Living-room TV",
            "redirect_uris": ["https://tv.example.com/cb"],
            "token_endpoint_auth_method": "none",
        }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json["client_id"].as_str().unwrap().to_owned()
}

/// `POST /device/code` for `client_id`: the codes.
pub(crate) async fn start(server: &TestServer, client_id: &str) -> Value {
    let reply = crate::form(
        server,
        "/device/code",
        &[("client_id", client_id), ("scope", "openid profile")],
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

/// One poll of the device's token endpoint.
pub(crate) async fn poll(server: &TestServer, client_id: &str, codes: &Value) -> Reply {
    crate::form(
        server,
        "/device/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", codes["device_code"].as_str().unwrap()),
            ("client_id", client_id),
        ],
        None,
    )
    .await
}

async fn open(server: &TestServer, user: &Session, codes: &Value) -> Reply {
    let code = codes["user_code"].as_str().unwrap();
    server
        .get(&format!("/device?user_code={code}"), Some(user))
        .await
}

async fn decide(server: &TestServer, user: &Session, codes: &Value, verb: &str) -> Reply {
    server
        .post(
            &format!("/device/{verb}"),
            json!({ "userCode": codes["user_code"] }),
            Some(user),
        )
        .await
}

async fn approved_device(backend: Backend) {
    let server = server_with_interval(backend, 0).await;
    let client_id = device_client(&server).await;
    let user = server.sign_up("ada@example.com").await;
    let codes = start(&server, &client_id).await;
    assert_eq!(codes["device_code"].as_str().unwrap().len(), 40);
    let user_code = codes["user_code"].as_str().unwrap();
    assert!(
        user_code.len() == 8
            && user_code
                .chars()
                .all(|c| "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(c))
    );
    assert_eq!(codes["verification_uri"], server.url("/oauth2/device-page"));
    assert_eq!(
        codes["verification_uri_complete"],
        format!(
            "{}?user_code={user_code}",
            server.url("/oauth2/device-page")
        )
    );
    assert_eq!(codes["expires_in"], 1800);
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await),
        (400, "authorization_pending".into())
    );
    let opened = open(&server, &user, &codes).await;
    assert_eq!(opened.json["status"], "pending", "{}", opened.text);
    assert_eq!(opened.json["scope"], "openid profile");

    let approved = decide(&server, &user, &codes, "approve").await;

    assert_eq!(
        approved.json,
        json!({ "success": true }),
        "{}",
        approved.text
    );
    let token = poll(&server, &client_id, &codes).await;
    assert_eq!(token.status, 200, "{}", token.text);
    assert_eq!(token.json["token_type"], "Bearer");
    assert_eq!(token.json["scope"], "openid profile");
    let bearer = token.json["access_token"].as_str().unwrap();
    let session = server
        .send(
            server
                .http
                .get(server.url("/get-session"))
                .header("authorization", format!("Bearer {bearer}")),
        )
        .await;
    assert_eq!(
        session.json["user"]["email"], "ada@example.com",
        "{}",
        session.text
    );
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await),
        (400, "invalid_grant".into()),
        "once"
    );
    let stored = crate::stored_text(&server, "device_code", &["device_code_digest"]).await;
    assert!(stored.is_empty(), "the used code is gone");
}

async fn slow_down(backend: Backend) {
    let server = server_with_interval(backend, 5).await;
    let client_id = device_client(&server).await;
    let codes = start(&server, &client_id).await;
    assert_eq!(codes["interval"], 5);
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await).1,
        "authorization_pending"
    );

    let too_soon = poll(&server, &client_id, &codes).await;

    assert_eq!(crate::oauth_error(&too_soon), (400, "slow_down".into()));
    server.clock.advance(Duration::seconds(6));
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await).1,
        "slow_down",
        "the interval grew to 10 s (now 15 s)"
    );
    server.clock.advance(Duration::seconds(15));
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await).1,
        "authorization_pending"
    );
}

async fn expired(backend: Backend) {
    let server = server_with_interval(backend, 0).await;
    let client_id = device_client(&server).await;
    let user = server.sign_up("ada@example.com").await;
    let codes = start(&server, &client_id).await;
    server.clock.advance(Duration::minutes(31));

    let opened = open(&server, &user, &codes).await;

    assert_eq!(crate::oauth_error(&opened), (400, "expired_token".into()));
    assert_eq!(
        crate::oauth_error(&decide(&server, &user, &codes, "approve").await).1,
        "expired_token"
    );
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await),
        (400, "expired_token".into())
    );
    assert_eq!(
        server.rows("device_code").await,
        0,
        "an expired code is deleted"
    );
}

async fn denied(backend: Backend) {
    let server = server_with_interval(backend, 0).await;
    let client_id = device_client(&server).await;
    let user = server.sign_up("ada@example.com").await;
    let codes = start(&server, &client_id).await;
    open(&server, &user, &codes).await;

    let refused = decide(&server, &user, &codes, "deny").await;

    assert_eq!(refused.json, json!({ "success": true }));
    assert_eq!(
        crate::oauth_error(&decide(&server, &user, &codes, "approve").await).1,
        "invalid_request",
        "answered once"
    );
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await),
        (400, "access_denied".into())
    );
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await).1,
        "invalid_grant"
    );
    assert_eq!(server.rows("session").await, 2, "no session for the device");
}

async fn claimed_by_one_user(backend: Backend) {
    let server = server_with_interval(backend, 0).await;
    let client_id = device_client(&server).await;
    let ada = server.sign_up("ada@example.com").await;
    let eve = server.sign_up("eve@example.com").await;
    let codes = start(&server, &client_id).await;

    let unopened = decide(&server, &ada, &codes, "approve").await;
    assert_eq!(
        crate::oauth_error(&unopened).1,
        "invalid_request",
        "{}",
        unopened.text
    );
    assert_eq!(open(&server, &ada, &codes).await.status, 200);

    assert_eq!(
        crate::oauth_error(&open(&server, &eve, &codes).await).1,
        "invalid_request"
    );
    assert_eq!(
        crate::oauth_error(&decide(&server, &eve, &codes, "approve").await).1,
        "invalid_request"
    );
    let anonymous = server
        .post(
            "/device/approve",
            json!({ "userCode": codes["user_code"] }),
            None,
        )
        .await;
    assert_eq!(crate::oauth_error(&anonymous), (401, "unauthorized".into()));
    assert_eq!(
        crate::oauth_error(&poll(&server, &client_id, &codes).await).1,
        "authorization_pending"
    );
    let lowercase_with_dash = {
        let code = codes["user_code"].as_str().unwrap().to_lowercase();
        format!("{}-{}", &code[..4], &code[4..])
    };
    let approved = server
        .post(
            "/device/approve",
            json!({ "userCode": lowercase_with_dash }),
            Some(&ada),
        )
        .await;
    assert_eq!(
        approved.json,
        json!({ "success": true }),
        "{}",
        approved.text
    );
}

async fn bad_requests(backend: Backend) {
    let server = server_with_interval(backend, 0).await;
    let client_id = device_client(&server).await;

    let unknown = crate::form(&server, "/device/code", &[("client_id", "nobody")], None).await;
    assert_eq!(crate::oauth_error(&unknown), (400, "invalid_client".into()));
    let missing = crate::form(&server, "/device/code", &[("scope", "openid")], None).await;
    assert_eq!(
        crate::oauth_error(&missing),
        (400, "invalid_request".into())
    );
    let bad_scope = crate::form(
        &server,
        "/device/code",
        &[("client_id", &client_id), ("scope", "admin")],
        None,
    )
    .await;
    assert_eq!(
        crate::oauth_error(&bad_scope),
        (400, "invalid_scope".into())
    );
    let wrong_grant = crate::form(
        &server,
        "/device/token",
        &[
            ("grant_type", "password"),
            ("device_code", "x"),
            ("client_id", &client_id),
        ],
        None,
    )
    .await;
    assert_eq!(
        crate::oauth_error(&wrong_grant),
        (400, "unsupported_grant_type".into())
    );
    let unknown_code = poll(&server, &client_id, &json!({ "device_code": "nope" })).await;
    assert_eq!(
        crate::oauth_error(&unknown_code),
        (400, "invalid_grant".into())
    );
    let codes = start(&server, &client_id).await;
    let other_client = poll(&server, "someone-else", &codes).await;
    assert_eq!(
        crate::oauth_error(&other_client),
        (400, "invalid_grant".into())
    );
    assert_eq!(server.rows("device_code").await, 1);
}
