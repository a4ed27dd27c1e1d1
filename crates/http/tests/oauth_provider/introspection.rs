//! Introspection (RFC 7662) and revocation (RFC 7009): a client learns about and ends only
//! its own tokens; unknown tokens are inactive, and revoking one is not an error.

use crate::support::TestServer;
use crate::{REPORTS, basic, form, introspect, machine_client, oauth_error, token_for};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    an_active_token_introspects_with_its_claims => active_claims,
    another_clients_token_is_inactive => other_clients_token,
    an_unknown_token_is_inactive => unknown_token,
    introspection_needs_a_confidential_client => needs_confidential_client,
    a_revoked_token_is_inactive => revoked_token,
    revoking_another_clients_token_changes_nothing => revoke_other_clients,
    a_disabled_client_is_refused_and_its_tokens_inactive => disabled_client,
);

async fn access_token(server: &TestServer, client: &(String, String)) -> String {
    let reply = token_for(server, client, Some(REPORTS)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["access_token"].as_str().unwrap().to_owned()
}

async fn active_claims(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "intro@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &client).await;

    let reply = introspect(&server, &client, &token).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["active"], true);
    assert_eq!(reply.json["client_id"], client.0.as_str());
    assert_eq!(reply.json["azp"], client.0.as_str());
    assert_eq!(reply.json["scope"], REPORTS);
    assert_eq!(reply.json["token_type"], "Bearer");
    assert_eq!(reply.json["iss"], format!("{}/api/auth", server.base));
    assert!(
        reply.json.get("sub").is_none(),
        "no user behind client_credentials"
    );
    let (iat, exp) = (
        reply.json["iat"].as_i64().unwrap(),
        reply.json["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
}

async fn other_clients_token(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "two@example.com").await;
    let mine = machine_client(&server, &admin, "client_secret_basic").await;
    let theirs = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &theirs).await;

    let reply = introspect(&server, &mine, &token).await;

    assert_eq!(reply.json, json!({ "active": false }));
}

async fn unknown_token(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "unknown@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;

    let reply = introspect(&server, &client, "not-a-token-we-issued").await;
    let revoked = form(
        &server,
        "/oauth2/revoke",
        &[("token", "not-a-token")],
        Some(&basic(&client.0, &client.1)),
    )
    .await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json, json!({ "active": false }));
    assert_eq!(revoked.status, 200, "RFC 7009 §2.2: {}", revoked.text);
}

async fn needs_confidential_client(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "conf@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &client).await;

    let anonymous = form(&server, "/oauth2/introspect", &[("token", &token)], None).await;
    let id_only = form(
        &server,
        "/oauth2/introspect",
        &[("token", &token), ("client_id", &client.0)],
        None,
    )
    .await;
    let no_token = form(
        &server,
        "/oauth2/introspect",
        &[],
        Some(&basic(&client.0, &client.1)),
    )
    .await;

    assert_eq!(oauth_error(&anonymous), (401, "invalid_client".to_owned()));
    assert_eq!(
        anonymous.json["error_description"],
        "missing required credentials"
    );
    assert_eq!(oauth_error(&id_only), (401, "invalid_client".to_owned()));
    assert_eq!(oauth_error(&no_token), (400, "invalid_request".to_owned()));
}

async fn revoked_token(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "revoke@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &client).await;

    let revoked = form(
        &server,
        "/oauth2/revoke",
        &[("token", &token)],
        Some(&basic(&client.0, &client.1)),
    )
    .await;
    let after = introspect(&server, &client, &token).await;

    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.text, "");
    assert_eq!(after.json, json!({ "active": false }));
    assert_eq!(server.rows("oauth_access_token").await, 0);
}

async fn revoke_other_clients(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "other-revoke@example.com").await;
    let mine = machine_client(&server, &admin, "client_secret_basic").await;
    let theirs = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &theirs).await;

    let revoked = form(
        &server,
        "/oauth2/revoke",
        &[("token", &token)],
        Some(&basic(&mine.0, &mine.1)),
    )
    .await;
    let still = introspect(&server, &theirs, &token).await;

    assert_eq!(revoked.status, 200);
    assert_eq!(
        still.json["active"], true,
        "another client's token was revoked"
    );
}

async fn disabled_client(backend: Backend) {
    use beep_store::ConnectionTrait as _;
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "disabled@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let token = access_token(&server, &client).await;
    let other = machine_client(&server, &admin, "client_secret_basic").await;

    server
        .db
        .store
        .conn()
        .execute_unprepared(&format!(
            "UPDATE oauth_client SET disabled = true WHERE client_id = '{}'",
            client.0
        ))
        .await
        .unwrap();
    let token_reply = token_for(&server, &client, None).await;
    let own = introspect(&server, &client, &token).await;
    let by_other = introspect(&server, &other, &token).await;

    assert_eq!(
        oauth_error(&token_reply),
        (401, "invalid_client".to_owned())
    );
    assert_eq!(token_reply.json["error_description"], "client is disabled");
    assert_eq!(oauth_error(&own), (401, "invalid_client".to_owned()));
    assert_eq!(by_other.json, json!({ "active": false }));
}
