//! update-user, change-password, verify-password and delete-user.

mod support;

use beep_store::Backend;
use serde_json::{Value, json};
use support::{Options, PASSWORD, TestServer};

async fn update_user_changes_the_name_and_reissues_the_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("rename@example.com").await;

    let reply = server
        .post(
            "/update-user",
            json!({ "name": "Grace Hopper", "image": "https://img.example/g.png" }),
            Some(&session),
        )
        .await;

    assert_eq!(reply.json, json!({ "status": true }));
    assert!(reply.set_cookie("better-auth.session_token").is_some());
    let refreshed = support::Session {
        data_cookie: reply.cookie_value("better-auth.session_data"),
        ..session
    };
    let after = server.get("/get-session", Some(&refreshed)).await;
    assert_eq!(after.json["user"]["name"], "Grace Hopper");
    assert_eq!(after.json["user"]["image"], "https://img.example/g.png");
}

async fn a_profile_change_reaches_a_session_the_server_has_cached(backend: Backend) {
    // No cookie cache: on SQLite, get-session answers from the server's session cache.
    let server = TestServer::with(backend, Options::without_cookie_cache()).await;
    let session = server.sign_up("cached-rename@example.com").await;
    let before = server.get("/get-session", Some(&session)).await;

    server
        .post(
            "/update-user",
            json!({ "name": "Ada Lovelace" }),
            Some(&session),
        )
        .await;
    let after = server.get("/get-session", Some(&session)).await;

    assert_eq!(before.json["user"]["name"], "Test User");
    assert_eq!(after.json["user"]["name"], "Ada Lovelace");
}

async fn update_user_refuses_email_protected_fields_and_empty_bodies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("guarded@example.com").await;

    let email = server
        .post(
            "/update-user",
            json!({ "email": "other@example.com" }),
            Some(&session),
        )
        .await;
    let verified = server
        .post(
            "/update-user",
            json!({ "emailVerified": true }),
            Some(&session),
        )
        .await;
    let role = server
        .post(
            "/update-user",
            json!({ "name": "x", "role": "admin", "id": "user_other" }),
            Some(&session),
        )
        .await;
    let empty = server.post("/update-user", json!({}), Some(&session)).await;
    let wrong_type = server
        .post("/update-user", json!({ "name": 42 }), Some(&session))
        .await;
    let anonymous = server
        .post("/update-user", json!({ "name": "x" }), None)
        .await;

    assert_eq!(email.error(), (400, "EMAIL_CAN_NOT_BE_UPDATED".into()));
    assert_eq!(verified.error(), (400, "FIELD_NOT_ALLOWED".into()));
    assert_eq!(role.error(), (400, "FIELD_NOT_ALLOWED".into()));
    assert_eq!(
        (empty.status, empty.json.clone()),
        (400, json!({ "message": "No fields to update" }))
    );
    assert_eq!(wrong_type.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(anonymous.error(), (401, "UNAUTHORIZED".into()));
    let user = server
        .get("/get-session", Some(&session.without_cache()))
        .await
        .json["user"]
        .clone();
    assert_eq!(
        (user["name"].clone(), user["emailVerified"].clone()),
        (json!("Test User"), json!(false))
    );
}

async fn change_password_checks_the_current_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("chpw@example.com").await;

    let missing = server
        .post(
            "/change-password",
            json!({ "newPassword": "Nanosecond-Wire-Length" }),
            Some(&session),
        )
        .await;
    let wrong = server
        .post("/change-password", json!({ "currentPassword": "Wrong-Password-999", "newPassword": "Nanosecond-Wire-Length" }), Some(&session))
        .await;
    let weak = server
        .post(
            "/change-password",
            json!({ "currentPassword": PASSWORD, "newPassword": "password123" }),
            Some(&session),
        )
        .await;
    let short = server
        .post(
            "/change-password",
            json!({ "currentPassword": PASSWORD, "newPassword": "short" }),
            Some(&session),
        )
        .await;

    assert_eq!(missing.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(wrong.error(), (400, "INVALID_PASSWORD".into()));
    assert_eq!(weak.error(), (400, "PASSWORD_TOO_COMMON".into()));
    assert_eq!(short.error(), (400, "PASSWORD_TOO_SHORT".into()));
    assert_eq!(
        server.sign_in("chpw@example.com").await.user_id,
        session.user_id,
        "the old password still works"
    );
}

