//! Bad input to the API-key routes: a clear 4xx in better-auth's codes, and nothing written.

use crate::support::{Options, TestServer};
use crate::{create, created};
use beep_store::Backend;
use serde_json::{Value, json};

crate::on_both!(
    server_only_settings_are_refused => server_only_settings,
    naming_a_user_is_unauthorized => naming_a_user,
    wrong_types_are_validation_errors => wrong_types,
    names_and_prefixes_out_of_bounds_are_refused => names_and_prefixes,
    lifetimes_out_of_range_are_refused => lifetimes,
    metadata_needs_the_setting => metadata_needs_setting,
    metadata_must_be_an_object => metadata_object,
    an_update_changing_nothing_is_refused => empty_update,
    list_queries_out_of_range_are_refused => list_queries,
    malformed_bodies_are_refused => malformed_bodies,
    an_unknown_configuration_is_refused => unknown_config,
);

/// Creates with `body` and expects `(status, code)` with no key written.
async fn refused_create(server: &TestServer, body: Value, status: u16, code: &str) {
    let session = server.sign_in("bad@example.com").await;
    let reply = create(server, &session, body.clone()).await;
    assert_eq!(
        reply.error(),
        (status, code.to_owned()),
        "{body}: {}",
        reply.text
    );
    assert!(!reply.text.contains("\"key\""), "{}", reply.text);
    assert_eq!(server.rows("apikey").await, 0, "{body} wrote a key");
}

async fn server_with_user(backend: Backend, options: Options) -> TestServer {
    let server = TestServer::with(backend, options).await;
    server.sign_up("bad@example.com").await;
    server
}

async fn server_only_settings(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    for body in [
        json!({ "remaining": 100 }),
        json!({ "refillAmount": 1, "refillInterval": 1000 }),
        json!({ "rateLimitEnabled": false }),
        json!({ "rateLimitMax": 1000000 }),
        json!({ "rateLimitTimeWindow": 1 }),
        json!({ "permissions": { "admin": ["*"] } }),
    ] {
        refused_create(&server, body, 400, "SERVER_ONLY_PROPERTY").await;
    }
    let session = server.sign_in("bad@example.com").await;
    let made = created(&server, &session, "fixed").await;
    let update = server
        .post(
            "/api-key/update",
            json!({ "keyId": made["id"], "remaining": 5 }),
            Some(&session),
        )
        .await;
    assert_eq!(update.error(), (400, "SERVER_ONLY_PROPERTY".into()));
    let read = server
        .get(
            &format!("/api-key/get?id={}", made["id"].as_str().unwrap()),
            Some(&session),
        )
        .await;
    assert!(read.json["remaining"].is_null(), "{}", read.text);
}

async fn naming_a_user(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    let victim = server.sign_up("victim@example.com").await;

    refused_create(
        &server,
        json!({ "userId": victim.user_id }),
        401,
        "UNAUTHORIZED_SESSION",
    )
    .await;
}

async fn wrong_types(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    for body in [
        json!({ "name": 5 }),
        json!({ "expiresIn": "soon" }),
        json!({ "prefix": ["a"] }),
        json!({ "organizationId": { "$ne": null } }),
        json!({ "expiresIn": 1.5 }),
        json!([]),
    ] {
        refused_create(&server, body, 400, "VALIDATION_ERROR").await;
    }
}

async fn names_and_prefixes(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    refused_create(
        &server,
        json!({ "name": "ü".repeat(33) }),
        400,
        "INVALID_NAME_LENGTH",
    )
    .await;
    refused_create(
        &server,
        json!({ "prefix": "x".repeat(33) }),
        400,
        "INVALID_PREFIX_LENGTH",
    )
    .await;
    for prefix in ["a b", "a'; DROP TABLE apikey; --", "ключ", "a\u{0}b"] {
        refused_create(
            &server,
            json!({ "prefix": prefix }),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    }
}

async fn lifetimes(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    refused_create(
        &server,
        json!({ "expiresIn": 3600 }),
        400,
        "EXPIRES_IN_IS_TOO_SMALL",
    )
    .await;
    refused_create(
        &server,
        json!({ "expiresIn": 366 * 86400 }),
        400,
        "EXPIRES_IN_IS_TOO_LARGE",
    )
    .await;
    refused_create(
        &server,
        json!({ "expiresIn": i64::MAX }),
        400,
        "EXPIRES_IN_IS_TOO_LARGE",
    )
    .await;
}

async fn metadata_needs_setting(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;

    refused_create(
        &server,
        json!({ "metadata": { "team": "ops" } }),
        400,
        "METADATA_DISABLED",
    )
    .await;
}

async fn metadata_object(backend: Backend) {
    let mut options = Options::default();
    options.api_key.metadata_enabled = true;
    let server = server_with_user(backend, options).await;
    let session = server.sign_in("bad@example.com").await;

    refused_create(
        &server,
        json!({ "metadata": "text" }),
        400,
        "INVALID_METADATA_TYPE",
    )
    .await;
    refused_create(
        &server,
        json!({ "metadata": { "big": "x".repeat(9000) } }),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    let made = create(&server, &session, json!({ "metadata": { "team": "ops" } })).await;
    assert_eq!(made.status, 200, "{}", made.text);
    assert_eq!(made.json["metadata"], json!({ "team": "ops" }));
}

async fn empty_update(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    let session = server.sign_in("bad@example.com").await;
    let made = created(&server, &session, "same").await;

    let reply = server
        .post(
            "/api-key/update",
            json!({ "keyId": made["id"] }),
            Some(&session),
        )
        .await;
    let unknown = server
        .post(
            "/api-key/update",
            json!({ "keyId": "ak_nope", "name": "x" }),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error(), (400, "NO_VALUES_TO_UPDATE".into()));
    assert_eq!(unknown.error(), (404, "KEY_NOT_FOUND".into()));
}

async fn list_queries(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    let session = server.sign_in("bad@example.com").await;
    for query in [
        "sortBy=key",
        "sortBy=name;DROP",
        "sortDirection=sideways",
        "limit=1001",
        "limit=-1",
        "offset=many",
        "offset=9223372036854775808",
    ] {
        let reply = server
            .get(&format!("/api-key/list?{query}"), Some(&session))
            .await;
        assert_eq!(
            reply.error(),
            (400, "VALIDATION_ERROR".into()),
            "{query}: {}",
            reply.text
        );
    }
    let missing_id = server.get("/api-key/get", Some(&session)).await;
    assert_eq!(missing_id.status, 400, "{}", missing_id.text);
}

async fn malformed_bodies(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;
    let session = server.sign_in("bad@example.com").await;
    for body in ["{", "null", "\"key\"", "{\"name\": \"a\u{0}\"}"] {
        let reply = server
            .send(
                server
                    .http
                    .post(server.url("/api-key/create"))
                    .header("origin", &server.base)
                    .header("content-type", "application/json")
                    .header("cookie", session.cookie_header())
                    .body(body),
            )
            .await;
        assert!(
            (400..500).contains(&reply.status),
            "{body:?}: {} {}",
            reply.status,
            reply.text
        );
    }
    let huge = json!({ "name": "x".repeat(128 * 1024) });
    let reply = create(&server, &session, huge).await;
    assert_eq!(reply.status, 413, "{}", reply.text);
    assert_eq!(server.rows("apikey").await, 0);
}

async fn unknown_config(backend: Backend) {
    let server = server_with_user(backend, Options::default()).await;

    refused_create(
        &server,
        json!({ "configId": "other" }),
        400,
        "VALIDATION_ERROR",
    )
    .await;
}
