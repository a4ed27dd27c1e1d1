//! `grant_type=client_credentials`: a machine client takes a token with the scopes an admin
//! gave it, authenticating exactly the way it registered; every refusal is RFC 6749's.

use crate::{REPORTS, basic, form, machine_client, oauth_error, token_for};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    a_basic_client_takes_a_token => basic_client_token,
    a_post_client_takes_a_token => post_client_token,
    the_token_is_stored_as_a_digest => token_digest_only,
    a_wrong_secret_is_refused_with_a_basic_challenge => wrong_secret,
    a_client_must_use_its_registered_method => registered_method,
    scopes_outside_the_clients_are_refused => scopes_refused,
    a_client_without_the_grant_is_unauthorized => grant_not_allowed,
    an_unknown_grant_is_unsupported => unknown_grant,
    the_token_lifetime_is_an_hour => lifetime,
    the_token_endpoint_allows_twenty_a_minute => rate_limited,
);

async fn basic_client_token(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "cc@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;

    let reply = token_for(&server, &client, Some(REPORTS)).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["token_type"], "Bearer");
    assert_eq!(reply.json["scope"], REPORTS);
    assert_eq!(reply.json["expires_in"], 3600);
    let token = reply.json["access_token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(reply.json.get("refresh_token").is_none());
    assert!(reply.json.get("id_token").is_none());
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(reply.header("pragma").as_deref(), Some("no-cache"));
}

async fn post_client_token(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "post@example.com").await;
    let (id, secret) = machine_client(&server, &admin, "client_secret_post").await;

    let reply = form(
        &server,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
        None,
    )
    .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json["scope"],
        format!("{REPORTS} reports:write"),
        "all of its scopes"
    );
}

async fn token_digest_only(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "digest-cc@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;

    let reply = token_for(&server, &client, None).await;
    let token = reply.json["access_token"].as_str().unwrap();
    let stored = crate::stored_text(
        &server,
        "oauth_access_token",
        &["token_digest", "client_id", "user_id", "scopes"],
    )
    .await;

    assert!(!stored.iter().any(|v| v.contains(token)));
    assert!(stored.contains(&beep_core::oauth_provider::credential_digest(token)));
    assert!(stored.contains(&client.0));
}

async fn wrong_secret(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "wrong@example.com").await;
    let (id, _) = machine_client(&server, &admin, "client_secret_basic").await;

    let reply = token_for(&server, &(id, "x".repeat(32)), None).await;
    let unknown = token_for(&server, &("nobody".to_owned(), "x".to_owned()), None).await;

    assert_eq!(oauth_error(&reply), (401, "invalid_client".to_owned()));
    assert_eq!(reply.json["error_description"], "invalid client_secret");
    assert_eq!(reply.header("www-authenticate").as_deref(), Some("Basic"));
    assert_eq!(oauth_error(&unknown), (401, "invalid_client".to_owned()));
    assert_eq!(server.rows("oauth_access_token").await, 0);
}

async fn registered_method(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "method@example.com").await;
    let (id, secret) = machine_client(&server, &admin, "client_secret_basic").await;

    let in_body = form(
        &server,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
        None,
    )
    .await;
    let both = form(
        &server,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_secret", &secret),
        ],
        Some(&basic(&id, &secret)),
    )
    .await;
    let no_client = form(
        &server,
        "/oauth2/token",
        &[("grant_type", "client_credentials")],
        None,
    )
    .await;

    assert_eq!(oauth_error(&in_body), (400, "invalid_client".to_owned()));
    assert_eq!(
        in_body.json["error_description"],
        "client registered for client_secret_basic cannot use client_secret_post"
    );
    assert_eq!(oauth_error(&both), (400, "invalid_request".to_owned()));
    assert_eq!(oauth_error(&no_client), (400, "invalid_request".to_owned()));
    assert_eq!(server.rows("oauth_access_token").await, 0);
}

async fn scopes_refused(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "scopes@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;

    let user_scope = token_for(&server, &client, Some("openid")).await;
    let unknown = token_for(&server, &client, Some("reports:read admin:all")).await;
    let empty = token_for(&server, &client, Some("")).await;

    assert_eq!(oauth_error(&user_scope), (400, "invalid_scope".to_owned()));
    assert_eq!(oauth_error(&unknown), (400, "invalid_scope".to_owned()));
    assert_eq!(
        unknown.json["error_description"],
        "The following scopes are invalid: admin:all"
    );
    assert_eq!(oauth_error(&empty), (400, "invalid_scope".to_owned()));
    assert_eq!(server.rows("oauth_access_token").await, 0);
}

async fn grant_not_allowed(backend: Backend) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("web@example.com").await;
    let made = crate::web_client(&server, &owner).await;
    let client = (
        made["client_id"].as_str().unwrap().to_owned(),
        made["client_secret"].as_str().unwrap().to_owned(),
    );

    let reply = token_for(&server, &client, None).await;

    assert_eq!(oauth_error(&reply), (400, "unauthorized_client".to_owned()));
}

async fn unknown_grant(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "grant@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;

    let password = form(
        &server,
        "/oauth2/token",
        &[("grant_type", "password")],
        Some(&basic(&client.0, &client.1)),
    )
    .await;
    let missing = form(
        &server,
        "/oauth2/token",
        &[],
        Some(&basic(&client.0, &client.1)),
    )
    .await;

    assert_eq!(
        oauth_error(&password),
        (400, "unsupported_grant_type".to_owned())
    );
    assert_eq!(oauth_error(&missing), (400, "invalid_request".to_owned()));
    assert_eq!(missing.json["error_description"], "grant_type is required");
}

async fn lifetime(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "life@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let reply = token_for(&server, &client, None).await;
    let token = reply.json["access_token"].as_str().unwrap().to_owned();

    server.clock.advance(chrono::Duration::minutes(59));
    let before = crate::introspect(&server, &client, &token).await;
    server.clock.advance(chrono::Duration::minutes(2));
    let after = crate::introspect(&server, &client, &token).await;

    assert_eq!(before.json["active"], true, "{}", before.text);
    assert_eq!(after.json, json!({ "active": false }));
}

async fn rate_limited(backend: Backend) {
    let server = crate::support::TestServer::with(
        backend,
        crate::support::Options {
            rate_limit: true,
            oauth_scopes: vec![REPORTS.to_owned()],
            ..crate::support::Options::default()
        },
    )
    .await;
    let client = (String::from("guess"), String::from("secret"));

    let mut statuses = Vec::new();
    for _ in 0..21 {
        statuses.push(token_for(&server, &client, None).await.status);
    }

    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[20], 429, "the 21st guess in a minute");
}
