//! get-session, bearer tokens, sliding refresh, the cookie cache and revocation.

mod support;

use beep_store::Backend;
use chrono::Duration;
use serde_json::{Value, json};
use support::{Options, TestServer};

async fn get_session_returns_the_session_and_user(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("read@example.com").await;

    let reply = server
        .get("/get-session", Some(&session.without_cache()))
        .await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(reply.json["user"]["email"], "read@example.com");
    let s = &reply.json["session"];
    assert_eq!(s["token"], session.handle.as_str());
    assert_eq!(s["id"], session.handle.as_str());
    assert_eq!(s["userId"], session.user_id.as_str());
    for field in ["expiresAt", "createdAt", "updatedAt"] {
        assert!(
            chrono::DateTime::parse_from_rfc3339(s[field].as_str().unwrap()).is_ok(),
            "{field}"
        );
        assert!(s[field].as_str().unwrap().ends_with('Z'));
    }
    assert!(!reply.text.contains(&session.secret_token()));
}

async fn no_or_forged_cookies_give_null(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("forged@example.com").await;
    let token = session.secret_token();
    let forged = format!("{token}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
    let truncated = session.token_cookie[..session.token_cookie.len() - 6].to_owned();

    let none = server.get("/get-session", None).await;
    let bad = server
        .get_with_cookie(
            "/get-session",
            &format!("better-auth.session_token={forged}"),
        )
        .await;
    let short = server
        .get_with_cookie(
            "/get-session",
            &format!("better-auth.session_token={truncated}"),
        )
        .await;
    let unsigned = server
        .get_with_cookie(
            "/get-session",
            &format!("better-auth.session_token={token}"),
        )
        .await;

    for reply in [&none, &bad, &short, &unsigned] {
        assert_eq!(
            (reply.status, reply.json.clone()),
            (200, Value::Null),
            "{}",
            reply.text
        );
    }
    assert!(
        bad.set_cookie("better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
}

async fn a_bearer_token_works_like_the_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("bearer@example.com").await;
    let get = |auth: String| {
        server
            .http
            .get(server.url("/get-session"))
            .header("authorization", auth)
    };

    let signed = server.send(get(format!("Bearer {}", session.bearer))).await;
    let encoded = server
        .send(get(format!("Bearer {}", session.token_cookie)))
        .await;
    let raw = server
        .send(get(format!("Bearer {}", session.secret_token())))
        .await;
    let bad = server
        .send(get(format!(
            "Bearer {}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            session.secret_token()
        )))
        .await;
    let handle = server.send(get(format!("Bearer {}", session.handle))).await;

    assert_eq!(signed.json["user"]["email"], "bearer@example.com");
    assert_eq!(encoded.json["user"]["email"], "bearer@example.com");
    assert_eq!(raw.json["user"]["email"], "bearer@example.com");
    assert_eq!(bad.json, Value::Null);
    assert_eq!(
        handle.json,
        Value::Null,
        "the public handle must not authenticate"
    );
}

async fn a_session_older_than_a_day_slides_forward_and_reissues_its_cookie(backend: Backend) {
    let server = TestServer::with(backend, Options::without_cookie_cache()).await;
    let session = server.sign_up("slide@example.com").await;
    let before =
        server.get("/get-session", Some(&session)).await.json["session"]["expiresAt"].clone();

    server.clock.advance(Duration::hours(2));
    let quiet = server.get("/get-session", Some(&session)).await;
    server.clock.advance(Duration::hours(23));
    let refreshed = server.get("/get-session", Some(&session)).await;

    assert!(quiet.set_cookie("better-auth.session_token").is_none());
    assert_eq!(quiet.json["session"]["expiresAt"], before);
    let cookie = refreshed
        .set_cookie("better-auth.session_token")
        .expect("re-issued cookie");
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    assert_ne!(refreshed.json["session"]["expiresAt"], before);
}

async fn disable_refresh_keeps_the_expiry(backend: Backend) {
    let server = TestServer::with(backend, Options::without_cookie_cache()).await;
    let session = server.sign_up("norefresh@example.com").await;
    let before =
        server.get("/get-session", Some(&session)).await.json["session"]["expiresAt"].clone();

    server.clock.advance(Duration::days(2));
    let reply = server
        .get("/get-session?disableRefresh=true", Some(&session))
        .await;

    assert_eq!(reply.json["session"]["expiresAt"], before);
    assert!(reply.set_cookie("better-auth.session_token").is_none());
}

async fn an_expired_session_is_gone_and_its_cookies_cleared(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("expired@example.com").await;

    server.clock.advance(Duration::days(31));
    let reply = server.get("/get-session", Some(&session)).await;

    assert_eq!(reply.json, Value::Null);
    assert!(
        reply
            .set_cookie("better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(server.rows("session").await, 0);
    assert_eq!(
        server
            .post("/update-user", json!({ "name": "x" }), Some(&session))
            .await
            .status,
        401
    );
}

async fn the_cookie_cache_answers_without_the_database_until_it_expires(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("cache@example.com").await;
    assert!(session.data_cookie.is_some(), "sign-up sets session_data");
    // Revoke on "another node": straight in the database.
    beep_store::repos::sessions::delete_all_for_user(
        server.db.store.conn(),
        &beep_domain::UserId::parse(&session.user_id).unwrap(),
        None,
    )
    .await
    .unwrap();

    let cached = server.get("/get-session", Some(&session)).await;
    let bypassed = server
        .get("/get-session?disableCookieCache=true", Some(&session))
        .await;
    server.clock.advance(Duration::seconds(301));
    let stale = server.get("/get-session", Some(&session)).await;

    assert_eq!(cached.json["user"]["email"], "cache@example.com");
    assert_eq!(bypassed.json, Value::Null);
    assert_eq!(stale.json, Value::Null);
    assert_eq!(
        server
            .post("/revoke-other-sessions", json!({}), Some(&session))
            .await
            .status,
        401,
        "protected routes never trust the cache"
    );
}

async fn the_cached_answer_equals_the_database_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("faithful@example.com").await;

    let cached = server.get("/get-session", Some(&session)).await;
    let fresh = server
        .get("/get-session?disableCookieCache=true", Some(&session))
        .await;

    assert_eq!(
        cached.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(cached.json, fresh.json);
    assert!(cached.json["session"]["organizationContext"].is_object());
}

async fn a_cache_cookie_from_another_session_is_ignored(backend: Backend) {
    let server = TestServer::start(backend).await;
    let alice = server.sign_up("alice@example.com").await;
    let bob = server.sign_up("bob@example.com").await;
    let mixed = support::Session {
        data_cookie: bob.data_cookie.clone(),
        ..alice.clone()
    };

    let reply = server.get("/get-session", Some(&mixed)).await;

    assert_eq!(reply.json["user"]["email"], "alice@example.com");
}

async fn listing_shows_the_users_own_sessions_with_handles(backend: Backend) {
    let server = TestServer::start(backend).await;
    let first = server.sign_up("lister@example.com").await;
    let second = server.sign_in("lister@example.com").await;
    server.sign_up("stranger@example.com").await;

    let reply = server.get("/list-sessions", Some(&first)).await;

    let handles: Vec<&str> = reply
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["token"].as_str().unwrap())
        .collect();
    assert_eq!(handles, vec![first.handle.as_str(), second.handle.as_str()]);
    assert!(
        !reply.text.contains(&first.secret_token()) && !reply.text.contains(&second.secret_token())
    );
}

async fn listing_needs_a_fresh_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("stale@example.com").await;

    server.clock.advance(Duration::days(2));
    let reply = server
        .get("/list-sessions", Some(&session.without_cache()))
        .await;

    assert_eq!(reply.error(), (403, "SESSION_NOT_FRESH".into()));
}

async fn revoking_by_handle_ends_that_session_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let current = server.sign_up("revoker@example.com").await;
    let other = server.sign_in("revoker@example.com").await;

    let reply = server
        .post(
            "/revoke-session",
            json!({ "token": other.handle }),
            Some(&current),
        )
        .await;

    assert_eq!(reply.json, json!({ "status": true }));
    assert_eq!(
        server
            .get("/get-session", Some(&other.without_cache()))
            .await
            .json,
        Value::Null
    );
    assert_eq!(
        server
            .get("/get-session", Some(&current.without_cache()))
            .await
            .json["user"]["email"],
        "revoker@example.com"
    );
}

async fn another_users_session_cannot_be_revoked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let attacker = server.sign_up("attacker@example.com").await;
    let victim = server.sign_up("victim@example.com").await;

    let by_handle = server
        .post(
            "/revoke-session",
            json!({ "token": victim.handle }),
            Some(&attacker),
        )
        .await;
    let by_secret = server
        .post(
            "/revoke-session",
            json!({ "token": victim.secret_token() }),
            Some(&attacker),
        )
        .await;

    assert_eq!(by_handle.json, json!({ "status": true }));
    assert_eq!(by_secret.json, json!({ "status": true }));
    assert_eq!(
        server
            .get("/get-session", Some(&victim.without_cache()))
            .await
            .json["user"]["email"],
        "victim@example.com"
    );
}

