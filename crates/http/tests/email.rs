//! Mail flows end to end: a real SMTP server (aiosmtpd) receives what the outbox worker sends;
//! the tests read the mail, follow its link over HTTP from a cookieless client, and check the
//! outcome in the answer and in the database.

mod support;

use beep_store::Backend;
use serde_json::json;
use std::time::Duration;
use support::mail::*;
use support::*;

const NEW_PASSWORD: &str = "Fresh-Kettle-Orbit-Lantern";

/// Asks for a reset link for `email`.
async fn request_reset(server: &TestServer, email: &str) -> Reply {
    server
        .post("/request-password-reset", json!({ "email": email }), None)
        .await
}

/// Sets a new password with a reset token.
async fn reset(server: &TestServer, token: &str, new_password: &str) -> Reply {
    server
        .post(
            "/reset-password",
            json!({ "token": token, "newPassword": new_password }),
            None,
        )
        .await
}

/// The token in a reset link (`…/reset-password/<token>[?callbackURL=…]`).
fn reset_token(link: &str) -> String {
    let last = link.rsplit('/').next().unwrap_or_default();
    last.split('?').next().unwrap_or_default().to_owned()
}

/// The query value `name` of a URL.
fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

async fn is_verified(server: &TestServer, email: &str) -> bool {
    let user = beep_store::repos::users::find_by_email(
        server.db.store.conn(),
        &beep_domain::Email::parse(email).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    user.email_verified
}

on_both!(
    sign_up_mails_a_link_that_verifies_from_another_device => sign_up_mails_a_link_that_verifies_from_another_device,
    a_password_reset_by_mail_replaces_the_password_and_ends_sessions => a_password_reset_by_mail_replaces_the_password_and_ends_sessions,
    a_change_of_email_is_confirmed_from_the_new_address => a_change_of_email_is_confirmed_from_the_new_address,
    concurrent_resets_with_one_token_succeed_once => concurrent_resets_with_one_token_succeed_once,
);

async fn sign_up_mails_a_link_that_verifies_from_another_device(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let session = server.sign_up("verify@example.com").await;

    let mails = mails_to(&sink, "verify@example.com", 1).await;
    let link = link_in_mail(&sink, "verify@example.com", 1, "/verify-email").await;
    let reply = follow(&server, &link).await;
    let again = follow(&server, &link).await;

    let mail = &mails[0];
    assert!(
        mail.subject.contains("beep-iam"),
        "subject: {}",
        mail.subject
    );
    assert!(mail.text.contains("beep-iam") && mail.html.contains("beep-iam"));
    assert!(mail.from.contains("no-reply@localhost"));
    assert!(link.starts_with(&format!("{}/api/auth/verify-email?token=", server.base)));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({ "status": true, "user": null }));
    assert!(is_verified(&server, "verify@example.com").await);
    let fresh = server
        .get("/get-session?disableCookieCache=true", Some(&session))
        .await;
    assert_eq!(fresh.json["user"]["emailVerified"], true);
    assert_eq!(
        again.error(),
        (401, "INVALID_TOKEN".into()),
        "a link works once"
    );
    assert_eq!(
        server.rows("verification").await,
        0,
        "the used token is gone"
    );
}

