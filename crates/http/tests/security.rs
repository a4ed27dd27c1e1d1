//! Rows of the security bar (../shared/reference/security-bar.md) that the other files do
//! not already cover: password handling (A), throttling (B), cookies (C), CORS (D).

mod support;

use beep_store::Backend;
use serde_json::{Value, json};
use support::{Options, PASSWORD, TestServer};

fn sign_up_body(email: &str, password: &str) -> Value {
    json!({ "name": "Sec", "email": email, "password": password })
}

/// A2: no truncation, no case folding.
async fn only_the_exact_long_password_signs_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let password: String = "Tr0ub4dor&3-Zebra-Quartz-".repeat(4);
    assert_eq!(password.len(), 100);
    assert_eq!(
        server
            .post(
                "/sign-up/email",
                sign_up_body("long@example.com", &password),
                None
            )
            .await
            .status,
        200
    );

    for variant in [
        password[..72].to_owned(),
        password.to_uppercase(),
        format!("{password}x"),
    ] {
        let reply = server
            .post(
                "/sign-in/email",
                json!({ "email": "long@example.com", "password": variant }),
                None,
            )
            .await;
        assert_eq!(reply.status, 401);
    }
    let exact = server
        .post(
            "/sign-in/email",
            json!({ "email": "long@example.com", "password": password }),
            None,
        )
        .await;
    assert_eq!(exact.status, 200);
}

