//! Bad input to the passkey routes: a clear 4xx, nothing stored, and no session opened.

use crate::support::{Session, TestServer};
use crate::{CEREMONY, both, on_both, start, user_with_passkey};
use beep_store::Backend;
use serde_json::json;

on_both!(
    malformed_registration_bodies_are_refused_and_store_nothing => malformed_registrations,
    malformed_sign_in_bodies_are_refused_and_open_no_session => malformed_sign_ins,
    malformed_management_bodies_are_refused => malformed_management,
    malformed_option_queries_are_refused => malformed_queries,
);

/// POSTs `payload` as JSON with a raw `Cookie` header: the status and code.
async fn post_raw(server: &TestServer, path: &str, payload: &str, cookie: &str) -> (u16, String) {
    let mut request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .header("content-type", "application/json")
        .body(payload.to_owned());
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    server.send(request).await.error()
}

/// A registration ceremony of `session`'s: its `Cookie` header with the session's.
async fn registration_cookie(server: &TestServer, session: &Session) -> String {
    let started = start(
        server,
        "/passkey/generate-register-options",
        &session.cookie_header(),
    )
    .await;
    both(&session.cookie_header(), &started.ceremony)
}

async fn malformed_registrations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("badreg@example.com").await;
    let path = "/passkey/verify-registration";
    let attestation = |client_data: &str, object: &str| {
        json!({"response": {"id": "AQID", "rawId": "AQID", "type": "public-key",
            "response": {"clientDataJSON": client_data, "attestationObject": object}}})
        .to_string()
    };
    #[rustfmt::skip]
    let refused_before_the_ceremony: Vec<(String, u16, &str)> = vec![
        ("{\"response\":".into(), 400, "BAD_REQUEST"),
        ("{}".into(), 400, "VALIDATION_ERROR"),
        (r#"{"response":"credential"}"#.into(), 400, "VALIDATION_ERROR"),
        (r#"{"response":{},"name":7}"#.into(), 400, "VALIDATION_ERROR"),
        (json!({"response": {}, "name": "n".repeat(256)}).to_string(), 400, "VALIDATION_ERROR"),
        (json!({"response": {}, "name": "a\u{0}b"}).to_string(), 400, "VALIDATION_ERROR"),
        (json!({"response": {"id": "x".repeat(3 << 20)}}).to_string(), 413, "PAYLOAD_TOO_LARGE"),
    ];
    #[rustfmt::skip]
    let refused_by_the_ceremony: Vec<String> = vec![
        json!({"response": {}}).to_string(),
        json!({"response": {"id": "' OR 1=1 --"}}).to_string(),
        attestation("not base64!", "AAAA"),
        attestation("e30", "oA"),
        attestation(&"QUFB".repeat(15_000), "AAAA"),
        json!({"response": {"id": "AQID", "rawId": "BAUG", "type": "public-key",
            "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}).to_string(),
        json!({"response": {"id": "AQID", "type": "password",
            "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}).to_string(),
    ];

    for (payload, status, code) in refused_before_the_ceremony {
        let cookie = registration_cookie(&server, &session).await;
        let refused = post_raw(&server, path, &payload, &cookie).await;
        assert_eq!(refused, (status, code.to_owned()), "{payload:.60}");
    }
    for payload in refused_by_the_ceremony {
        let cookie = registration_cookie(&server, &session).await;
        let refused = post_raw(&server, path, &payload, &cookie).await;
        assert_eq!(
            refused,
            (400, "FAILED_TO_VERIFY_REGISTRATION".to_owned()),
            "{payload:.60}"
        );
    }
    assert_eq!(server.rows("passkey").await, 0);
}

async fn malformed_sign_ins(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, key, _) = user_with_passkey(&server, "badsign@example.com", true).await;
    let known = key.credential_ids()[0].clone();
    let path = "/passkey/verify-authentication";
    let assertion = |id: &str, data: &str, signature: &str| {
        json!({"response": {"id": id, "type": "public-key", "response": {
            "clientDataJSON": "e30", "authenticatorData": data, "signature": signature}}})
        .to_string()
    };
    #[rustfmt::skip]
    let cases: Vec<(String, u16, &str)> = vec![
        ("[1,2]".into(), 400, "VALIDATION_ERROR"),
        (r#"{"response":null}"#.into(), 400, "VALIDATION_ERROR"),
        (r#"{"response":"AAAA"}"#.into(), 400, "VALIDATION_ERROR"),
        (json!({"response": {}}).to_string(), 401, "PASSKEY_NOT_FOUND"),
        (json!({"response": {"id": "../../etc/passwd"}}).to_string(), 401, "PASSKEY_NOT_FOUND"),
        (json!({"response": {"id": "AAAA"}}).to_string(), 401, "PASSKEY_NOT_FOUND"),
        (json!({"response": {"id": known}}).to_string(), 401, "AUTHENTICATION_FAILED"),
        (assertion(&known, "AAAA", "AAAA"), 401, "AUTHENTICATION_FAILED"),
        (assertion(&known, &"A".repeat(100), "ü"), 401, "AUTHENTICATION_FAILED"),
        (assertion(&known, "!!", "AAAA"), 401, "AUTHENTICATION_FAILED"),
    ];
    let sessions_before = server.rows("session").await;

    for (payload, status, code) in cases {
        let started = start(&server, "/passkey/generate-authenticate-options", "").await;
        let refused = post_raw(&server, path, &payload, &started.ceremony).await;
        assert_eq!(refused, (status, code.to_owned()), "{payload:.60}");
    }
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn malformed_management(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, _, _) = user_with_passkey(&server, "badman@example.com", true).await;
    let cookie = session.cookie_header();
    #[rustfmt::skip]
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("/passkey/update-passkey", "{}".into(), 400, "VALIDATION_ERROR"),
        ("/passkey/update-passkey", r#"{"id":1,"name":"x"}"#.into(), 400, "VALIDATION_ERROR"),
        ("/passkey/update-passkey", json!({"id": "pk_x", "name": "x".repeat(256)}).to_string(), 400, "VALIDATION_ERROR"),
        ("/passkey/update-passkey", json!({"id": "pk_x", "name": "ok"}).to_string(), 404, "PASSKEY_NOT_FOUND"),
        ("/passkey/delete-passkey", r#"{"id":["pk_x"]}"#.into(), 400, "VALIDATION_ERROR"),
        ("/passkey/delete-passkey", json!({"id": "pk_\u{0}"}).to_string(), 400, "VALIDATION_ERROR"),
        ("/passkey/delete-passkey", json!({"id": "pk_ünïcode"}).to_string(), 404, "PASSKEY_NOT_FOUND"),
    ];

    for (path, payload, status, code) in cases {
        let refused = post_raw(&server, path, &payload, &cookie).await;
        assert_eq!(refused, (status, code.to_owned()), "{path} {payload:.60}");
    }
    assert_eq!(server.rows("passkey").await, 1);
}

async fn malformed_queries(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("badq@example.com").await;
    let challenges_before = server.rows("verification").await;

    for query in [
        "?authenticatorAttachment=usb",
        "?name=a&name=b",
        "?name=%00",
        &format!("?name={}", "n".repeat(256)),
    ] {
        let reply = server
            .get(
                &format!("/passkey/generate-register-options{query}"),
                Some(&session),
            )
            .await;
        assert_eq!(reply.error(), (400, "VALIDATION_ERROR".into()), "{query}");
        assert!(reply.set_cookie(CEREMONY).is_none(), "{query}");
    }
    assert_eq!(server.rows("verification").await, challenges_before);
}
