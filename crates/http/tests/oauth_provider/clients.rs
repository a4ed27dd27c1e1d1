//! Clients managed by their owners: the secret shown once and stored as a digest, read and
//! listed without it, changed, rotated, deleted; another user's client is refused.

use crate::support::TestServer;
use crate::{create, web_client};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    a_new_client_shows_its_secret_once => secret_shown_once,
    only_the_secrets_digest_is_stored => only_digest_stored,
    a_public_client_has_no_secret => public_client_no_secret,
    the_owner_lists_and_changes_their_clients => list_and_update,
    rotating_the_secret_replaces_it => rotate_secret,
    delete_removes_the_client_and_its_tokens => delete_client,
    another_users_client_is_refused => another_users_client,
    a_public_view_hides_redirect_uris => public_view,
    without_a_session_nothing_is_managed => no_session,
    only_an_admin_gives_client_credentials_scopes => admin_only_scopes,
);

async fn secret_shown_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("owner@example.com").await;

    let made = web_client(&server, &owner).await;
    let client_id = made["client_id"].as_str().unwrap();
    let read = server
        .get(
            &format!("/oauth2/get-client?client_id={client_id}"),
            Some(&owner),
        )
        .await;

    let secret = made["client_secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32);
    assert!(secret.chars().all(|c| c.is_ascii_alphabetic()));
    assert_eq!(client_id.len(), 32);
    assert_eq!(made["client_secret_expires_at"], 0);
    assert_eq!(made["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(made["grant_types"], json!(["authorization_code"]));
    assert_eq!(made["response_types"], json!(["code"]));
    assert_eq!(made["application_type"], "web");
    assert_eq!(made["user_id"], owner.user_id.as_str());
    assert_eq!(made["redirect_uris"], json!(["https://rp.example.com/cb"]));
    assert!(made["client_id_issued_at"].as_i64().unwrap() > 1_700_000_000);
    assert!(
        made.get("client_credentials_scopes").is_none(),
        "not an admin"
    );
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["client_id"], client_id);
    assert!(read.json.get("client_secret").is_none(), "{}", read.text);
    assert!(!read.text.contains(secret));
}

async fn only_digest_stored(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("digest@example.com").await;

    let made = web_client(&server, &owner).await;
    let secret = made["client_secret"].as_str().unwrap();
    let dump = crate::stored_text(
        &server,
        "oauth_client",
        &["client_id", "client_secret_digest"],
    )
    .await
    .join(" ");

    assert!(!dump.contains(secret), "the secret is stored in the clear");
    assert!(dump.contains(&beep_core::oauth_provider::credential_digest(secret)));
}

async fn public_client_no_secret(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("spa@example.com").await;

    let made = create(
        &server,
        &owner,
        json!({
            "redirect_uris": ["http://127.0.0.1:8080/cb"],
            "token_endpoint_auth_method": "none",
            "application_type": "native",
        }),
    )
    .await;
    let rotate = server
        .post(
            "/oauth2/client/rotate-secret",
            json!({ "client_id": made.json["client_id"] }),
            Some(&owner),
        )
        .await;

    assert_eq!(made.status, 201, "{}", made.text);
    assert!(made.json.get("client_secret").is_none());
    assert!(made.json.get("client_secret_expires_at").is_none());
    assert_eq!(made.json["require_pkce"], true);
    assert_eq!(
        crate::oauth_error(&rotate),
        (400, "invalid_client".to_owned())
    );
}

async fn list_and_update(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("lister@example.com").await;
    let first = web_client(&server, &owner).await;
    let second = web_client(&server, &owner).await;

    let updated = server
        .post(
            "/oauth2/update-client",
            json!({
                "client_id": first["client_id"],
                "update": { "client_name": "Reports v2", "redirect_uris": ["https://rp.example.com/v2"] },
            }),
            Some(&owner),
        )
        .await;
    let listed = server.get("/oauth2/get-clients", Some(&owner)).await;

    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["client_name"], "Reports v2");
    assert_eq!(
        updated.json["redirect_uris"],
        json!(["https://rp.example.com/v2"])
    );
    assert_eq!(updated.json["grant_types"], json!(["authorization_code"]));
    assert_eq!(listed.status, 200);
    let ids: Vec<&str> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            first["client_id"].as_str().unwrap(),
            second["client_id"].as_str().unwrap()
        ]
    );
    assert!(!listed.text.contains("client_secret\""));
}

