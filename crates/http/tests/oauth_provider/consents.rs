//! A user's consents: listed, read, narrowed and withdrawn; narrowing or withdrawing ends
//! the client's tokens for the user, and another user's consent is out of reach.

use crate::authorization_code::{REDIRECT, code_for, exchange};
use crate::support::{Session, TestServer};
use crate::{create, introspect};
use beep_store::Backend;
use serde_json::{Value, json};

crate::on_both!(
    a_given_consent_is_listed_and_readable_by_id_or_client => listed_and_read,
    narrowing_a_consent_ends_the_clients_tokens => narrowed,
    withdrawing_a_consent_ends_its_tokens_and_asks_again => withdrawn,
    another_users_consent_is_out_of_reach => others_consent,
);

/// A user who consented to a new client for `openid email offline_access`, the client, and
/// the access token they got.
async fn consented(server: &TestServer) -> (Session, (String, String), String) {
    let user = server.sign_up("ada@example.com").await;
    let reply = create(
        server,
        &user,
        json!({ "redirect_uris": [REDIRECT], "grant_types": ["authorization_code", "refresh_token"] }),
    )
    .await;
    let client = (
        reply.json["client_id"].as_str().unwrap().to_owned(),
        reply.json["client_secret"].as_str().unwrap().to_owned(),
    );
    let code = code_for(server, &user, &client.0, "openid email offline_access").await;
    let tokens = exchange(server, &client, &code).await;
    let access = tokens.json["access_token"].as_str().unwrap().to_owned();
    (user, client, access)
}

async fn listed_and_read(backend: Backend) {
    let server = crate::server(backend).await;
    let (user, client, _) = consented(&server).await;

    let listed = server.get("/oauth2/get-consents", Some(&user)).await;

    assert_eq!(listed.status, 200, "{}", listed.text);
    let consents = listed.json.as_array().unwrap();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0]["clientId"], client.0.as_str());
    assert_eq!(
        consents[0]["scopes"],
        json!(["openid", "email", "offline_access"])
    );
    let id = consents[0]["id"].as_str().unwrap();
    let by_id = server
        .get(&format!("/oauth2/get-consent?id={id}"), Some(&user))
        .await;
    let by_client = server
        .get(
            &format!("/oauth2/get-consent?client_id={}", client.0),
            Some(&user),
        )
        .await;
    assert_eq!(by_id.json, consents[0]);
    assert_eq!(by_client.json, consents[0]);
    let unknown = server
        .get("/oauth2/get-consent?id=ocn_nope", Some(&user))
        .await;
    assert_eq!(crate::oauth_error(&unknown), (404, "not_found".into()));
    let unnamed = server.get("/oauth2/get-consent", Some(&user)).await;
    assert_eq!(unnamed.status, 400);
    assert_eq!(server.get("/oauth2/get-consents", None).await.status, 401);
}

async fn narrowed(backend: Backend) {
    let server = crate::server(backend).await;
    let (user, client, access) = consented(&server).await;

    let widened = server
        .post(
            "/oauth2/update-consent",
            json!({ "client_id": client.0, "update": { "scopes": ["openid", "profile"] } }),
            Some(&user),
        )
        .await;
    assert_eq!(crate::oauth_error(&widened), (400, "invalid_scope".into()));
    assert_eq!(
        introspect(&server, &client, &access).await.json["active"],
        true,
        "a refused change ends nothing"
    );

    let reply = server
        .post(
            "/oauth2/update-consent",
            json!({ "client_id": client.0, "update": { "scopes": ["openid"] } }),
            Some(&user),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["scopes"], json!(["openid"]));
    assert_eq!(
        introspect(&server, &client, &access).await.json,
        json!({ "active": false })
    );
    assert_eq!(server.rows("oauth_refresh_token").await, 0);
}

async fn withdrawn(backend: Backend) {
    let server = crate::server(backend).await;
    let (user, client, access) = consented(&server).await;

    let reply = server
        .post(
            "/oauth2/delete-consent",
            json!({ "client_id": client.0 }),
            Some(&user),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(server.rows("oauth_consent").await, 0);
    assert_eq!(
        introspect(&server, &client, &access).await.json,
        json!({ "active": false })
    );
    let query =
        serde_urlencoded::to_string(crate::authorization_code::request(&client.0, "openid"))
            .unwrap();
    let again = server
        .get(&format!("/oauth2/authorize?{query}"), Some(&user))
        .await;
    assert!(
        again
            .header("location")
            .unwrap()
            .contains("/oauth2/consent-page?"),
        "asks again"
    );
}

async fn others_consent(backend: Backend) {
    let server = crate::server(backend).await;
    let (user, client, access) = consented(&server).await;
    let id = server.get("/oauth2/get-consents", Some(&user)).await.json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let eve = server.sign_up("eve@example.com").await;

    let read = server
        .get(&format!("/oauth2/get-consent?id={id}"), Some(&eve))
        .await;
    let deleted = server
        .post("/oauth2/delete-consent", json!({ "id": id }), Some(&eve))
        .await;

    assert_eq!((read.status, read.text.as_str()), (401, ""));
    assert_eq!(deleted.status, 401);
    assert_eq!(server.rows("oauth_consent").await, 1);
    assert_eq!(
        introspect(&server, &client, &access).await.json["active"],
        true
    );
    let eves: Value = server.get("/oauth2/get-consents", Some(&eve)).await.json;
    assert_eq!(eves, json!([]));
}
