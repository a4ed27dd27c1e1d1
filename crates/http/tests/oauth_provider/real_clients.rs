//! Real relying parties, not our own client code: npm `openid-client` (OpenID-certified)
//! and PyPI `authlib` discover the provider, take a `client_credentials` token, introspect
//! it, revoke it and see it inactive; and sign a user in with the authorization code flow
//! (PKCE, nonce, ID token validation by the library, userinfo, refresh rotation), each
//! accepting our answers unmodified.

use crate::machine_client;
use crate::support::TestServer;
use beep_store::Backend;
use serde_json::{Value, json};
use std::path::PathBuf;

crate::on_both!(
    openid_client_runs_client_credentials_with_basic => openid_client_basic,
    openid_client_discovers_by_rfc_8414_and_posts_its_secret => openid_client_rfc8414_post,
    authlib_runs_client_credentials_with_basic => authlib_basic,
    authlib_posts_its_secret => authlib_post,
    openid_client_signs_a_user_in_with_code_and_pkce => openid_client_code_flow,
    openid_client_signs_a_user_in_as_a_public_client => openid_client_public_code_flow,
    authlib_signs_a_user_in_with_code_and_pkce => authlib_code_flow,
    openid_client_signs_a_device_in_by_device_authorization => openid_client_device_flow,
);

const CALLBACK: &str = "https://rp.example.com/callback";

/// A signed-up user and a web client they registered for the code flow (public when
/// `public`): `(user, client_id, client_secret or "-")`.
async fn user_and_web_client(
    server: &TestServer,
    public: bool,
) -> (crate::support::Session, String, String) {
    let user = server.sign_up("ada@example.com").await;
    let mut body = json!({
        "client_name": "Reports",
        "redirect_uris": [CALLBACK],
        "grant_types": ["authorization_code", "refresh_token"],
    });
    if public {
        body["token_endpoint_auth_method"] = json!("none");
    }
    let reply = crate::create(server, &user, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.json["client_id"].as_str().unwrap().to_owned();
    let secret = reply.json["client_secret"]
        .as_str()
        .unwrap_or("-")
        .to_owned();
    (user, id, secret)
}

async fn openid_code_flow(server: &TestServer, public: bool) -> (Value, String) {
    let (user, id, secret) = user_and_web_client(server, public).await;
    let issuer = format!("{}/api/auth", server.base);
    let seen = run(
        PathBuf::from("node"),
        [
            "openid_code_flow.mjs",
            &issuer,
            &id,
            &secret,
            CALLBACK,
            &user.cookie_header(),
        ]
        .map(str::to_owned)
        .to_vec(),
    )
    .await;
    (seen, user.user_id)
}

fn assert_signed_in(seen: &Value, user_id: &str) {
    assert_eq!(seen["sub"], user_id, "{seen}");
    assert_eq!(seen["verified_sub"], user_id, "jose verified the signature");
    assert_eq!(seen["at_hash"], "string");
    assert_eq!(seen["auth_time"], "number");
    assert_eq!(seen["scope"], "openid profile email offline_access");
    assert_eq!(seen["userinfo"]["email"], "ada@example.com");
    assert_eq!(seen["userinfo"]["name"], "Test User");
    assert_eq!(
        seen["refreshed_scope"],
        "openid profile email offline_access"
    );
    assert_eq!(seen["refreshed_has_id_token"], true);
    assert_eq!(
        seen["reuse"], "invalid_grant",
        "the rotated-out token is refused"
    );
    assert_eq!(
        seen["after_reuse"], "invalid_grant",
        "and its family with it"
    );
}

async fn openid_client_code_flow(backend: Backend) {
    let server = crate::server(backend).await;

    let (seen, user_id) = openid_code_flow(&server, false).await;

    assert_signed_in(&seen, &user_id);
    assert_eq!(
        seen["consent_page"],
        format!("{}/api/auth/oauth2/consent-page", server.base)
    );
}

async fn openid_client_public_code_flow(backend: Backend) {
    let server = crate::server(backend).await;

    let (seen, user_id) = openid_code_flow(&server, true).await;

    assert_signed_in(&seen, &user_id);
}

async fn authlib_code_flow(backend: Backend) {
    let server = crate::server(backend).await;
    let (user, id, secret) = user_and_web_client(&server, false).await;
    let issuer = format!("{}/api/auth", server.base);
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");

    let seen = run(
        python,
        [
            "authlib_code_flow.py",
            &issuer,
            &id,
            &secret,
            CALLBACK,
            &user.cookie_header(),
        ]
        .map(str::to_owned)
        .to_vec(),
    )
    .await;

    assert_eq!(seen["sub"], user.user_id.as_str(), "{seen}");
    assert_eq!(seen["state_echoed"], true);
    assert_eq!(seen["scope"], "openid profile email offline_access");
    assert_eq!(seen["userinfo"]["email"], "ada@example.com");
    assert_eq!(seen["refreshed"], true);
}

pub(crate) fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/oidc_rp")
}

