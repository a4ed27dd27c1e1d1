//! RFC 7591 dynamic registration: off by default; for signed-in users when on; for anyone
//! only when unauthenticated registration is on too, and then never for machine clients.
//! Refusals answer in RFC 7591's `{error, error_description}`.

use crate::oauth_error;
use crate::support::{Options, TestServer};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    registration_is_off_by_default => off_by_default,
    a_signed_in_user_registers_a_client => signed_in_registers,
    without_a_session_registration_needs_its_own_switch => needs_session,
    an_anonymous_client_registers_without_machine_grants => anonymous_registers,
    bad_metadata_answers_in_rfc_7591_shape => bad_metadata,
);

async fn server(backend: Backend, signed_in: bool, anyone: bool) -> TestServer {
    TestServer::with(
        backend,
        Options {
            oauth_registration: (signed_in, anyone),
            ..Options::default()
        },
    )
    .await
}

fn web() -> serde_json::Value {
    json!({ "client_name": "Dynamic", "redirect_uris": ["https://rp.example.com/cb"] })
}

async fn off_by_default(backend: Backend) {
    let server = server(backend, false, false).await;
    let user = server.sign_up("dcr-off@example.com").await;

    let reply = server.post("/oauth2/register", web(), Some(&user)).await;
    let discovery = server.get("/.well-known/openid-configuration", None).await;

    assert_eq!(oauth_error(&reply), (403, "access_denied".to_owned()));
    assert!(discovery.json.get("registration_endpoint").is_none());
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn signed_in_registers(backend: Backend) {
    let server = server(backend, true, false).await;
    let user = server.sign_up("dcr@example.com").await;

    let reply = server.post("/oauth2/register", web(), Some(&user)).await;
    let discovery = server.get("/.well-known/openid-configuration", None).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.json["user_id"], user.user_id.as_str());
    assert_eq!(reply.json["client_secret"].as_str().unwrap().len(), 32);
    assert_eq!(reply.json["client_secret_expires_at"], 0);
    assert_eq!(
        discovery.json["registration_endpoint"],
        format!("{}/api/auth/oauth2/register", server.base)
    );
}

async fn needs_session(backend: Backend) {
    let server = server(backend, true, false).await;

    let reply = server.post("/oauth2/register", web(), None).await;

    assert_eq!(oauth_error(&reply), (401, "invalid_token".to_owned()));
    assert_eq!(reply.header("www-authenticate").as_deref(), Some("Bearer"));
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn anonymous_registers(backend: Backend) {
    let server = server(backend, true, true).await;

    let public = server
        .post(
            "/oauth2/register",
            json!({
                "redirect_uris": ["http://127.0.0.1:7000/cb"],
                "application_type": "native",
                "token_endpoint_auth_method": "none",
            }),
            None,
        )
        .await;
    let machine = server
        .post(
            "/oauth2/register",
            json!({ "grant_types": ["client_credentials"] }),
            None,
        )
        .await;
    let scoped = server
        .post(
            "/oauth2/register",
            json!({ "grant_types": ["client_credentials"], "client_credentials_scopes": ["x"] }),
            None,
        )
        .await;

    assert_eq!(public.status, 201, "{}", public.text);
    assert!(public.json.get("user_id").is_none(), "no owner");
    assert!(public.json.get("client_secret").is_none());
    assert_eq!(
        oauth_error(&machine),
        (400, "invalid_client_metadata".to_owned())
    );
    assert_eq!(
        oauth_error(&scoped),
        (400, "invalid_client_metadata".to_owned())
    );
    assert_eq!(server.rows("oauth_client").await, 1);
}

async fn bad_metadata(backend: Backend) {
    let server = server(backend, true, true).await;

    let uris = server
        .post(
            "/oauth2/register",
            json!({ "redirect_uris": "https://rp.example.com/cb" }),
            None,
        )
        .await;
    let name = server
        .post(
            "/oauth2/register",
            json!({ "client_name": ["x"], "redirect_uris": [] }),
            None,
        )
        .await;
    let script = server
        .post(
            "/oauth2/register",
            json!({ "redirect_uris": ["javascript:alert(1)"] }),
            None,
        )
        .await;

    assert_eq!(
        oauth_error(&uris),
        (400, "invalid_redirect_uri".to_owned()),
        "{}",
        uris.text
    );
    assert_eq!(
        oauth_error(&name),
        (400, "invalid_client_metadata".to_owned()),
        "{}",
        name.text
    );
    assert_eq!(
        oauth_error(&script),
        (400, "invalid_redirect_uri".to_owned())
    );
    assert_eq!(server.rows("oauth_client").await, 0);
}