async fn a_password_reset_by_mail_replaces_the_password_and_ends_sessions(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let laptop = server.sign_up("reset@example.com").await;
    let phone = server.sign_in("reset@example.com").await;

    let asked = server
        .post(
            "/request-password-reset",
            json!({ "email": "reset@example.com", "redirectTo": "/reset" }),
            None,
        )
        .await;
    let link = link_in_mail(&sink, "reset@example.com", 2, "/reset-password/").await;
    let opened = follow(&server, &link).await;
    let location = opened.header("location").unwrap_or_default();
    let token = query_value(&location, "token").expect("the token travels to the app's page");
    let first_use = reset(&server, &token, NEW_PASSWORD).await;
    let reused = reset(&server, &token, "Another-Fresh-Kettle-42").await;

    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.json["message"],
        "If this email exists in our system, check your email for the reset link"
    );
    assert!(link.starts_with(&format!("{}/api/auth/reset-password/", server.base)));
    assert_eq!(opened.status, 302);
    assert_eq!(location, format!("{}/reset?token={token}", server.base));
    assert_eq!(first_use.status, 200, "{}", first_use.text);
    assert_eq!(first_use.json, json!({ "status": true }));
    assert_eq!(reused.error(), (400, "INVALID_TOKEN".into()));
    for session in [&laptop, &phone] {
        let read = server.get("/get-session", Some(session)).await;
        assert_eq!(
            read.json,
            serde_json::Value::Null,
            "every session ended, cache included"
        );
    }
    let old = server
        .post(
            "/sign-in/email",
            json!({ "email": "reset@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    let new = server
        .post(
            "/sign-in/email",
            json!({ "email": "reset@example.com", "password": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(old.status, 401);
    assert_eq!(new.status, 200);
    let notices = mails_to(&sink, "reset@example.com", 3).await;
    assert_eq!(notices.len(), 3, "the owner is told the password changed");
    assert!(notices[2].first_link().is_none() || !notices[2].text.contains(&token));
}

async fn a_change_of_email_is_confirmed_from_the_new_address(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let session = server.sign_up("old@example.com").await;

    let asked = server
        .post(
            "/change-email",
            json!({ "newEmail": "New@Example.com" }),
            Some(&session),
        )
        .await;
    let link = link_in_mail(&sink, "new@example.com", 1, "/verify-email").await;
    let notice = mails_to(&sink, "old@example.com", 2).await;
    let confirmed = follow(&server, &link).await;
    let signed_in_with_new = server
        .post(
            "/sign-in/email",
            json!({ "email": "new@example.com", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(asked.json, json!({ "status": true }));
    assert_eq!(notice.len(), 2, "the old address hears of the change");
    assert!(notice.iter().any(|m| m.text.contains("new@example.com")));
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(confirmed.json["user"]["email"], "new@example.com");
    assert_eq!(confirmed.json["user"]["emailVerified"], true);
    assert_eq!(signed_in_with_new.status, 200);
    assert!(is_verified(&server, "new@example.com").await);
}

async fn concurrent_resets_with_one_token_succeed_once(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    server.sign_up("race@example.com").await;
    server
        .post(
            "/request-password-reset",
            json!({ "email": "race@example.com", "redirectTo": "/r" }),
            None,
        )
        .await;
    let link = link_in_mail(&sink, "race@example.com", 2, "/reset-password/").await;
    let token = reset_token(&link);

    let attempts = (0..10).map(|i| {
        let body = json!({ "token": token, "newPassword": format!("{NEW_PASSWORD}-{i}") });
        server.post("/reset-password", body, None)
    });
    let replies = futures::future::join_all(attempts).await;

    let won = replies.iter().filter(|r| r.status == 200).count();
    let refused = replies
        .iter()
        .filter(|r| r.error() == (400, "INVALID_TOKEN".into()))
        .count();
    assert_eq!(
        (won, refused),
        (1, 9),
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_verification_links_redirect_with_their_error_or_answer_401() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("late@example.com").await;
    let link = link_in_mail(&sink, "late@example.com", 1, "/verify-email").await;
    let forged = format!(
        "{}/api/auth/verify-email?token={}&callbackURL=%2Fdone",
        server.base,
        "A".repeat(32)
    );

    let forged_reply = follow(&server, &forged).await;
    let junk = follow(
        &server,
        &format!(
            "{}/api/auth/verify-email?token=%27%20OR%201%3D1--",
            server.base
        ),
    )
    .await;
    server.clock.advance(chrono::Duration::hours(2));
    let expired = follow(&server, &format!("{link}&callbackURL=%2Fdone")).await;
    let evil = follow(
        &server,
        &format!("{link}&callbackURL=https%3A%2F%2Fevil.example"),
    )
    .await;

    assert_eq!(forged_reply.status, 302);
    assert_eq!(
        forged_reply.header("location").unwrap(),
        "/done?error=INVALID_TOKEN"
    );
    assert_eq!(junk.error(), (401, "INVALID_TOKEN".into()));
    assert_eq!(
        expired.header("location").unwrap(),
        "/done?error=TOKEN_EXPIRED"
    );
    assert_eq!(evil.error(), (403, "INVALID_CALLBACK_URL".into()));
    assert!(!is_verified(&server, "late@example.com").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_link_with_a_callback_redirects_and_may_sign_in() {
    let (server, sink) = mailing_server(Backend::Sqlite, |o| {
        o.auto_sign_in_after_verification = true
    })
    .await;
    server
        .post(
            "/sign-up/email",
            json!({ "name": "Cal", "email": "cal@example.com", "password": PASSWORD, "callbackURL": "/welcome" }),
            None,
        )
        .await;
    let link = link_in_mail(&sink, "cal@example.com", 1, "/verify-email").await;

    let reply = follow(&server, &link).await;

    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("location").unwrap(), "/welcome");
    let session = Session::from_reply(&reply);
    let read = server.get("/get-session", Some(&session)).await;
    assert_eq!(read.json["user"]["email"], "cal@example.com");
    assert_eq!(read.json["user"]["emailVerified"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_bound_to_their_purpose() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("purpose@example.com").await;
    let verify_link = link_in_mail(&sink, "purpose@example.com", 1, "/verify-email").await;
    let verify_token = query_value(&verify_link, "token").unwrap();
    request_reset(&server, "purpose@example.com").await;
    let reset_link = link_in_mail(&sink, "purpose@example.com", 2, "/reset-password/").await;
    let reset_token = reset_token(&reset_link);

    let reset_as_verify = follow(
        &server,
        &format!("{}/api/auth/verify-email?token={reset_token}", server.base),
    )
    .await;
    let verify_as_reset = reset(&server, &verify_token, NEW_PASSWORD).await;

    assert_eq!(reset_as_verify.error(), (401, "INVALID_TOKEN".into()));
    assert_eq!(verify_as_reset.error(), (400, "INVALID_TOKEN".into()));
    assert!(!is_verified(&server, "purpose@example.com").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_requests_answer_alike_for_unknown_addresses_and_send_nothing() {
    let (server, sink) = mailing_server(Backend::Sqlite, |o| {
        o.enumeration_floor = Duration::from_millis(300);
    })
    .await;
    server.sign_up("known@example.com").await;
    mails_to(&sink, "known@example.com", 1).await;

    let started = std::time::Instant::now();
    let known = request_reset(&server, "known@example.com").await;
    let known_took = started.elapsed();
    let started = std::time::Instant::now();
    let unknown = request_reset(&server, "nobody@example.com").await;
    let unknown_took = started.elapsed();
    let evil = server
        .post(
            "/request-password-reset",
            json!({ "email": "known@example.com", "redirectTo": "https://evil.example/x" }),
            None,
        )
        .await;

    assert_eq!((known.status, &known.text), (unknown.status, &unknown.text));
    assert!(known_took >= Duration::from_millis(300) && unknown_took >= Duration::from_millis(300));
    assert_eq!(evil.error(), (403, "INVALID_REDIRECT_URL".into()));
    assert_eq!(mails_to(&sink, "known@example.com", 2).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mails_to(&sink, "nobody@example.com", 0).await.is_empty());
    assert_eq!(
        sink.received().len(),
        2,
        "the refused redirect sent nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_new_password_does_not_burn_the_link_and_a_newer_link_voids_it() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("weak@example.com").await;
    request_reset(&server, "weak@example.com").await;
    let first = link_in_mail(&sink, "weak@example.com", 2, "/reset-password/").await;
    let first_token = reset_token(&first);

    let weak = reset(&server, &first_token, "short").await;
    let still_valid = follow(&server, &format!("{first}?callbackURL=%2Fr")).await;
    request_reset(&server, "weak@example.com").await;
    link_in_mail(&sink, "weak@example.com", 3, "/reset-password/").await;
    let voided = reset(&server, &first_token, NEW_PASSWORD).await;

    assert_eq!(weak.error(), (400, "PASSWORD_TOO_SHORT".into()));
    assert!(still_valid.header("location").unwrap().contains("token="));
    assert_eq!(voided.error(), (400, "INVALID_TOKEN".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_reset_link_redirects_with_an_error_and_cannot_reset() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("expiry@example.com").await;
    request_reset(&server, "expiry@example.com").await;
    let link = link_in_mail(&sink, "expiry@example.com", 2, "/reset-password/").await;
    let token = reset_token(&link);
    server.clock.advance(chrono::Duration::minutes(61));

    let opened = follow(&server, &format!("{link}?callbackURL=%2Fr")).await;
    let missing_callback = follow(&server, &link).await;
    let expired = reset(&server, &token, NEW_PASSWORD).await;

    assert_eq!(
        opened.header("location").unwrap(),
        format!("{}/r?error=INVALID_TOKEN", server.base)
    );
    assert_eq!(missing_callback.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(expired.error(), (400, "INVALID_TOKEN".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_links_use_the_configured_base_url_whatever_the_host_header() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("host@example.com").await;

    server
        .send(
            server
                .http
                .post(server.url("/request-password-reset"))
                .header("host", "evil.example")
                .header("x-forwarded-host", "evil.example")
                .header("origin", &server.base)
                .json(&json!({ "email": "host@example.com" })),
        )
        .await;

    let link = link_in_mail(&sink, "host@example.com", 2, "/reset-password/").await;
    assert!(link.starts_with(&server.base), "{link}");
    assert!(
        !sink
            .received()
            .iter()
            .any(|m| m.text.contains("evil.example"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_at_most_five_mails_in_ten_minutes() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    server.sign_up("flood@example.com").await;

    for _ in 0..8 {
        let reply = server
            .post(
                "/send-verification-email",
                json!({ "email": "flood@example.com" }),
                None,
            )
            .await;
        assert_eq!(
            reply.json,
            json!({ "status": true }),
            "every request answers alike"
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(mails_to(&sink, "flood@example.com", 6).await.len(), 5);
    server.clock.advance(chrono::Duration::minutes(11));
    server
        .post(
            "/send-verification-email",
            json!({ "email": "flood@example.com" }),
            None,
        )
        .await;
    assert_eq!(
        mails_to(&sink, "flood@example.com", 6).await.len(),
        6,
        "the window moves on"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_user_may_only_ask_for_their_own_unverified_address() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    let session = server.sign_up("own@example.com").await;

    let other = server
        .post(
            "/send-verification-email",
            json!({ "email": "else@example.com" }),
            Some(&session),
        )
        .await;
    let own = server
        .post(
            "/send-verification-email",
            json!({ "email": "own@example.com", "callbackURL": "/v" }),
            Some(&session),
        )
        .await;
    let link = link_in_mail(&sink, "own@example.com", 2, "callbackURL=%2Fv").await;
    follow(&server, &link).await;
    let verified_already = server
        .post(
            "/send-verification-email",
            json!({ "email": "own@example.com" }),
            Some(&session),
        )
        .await;
    let bad = server
        .post(
            "/send-verification-email",
            json!({ "email": "not-an-email" }),
            None,
        )
        .await;

    assert_eq!(other.error(), (400, "EMAIL_MISMATCH".into()));
    assert_eq!(own.json, json!({ "status": true }));
    assert!(link.ends_with("&callbackURL=%2Fv"), "{link}");
    assert_eq!(
        verified_already.error(),
        (400, "EMAIL_ALREADY_VERIFIED".into())
    );
    assert_eq!(bad.error(), (400, "VALIDATION_ERROR".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_a_taken_or_the_same_address_sends_nothing_new() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    let session = server.sign_up("mover@example.com").await;
    server.sign_up("taken@example.com").await;
    mails_to(&sink, "taken@example.com", 1).await;

    let taken = server
        .post(
            "/change-email",
            json!({ "newEmail": "taken@example.com" }),
            Some(&session),
        )
        .await;
    let same = server
        .post(
            "/change-email",
            json!({ "newEmail": "MOVER@example.com" }),
            Some(&session),
        )
        .await;
    let anonymous = server
        .post(
            "/change-email",
            json!({ "newEmail": "x@example.com" }),
            None,
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(
        taken.json,
        json!({ "status": true }),
        "the same answer as for a free address"
    );
    assert_eq!(same.status, 400);
    assert_eq!(same.json["message"], "Email is the same");
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        mails_to(&sink, "taken@example.com", 2).await.len(),
        1,
        "nothing to the taken address"
    );
    assert_eq!(
        mails_to(&sink, "mover@example.com", 2).await.len(),
        1,
        "no notice either"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_email_needs_a_fresh_session() {
    let (server, _sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    let session = server.sign_up("stale@example.com").await;
    server.clock.advance(chrono::Duration::hours(25));

    let reply = server
        .post(
            "/change-email",
            json!({ "newEmail": "fresh@example.com" }),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error(), (403, "SESSION_NOT_FRESH".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_verification_required_only_verified_users_sign_in() {
    let (server, sink) = mailing_server(Backend::Sqlite, |o| o.require_verification = true).await;

    let signed_up = server
        .post(
            "/sign-up/email",
            json!({ "name": "Val", "email": "val@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    let duplicate = server
        .post(
            "/sign-up/email",
            json!({ "name": "Mallory", "email": "val@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    let refused = server
        .post(
            "/sign-in/email",
            json!({ "email": "val@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    let wrong_password = server
        .post(
            "/sign-in/email",
            json!({ "email": "val@example.com", "password": "Wrong-Password-123" }),
            None,
        )
        .await;

    assert_eq!(signed_up.json["token"], serde_json::Value::Null);
    assert!(signed_up.set_cookie("better-auth.session_token").is_none());
    assert_eq!(duplicate.status, 200, "a taken address is not revealed");
    assert_eq!(duplicate.json["token"], serde_json::Value::Null);
    assert_eq!(duplicate.json["user"]["email"], "val@example.com");
    assert_eq!(refused.error(), (403, "EMAIL_NOT_VERIFIED".into()));
    assert_eq!(
        wrong_password.error(),
        (401, "INVALID_EMAIL_OR_PASSWORD".into())
    );
    let mails = mails_to(&sink, "val@example.com", 3).await;
    assert_eq!(
        mails.len(),
        3,
        "verification, the attempt notice, a fresh link"
    );
    let link = mails
        .iter()
        .rev()
        .find_map(|m| m.first_link().filter(|l| l.contains("verify-email")))
        .unwrap();
    follow(&server, &link).await;
    server.sign_in("val@example.com").await;
    assert_eq!(server.rows("user").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_tells_the_owner_and_voids_reset_links() {
    let (server, sink) = mailing_server(Backend::Sqlite, |_| {}).await;
    let session = server.sign_up("changer@example.com").await;
    request_reset(&server, "changer@example.com").await;
    let link = link_in_mail(&sink, "changer@example.com", 2, "/reset-password/").await;
    let token = reset_token(&link);

    let changed = server
        .post(
            "/change-password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
            Some(&session),
        )
        .await;
    let late_reset = reset(&server, &token, "Yet-Another-Kettle-99").await;

    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(late_reset.error(), (400, "INVALID_TOKEN".into()));
    assert_eq!(mails_to(&sink, "changer@example.com", 3).await.len(), 3);
}