async fn rotate_secret(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "rotator@example.com").await;
    let (client_id, old_secret) =
        crate::machine_client(&server, &admin, "client_secret_basic").await;

    let rotated = server
        .post(
            "/oauth2/client/rotate-secret",
            json!({ "client_id": client_id }),
            Some(&admin),
        )
        .await;
    let new_secret = rotated.json["client_secret"].as_str().unwrap().to_owned();
    let with_old = crate::token_for(&server, &(client_id.clone(), old_secret.clone()), None).await;
    let with_new = crate::token_for(&server, &(client_id, new_secret.clone()), None).await;

    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_ne!(new_secret, old_secret);
    assert_eq!(
        crate::oauth_error(&with_old),
        (401, "invalid_client".to_owned())
    );
    assert_eq!(with_new.status, 200, "{}", with_new.text);
}

async fn delete_client(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "deleter@example.com").await;
    let client = crate::machine_client(&server, &admin, "client_secret_basic").await;
    let token = crate::token_for(&server, &client, None).await;
    assert_eq!(token.status, 200, "{}", token.text);

    let deleted = server
        .post(
            "/oauth2/delete-client",
            json!({ "client_id": client.0 }),
            Some(&admin),
        )
        .await;
    let read = server
        .get(
            &format!("/oauth2/get-client?client_id={}", client.0),
            Some(&admin),
        )
        .await;

    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.text, "");
    assert_eq!(crate::oauth_error(&read), (404, "not_found".to_owned()));
    assert_eq!(
        server.rows("oauth_access_token").await,
        0,
        "its tokens went with it"
    );
}

async fn another_users_client(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("mine@example.com").await;
    let other = server.sign_up("theirs@example.com").await;
    let made = web_client(&server, &owner).await;
    let client_id = made["client_id"].as_str().unwrap();

    let read = server
        .get(
            &format!("/oauth2/get-client?client_id={client_id}"),
            Some(&other),
        )
        .await;
    let update = server
        .post(
            "/oauth2/update-client",
            json!({ "client_id": client_id, "update": { "client_name": "mine now" } }),
            Some(&other),
        )
        .await;
    let delete = server
        .post(
            "/oauth2/delete-client",
            json!({ "client_id": client_id }),
            Some(&other),
        )
        .await;
    let listed = server.get("/oauth2/get-clients", Some(&other)).await;

    for reply in [&read, &update, &delete] {
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert_eq!(reply.text, "");
    }
    assert_eq!(listed.json, json!([]));
    let still = server
        .get(
            &format!("/oauth2/get-client?client_id={client_id}"),
            Some(&owner),
        )
        .await;
    assert_eq!(still.json["client_name"], "Reports", "nothing changed");
}

async fn public_view(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("pub@example.com").await;
    let viewer = server.sign_up("viewer@example.com").await;
    let made = web_client(&server, &owner).await;

    let seen = server
        .get(
            &format!(
                "/oauth2/public-client?client_id={}",
                made["client_id"].as_str().unwrap()
            ),
            Some(&viewer),
        )
        .await;
    let unknown = server
        .get("/oauth2/public-client?client_id=nope", Some(&viewer))
        .await;

    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.json["client_name"], "Reports");
    assert_eq!(seen.json["redirect_uris"], json!([]));
    assert!(seen.json.get("user_id").is_none());
    assert_eq!(crate::oauth_error(&unknown), (404, "not_found".to_owned()));
}

async fn no_session(backend: Backend) {
    let server = TestServer::start(backend).await;

    let made = server
        .post(
            "/oauth2/create-client",
            json!({ "redirect_uris": ["https://rp.example.com/cb"] }),
            None,
        )
        .await;
    let listed = server.get("/oauth2/get-clients", None).await;

    assert_eq!(made.error(), (401, "UNAUTHORIZED".to_owned()));
    assert_eq!(listed.error(), (401, "UNAUTHORIZED".to_owned()));
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn admin_only_scopes(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("plain@example.com").await;
    let admin = crate::admin(&server, "boss@example.com").await;
    let body = json!({
        "grant_types": ["client_credentials"],
        "client_credentials_scopes": [crate::REPORTS],
    });

    let refused = create(&server, &user, body.clone()).await;
    let allowed = create(&server, &admin, body).await;
    let user_scope = create(
        &server,
        &admin,
        json!({ "grant_types": ["client_credentials"], "client_credentials_scopes": ["openid"] }),
    )
    .await;

    assert_eq!(
        crate::oauth_error(&refused),
        (403, "access_denied".to_owned())
    );
    assert_eq!(allowed.status, 201, "{}", allowed.text);
    assert_eq!(
        allowed.json["client_credentials_scopes"],
        json!([crate::REPORTS])
    );
    assert_eq!(
        crate::oauth_error(&user_scope),
        (400, "invalid_scope".to_owned())
    );
    assert_eq!(server.rows("oauth_client").await, 1);
}
