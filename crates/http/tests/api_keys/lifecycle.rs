//! A key's life: made with its secret shown once, read and listed without it, changed,
//! deleted; only its digest is ever stored; another user's key is not found.

use crate::support::TestServer;
use crate::{created, refusal, secret, stored_text, verify};
use base64::Engine as _;
use beep_store::Backend;
use serde_json::json;
use sha2::{Digest as _, Sha256};

crate::on_both!(
    the_secret_is_shown_once => secret_shown_once,
    only_a_digest_is_stored => only_digest_stored,
    a_new_key_verifies => new_key_verifies,
    list_pages_and_sorts => list_pages_and_sorts,
    update_changes_name_and_enabled => update_changes,
    delete_ends_the_key => delete_ends_the_key,
    another_users_key_is_not_found => another_users_key,
    no_session_is_unauthorized_session => no_session,
    deleting_the_user_deletes_their_keys => user_deleted,
);

async fn secret_shown_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("once@example.com").await;

    let made = crate::create(
        &server,
        &session,
        json!({ "name": "ci", "prefix": "beep_", "expiresIn": 86400 * 30 }),
    )
    .await;
    let id = made.json["id"].as_str().unwrap().to_owned();
    let read = server
        .get(&format!("/api-key/get?id={id}"), Some(&session))
        .await;
    let listed = server.get("/api-key/list", Some(&session)).await;

    assert_eq!(made.status, 200, "{}", made.text);
    let key = secret(&made.json);
    assert!(key.starts_with("beep_"), "{key}");
    assert_eq!(key.len(), "beep_".len() + 64);
    assert!(
        key["beep_".len()..]
            .chars()
            .all(|c| c.is_ascii_alphabetic())
    );
    assert_eq!(made.json["start"], &key[..6]);
    assert_eq!(made.json["prefix"], "beep_");
    assert_eq!(made.json["name"], "ci");
    assert_eq!(made.json["referenceId"], session.user_id.as_str());
    assert_eq!(made.json["configId"], "default");
    assert_eq!(made.json["enabled"], true);
    assert_eq!(made.json["rateLimitEnabled"], true);
    assert_eq!(made.json["rateLimitMax"], 10);
    assert_eq!(made.json["rateLimitTimeWindow"], 86_400_000);
    assert!(made.json["remaining"].is_null());
    assert!(made.json["expiresAt"].is_string());
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["id"], id.as_str());
    assert!(
        read.json.get("key").is_none(),
        "get shows the key: {}",
        read.text
    );
    assert!(!read.text.contains(key));
    assert_eq!(listed.json["total"], 1);
    assert!(listed.json["apiKeys"][0].get("key").is_none());
    assert!(!listed.text.contains(key));
}

async fn only_digest_stored(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("digest@example.com").await;

    let made = created(&server, &session, "stored").await;

    let key = secret(&made);
    let stored = stored_text(&server).await;
    let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(key));
    assert!(stored.contains(&digest), "the digest is stored: {stored:?}");
    assert!(
        stored.iter().all(|text| !text.contains(&key[6..])),
        "the secret is in the database: {stored:?}"
    );
}

async fn new_key_verifies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("verifies@example.com").await;
    let made = created(&server, &session, "ok").await;

    let answer = verify(&server, secret(&made)).await;

    assert_eq!(answer["valid"], true, "{answer}");
    assert!(answer["error"].is_null());
    assert_eq!(answer["key"]["id"], made["id"]);
    assert_eq!(answer["key"]["requestCount"], 1);
    assert!(answer["key"]["lastRequest"].is_string());
    assert!(answer["key"].get("key").is_none());
}

