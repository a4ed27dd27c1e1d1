//! Routing, the origin check, rate limiting, the error page and health probes.

mod support;

use beep_store::Backend;
use serde_json::json;
use support::{Options, PASSWORD, TestServer};

async fn unknown_paths_and_methods_get_an_empty_404(backend: Backend) {
    let server = TestServer::start(backend).await;

    let probes = [
        server.http.get(server.url("/nope")),
        server.http.get(server.url("/sign-in/email")),
        server.http.get(server.url("/sign-out")),
        server.http.post(server.url("/sign-in/email/")),
        server.http.post(server.url("//sign-in/email")),
        server.http.post(server.url("/SIGN-IN/email")),
        server.http.post(server.url("/%73ign-in/email")),
        server.http.delete(server.url("/get-session")),
        server.http.get(format!("{}/", server.base)),
    ];
    for probe in probes {
        let reply = server
            .send(probe.header("content-type", "application/json").body("{}"))
            .await;
        assert_eq!((reply.status, reply.text.as_str()), (404, ""));
    }
}

async fn ok_and_health_answer(backend: Backend) {
    let server = TestServer::start(backend).await;

    let ok = server.get("/ok", None).await;
    let live = server
        .send(server.http.get(format!("{}/health/live", server.base)))
        .await;
    let ready = server
        .send(server.http.get(format!("{}/health/ready", server.base)))
        .await;

    assert_eq!(ok.json, json!({ "ok": true }));
    assert_eq!(live.status, 200);
    assert_eq!(ready.status, 200);
}

async fn readiness_fails_when_the_schema_is_not_current(backend: Backend) {
    let server = TestServer::start(backend).await;
    beep_store::ConnectionTrait::execute_unprepared(
        server.db.store.conn(),
        "INSERT INTO schema_migrations (version, applied_at) VALUES (999, CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();

    let ready = server
        .send(server.http.get(format!("{}/health/ready", server.base)))
        .await;
    let live = server
        .send(server.http.get(format!("{}/health/live", server.base)))
        .await;

    assert_eq!(ready.status, 503);
    assert_eq!(live.status, 200);
}

async fn cookie_bearing_posts_need_a_trusted_origin(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("csrf@example.com").await;
    let post = |origin: Option<&str>| {
        let mut request = server
            .http
            .post(server.url("/update-user"))
            .header("cookie", session.cookie_header())
            .json(&json!({ "name": "Changed" }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request
    };

    let missing = server.send(post(None)).await;
    let null = server.send(post(Some("null"))).await;
    let evil = server.send(post(Some("https://evil.example"))).await;
    let listed = server.send(post(Some("https://app.example.com"))).await;
    let referer = server
        .send(
            server
                .http
                .post(server.url("/update-user"))
                .header("cookie", session.cookie_header())
                .header("referer", format!("{}/settings", server.base))
                .json(&json!({ "name": "Via Referer" })),
        )
        .await;

    assert_eq!(missing.error(), (403, "MISSING_OR_NULL_ORIGIN".into()));
    assert_eq!(null.error(), (403, "MISSING_OR_NULL_ORIGIN".into()));
    assert_eq!(evil.error(), (403, "INVALID_ORIGIN".into()));
    assert_eq!(listed.status, 200);
    assert_eq!(referer.status, 200);
    let name = server
        .get("/get-session", Some(&session.without_cache()))
        .await
        .json["user"]["name"]
        .clone();
    assert_eq!(name, "Via Referer");
}

async fn sign_out_from_an_evil_origin_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("logout@example.com").await;

    let reply = server
        .send(
            server
                .http
                .post(server.url("/sign-out"))
                .header("cookie", session.cookie_header())
                .header("origin", "https://evil.example"),
        )
        .await;

    assert_eq!(reply.error(), (403, "INVALID_ORIGIN".into()));
    assert!(
        server
            .get("/get-session", Some(&session.without_cache()))
            .await
            .json
            .is_object()
    );
}

async fn login_csrf_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("login@example.com").await;
    let sign_in = || {
        server
            .http
            .post(server.url("/sign-in/email"))
            .json(&json!({ "email": "login@example.com", "password": PASSWORD }))
    };

    let navigation = server
        .send(
            sign_in()
                .header("sec-fetch-site", "cross-site")
                .header("sec-fetch-mode", "navigate"),
        )
        .await;
    let evil = server
        .send(sign_in().header("origin", "https://evil.example"))
        .await;
    let form = server
        .send(
            server
                .http
                .post(server.url("/sign-in/email"))
                .header("origin", "https://evil.example")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("email=login%40example.com&password={PASSWORD}")),
        )
        .await;
    let curl = server.send(sign_in()).await;

    assert_eq!(
        navigation.error(),
        (403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED".into())
    );
    assert_eq!(evil.error(), (403, "INVALID_ORIGIN".into()));
    assert_eq!(form.error(), (403, "INVALID_ORIGIN".into()));
    assert_eq!(
        curl.status, 200,
        "a client without Origin or Sec-Fetch headers is not a browser"
    );
    assert_eq!(server.rows("session").await, 2);
}

async fn the_fourth_sign_in_in_ten_seconds_is_refused(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            rate_limit: true,
            ..Default::default()
        },
    )
    .await;
    let attempt = || {
        server.post(
            "/sign-in/email",
            json!({ "email": "nobody@example.com", "password": PASSWORD }),
            None,
        )
    };

    for _ in 0..3 {
        assert_eq!(attempt().await.status, 401);
    }
    let limited = attempt().await;
    server.clock.advance(chrono::Duration::seconds(10));
    let later = attempt().await;

    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.json,
        json!({ "message": "Too many requests. Please try again later." })
    );
    assert_eq!(limited.header("x-retry-after").as_deref(), Some("10"));
    assert_eq!(later.status, 401);
}