/// A3: compatibility forms of a character are the same password (NFKC); spaces are fine.
async fn nfkc_equivalent_passwords_match(backend: Backend) {
    let server = TestServer::start(backend).await;
    let reply = server
        .post(
            "/sign-up/email",
            sign_up_body("nfkc@example.com", "\u{212B}ngstr\u{00F6}m unit forty two"),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    let signed_in = server
        .post("/sign-in/email", json!({ "email": "nfkc@example.com", "password": "\u{00C5}ngstr\u{00F6}m unit forty two" }), None)
        .await;

    assert_eq!(signed_in.status, 200);
}

/// A7: PHC argon2id with a salt; equal passwords get different hashes.
async fn equal_passwords_are_stored_as_different_argon2id_hashes(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("one@example.com").await;
    server.sign_up("two@example.com").await;

    let conn = server.db.store.conn();
    let hashes: Vec<String> = futures::future::join_all(
        ["one@example.com", "two@example.com"].map(|email| async move {
            let user = beep_store::repos::users::find_by_email(
                conn,
                &beep_domain::Email::parse(email).unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
            let account = beep_store::repos::accounts::find_credential(conn, &user.id)
                .await
                .unwrap()
                .unwrap();
            account.password_hash.unwrap().expose().clone()
        }),
    )
    .await;

    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$v=19$")));
    assert_ne!(hashes[0], hashes[1]);
    assert!(!hashes[0].contains(PASSWORD));
}

/// A8: a fresh database has no users, so default credentials open nothing.
async fn a_fresh_server_has_no_default_accounts(backend: Backend) {
    let server = TestServer::start(backend).await;

    for (email, password) in [
        ("admin@example.com", "admin"),
        ("root@example.com", "root"),
        ("admin@localhost.local", "admin"),
    ] {
        let reply = server
            .post(
                "/sign-in/email",
                json!({ "email": email, "password": password }),
                None,
            )
            .await;
        assert_eq!(reply.status, 401);
    }
    assert_eq!(server.rows("user").await, 0);
}

/// B1: after ten wrong passwords for one account, from any address, attempts must wait,
/// and a success resets the count.
async fn an_account_is_throttled_after_ten_failures(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("target@example.com").await;
    let guess = |password: &str| {
        server.post(
            "/sign-in/email",
            json!({ "email": "target@example.com", "password": password }),
            None,
        )
    };

    for _ in 0..10 {
        assert_eq!(guess("Wrong-Password-123").await.status, 401);
    }
    let throttled = guess(PASSWORD).await;
    let unknown_account = server
        .post(
            "/sign-in/email",
            json!({ "email": "ghost@example.com", "password": "Wrong-1234" }),
            None,
        )
        .await;
    server.clock.advance(chrono::Duration::seconds(2));
    let after_wait = guess(PASSWORD).await;
    let fresh_count = guess("Wrong-Password-123").await;

    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.header("x-retry-after").as_deref(), Some("1"));
    assert_eq!(
        unknown_account.status, 401,
        "other accounts are not affected"
    );
    assert_eq!(after_wait.status, 200);
    assert_eq!(fresh_count.status, 401, "the success reset the count");
}

/// B1: the same counter covers the other password checks.
async fn change_password_guesses_count_toward_the_throttle(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("guessed@example.com").await;

    for _ in 0..10 {
        let reply = server
            .post("/change-password", json!({ "currentPassword": "Wrong-Password-123", "newPassword": "Nanosecond-Wire-Length" }), Some(&session))
            .await;
        assert_eq!(reply.status, 400);
    }
    let sign_in = server
        .post(
            "/sign-in/email",
            json!({ "email": "guessed@example.com", "password": PASSWORD }),
            None,
        )
        .await;
    let verify = server
        .post(
            "/verify-password",
            json!({ "password": PASSWORD }),
            Some(&session),
        )
        .await;

    assert_eq!(sign_in.status, 429);
    assert_eq!(verify.status, 429);
}

/// B2: behind a trusted proxy, addresses of one IPv6 /64 and spellings of one address share
/// a bucket.
async fn one_ipv6_prefix_shares_a_rate_limit_bucket(backend: Backend) {
    let options = Options {
        rate_limit: true,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    };
    let server = TestServer::with(backend, options).await;
    let from = |address: &str| {
        server
            .http
            .post(server.url("/sign-in/email"))
            .header("x-forwarded-for", address)
            .json(&json!({ "email": "nobody@example.com", "password": PASSWORD }))
    };

    let mut statuses = Vec::new();
    for address in [
        "2001:db8::1",
        "2001:DB8:0:0::2",
        "2001:db8::ffff:1",
        "2001:db8::abcd",
    ] {
        statuses.push(server.send(from(address)).await.status);
    }
    let other_prefix = server.send(from("2001:db8:0:1::1")).await.status;
    let mapped = [
        server.send(from("::ffff:203.0.113.5")).await.status,
        server.send(from("203.0.113.5")).await.status,
    ];

    assert_eq!(statuses, vec![401, 401, 401, 429]);
    assert_eq!(other_prefix, 401);
    assert_eq!(mapped, [401, 401]);
}

/// B2: only the hop our proxy appended counts; earlier `X-Forwarded-For` lines and entries
/// are the client's own words.
async fn a_forged_forwarded_for_line_does_not_change_the_bucket(backend: Backend) {
    let options = Options {
        rate_limit: true,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    };
    let server = TestServer::with(backend, options).await;

    let mut statuses = Vec::new();
    for i in 0..4 {
        let request = server
            .http
            .post(server.url("/sign-in/email"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .header("x-forwarded-for", format!("10.9.8.{i}, 203.0.113.7"))
            .json(&json!({ "email": "nobody@example.com", "password": PASSWORD }));
        statuses.push(server.send(request).await.status);
    }

    assert_eq!(statuses, vec![401, 401, 401, 429]);
}

/// C2: with an https base URL the cookie is `__Secure-` and `Secure`.
async fn an_https_server_sets_secure_prefixed_cookies(backend: Backend) {
    let options = Options {
        base_url: Some("https://auth.example.com".into()),
        ..Default::default()
    };
    let server = TestServer::with(backend, options).await;

    let reply = server
        .send(
            server
                .http
                .post(server.url("/sign-up/email"))
                .json(&sign_up_body("secure@example.com", PASSWORD)),
        )
        .await;

    let cookie = reply
        .set_cookie("__Secure-better-auth.session_token")
        .expect("__Secure- cookie");
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; Secure; SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain="));
    let value = reply
        .cookie_value("__Secure-better-auth.session_token")
        .unwrap();
    let read = server
        .get_with_cookie(
            "/get-session",
            &format!("__Secure-better-auth.session_token={value}"),
        )
        .await;
    assert_eq!(read.json["user"]["email"], "secure@example.com");
}

/// C4: a signed-out session's cookie cache is not believed, even when replayed.
async fn a_replayed_cache_cookie_after_sign_out_gives_null(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("replay@example.com").await;
    assert!(session.data_cookie.is_some());
    let before = server.get("/get-session", Some(&session)).await;
    assert_eq!(before.json["user"]["email"], "replay@example.com");

    server.post("/sign-out", json!({}), Some(&session)).await;
    let replayed = server.get("/get-session", Some(&session)).await;

    assert_eq!(replayed.json, Value::Null);
}

/// C4/C6: revoking other sessions voids their caches on this node at once.
async fn revoked_devices_lose_their_cache_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let laptop = server.sign_up("devices@example.com").await;
    let phone = server.sign_in("devices@example.com").await;
    // Read once first, so the node has verified (and remembers) the phone's cookie pair.
    let before = server.get("/get-session", Some(&phone)).await;
    assert_eq!(before.json["user"]["email"], "devices@example.com");

    server
        .post(
            "/revoke-session",
            json!({ "token": phone.handle }),
            Some(&laptop),
        )
        .await;

    assert_eq!(
        server.get("/get-session", Some(&phone)).await.json,
        Value::Null
    );
    assert_eq!(
        server.get("/get-session", Some(&laptop)).await.json["user"]["email"],
        "devices@example.com"
    );
}

/// C4: a cookie cache answered for a bearer token is not later answered for a request that
/// has only a forged session cookie beside it.
async fn a_bearer_request_does_not_vouch_for_a_stray_session_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("stray@example.com").await;
    let data = session.data_cookie.clone().unwrap();
    let forged = format!("forged.{}", "A".repeat(43) + "=");
    let cookies = format!("better-auth.session_token={forged}; better-auth.session_data={data}");
    let with_bearer = server
        .http
        .get(server.url("/get-session"))
        .header("authorization", format!("Bearer {}", session.bearer))
        .header("cookie", &cookies);

    let answered = server.send(with_bearer).await;
    let cookies_alone = server.get_with_cookie("/get-session", &cookies).await;

    assert_eq!(answered.json["user"]["email"], "stray@example.com");
    assert_eq!(cookies_alone.json, Value::Null);
}

/// C10: auth responses are not cacheable.
async fn auth_responses_say_no_store(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .post(
            "/sign-up/email",
            sign_up_body("nostore@example.com", PASSWORD),
            None,
        )
        .await;
    let ok = server.get("/ok", None).await;

    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(ok.header("cache-control").as_deref(), Some("no-store"));
}

/// D3: CORS only for trusted origins, echoed exactly, never `*`.
async fn cors_answers_trusted_origins_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let preflight = |origin: &str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, server.url("/sign-in/email"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
    };

    let trusted = server.send(preflight("https://app.example.com")).await;
    let evil = server.send(preflight("https://evil.example")).await;
    let request = server
        .send(
            server
                .http
                .get(server.url("/ok"))
                .header("origin", "https://app.example.com"),
        )
        .await;
    let evil_request = server
        .send(
            server
                .http
                .get(server.url("/ok"))
                .header("origin", "https://evil.example"),
        )
        .await;

    assert_eq!(trusted.status, 204);
    assert_eq!(
        trusted.header("access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(
        trusted
            .header("access-control-allow-credentials")
            .as_deref(),
        Some("true")
    );
    assert!(evil.header("access-control-allow-origin").is_none());
    assert_eq!(
        request.header("access-control-allow-origin").as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(request.header("vary").as_deref(), Some("Origin"));
    assert!(evil_request.header("access-control-allow-origin").is_none());
    assert!(
        evil_request
            .header("access-control-allow-credentials")
            .is_none()
    );
}

on_both!(
    no_truncation => only_the_exact_long_password_signs_in,
    nfkc => nfkc_equivalent_passwords_match,
    argon2id_hashes => equal_passwords_are_stored_as_different_argon2id_hashes,
    no_default_accounts => a_fresh_server_has_no_default_accounts,
    account_throttle => an_account_is_throttled_after_ten_failures,
    throttle_all_paths => change_password_guesses_count_toward_the_throttle,
    ipv6_prefix => one_ipv6_prefix_shares_a_rate_limit_bucket,
    forged_forwarded_for => a_forged_forwarded_for_line_does_not_change_the_bucket,
    secure_cookies => an_https_server_sets_secure_prefixed_cookies,
    cache_after_sign_out => a_replayed_cache_cookie_after_sign_out_gives_null,
    cache_after_revoke => revoked_devices_lose_their_cache_at_once,
    stray_cookie => a_bearer_request_does_not_vouch_for_a_stray_session_cookie,
    no_store => auth_responses_say_no_store,
    cors => cors_answers_trusted_origins_only,
);
