//! Turning two-factor on and off with the session and the password.

use crate::on_both;
use crate::support::{PASSWORD, TestServer};
use crate::{authenticator, code_now, enable, enrolled, first_factor};
use beep_store::Backend;
use beep_store::ConnectionTrait as _;
use beep_store::sea_orm::Statement;
use serde_json::json;

on_both!(
    enable_answers_the_uri_and_ten_backup_codes_and_stays_off_until_a_code_confirms => enable_shape,
    a_first_code_turns_two_factor_on_and_ends_every_password_only_session => confirm,
    enable_with_a_wrong_password_is_refused_and_stores_nothing => wrong_password,
    enabling_again_once_confirmed_is_refused => enable_twice,
    the_secret_and_backup_codes_are_sealed_at_rest => sealed,
    get_totp_uri_answers_the_same_secret => totp_uri_again,
    disable_needs_the_password_and_then_sign_in_asks_no_code => disable,
);

async fn enable_shape(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("ena@example.com").await;

    let reply = enable(&server, &session).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let uri = reply.json["totpURI"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/beep-iam:ena%40example.com?secret="),
        "{uri}"
    );
    assert!(uri.contains("&issuer=beep-iam&digits=6&period=30"), "{uri}");
    let codes = reply.json["backupCodes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.as_str().unwrap().len() == 11));
    let user = server.get("/get-session", Some(&session)).await.json["user"].clone();
    assert_eq!(user["twoFactorEnabled"], false);
    let again = first_factor(&server, "ena@example.com", None).await;
    assert_eq!(
        again.json["user"]["email"], "ena@example.com",
        "{}",
        again.text
    );
}

async fn confirm(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("con@example.com").await;
    let other_device = server.sign_in("con@example.com").await;
    let enabled = enable(&server, &session).await;
    let totp = authenticator(enabled.json["totpURI"].as_str().unwrap());

    let reply = server
        .post(
            "/two-factor/verify-totp",
            json!({"code": code_now(&server, &totp)}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["twoFactorEnabled"], true);
    assert!(reply.json["token"].as_str().is_some_and(|t| !t.is_empty()));
    let fresh = session.after(&reply);
    assert_ne!(fresh.token_cookie, session.token_cookie);
    let old = server
        .get("/get-session", Some(&session.without_cache()))
        .await;
    assert!(old.json.is_null(), "the replaced session still works");
    let now = server.get("/get-session", Some(&fresh)).await;
    assert_eq!(now.json["user"]["twoFactorEnabled"], true);
    let other = server
        .get("/get-session", Some(&other_device.without_cache()))
        .await;
    assert!(
        other.json.is_null(),
        "a password-only session survived the enrolment"
    );
}

async fn wrong_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("wp@example.com").await;

    let reply = server
        .post(
            "/two-factor/enable",
            json!({"password": "not-the-password"}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error(), (400, "INVALID_PASSWORD".into()));
    assert_eq!(server.rows("two_factor").await, 0);
}

async fn enable_twice(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "twice@example.com").await;

    let reply = enable(&server, &user.session).await;

    assert_eq!(reply.error(), (400, "TOTP_ALREADY_ENABLED".into()));
    let code = crate::next_code(&server, &user.totp);
    let challenge = crate::challenged(&server, &user.email).await;
    let still = crate::verify_totp(&server, &code, &challenge).await;
    assert_eq!(
        still.status, 200,
        "the first secret stopped working: {}",
        still.text
    );
}

async fn sealed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("seal@example.com").await;
    let enabled = enable(&server, &session).await;
    let uri = enabled.json["totpURI"].as_str().unwrap();
    let base32 = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    let conn = server.db.store.conn();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT secret, backup_codes FROM two_factor",
        ))
        .await
        .unwrap()
        .unwrap();
    let secret: String = row.try_get("", "secret").unwrap();
    let codes: String = row.try_get("", "backup_codes").unwrap();

    assert!(!secret.contains(base32));
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    for code in enabled.json["backupCodes"].as_array().unwrap() {
        assert!(!codes.contains(code.as_str().unwrap()));
    }
}

async fn totp_uri_again(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("uri@example.com").await;
    let enabled = enable(&server, &session).await;

    let reply = server
        .post(
            "/two-factor/get-totp-uri",
            json!({"password": PASSWORD}),
            Some(&session),
        )
        .await;
    let wrong = server
        .post(
            "/two-factor/get-totp-uri",
            json!({"password": "wrong-password-1"}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["totpURI"], enabled.json["totpURI"]);
    assert_eq!(wrong.error(), (400, "INVALID_PASSWORD".into()));
}

async fn disable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "dis@example.com").await;

    let refused = server
        .post(
            "/two-factor/disable",
            json!({"password": "wrong-password-1"}),
            Some(&user.session),
        )
        .await;
    let reply = server
        .post(
            "/two-factor/disable",
            json!({"password": PASSWORD}),
            Some(&user.session),
        )
        .await;

    assert_eq!(refused.error(), (400, "INVALID_PASSWORD".into()));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({"status": true}));
    assert_eq!(server.rows("two_factor").await, 0);
    let plain = first_factor(&server, &user.email, None).await;
    assert!(
        plain.json.get("twoFactorRedirect").is_none(),
        "{}",
        plain.text
    );
    assert_eq!(plain.json["user"]["twoFactorEnabled"], false);
}
