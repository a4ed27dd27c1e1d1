//! Impersonation: an admin acts as a user in a short session, hidden from the user's own
//! list, and comes back to their own session; admins are not impersonated.

use super::support::{Reply, Session, TestServer};
use super::{admin, call, on_user};
use crate::on_both;
use beep_store::Backend;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const ADMIN_COOKIE: &str = "better-auth.admin_session";

/// The client's cookies after an impersonation started: the new session plus the kept one.
fn cookies_after_impersonating(admin: &Session, reply: &Reply) -> String {
    let kept = reply
        .cookie_value(ADMIN_COOKIE)
        .expect("admin_session cookie");
    format!(
        "{}; {ADMIN_COOKIE}={kept}",
        admin.after(reply).cookie_header()
    )
}

async fn session_behind(server: &TestServer, cookie: &str) -> Value {
    server
        .get_with_cookie("/get-session?disableCookieCache=true", cookie)
        .await
        .json
}

async fn stop(server: &TestServer, cookie: &str) -> Reply {
    server
        .send(
            server
                .http
                .post(server.url("/admin/stop-impersonating"))
                .header("origin", &server.base)
                .header("cookie", cookie)
                .json(&json!({})),
        )
        .await
}

async fn an_admin_impersonates_a_user_and_comes_back(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;

    let started = on_user(&server, "impersonate-user", &ada.user_id, &root).await;
    let acting = cookies_after_impersonating(&root, &started);
    let as_ada = session_behind(&server, &acting).await;
    let adas_own_list = server.get("/list-sessions", Some(&ada)).await;
    let stopped = stop(&server, &acting).await;
    let back = session_behind(
        &server,
        &format!(
            "better-auth.session_token={}",
            stopped.cookie_value("better-auth.session_token").unwrap()
        ),
    )
    .await;

    assert_eq!(started.status, 200, "{}", started.text);
    assert_eq!(started.json["user"]["id"], ada.user_id.as_str());
    assert_eq!(
        started.json["session"]["impersonatedBy"],
        root.user_id.as_str()
    );
    let expires: DateTime<Utc> = started.json["session"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let lifetime = expires - server.auth.now();
    assert!(lifetime <= chrono::Duration::hours(1) && lifetime > chrono::Duration::minutes(59));
    let token_cookie = started.set_cookie("better-auth.session_token").unwrap();
    assert!(
        !token_cookie.contains("Max-Age"),
        "a browser-session cookie: {token_cookie}"
    );
    assert_eq!(as_ada["user"]["email"], "ada@example.com");
    assert_eq!(as_ada["session"]["impersonatedBy"], root.user_id.as_str());
    assert_eq!(
        adas_own_list.json.as_array().unwrap().len(),
        1,
        "the impersonation is not one of Ada's devices: {}",
        adas_own_list.text
    );
    assert_eq!(stopped.status, 200, "{}", stopped.text);
    assert_eq!(stopped.json["user"]["id"], root.user_id.as_str());
    assert!(
        stopped
            .set_cookie(ADMIN_COOKIE)
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(back["user"]["email"], "root@example.com");
    assert!(
        session_behind(&server, &acting).await.is_null(),
        "the impersonation ended"
    );
}

async fn admins_are_not_impersonated_and_unknown_users_are_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let deputy = admin(&server, "deputy@example.com").await;
    let sessions = server.rows("session").await;

    let other_admin = on_user(&server, "impersonate-user", &deputy.user_id, &root).await;
    let nobody = on_user(&server, "impersonate-user", "user_nobody", &root).await;

    assert_eq!(
        other_admin.error(),
        (403, "YOU_CANNOT_IMPERSONATE_ADMINS".into())
    );
    assert_eq!(nobody.error(), (404, "USER_NOT_FOUND".into()));
    assert_eq!(
        server.rows("session").await,
        sessions,
        "no session was opened"
    );
}

async fn a_banned_user_is_not_impersonated(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let user = server.sign_up("mallory@example.com").await;
    on_user(&server, "ban-user", &user.user_id, &root).await;

    let reply = on_user(&server, "impersonate-user", &user.user_id, &root).await;

    assert_eq!(reply.error(), (403, "BANNED_USER".into()));
}

async fn stopping_needs_an_impersonation_and_the_admins_own_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;

    let not_impersonating = call(&server, "stop-impersonating", json!({}), &root).await;
    let started = on_user(&server, "impersonate-user", &ada.user_id, &root).await;
    let acting = root.after(&started).cookie_header();
    let without_kept = stop(&server, &acting).await;
    let forged = stop(
        &server,
        &format!("{acting}; {ADMIN_COOKIE}=sess_x%3A.Zm9yZ2Vk"),
    )
    .await;
    // The admin signs out elsewhere: there is nothing to come back to.
    server.post("/sign-out", json!({}), Some(&root)).await;
    let admin_gone = stop(&server, &cookies_after_impersonating(&root, &started)).await;

    assert_eq!(
        not_impersonating.error(),
        (400, "YOU_ARE_NOT_IMPERSONATING_ANYONE".into())
    );
    assert_eq!(
        not_impersonating.json["message"],
        "You are not impersonating anyone"
    );
    assert_eq!(
        without_kept.error(),
        (400, "FAILED_TO_FIND_ADMIN_SESSION".into())
    );
    assert_eq!(forged.error(), (400, "FAILED_TO_FIND_ADMIN_SESSION".into()));
    assert_eq!(
        admin_gone.error(),
        (400, "FAILED_TO_FIND_ADMIN_SESSION".into())
    );
    assert!(
        session_behind(&server, &acting).await.is_object(),
        "a refused stop ends nothing"
    );
}

on_both! {
    impersonate_and_back => an_admin_impersonates_a_user_and_comes_back,
    not_admins => admins_are_not_impersonated_and_unknown_users_are_404,
    not_banned => a_banned_user_is_not_impersonated,
    stop_refusals => stopping_needs_an_impersonation_and_the_admins_own_session,
}
