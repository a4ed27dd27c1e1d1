//! `POST /sign-up/email` over a real socket, on SQLite and PostgreSQL.

mod support;

use beep_store::Backend;
use serde_json::{Value, json};
use support::{PASSWORD, TestServer, expected_signature};

fn body(email: &str, password: &str) -> Value {
    json!({ "name": "Ada Lovelace", "email": email, "password": password })
}

async fn sign_up_returns_the_user_and_a_signed_session_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .post("/sign-up/email", body("Ada@Example.COM", PASSWORD), None)
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let user = &reply.json["user"];
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["emailVerified"], false);
    assert!(user["id"].as_str().unwrap().starts_with("user_"));
    assert!(user["createdAt"].as_str().unwrap().ends_with('Z'));
    let handle = reply.json["token"].as_str().unwrap();
    assert!(handle.starts_with("sess_"));

    let cookie = reply.set_cookie("better-auth.session_token").unwrap();
    let value = reply.cookie_value("better-auth.session_token").unwrap();
    assert!(
        cookie.ends_with("; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let decoded = value
        .replace("%2F", "/")
        .replace("%2B", "+")
        .replace("%3D", "=");
    let (token, signature) = decoded.rsplit_once('.').unwrap();
    assert_eq!(token.len(), 32);
    assert_eq!(signature, expected_signature(token));
    assert_eq!(reply.header("set-auth-token").unwrap(), decoded);
    assert_ne!(
        handle, token,
        "the JSON token must not be the cookie secret"
    );
    assert!(
        !reply.text.contains(token),
        "the body must not carry the secret token"
    );
}

async fn sign_up_creates_the_personal_organization_in_the_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("grace@example.com").await;

    let reply = server.get("/get-session", Some(&session)).await;

    let active = reply.json["session"]["activeOrganizationId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(active.starts_with("org_"));
    assert_eq!(
        reply.json["session"]["organizationContext"][&active],
        json!({ "name": "Test User's Organization", "type": "individual", "role": "owner",
                "isPersonal": true, "subscriptionTier": "free" })
    );
    assert_eq!(
        (
            server.rows("organization").await,
            server.rows("member").await
        ),
        (1, 1)
    );
}

async fn a_taken_email_gets_422_in_any_case(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.sign_up("taken@example.com").await;

    let reply = server
        .post("/sign-up/email", body("TAKEN@example.com", PASSWORD), None)
        .await;

    assert_eq!(
        reply.error(),
        (422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL".into())
    );
    assert_eq!(
        reply.json["message"],
        "User already exists. Use another email."
    );
    assert_eq!(server.rows("user").await, 1);
}

async fn password_length_is_8_to_128_characters(backend: Backend) {
    let server = TestServer::start(backend).await;

    let short = server
        .post("/sign-up/email", body("short@example.com", "Xk9!qz7"), None)
        .await;
    let long = server
        .post(
            "/sign-up/email",
            body(
                "long@example.com",
                &"Xk9!qz7w".repeat(16).replace("X", "XY"),
            ),
            None,
        )
        .await;
    let min = server
        .post("/sign-up/email", body("min@example.com", "vq7#Lp2z"), None)
        .await;
    let max_pw: String = "Zebra-Quartz-Jumps-".repeat(7).chars().take(128).collect();
    let max = server
        .post("/sign-up/email", body("max@example.com", &max_pw), None)
        .await;
    let emoji = server
        .post(
            "/sign-up/email",
            body("emoji@example.com", "🦀🐙🦑🐳🦈🐡🦞🐚"),
            None,
        )
        .await;

    assert_eq!(short.error(), (400, "PASSWORD_TOO_SHORT".into()));
    assert_eq!(long.error(), (400, "PASSWORD_TOO_LONG".into()));
    assert_eq!(min.status, 200, "{}", min.text);
    assert_eq!(max.status, 200, "{}", max.text);
    assert_eq!(
        emoji.status, 200,
        "8 code points are 8 characters: {}",
        emoji.text
    );
    let signed_in = server
        .post(
            "/sign-in/email",
            json!({ "email": "max@example.com", "password": max_pw }),
            None,
        )
        .await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(server.rows("user").await, 3);
}

async fn common_and_personal_passwords_are_refused_with_a_reason(backend: Backend) {
    let server = TestServer::start(backend).await;

    for weak in [
        "password",
        "12345678",
        "qwertyuiop",
        "iloveyou1",
        "beepiam2026",
    ] {
        let reply = server
            .post("/sign-up/email", body("weak@example.com", weak), None)
            .await;
        assert_eq!(reply.error(), (400, "PASSWORD_TOO_COMMON".into()), "{weak}");
    }
    let own = server
        .post(
            "/sign-up/email",
            body("rosalind.franklin@example.com", "rosalind.franklin"),
            None,
        )
        .await;

    assert_eq!(own.error(), (400, "PASSWORD_CONTAINS_PERSONAL_INFO".into()));
    assert_eq!(server.rows("user").await, 0);
}

async fn rememberme_false_gives_a_browser_session_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .post("/sign-up/email", json!({ "name": "A", "email": "brief@example.com", "password": PASSWORD, "rememberMe": false }), None)
        .await;

    let cookie = reply.set_cookie("better-auth.session_token").unwrap();
    assert!(!cookie.contains("Max-Age"), "{cookie}");
    let dont_remember = reply.set_cookie("better-auth.dont_remember").unwrap();
    assert!(
        dont_remember.starts_with("better-auth.dont_remember=true."),
        "{dont_remember}"
    );
}

async fn a_form_encoded_sign_up_is_accepted(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .send(
            server
                .http
                .post(server.url("/sign-up/email"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "name=Form+User&email=form%40example.com&password={PASSWORD}&rememberMe=false"
                )),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "form@example.com");
}

async fn server_only_fields_cannot_be_set_at_sign_up(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server
        .post("/sign-up/email", json!({ "name": "M", "email": "mass@example.com", "password": PASSWORD, "emailVerified": true }), None)
        .await;
    let role = server
        .post("/sign-up/email", json!({ "name": "M", "email": "mass@example.com", "password": PASSWORD, "role": "admin" }), None)
        .await;

    assert_eq!(reply.error(), (400, "FIELD_NOT_ALLOWED".into()));
    assert_eq!(role.error(), (400, "FIELD_NOT_ALLOWED".into()));
    assert_eq!(server.rows("user").await, 0);
}

async fn names_with_sql_and_unicode_are_stored_verbatim(backend: Backend) {
    let server = TestServer::start(backend).await;
    let name = "Robert'); DROP TABLE \"user\";-- 李小龍 🦀";

    let reply = server
        .post(
            "/sign-up/email",
            json!({ "name": name, "email": "bobby@example.com", "password": PASSWORD }),
            None,
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["name"], name);
    assert_eq!(server.rows("user").await, 1);
}

/// Each bad request gets a clear 4xx and leaves no row behind.
async fn bad_input_gets_a_4xx_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        ("malformed json", Some("application/json"), "{\"name\":".into(), 400, "BAD_REQUEST"),
        ("wrong types", Some("application/json"), r#"{"name":1,"email":true,"password":[]}"#.into(), 400, "VALIDATION_ERROR"),
        ("empty body", Some("application/json"), "".into(), 400, "VALIDATION_ERROR"),
        ("empty object", Some("application/json"), "{}".into(), 400, "VALIDATION_ERROR"),
        ("array body", Some("application/json"), "[1,2]".into(), 400, "VALIDATION_ERROR"),
        ("null body", Some("application/json"), "null".into(), 400, "VALIDATION_ERROR"),
        ("text/plain json", Some("text/plain"), body("plain@example.com", PASSWORD).to_string(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("no content type", None, body("none@example.com", PASSWORD).to_string(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("deep nesting", Some("application/json"), deep, 400, "BAD_REQUEST"),
        ("huge body", Some("application/json"), json!({"name": "x".repeat(2 << 20), "email": "huge@example.com", "password": PASSWORD}).to_string(), 413, "PAYLOAD_TOO_LARGE"),
        ("10 kB name", Some("application/json"), json!({"name": "n".repeat(10_000), "email": "tenk@example.com", "password": PASSWORD}).to_string(), 400, "VALIDATION_ERROR"),
        ("control chars in name", Some("application/json"), json!({"name": "a\u{0000}b", "email": "nul@example.com", "password": PASSWORD}).to_string(), 400, "VALIDATION_ERROR"),
        ("unicode email", Some("application/json"), body("ünï@example.com", PASSWORD).to_string(), 400, "VALIDATION_ERROR"),
        ("sql in email", Some("application/json"), body("a@example.com'; DROP TABLE \"user\";--", PASSWORD).to_string(), 400, "VALIDATION_ERROR"),
        ("email without domain", Some("application/json"), body("nobody@", PASSWORD).to_string(), 400, "VALIDATION_ERROR"),
        ("1 MiB password", Some("application/json"), body("mib@example.com", &"p".repeat(1 << 20)).to_string(), 413, "PAYLOAD_TOO_LARGE"),
        ("empty password", Some("application/json"), body("empty@example.com", "").to_string(), 400, "PASSWORD_TOO_SHORT"),
        ("untrusted callback", Some("application/json"), json!({"name":"c","email":"cb@example.com","password":PASSWORD,"callbackURL":"https://evil.example"}).to_string(), 403, "INVALID_CALLBACK_URL"),
    ];
    for (label, content_type, payload, status, code) in cases {
        let mut request = server.http.post(server.url("/sign-up/email")).body(payload);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let reply = server.send(request).await;
        assert_eq!(
            reply.error(),
            (status, code.to_owned()),
            "{label}: {}",
            reply.text
        );
        assert!(
            reply.json["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{label}: no message"
        );
    }
    for table in ["user", "account", "organization", "member", "session"] {
        assert_eq!(server.rows(table).await, 0, "{table} changed");
    }
}

async fn a_huge_password_is_refused_before_hashing(backend: Backend) {
    let server = TestServer::with(
        backend,
        support::Options {
            max_body_bytes: 4 << 20,
            ..Default::default()
        },
    )
    .await;

    let reply = server
        .post(
            "/sign-up/email",
            body("mib@example.com", &"p".repeat(1 << 20)),
            None,
        )
        .await;

    assert_eq!(reply.error(), (400, "PASSWORD_TOO_LONG".into()));
}

async fn fifty_parallel_sign_ups_with_one_email_make_one_user(backend: Backend) {
    let server = TestServer::start(backend).await;

    let replies = futures::future::join_all(
        (0..50).map(|_| server.post("/sign-up/email", body("race@example.com", PASSWORD), None)),
    )
    .await;

    let ok = replies.iter().filter(|r| r.status == 200).count();
    let exists = replies
        .iter()
        .filter(|r| r.error() == (422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL".into()))
        .count();
    assert_eq!(
        (ok, exists),
        (1, 49),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for table in ["user", "account", "organization", "member", "session"] {
        assert_eq!(server.rows(table).await, 1, "{table}");
    }
}

async fn fifty_parallel_distinct_sign_ups_make_fifty_of_everything(backend: Backend) {
    let server = TestServer::start(backend).await;

    let replies = futures::future::join_all((0..50).map(|i| {
        server.post(
            "/sign-up/email",
            body(&format!("user{i}@example.com"), PASSWORD),
            None,
        )
    }))
    .await;

    assert!(
        replies.iter().all(|r| r.status == 200),
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for table in ["user", "account", "organization", "member", "session"] {
        assert_eq!(server.rows(table).await, 50, "{table}");
    }
}

on_both!(
    returns_user_and_cookie => sign_up_returns_the_user_and_a_signed_session_cookie,
    personal_organization => sign_up_creates_the_personal_organization_in_the_session,
    taken_email => a_taken_email_gets_422_in_any_case,
    password_length => password_length_is_8_to_128_characters,
    weak_passwords => common_and_personal_passwords_are_refused_with_a_reason,
    remember_me_false => rememberme_false_gives_a_browser_session_cookie,
    form_encoded => a_form_encoded_sign_up_is_accepted,
    mass_assignment => server_only_fields_cannot_be_set_at_sign_up,
    verbatim_names => names_with_sql_and_unicode_are_stored_verbatim,
    bad_input => bad_input_gets_a_4xx_and_changes_nothing,
    huge_password => a_huge_password_is_refused_before_hashing,
    parallel_same_email => fifty_parallel_sign_ups_with_one_email_make_one_user,
    parallel_distinct => fifty_parallel_distinct_sign_ups_make_fifty_of_everything,
);