/// Runs `program args…` in `scripts/oidc_rp` off the async runtime: its one JSON line.
pub(crate) async fn run(program: PathBuf, args: Vec<String>) -> Value {
    let dir = scripts();
    assert!(
        dir.join("node_modules/openid-client").is_dir(),
        "run `npm ci` in scripts/oidc_rp first (test.sh does)"
    );
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&program)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|err| panic!("{}: {err}", program.display()))
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the client failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("not JSON: {stdout}"))
}

async fn openid_client(server: &TestServer, method: &str, algorithm: &str) -> Value {
    let admin = crate::admin(server, "rp@example.com").await;
    let auth = if method == "basic" {
        "client_secret_basic"
    } else {
        "client_secret_post"
    };
    let (id, secret) = machine_client(server, &admin, auth).await;
    let issuer = format!("{}/api/auth", server.base);
    run(
        PathBuf::from("node"),
        [
            "openid_client.mjs",
            &issuer,
            &id,
            &secret,
            method,
            algorithm,
        ]
        .map(str::to_owned)
        .to_vec(),
    )
    .await
}

async fn authlib(server: &TestServer, method: &str) -> Value {
    let admin = crate::admin(server, "authlib@example.com").await;
    let auth = if method == "basic" {
        "client_secret_basic"
    } else {
        "client_secret_post"
    };
    let (id, secret) = machine_client(server, &admin, auth).await;
    let issuer = format!("{}/api/auth", server.base);
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    run(
        python,
        ["authlib_client.py", &issuer, &id, &secret, method]
            .map(str::to_owned)
            .to_vec(),
    )
    .await
}

fn assert_saw_the_whole_life(seen: &Value, client_credentials_scope: &str) {
    assert_eq!(
        seen["token_type"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("bearer"),
        "{seen}"
    );
    assert_eq!(seen["scope"], client_credentials_scope);
    assert_eq!(seen["expires_in"], 3600);
    assert_eq!(seen["active"]["active"], true, "{seen}");
    assert_eq!(seen["active"]["scope"], client_credentials_scope);
    assert_eq!(seen["revoked"], json!({ "active": false }));
}

async fn openid_client_basic(backend: Backend) {
    let server = crate::server(backend).await;

    let seen = openid_client(&server, "basic", "oidc").await;

    assert_eq!(seen["issuer"], format!("{}/api/auth", server.base));
    assert_saw_the_whole_life(&seen, crate::REPORTS);
    assert_eq!(server.rows("oauth_access_token").await, 0, "revoked");
}

async fn openid_client_rfc8414_post(backend: Backend) {
    let server = crate::server(backend).await;

    let seen = openid_client(&server, "post", "oauth2").await;

    assert_saw_the_whole_life(&seen, crate::REPORTS);
}

async fn authlib_basic(backend: Backend) {
    let server = crate::server(backend).await;

    let seen = authlib(&server, "basic").await;

    assert_saw_the_whole_life(&seen, crate::REPORTS);
    assert_eq!(server.rows("oauth_access_token").await, 0, "revoked");
}

async fn authlib_post(backend: Backend) {
    let server = crate::server(backend).await;

    let seen = authlib(&server, "post").await;

    assert_saw_the_whole_life(&seen, crate::REPORTS);
}

async fn openid_client_device_flow(backend: Backend) {
    // openid-client wants a positive interval; its one poll comes after the approval.
    let server = TestServer::with(
        backend,
        crate::support::Options {
            device_interval_secs: 1,
            ..crate::support::Options::default()
        },
    )
    .await;
    let (user, id, _) = user_and_web_client(&server, true).await;
    let issuer = format!("{}/api/auth", server.base);

    let seen = run(
        PathBuf::from("node"),
        [
            "openid_device_flow.mjs",
            &issuer,
            &id,
            &user.cookie_header(),
        ]
        .map(str::to_owned)
        .to_vec(),
    )
    .await;

    assert_eq!(seen["opened"], "pending", "{seen}");
    assert_eq!(seen["approved"], true);
    assert_eq!(seen["sub"], user.user_id.as_str());
    assert_eq!(seen["scope"], "openid profile offline_access");
    assert_eq!(seen["has_refresh_token"], true);
    assert_eq!(seen["userinfo"]["name"], "Test User");
    assert_eq!(
        seen["verification_uri"],
        format!("{issuer}/oauth2/device-page")
    );
}