async fn change_password_with_revocation_ends_other_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let laptop = server.sign_up("revoke@example.com").await;
    let phone = server.sign_in("revoke@example.com").await;

    let reply = server
        .post(
            "/change-password",
            json!({ "currentPassword": PASSWORD, "newPassword": "Nanosecond-Wire-Length", "revokeOtherSessions": true }),
            Some(&laptop),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let renewed = support::Session::from_reply(&reply);
    assert!(renewed.handle.starts_with("sess_") && renewed.handle != laptop.handle);
    assert_eq!(reply.json["user"]["email"], "revoke@example.com");
    assert_eq!(
        server
            .get("/get-session", Some(&phone.without_cache()))
            .await
            .json,
        Value::Null
    );
    assert_eq!(
        server
            .get("/get-session", Some(&laptop.without_cache()))
            .await
            .json,
        Value::Null
    );
    assert_eq!(
        server.get("/get-session", Some(&renewed)).await.json["user"]["email"],
        "revoke@example.com"
    );
    let old = server
        .post(
            "/sign-in/email",
            json!({ "email": "revoke@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(old.error(), (401, "INVALID_EMAIL_OR_PASSWORD".into()));
}

async fn change_password_without_revocation_keeps_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let laptop = server.sign_up("keep@example.com").await;
    let phone = server.sign_in("keep@example.com").await;

    let reply = server
        .post(
            "/change-password",
            json!({ "currentPassword": PASSWORD, "newPassword": "Nanosecond-Wire-Length" }),
            Some(&laptop),
        )
        .await;

    assert_eq!(reply.json["token"], Value::Null);
    assert!(
        server
            .get("/get-session", Some(&phone.without_cache()))
            .await
            .json
            .is_object()
    );
}

async fn verify_password_says_whether_it_matches(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("verify@example.com").await;

    let right = server
        .post(
            "/verify-password",
            json!({ "password": PASSWORD }),
            Some(&session),
        )
        .await;
    let wrong = server
        .post(
            "/verify-password",
            json!({ "password": "Not-My-Password-1" }),
            Some(&session),
        )
        .await;

    assert_eq!(right.json, json!({ "status": true }));
    assert_eq!(wrong.error(), (400, "INVALID_PASSWORD".into()));
}

async fn delete_user_needs_the_password_and_removes_everything(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("leaving@example.com").await;
    server.sign_up("staying@example.com").await;

    let without = server.post("/delete-user", json!({}), Some(&session)).await;
    let with_token = server
        .post("/delete-user", json!({ "token": "forged" }), Some(&session))
        .await;
    let wrong = server
        .post(
            "/delete-user",
            json!({ "password": "Not-My-Password-1" }),
            Some(&session),
        )
        .await;
    let right = server
        .post(
            "/delete-user",
            json!({ "password": PASSWORD }),
            Some(&session),
        )
        .await;

    assert_eq!(without.error(), (400, "INVALID_PASSWORD".into()));
    assert_eq!(with_token.error(), (404, "INVALID_TOKEN".into()));
    assert_eq!(wrong.error(), (400, "INVALID_PASSWORD".into()));
    assert_eq!(
        right.json,
        json!({ "success": true, "message": "User deleted" })
    );
    assert!(
        right
            .set_cookie("better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
    for table in ["user", "account", "organization", "member", "session"] {
        assert_eq!(
            server.rows(table).await,
            1,
            "{table} should hold only the other user's row"
        );
    }
    let again = server
        .post(
            "/sign-in/email",
            json!({ "email": "leaving@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(again.status, 401);
}

async fn delete_user_can_be_turned_off(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            delete_user: false,
            ..Default::default()
        },
    )
    .await;
    let session = server.sign_up("undeletable@example.com").await;

    let reply = server
        .post(
            "/delete-user",
            json!({ "password": PASSWORD }),
            Some(&session),
        )
        .await;

    assert_eq!((reply.status, reply.text.as_str()), (404, ""));
    assert_eq!(server.rows("user").await, 1);
}

on_both!(
    update_user => update_user_changes_the_name_and_reissues_the_cookie,
    update_user_cached => a_profile_change_reaches_a_session_the_server_has_cached,
    update_user_guards => update_user_refuses_email_protected_fields_and_empty_bodies,
    change_password_checks => change_password_checks_the_current_one,
    change_password_revokes => change_password_with_revocation_ends_other_sessions,
    change_password_keeps => change_password_without_revocation_keeps_sessions,
    verify_password => verify_password_says_whether_it_matches,
    delete_user => delete_user_needs_the_password_and_removes_everything,
    delete_user_off => delete_user_can_be_turned_off,
);
