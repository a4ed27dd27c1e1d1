//! Bad input to the social routes: a clear 4xx (or, on the callback, a redirect to the error
//! URL with a code), and nothing written.

use crate::browser::Browser;
use crate::on_both;
use crate::support::TestServer;
use crate::{IDP, error_code, server_with};
use beep_store::Backend;
use serde_json::json;

on_both!(
    malformed_sign_in_social_bodies_are_refused_and_store_nothing => malformed_bodies,
    untrusted_landing_urls_are_refused_and_store_nothing => untrusted_urls,
    an_unknown_provider_is_a_404 => unknown_provider,
    a_callback_with_junk_state_redirects_with_a_code_and_creates_nothing => junk_callbacks,
    account_routes_refuse_bad_input_and_anonymous_callers => account_routes,
);

/// Posts `payload` as JSON to `path` from the trusted origin, without cookies.
async fn post_raw(server: &TestServer, path: &str, payload: String) -> (u16, String) {
    let request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .header("content-type", "application/json")
        .body(payload);
    server.send(request).await.error()
}

async fn malformed_bodies(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    #[rustfmt::skip]
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("malformed json", "{\"provider\":".into(), 400, "BAD_REQUEST"),
        ("deep nesting", deep, 400, "BAD_REQUEST"),
        ("empty object", "{}".into(), 400, "VALIDATION_ERROR"),
        ("array body", "[\"idp\"]".into(), 400, "VALIDATION_ERROR"),
        ("provider a number", r#"{"provider":1}"#.into(), 400, "VALIDATION_ERROR"),
        ("scopes a string", r#"{"provider":"idp","scopes":"openid"}"#.into(), 400, "VALIDATION_ERROR"),
        ("disableRedirect a string", r#"{"provider":"idp","disableRedirect":"yes"}"#.into(), 400, "VALIDATION_ERROR"),
        ("NUL in the hint", json!({"provider": "idp", "loginHint": "a\u{0}b"}).to_string(), 400, "VALIDATION_ERROR"),
        ("huge hint", json!({"provider": "idp", "loginHint": "x".repeat(2 << 20)}).to_string(), 413, "PAYLOAD_TOO_LARGE"),
    ];

    for (label, payload, status, code) in cases {
        let reply = post_raw(&server, "/sign-in/social", payload).await;

        assert_eq!(reply, (status, code.to_owned()), "{label}");
    }
    assert_eq!(server.rows("verification").await, 0);
}

async fn untrusted_urls(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let cases = [
        (
            "callbackURL",
            "https://evil.example/x",
            "INVALID_CALLBACK_URL",
        ),
        ("callbackURL", "//evil.example/x", "INVALID_CALLBACK_URL"),
        ("callbackURL", "javascript:alert(1)", "INVALID_CALLBACK_URL"),
        (
            "errorCallbackURL",
            "https://evil.example/e",
            "INVALID_ERROR_CALLBACK_URL",
        ),
        (
            "newUserCallbackURL",
            "https://evil.example/n",
            "INVALID_NEW_USER_CALLBACK_URL",
        ),
    ];

    for (field, url, code) in cases {
        let body = json!({"provider": IDP, field: url});
        let reply = post_raw(&server, "/sign-in/social", body.to_string()).await;

        assert_eq!(reply, (403, code.to_owned()), "{field} {url}");
    }
    assert_eq!(server.rows("verification").await, 0);
}

async fn unknown_provider(backend: Backend) {
    let server = server_with(backend, vec![]).await;

    for provider in ["nope", "' OR 1=1 --", "ünïcode", "../idp"] {
        let body = json!({"provider": provider, "callbackURL": "/"});
        let reply = post_raw(&server, "/sign-in/social", body.to_string()).await;

        assert_eq!(reply, (404, "PROVIDER_NOT_FOUND".to_owned()), "{provider}");
    }
    assert_eq!(server.rows("verification").await, 0);
}

async fn junk_callbacks(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let long = "s".repeat(10_000);
    let queries = [
        "code=c&state=%27%20OR%201%3D1%20--".to_owned(),
        "code=c&state=%C3%BC%E2%9C%93".to_owned(),
        format!("code=c&state={long}"),
        "code=c".to_owned(),
        String::new(),
    ];

    for query in queries {
        let mut browser = Browser::default();

        let hop = browser
            .get(&server.url(&format!("/callback/{IDP}?{query}")))
            .await;

        assert_eq!(hop.status, 302, "{query:.40}");
        let code = error_code(&hop);
        assert!(
            matches!(code.as_deref(), Some("state_mismatch" | "state_not_found")),
            "{query:.40}: {code:?}"
        );
    }
    // A repeated parameter is ambiguous and a NUL unstorable: refused outright, as on
    // every route.
    for query in ["code=c&state=a&state=b", "state=%00"] {
        let refused = Browser::default()
            .get(&server.url(&format!("/callback/{IDP}?{query}")))
            .await;
        assert_eq!(refused.status, 400, "{query}");
    }
    assert_eq!(server.rows("user").await, 0);
    assert_eq!(server.rows("session").await, 0);
}

async fn account_routes(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let session = server.sign_up("plain@example.com").await;

    let anonymous_unlink = server
        .post("/unlink-account", json!({"accountId": "x"}), None)
        .await;
    let anonymous_token = server
        .post("/get-access-token", json!({"accountId": "x"}), None)
        .await;
    let no_account_id = server
        .post("/unlink-account", json!({}), Some(&session))
        .await;
    let wrong_type = server
        .post("/get-access-token", json!({"accountId": 7}), Some(&session))
        .await;
    let missing_query = server.get("/account-info", Some(&session)).await;
    let foreign = server
        .post(
            "/unlink-account",
            json!({"accountId": "' OR 1=1 --"}),
            Some(&session),
        )
        .await;

    assert_eq!(anonymous_unlink.status, 401);
    assert_eq!(
        anonymous_token.error(),
        (401, "USER_ID_OR_SESSION_REQUIRED".into())
    );
    assert_eq!(no_account_id.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(wrong_type.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(missing_query.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(foreign.status, 400, "{}", foreign.text);
    assert_eq!(server.rows("account").await, 1);
}
