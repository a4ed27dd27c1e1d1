//! A request that changes what `get-session` answers hands its caller fresh session cookies,
//! and every older `session_data` cookie cache of that user stops being believed. With the
//! cookie cache on, the very next `get-session` shows the change, both from the client that
//! made it and from another client of the same user that still holds an older cache.

mod support;

use beep_store::Backend;
use serde_json::{Value, json};
use support::mail::*;
use support::*;

on_both!(
    following_the_verification_link_in_the_signed_in_browser_shows_the_address_verified => following_the_verification_link_in_the_signed_in_browser_shows_the_address_verified,
    a_verification_link_with_a_callback_redirects_with_fresh_cookies => a_verification_link_with_a_callback_redirects_with_fresh_cookies,
    a_link_followed_in_another_users_browser_leaves_that_session_alone => a_link_followed_in_another_users_browser_leaves_that_session_alone,
    a_profile_change_shows_at_once_on_every_client => a_profile_change_shows_at_once_on_every_client,
    a_completed_change_of_email_shows_at_once_on_every_client => a_completed_change_of_email_shows_at_once_on_every_client,
    a_password_change_that_ends_other_sessions_shows_at_once_on_every_client => a_password_change_that_ends_other_sessions_shows_at_once_on_every_client,
);

/// The `user` that `get-session` answers this client with, cookie cache allowed.
async fn user_seen_by(server: &TestServer, client: &Session) -> Value {
    let reply = server.get("/get-session", Some(client)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["user"].clone()
}

/// A user signed up in a browser, and signed in on a phone: two sessions, each with a
/// `session_data` cookie cache made before anything changed.
async fn user_on_two_clients(server: &TestServer, email: &str) -> (Session, Session) {
    let browser = server.sign_up(email).await;
    let phone = server.sign_in(email).await;
    assert!(browser.data_cookie.is_some() && phone.data_cookie.is_some());
    (browser, phone)
}

async fn following_the_verification_link_in_the_signed_in_browser_shows_the_address_verified(
    backend: Backend,
) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let (browser, phone) = user_on_two_clients(&server, "verify@example.com").await;
    let link = link_in_mail(&sink, "verify@example.com", 1, "/verify-email").await;

    let followed = follow_as(&server, &link, &browser).await;
    let browser = browser.after(&followed);

    assert_eq!(followed.status, 200, "{}", followed.text);
    assert!(
        followed.set_cookie("better-auth.session_data").is_some(),
        "the browser gets a fresh cookie cache"
    );
    assert_eq!(user_seen_by(&server, &browser).await["emailVerified"], true);
    assert_eq!(
        user_seen_by(&server, &phone).await["emailVerified"],
        true,
        "the phone's older cookie cache is not believed"
    );
}

async fn a_verification_link_with_a_callback_redirects_with_fresh_cookies(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let browser = server.sign_up("welcome@example.com").await;
    let link = link_in_mail(&sink, "welcome@example.com", 1, "/verify-email").await;

    let followed = follow_as(&server, &format!("{link}&callbackURL=/welcome"), &browser).await;
    let browser = browser.after(&followed);

    assert_eq!(followed.status, 302);
    assert_eq!(followed.header("location").as_deref(), Some("/welcome"));
    assert!(followed.set_cookie("better-auth.session_token").is_some());
    assert_eq!(user_seen_by(&server, &browser).await["emailVerified"], true);
}

async fn a_link_followed_in_another_users_browser_leaves_that_session_alone(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    server.sign_up("owner@example.com").await;
    let neighbour = server.sign_up("neighbour@example.com").await;
    let link = link_in_mail(&sink, "owner@example.com", 1, "/verify-email").await;

    let followed = follow_as(&server, &link, &neighbour).await;

    assert_eq!(followed.status, 200, "{}", followed.text);
    assert_eq!(followed.set_cookies(), Vec::<String>::new());
    let seen = user_seen_by(&server, &neighbour).await;
    assert_eq!(seen["email"], "neighbour@example.com");
    assert_eq!(seen["emailVerified"], false);
}

async fn a_profile_change_shows_at_once_on_every_client(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (browser, phone) = user_on_two_clients(&server, "rename@example.com").await;

    let changed = server
        .post(
            "/update-user",
            json!({ "name": "Ada Renamed" }),
            Some(&browser),
        )
        .await;
    let browser = browser.after(&changed);

    assert_eq!(changed.json, json!({ "status": true }));
    assert!(changed.set_cookie("better-auth.session_data").is_some());
    assert_eq!(user_seen_by(&server, &browser).await["name"], "Ada Renamed");
    assert_eq!(user_seen_by(&server, &phone).await["name"], "Ada Renamed");
}

async fn a_completed_change_of_email_shows_at_once_on_every_client(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let (browser, phone) = user_on_two_clients(&server, "old@example.com").await;
    server
        .post(
            "/change-email",
            json!({ "newEmail": "new@example.com" }),
            Some(&browser),
        )
        .await;
    let link = link_in_mail(&sink, "new@example.com", 1, "/verify-email").await;

    let followed = follow_as(&server, &link, &browser).await;
    let browser = browser.after(&followed);

    assert_eq!(followed.status, 200, "{}", followed.text);
    assert_eq!(
        user_seen_by(&server, &browser).await["email"],
        "new@example.com"
    );
    assert_eq!(
        user_seen_by(&server, &phone).await["email"],
        "new@example.com"
    );
}

async fn a_password_change_that_ends_other_sessions_shows_at_once_on_every_client(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let (browser, phone) = user_on_two_clients(&server, "chpw@example.com").await;

    let changed = server
        .post(
            "/change-password",
            json!({
                "currentPassword": PASSWORD,
                "newPassword": "Fresh-Kettle-Orbit-Lantern",
                "revokeOtherSessions": true,
            }),
            Some(&browser),
        )
        .await;
    let browser = browser.after(&changed);

    assert_eq!(changed.status, 200, "{}", changed.text);
    let seen = server.get("/get-session", Some(&browser)).await;
    assert_eq!(seen.json["session"]["id"], changed.json["token"]);
    let stale = server.get("/get-session", Some(&phone)).await;
    assert_eq!(
        stale.json,
        Value::Null,
        "the phone's cookie cache is not believed"
    );
}
