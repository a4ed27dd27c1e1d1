//! Bans: every session of the user ends at once, sign-in is refused with `BANNED_USER`, a
//! ban with an end lifts itself, and unban lets the user back in.

use super::support::TestServer;
use super::{STANDARD_PASSWORD, admin, call, is_signed_in, list_users, on_user, try_sign_in};
use crate::on_both;
use beep_store::Backend;
use chrono::Duration;
use serde_json::json;

async fn a_ban_ends_every_session_and_refuses_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let phone = server.sign_up("mallory@example.com").await;
    let laptop = server.sign_in("mallory@example.com").await;
    // Read once, so the session cache holds the session.
    assert!(
        server
            .get("/get-session", Some(&phone.without_cache()))
            .await
            .json
            .is_object()
    );

    let banned = on_user(&server, "ban-user", &phone.user_id, &root).await;

    assert_eq!(banned.status, 200, "{}", banned.text);
    assert_eq!(banned.json["user"]["banned"], true);
    assert_eq!(banned.json["user"]["banReason"], "No reason");
    assert!(banned.json["user"]["banExpires"].is_null());
    assert!(!is_signed_in(&server, &phone).await);
    assert!(!is_signed_in(&server, &laptop).await);
    assert!(
        server
            .get("/get-session", Some(&phone.without_cache()))
            .await
            .json
            .is_null(),
        "the session cache forgot it too"
    );
    let (status, code) = try_sign_in(&server, "mallory@example.com", STANDARD_PASSWORD).await;
    assert_eq!((status, code.as_str()), (403, "BANNED_USER"));
    let wrong = try_sign_in(&server, "mallory@example.com", "Wrong-Password-Entirely").await;
    assert_eq!(wrong.0, 401, "a wrong password tells nothing about the ban");
    let listed = list_users(&server, "filterField=banned&filterValue=true", &root).await;
    assert_eq!(listed["total"], 1);
    assert!(is_signed_in(&server, &root).await);
}

async fn the_refusal_carries_better_auths_message(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let user = server.sign_up("mallory@example.com").await;
    on_user(&server, "ban-user", &user.user_id, &root).await;

    let reply = server
        .post(
            "/sign-in/email",
            json!({"email": "mallory@example.com", "password": STANDARD_PASSWORD}),
            None,
        )
        .await;

    assert_eq!(
        reply.json["message"],
        "You have been banned from this application. Please contact support if you believe this is an error."
    );
    assert!(reply.set_cookie("better-auth.session_token").is_none());
    assert_eq!(server.rows("session").await, 1, "only the admin's session");
}

async fn a_ban_with_an_end_lifts_itself(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let user = server.sign_up("mallory@example.com").await;

    let banned = call(
        &server,
        "ban-user",
        json!({"userId": user.user_id, "banReason": "spam", "banExpiresIn": 3600}),
        &root,
    )
    .await;
    let during = try_sign_in(&server, "mallory@example.com", STANDARD_PASSWORD).await;
    server.clock.advance(Duration::seconds(3601));
    let after = try_sign_in(&server, "mallory@example.com", STANDARD_PASSWORD).await;

    assert_eq!(banned.json["user"]["banReason"], "spam");
    assert!(banned.json["user"]["banExpires"].is_string());
    assert_eq!(during.0, 403);
    assert_eq!(after.0, 200);
    let user = server
        .get(&format!("/admin/get-user?id={}", user.user_id), Some(&root))
        .await;
    assert_eq!(user.json["banned"], false, "the lapsed ban was lifted");
    assert!(user.json["banReason"].is_null());
}

async fn unban_lets_the_user_back_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let user = server.sign_up("mallory@example.com").await;
    on_user(&server, "ban-user", &user.user_id, &root).await;

    let unbanned = on_user(&server, "unban-user", &user.user_id, &root).await;

    assert_eq!(unbanned.status, 200);
    assert_eq!(unbanned.json["user"]["banned"], false);
    assert_eq!(
        try_sign_in(&server, "mallory@example.com", STANDARD_PASSWORD)
            .await
            .0,
        200
    );
}

async fn an_admin_cannot_ban_themselves_or_nobody(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;

    let itself = on_user(&server, "ban-user", &root.user_id, &root).await;
    let nobody = on_user(&server, "ban-user", "user_nobody", &root).await;
    let negative = call(
        &server,
        "ban-user",
        json!({"userId": root.user_id, "banExpiresIn": -5}),
        &root,
    )
    .await;
    let via_update = call(
        &server,
        "update-user",
        json!({"userId": root.user_id, "data": {"banned": true}}),
        &root,
    )
    .await;

    assert_eq!(itself.error(), (400, "YOU_CANNOT_BAN_YOURSELF".into()));
    assert_eq!(nobody.error(), (404, "USER_NOT_FOUND".into()));
    assert_eq!(negative.status, 400);
    assert_eq!(via_update.error(), (400, "YOU_CANNOT_BAN_YOURSELF".into()));
    assert!(is_signed_in(&server, &root).await);
}

async fn banning_through_update_user_also_ends_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let user = server.sign_up("mallory@example.com").await;

    let updated = call(
        &server,
        "update-user",
        json!({"userId": user.user_id, "data": {"banned": true, "banReason": "abuse"}}),
        &root,
    )
    .await;

    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["banned"], true);
    assert_eq!(updated.json["banReason"], "abuse");
    assert!(!is_signed_in(&server, &user).await);
    assert_eq!(
        try_sign_in(&server, "mallory@example.com", STANDARD_PASSWORD)
            .await
            .0,
        403
    );
}

on_both! {
    ban_ends_sessions => a_ban_ends_every_session_and_refuses_sign_in,
    ban_message => the_refusal_carries_better_auths_message,
    ban_expiry => a_ban_with_an_end_lifts_itself,
    unban => unban_lets_the_user_back_in,
    ban_refusals => an_admin_cannot_ban_themselves_or_nobody,
    ban_via_update => banning_through_update_user_also_ends_sessions,
}