async fn list_pages_and_sorts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("pages@example.com").await;
    for name in ["charlie", "alpha", "bravo"] {
        created(&server, &session, name).await;
    }

    let by_name = server
        .get(
            "/api-key/list?sortBy=name&sortDirection=desc&limit=2&offset=0",
            Some(&session),
        )
        .await;
    let rest = server
        .get(
            "/api-key/list?sortBy=name&sortDirection=desc&limit=2&offset=2",
            Some(&session),
        )
        .await;

    assert_eq!(by_name.status, 200, "{}", by_name.text);
    let names: Vec<_> = by_name.json["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["charlie", "bravo"]);
    assert_eq!(by_name.json["total"], 3);
    assert_eq!(by_name.json["limit"], 2);
    assert_eq!(by_name.json["offset"], 0);
    assert_eq!(rest.json["apiKeys"][0]["name"], "alpha");
    assert_eq!(rest.json["apiKeys"].as_array().unwrap().len(), 1);
}

async fn update_changes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("update@example.com").await;
    let made = created(&server, &session, "before").await;

    let reply = server
        .post(
            "/api-key/update",
            json!({ "keyId": made["id"], "name": "after", "enabled": false }),
            Some(&session),
        )
        .await;
    let read = server
        .get(
            &format!("/api-key/get?id={}", made["id"].as_str().unwrap()),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["name"], "after");
    assert_eq!(reply.json["enabled"], false);
    assert!(reply.json.get("key").is_none());
    assert_eq!(read.json["name"], "after");
    assert_eq!(
        refusal(&server, secret(&made)).await.as_deref(),
        Some("KEY_DISABLED")
    );
}

async fn delete_ends_the_key(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("delete@example.com").await;
    let made = created(&server, &session, "doomed").await;

    let reply = server
        .post(
            "/api-key/delete",
            json!({ "keyId": made["id"] }),
            Some(&session),
        )
        .await;
    let again = server
        .post(
            "/api-key/delete",
            json!({ "keyId": made["id"] }),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({ "success": true }));
    assert_eq!(again.error(), (404, "KEY_NOT_FOUND".into()));
    assert_eq!(server.rows("apikey").await, 0);
    assert_eq!(
        refusal(&server, secret(&made)).await.as_deref(),
        Some("INVALID_API_KEY")
    );
}

async fn another_users_key(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("owner@example.com").await;
    let other = server.sign_up("other@example.com").await;
    let made = created(&server, &owner, "mine").await;
    let id = made["id"].as_str().unwrap();

    let read = server
        .get(&format!("/api-key/get?id={id}"), Some(&other))
        .await;
    let update = server
        .post(
            "/api-key/update",
            json!({ "keyId": id, "enabled": false }),
            Some(&other),
        )
        .await;
    let delete = server
        .post("/api-key/delete", json!({ "keyId": id }), Some(&other))
        .await;
    let listed = server.get("/api-key/list", Some(&other)).await;

    assert_eq!(read.error(), (404, "KEY_NOT_FOUND".into()));
    assert_eq!(update.error(), (404, "KEY_NOT_FOUND".into()));
    assert_eq!(delete.error(), (404, "KEY_NOT_FOUND".into()));
    assert_eq!(listed.json["total"], 0);
    assert_eq!(refusal(&server, secret(&made)).await, None);
}

async fn no_session(backend: Backend) {
    let server = TestServer::start(backend).await;

    let made = server.post("/api-key/create", json!({}), None).await;
    let listed = server.get("/api-key/list", None).await;

    assert_eq!(made.error(), (401, "UNAUTHORIZED_SESSION".into()));
    assert_eq!(listed.error(), (401, "UNAUTHORIZED_SESSION".into()));
    assert_eq!(server.rows("apikey").await, 0);
}

async fn user_deleted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("gone@example.com").await;
    let made = created(&server, &session, "orphan").await;

    let reply = server
        .post(
            "/delete-user",
            json!({ "password": crate::support::PASSWORD }),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(server.rows("apikey").await, 0);
    assert_eq!(
        refusal(&server, secret(&made)).await.as_deref(),
        Some("INVALID_API_KEY")
    );
}
