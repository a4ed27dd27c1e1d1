//! The OpenAPI document at `/api/auth/openapi.json` and the reference page at
//! `/api/auth/reference`: the document describes exactly the routes that are mounted, with
//! the methods they answer, names the configured base URL whatever the request says, and
//! the page shows it under a strict Content-Security-Policy.

mod support;

use beep_store::Backend;
use serde_json::Value;
use std::collections::BTreeSet;
use support::{Options, TestServer};

/// The templated route that the rate limiter counts in the shared bucket (its path varies),
/// so it is the one described path that `auth_paths()` does not list.
const TEMPLATED: &str = "/reset-password/{token}";

async fn document(server: &TestServer) -> Value {
    let reply = server.get("/openapi.json", None).await;
    assert_eq!(reply.status, 200, "openapi.json: {}", reply.text);
    reply.json
}

/// `(path, METHOD)` for every operation of the document.
fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths object") {
        for (method, _) in item.as_object().expect("path item object") {
            found.insert((path.clone(), method.to_ascii_uppercase()));
        }
    }
    found
}

/// `(path, METHOD)` for every GET and POST the server routes under the paths it knows: a
/// route that is not mounted, or a method it does not take, answers 404 with no body.
async fn routed(server: &TestServer) -> BTreeSet<(String, String)> {
    let paths = beep_http::auth_paths()
        .map(|p| (p.to_owned(), p.to_owned()))
        .chain([
            (
                TEMPLATED.to_owned(),
                "/reset-password/some-token".to_owned(),
            ),
            (
                "/callback/{provider}".to_owned(),
                "/callback/some-provider".to_owned(),
            ),
        ]);
    let mut found = BTreeSet::new();
    for (described_as, probe) in paths {
        for method in ["GET", "POST"] {
            let request = match method {
                "GET" => server.http.get(server.url(&probe)),
                _ => server.http.post(server.url(&probe)),
            };
            let reply = server.send(request).await;
            if !(reply.status == 404 && reply.text.is_empty()) {
                found.insert((described_as.clone(), method.to_owned()));
            }
        }
    }
    found
}

async fn the_document_is_openapi_3_json(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.get("/openapi.json", None).await;

    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(
        reply.json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "openapi version: {}",
        reply.json["openapi"]
    );
    assert_eq!(reply.json["info"]["title"], "beep-iam");
    assert!(
        reply.json["paths"]
            .as_object()
            .is_some_and(|p| !p.is_empty())
    );
}

async fn every_known_path_is_described(backend: Backend) {
    let server = TestServer::start(backend).await;

    let doc = document(&server).await;

    for path in beep_http::auth_paths() {
        assert!(
            doc["paths"][path].is_object(),
            "{path} is routed but not described in openapi.json"
        );
    }
}

async fn the_described_methods_are_the_routed_ones(backend: Backend) {
    let server = TestServer::start(backend).await;

    let doc = document(&server).await;

    assert_eq!(described(&doc), routed(&server).await);
}

async fn every_operation_describes_its_errors(backend: Backend) {
    let server = TestServer::start(backend).await;

    let doc = document(&server).await;

    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            let has = |status: &str| responses[status].is_object();
            let name = format!("{method} {path}");
            assert!(has("429") && has("500"), "{name}: no 429 or 500");
            assert!(
                responses
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|s| s.starts_with('2') || s == "302" || s == "303")
                    || path == "/get-session" && method == "post",
                "{name}: no success response"
            );
            if operation["requestBody"].is_object() {
                for status in ["400", "413", "415"] {
                    assert!(has(status), "{name}: reads a body but has no {status}");
                }
            }
            // A provider's form_post comes from the provider's origin; that route only
            // redirects to the GET form, so it is exempt from the origin check.
            if method == "post" && path != "/callback/{provider}" {
                assert!(has("403"), "{name}: no 403 for the origin check");
            }
            let security = operation["security"].as_array().unwrap();
            let optional = security.iter().any(|r| r.as_object().unwrap().is_empty());
            if !optional {
                assert!(has("401"), "{name}: needs a session but has no 401");
            }
        }
    }
}