async fn fifty_concurrent_guesses_get_at_most_three_answers(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            rate_limit: true,
            ..Default::default()
        },
    )
    .await;

    let replies = futures::future::join_all((0..50).map(|_| {
        server.post(
            "/sign-in/email",
            json!({ "email": "target@example.com", "password": "Guess-Number-One" }),
            None,
        )
    }))
    .await;

    let answered = replies.iter().filter(|r| r.status != 429).count();
    assert!(answered <= 3, "{answered} guesses got through");
}

async fn x_forwarded_for_from_an_untrusted_peer_is_ignored(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            rate_limit: true,
            ..Default::default()
        },
    )
    .await;

    let mut statuses = Vec::new();
    for i in 0..4 {
        let reply = server
            .send(
                server
                    .http
                    .post(server.url("/sign-in/email"))
                    .header("x-forwarded-for", format!("203.0.113.{i}"))
                    .json(&json!({ "email": "nobody@example.com", "password": PASSWORD })),
            )
            .await;
        statuses.push(reply.status);
    }

    assert_eq!(statuses, vec![401, 401, 401, 429]);
}

async fn the_error_page_escapes_what_it_shows(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .send(server.http.get(server.url("/error")).query(&[
            ("error", "<script>alert(1)</script>"),
            ("error_description", "\"><img src=x>"),
        ]))
        .await;

    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        reply
            .header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(!reply.text.contains("<script>") && !reply.text.contains("<img"));
    assert!(reply.text.contains("&lt;script&gt;"));
}

/// F-8: a client that never finishes its headers is disconnected; others are served.
async fn a_slow_loris_connection_is_closed(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(backend).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /api/auth/ok HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();

    let mut buffer = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buffer),
    )
    .await;

    assert!(
        closed.is_ok(),
        "the server kept a header-less connection open"
    );
    assert_eq!(server.get("/ok", None).await.status, 200);
}

async fn junk_paths_share_one_rate_limit_bucket(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            rate_limit: true,
            ..Default::default()
        },
    )
    .await;

    let mut statuses = Vec::new();
    for i in 0..101 {
        statuses.push(
            server
                .send(server.http.get(server.url(&format!("/junk-{i}"))))
                .await
                .status,
        );
    }

    assert!(statuses[..100].iter().all(|s| *s == 404));
    assert_eq!(statuses[100], 429);
    assert_eq!(
        server.get("/ok", None).await.status,
        200,
        "real routes keep their own bucket"
    );
}

async fn every_rate_limited_path_is_a_route(backend: Backend) {
    let server = TestServer::start(backend).await;

    for path in beep_http::auth_paths() {
        let get = server.send(server.http.get(server.url(path))).await.status;
        let post = server
            .send(server.http.post(server.url(path)).json(&json!({})))
            .await
            .status;
        assert!(get != 404 || post != 404, "{path} is not routed");
    }
}

async fn a_repeated_query_parameter_is_a_validation_error(backend: Backend) {
    let server = TestServer::start(backend).await;

    let session = server
        .get("/get-session?disableRefresh=true&disableRefresh=true", None)
        .await;
    let verify = server.get("/verify-email?token=a&token=b", None).await;
    let page = server.get("/error?error=a&error=b", None).await;

    for reply in [session, verify, page] {
        assert_eq!(
            reply.error(),
            (400, "VALIDATION_ERROR".into()),
            "{}",
            reply.text
        );
        assert!(
            reply.json["message"]
                .as_str()
                .unwrap()
                .starts_with("[query] ")
        );
    }
}

on_both!(
    repeated_query => a_repeated_query_parameter_is_a_validation_error,
    junk_paths => junk_paths_share_one_rate_limit_bucket,
    slow_loris => a_slow_loris_connection_is_closed,
    known_paths => every_rate_limited_path_is_a_route,
    not_found => unknown_paths_and_methods_get_an_empty_404,
    health => ok_and_health_answer,
    readiness_schema => readiness_fails_when_the_schema_is_not_current,
    csrf_cookie_posts => cookie_bearing_posts_need_a_trusted_origin,
    csrf_sign_out => sign_out_from_an_evil_origin_is_refused,
    login_csrf => login_csrf_is_refused,
    rate_limit => the_fourth_sign_in_in_ten_seconds_is_refused,
    rate_limit_concurrent => fifty_concurrent_guesses_get_at_most_three_answers,
    forwarded_for => x_forwarded_for_from_an_untrusted_peer_is_ignored,
    error_page => the_error_page_escapes_what_it_shows,
);
