//! Bad input to the two-factor routes: a clear 4xx, and nothing written.

use crate::on_both;
use crate::support::TestServer;
use crate::{challenged, enrolled};
use beep_store::Backend;
use serde_json::json;

on_both!(
    malformed_code_bodies_are_refused_before_any_check => malformed_codes,
    management_routes_need_a_session => need_session,
);

async fn malformed_codes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "bad@example.com").await;
    let challenge = challenged(&server, &user.email).await;
    #[rustfmt::skip]
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("/two-factor/verify-totp", "{\"code\":".into(), 400, "BAD_REQUEST"),
        ("/two-factor/verify-totp", "{}".into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-totp", r#"{"code":123456}"#.into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-totp", r#"{"code":"123456","trustDevice":"yes"}"#.into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-totp", json!({"code": "1".repeat(65)}).to_string(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-totp", json!({"code": "12\u{0}456"}).to_string(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-backup-code", r#"{"code":["a"]}"#.into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-otp", "[]".into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/send-otp", r#"{"trustDevice":1}"#.into(), 400, "VALIDATION_ERROR"),
        ("/two-factor/verify-totp", json!({"code": "' OR 1=1 --"}).to_string(), 401, "INVALID_CODE"),
        ("/two-factor/verify-backup-code", json!({"code": "ünï-cödé"}).to_string(), 401, "INVALID_BACKUP_CODE"),
    ];
    let sessions_before = server.rows("session").await;

    for (path, payload, status, code) in cases {
        let request = server
            .http
            .post(server.url(path))
            .header("origin", &server.base)
            .header("cookie", &challenge)
            .header("content-type", "application/json")
            .body(payload.clone());
        let reply = server.send(request).await;

        assert_eq!(
            reply.error(),
            (status, code.to_owned()),
            "{path} {payload:.40}"
        );
    }
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn need_session(backend: Backend) {
    let server = TestServer::start(backend).await;

    for path in [
        "/two-factor/enable",
        "/two-factor/disable",
        "/two-factor/get-totp-uri",
        "/two-factor/generate-backup-codes",
    ] {
        let reply = server
            .post(path, json!({"password": "whatever-password"}), None)
            .await;

        assert_eq!(reply.status, 401, "{path}: {}", reply.text);
    }
    assert_eq!(server.rows("two_factor").await, 0);
}
