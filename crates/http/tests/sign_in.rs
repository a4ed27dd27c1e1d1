//! `POST /sign-in/email` and `POST /sign-out`, on SQLite and PostgreSQL.

mod support;

use beep_store::Backend;
use serde_json::json;
use support::{PASSWORD, TestServer};

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("known@example.com").await;

    let wrong = server
        .post(
            "/sign-in/email",
            json!({ "email": "known@example.com", "password": "Wrong-Password-123" }),
            None,
        )
        .await;
    let unknown = server
        .post(
            "/sign-in/email",
            json!({ "email": "unknown@example.com", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(wrong.error(), (401, "INVALID_EMAIL_OR_PASSWORD".into()));
    assert_eq!(wrong.text, unknown.text);
    assert_eq!(wrong.status, unknown.status);
    let names = |r: &support::Reply| {
        let mut n: Vec<String> = r
            .headers
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "date")
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&wrong), names(&unknown));
    assert!(wrong.set_cookies().is_empty() && unknown.set_cookies().is_empty());
}

async fn the_right_password_opens_a_new_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let first = server.sign_up("right@example.com").await;

    let reply = server
        .post(
            "/sign-in/email",
            json!({ "email": "RIGHT@example.com", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["redirect"], false);
    assert!(reply.json.get("url").is_none());
    assert_eq!(reply.json["user"]["email"], "right@example.com");
    let second = support::Session::from_reply(&reply);
    assert_ne!(second.token_cookie, first.token_cookie);
    assert_eq!(server.rows("session").await, 2);
}

async fn a_callback_url_makes_a_json_redirect(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("cb@example.com").await;

    let reply = server
        .post(
            "/sign-in/email",
            json!({ "email": "cb@example.com", "password": PASSWORD, "callbackURL": "/dashboard" }),
            None,
        )
        .await;

    assert_eq!(reply.status, 200);
    assert_eq!(
        (reply.json["redirect"].clone(), reply.json["url"].clone()),
        (json!(true), json!("/dashboard"))
    );
    assert_eq!(reply.header("location").as_deref(), Some("/dashboard"));
}

async fn open_redirect_payloads_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("redirect@example.com").await;
    let host = server.base.trim_start_matches("http://").to_owned();

    for target in [
        "https://evil.example".to_owned(),
        "//evil.example".into(),
        "/\\evil.example".into(),
        "\\\\evil.example".into(),
        "https:evil.example".into(),
        "%2F%2Fevil.example".into(),
        "javascript:alert(1)".into(),
        "data:text/html,x".into(),
        format!("http://{host}@evil.example"),
        format!("http://{host}.evil.example"),
        format!("https://evil.example/{host}"),
        format!("https://{host}"),
        format!("http://{host}%2eevil.example"),
    ] {
        let reply = server
            .post("/sign-in/email", json!({ "email": "redirect@example.com", "password": PASSWORD, "callbackURL": target }), None)
            .await;
        assert_eq!(
            reply.error(),
            (403, "INVALID_CALLBACK_URL".into()),
            "{target}"
        );
        assert!(reply.header("location").is_none());
    }
    assert_eq!(
        server.rows("session").await,
        1,
        "no session was opened for a refused redirect"
    );
    let trusted = server
        .post("/sign-in/email", json!({ "email": "redirect@example.com", "password": PASSWORD, "callbackURL": format!("{}/home?x=1", server.base) }), None)
        .await;
    assert_eq!(trusted.status, 200);
}

async fn rememberme_false_sets_dont_remember_and_no_max_age(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("forget@example.com").await;

    let reply = server
        .post(
            "/sign-in/email",
            json!({ "email": "forget@example.com", "password": PASSWORD, "rememberMe": false }),
            None,
        )
        .await;

    assert!(
        !reply
            .set_cookie("better-auth.session_token")
            .unwrap()
            .contains("Max-Age")
    );
    assert!(
        reply
            .cookie_value("better-auth.dont_remember")
            .unwrap()
            .starts_with("true.")
    );
}

async fn a_planted_session_cookie_is_replaced_at_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("fixation@example.com").await;
    let planted = "better-auth.session_token=attackerchosenvalue000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D";

    let reply = server
        .send(
            server
                .http
                .post(server.url("/sign-in/email"))
                .header("origin", &server.base)
                .header("cookie", planted)
                .json(&json!({ "email": "fixation@example.com", "password": PASSWORD })),
        )
        .await;

    assert_eq!(reply.status, 200);
    let issued = reply.cookie_value("better-auth.session_token").unwrap();
    assert!(!issued.starts_with("attackerchosenvalue"));
    let with_planted = server.get_with_cookie("/get-session", planted).await;
    assert_eq!(with_planted.json, serde_json::Value::Null);
}

async fn a_too_long_password_is_refused_at_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .post(
            "/sign-in/email",
            json!({ "email": "x@example.com", "password": "p".repeat(129) }),
            None,
        )
        .await;
    let bad_email = server
        .post(
            "/sign-in/email",
            json!({ "email": "not-an-email", "password": PASSWORD }),
            None,
        )
        .await;
    let missing = server
        .post("/sign-in/email", json!({ "email": "x@example.com" }), None)
        .await;

    assert_eq!(reply.error(), (400, "PASSWORD_TOO_LONG".into()));
    assert_eq!(bad_email.error(), (400, "INVALID_EMAIL".into()));
    assert_eq!(missing.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(
        missing.json["message"],
        "[body.password] Invalid input: expected string, received undefined"
    );
}

async fn signing_out_ends_the_session_and_clears_three_cookies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("out@example.com").await;

    let reply = server.post("/sign-out", json!({}), Some(&session)).await;

    assert_eq!(
        (reply.status, reply.json.clone()),
        (200, json!({ "success": true }))
    );
    for name in [
        "better-auth.session_token",
        "better-auth.session_data",
        "better-auth.dont_remember",
    ] {
        let cookie = reply
            .set_cookie(name)
            .unwrap_or_else(|| panic!("{name} not cleared"));
        assert!(
            cookie.starts_with(&format!("{name}=; Max-Age=0; Path=/")),
            "{cookie}"
        );
    }
    let after = server
        .get("/get-session", Some(&session.without_cache()))
        .await;
    assert_eq!(after.json, serde_json::Value::Null);
    assert_eq!(
        server.get("/list-sessions", Some(&session)).await.status,
        401
    );
    assert_eq!(server.rows("session").await, 0);
}

async fn signing_out_without_a_session_still_clears_cookies(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.send(server.http.post(server.url("/sign-out"))).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.set_cookies().len(), 3);
}

on_both!(
    same_failure => a_wrong_password_and_an_unknown_email_get_the_same_answer,
    right_password => the_right_password_opens_a_new_session,
    callback_redirect => a_callback_url_makes_a_json_redirect,
    open_redirects => open_redirect_payloads_are_refused,
    dont_remember => rememberme_false_sets_dont_remember_and_no_max_age,
    fixation => a_planted_session_cookie_is_replaced_at_sign_in,
    input_errors => a_too_long_password_is_refused_at_sign_in,
    sign_out => signing_out_ends_the_session_and_clears_three_cookies,
    sign_out_anonymous => signing_out_without_a_session_still_clears_cookies,
);