async fn revoking_others_keeps_this_one_and_revoking_all_ends_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let current = server.sign_up("many@example.com").await;
    let a = server.sign_in("many@example.com").await;
    let b = server.sign_in("many@example.com").await;

    let others = server
        .post("/revoke-other-sessions", json!({}), Some(&current))
        .await;
    assert_eq!(others.json, json!({ "status": true }));
    assert_eq!(
        server
            .get("/get-session", Some(&a.without_cache()))
            .await
            .json,
        Value::Null
    );
    assert_eq!(
        server
            .get("/get-session", Some(&b.without_cache()))
            .await
            .json,
        Value::Null
    );
    assert_eq!(server.rows("session").await, 1);

    let all = server
        .post("/revoke-sessions", json!({}), Some(&current))
        .await;
    assert!(
        all.set_cookie("better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(server.rows("session").await, 0);
}

async fn post_get_session_is_405(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.post("/get-session", json!({}), None).await;

    assert_eq!(
        reply.error(),
        (405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED".into())
    );
}

async fn ending_all_sessions_after_a_refresh_sets_no_new_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("ended@example.com").await;
    server.clock.advance(Duration::hours(25));

    let reply = server
        .post(
            "/revoke-sessions",
            json!({}),
            Some(&session.without_cache()),
        )
        .await;

    let cookies = reply.set_cookies();
    let token_cookies: Vec<_> = cookies
        .iter()
        .filter(|c| c.starts_with("better-auth.session_token="))
        .collect();
    assert_eq!(token_cookies.len(), 1, "{cookies:?}");
    assert!(token_cookies[0].contains("Max-Age=0"));
    assert!(reply.header("set-auth-token").is_none());
    assert!(
        !cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_data=") && !c.contains("Max-Age=0"))
    );
}

async fn a_cache_entry_never_outlives_its_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let reply = server
        .post("/sign-up/email", json!({ "name": "B", "email": "brief@example.com", "password": support::PASSWORD, "rememberMe": false }), None)
        .await;
    let session = support::Session::from_reply(&reply);
    server
        .clock
        .advance(Duration::hours(24) - Duration::minutes(1));
    let late = server
        .get("/get-session", Some(&session.without_cache()))
        .await;
    let cached = support::Session {
        data_cookie: late.cookie_value("better-auth.session_data"),
        ..session
    };
    assert!(cached.data_cookie.is_some());

    server.clock.advance(Duration::minutes(2));
    let reply = server.get("/get-session", Some(&cached)).await;

    assert_eq!(reply.json, Value::Null);
}

on_both!(
    ended_no_reissue => ending_all_sessions_after_a_refresh_sets_no_new_cookie,
    cache_outlived => a_cache_entry_never_outlives_its_session,
    get_session => get_session_returns_the_session_and_user,
    forged_cookies => no_or_forged_cookies_give_null,
    bearer => a_bearer_token_works_like_the_cookie,
    sliding_refresh => a_session_older_than_a_day_slides_forward_and_reissues_its_cookie,
    disable_refresh => disable_refresh_keeps_the_expiry,
    expired => an_expired_session_is_gone_and_its_cookies_cleared,
    cookie_cache => the_cookie_cache_answers_without_the_database_until_it_expires,
    cache_binding => a_cache_cookie_from_another_session_is_ignored,
    cache_faithful => the_cached_answer_equals_the_database_answer,
    list_sessions => listing_shows_the_users_own_sessions_with_handles,
    list_fresh => listing_needs_a_fresh_session,
    revoke_one => revoking_by_handle_ends_that_session_only,
    revoke_foreign => another_users_session_cannot_be_revoked,
    revoke_many => revoking_others_keeps_this_one_and_revoking_all_ends_it,
    post_get_session => post_get_session_is_405,
);