async fn every_reference_resolves(backend: Backend) {
    let server = TestServer::start(backend).await;

    let doc = document(&server).await;

    let mut pointers = Vec::new();
    collect_refs(&doc, &mut pointers);
    assert!(!pointers.is_empty());
    for pointer in pointers {
        let target = pointer.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(target).is_some(), "{pointer} points nowhere");
    }
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(pointer)) = map.get("$ref") {
                into.push(pointer.clone());
            }
            map.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

async fn the_servers_url_is_the_configured_base_url(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            base_url: Some("https://id.example.com".into()),
            ..Options::default()
        },
    )
    .await;

    let reply = server
        .send(
            server
                .http
                .get(server.url("/openapi.json"))
                .header("host", "evil.example")
                .header("x-forwarded-host", "evil.example")
                .header("x-forwarded-proto", "http"),
        )
        .await;

    assert_eq!(reply.status, 200);
    let servers = reply.json["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0]["url"], "https://id.example.com/api/auth");
    assert!(!reply.text.contains("evil.example"));
}

async fn the_cookie_scheme_names_the_configured_cookie(backend: Backend) {
    let plain = TestServer::start(backend).await;
    let secure = TestServer::with(
        backend,
        Options {
            base_url: Some("https://id.example.com".into()),
            ..Options::default()
        },
    )
    .await;

    let scheme = |doc: Value| doc["components"]["securitySchemes"]["sessionCookie"].clone();
    let plain = scheme(document(&plain).await);
    let secure = scheme(document(&secure).await);

    assert_eq!(
        (plain["in"].as_str(), plain["name"].as_str()),
        (Some("cookie"), Some("better-auth.session_token"))
    );
    assert_eq!(secure["name"], "__Secure-better-auth.session_token");
}

async fn delete_user_is_described_only_when_mounted(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            delete_user: false,
            ..Options::default()
        },
    )
    .await;

    let doc = document(&server).await;

    assert!(doc["paths"]["/delete-user"].is_null());
    assert_eq!(described(&doc), routed(&server).await);
}

async fn the_reference_page_is_html_under_a_strict_policy(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.get("/reference", None).await;

    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let csp = reply.header("content-security-policy").expect("a CSP");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(reply.text.starts_with("<!doctype html>"));
    // Offline: nothing is loaded from anywhere, and no script runs.
    assert!(!reply.text.contains("<script"));
    assert!(!reply.text.contains("src="));
    assert!(!reply.text.contains("<link"));
}

async fn the_reference_page_lists_every_endpoint(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doc = document(&server).await;

    let page = server.get("/reference", None).await.text;

    for (path, method) in described(&doc) {
        let operation = &doc["paths"][&path][method.to_ascii_lowercase()];
        let id = operation["operationId"].as_str().unwrap();
        let heading = format!("{}/api/auth{path}", server.base);
        assert!(
            page.contains(&format!("id=\"{id}\"")),
            "no section for {id}"
        );
        assert!(page.contains(&heading), "{path} is not shown");
        assert!(
            page.contains(&format!(">{method}</span><code>{heading}</code>")),
            "{method} {path} is not shown"
        );
    }
    for field in ["currentPassword", "revokeOtherSessions", "callbackURL"] {
        assert!(page.contains(&format!("<code>{field}</code>")), "{field}");
    }
    assert!(page.contains("X-Retry-After"));
}

on_both!(
    document_is_openapi => the_document_is_openapi_3_json,
    every_path_described => every_known_path_is_described,
    methods_match_routes => the_described_methods_are_the_routed_ones,
    errors_described => every_operation_describes_its_errors,
    references_resolve => every_reference_resolves,
    servers_url => the_servers_url_is_the_configured_base_url,
    cookie_scheme => the_cookie_scheme_names_the_configured_cookie,
    delete_user_only_when_mounted => delete_user_is_described_only_when_mounted,
    reference_page_policy => the_reference_page_is_html_under_a_strict_policy,
    reference_page_lists_endpoints => the_reference_page_lists_every_endpoint,
);
