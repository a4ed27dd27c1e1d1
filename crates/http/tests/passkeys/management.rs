//! The user's passkeys: listed, renamed and deleted by their owner only.

use crate::support::TestServer;
use crate::{listed, on_both, user_with_passkey};
use beep_store::Backend;
use serde_json::json;

on_both!(
    each_user_lists_only_their_own_passkeys => lists_own,
    the_owner_renames_a_passkey => renames,
    a_blank_name_is_refused => blank_name,
    the_owner_deletes_a_passkey => deletes,
    another_users_passkey_reads_as_not_found => others_not_found,
    no_session_gets_401 => no_session,
    deleting_the_user_deletes_their_passkeys => user_deleted,
);

async fn lists_own(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (alice, _, alices) = user_with_passkey(&server, "la@example.com", true).await;
    let (bob, _, bobs) = user_with_passkey(&server, "lb@example.com", true).await;

    let for_alice = listed(&server, &alice).await;
    let for_bob = listed(&server, &bob).await;

    assert_eq!(for_alice, vec![alices]);
    assert_eq!(for_bob, vec![bobs]);
}

async fn renames(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, _, row) = user_with_passkey(&server, "rn@example.com", true).await;

    let reply = server
        .post(
            "/passkey/update-passkey",
            json!({"id": row["id"], "name": "  Work phone ✓  "}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["passkey"]["name"], "Work phone ✓");
    assert_eq!(reply.json["passkey"]["id"], row["id"]);
    assert_eq!(listed(&server, &session).await[0]["name"], "Work phone ✓");
}

async fn blank_name(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, _, row) = user_with_passkey(&server, "blank@example.com", true).await;

    let reply = server
        .post(
            "/passkey/update-passkey",
            json!({"id": row["id"], "name": "   "}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(listed(&server, &session).await[0]["name"], "Laptop");
}

async fn deletes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, _, row) = user_with_passkey(&server, "del@example.com", true).await;

    let reply = server
        .post(
            "/passkey/delete-passkey",
            json!({"id": row["id"]}),
            Some(&session),
        )
        .await;
    let again = server
        .post(
            "/passkey/delete-passkey",
            json!({"id": row["id"]}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({"status": true}));
    assert_eq!(again.error(), (404, "PASSKEY_NOT_FOUND".into()));
    assert_eq!(server.rows("passkey").await, 0);
}

async fn others_not_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, _, alices) = user_with_passkey(&server, "oa@example.com", true).await;
    let mallory = server.sign_up("om@example.com").await;

    let rename = server
        .post(
            "/passkey/update-passkey",
            json!({"id": alices["id"], "name": "mine now"}),
            Some(&mallory),
        )
        .await;
    let delete = server
        .post(
            "/passkey/delete-passkey",
            json!({"id": alices["id"]}),
            Some(&mallory),
        )
        .await;
    let junk = server
        .post(
            "/passkey/delete-passkey",
            json!({"id": "' OR 1=1 --"}),
            Some(&mallory),
        )
        .await;

    assert_eq!(rename.error(), (404, "PASSKEY_NOT_FOUND".into()));
    assert_eq!(delete.error(), (404, "PASSKEY_NOT_FOUND".into()));
    assert_eq!(junk.error(), (404, "PASSKEY_NOT_FOUND".into()));
    assert_eq!(server.rows("passkey").await, 1);
}

async fn no_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, _, row) = user_with_passkey(&server, "ns@example.com", true).await;

    let list = server.get("/passkey/list-user-passkeys", None).await;
    let delete = server
        .post("/passkey/delete-passkey", json!({"id": row["id"]}), None)
        .await;

    assert_eq!(list.error(), (401, "UNAUTHORIZED".into()));
    assert_eq!(delete.error(), (401, "UNAUTHORIZED".into()));
    assert_eq!(server.rows("passkey").await, 1);
}

async fn user_deleted(backend: Backend) {
    let options = crate::support::Options {
        delete_user: true,
        ..crate::support::Options::default()
    };
    let server = TestServer::with(backend, options).await;
    let (session, _, _) = user_with_passkey(&server, "bye@example.com", true).await;

    let reply = server
        .post(
            "/delete-user",
            json!({"password": crate::support::PASSWORD}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(server.rows("passkey").await, 0);
}
