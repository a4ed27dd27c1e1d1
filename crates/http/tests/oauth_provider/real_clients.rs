//! Real relying parties, not our own client code: npm `openid-client` (OpenID-certified)
//! and PyPI `authlib` discover the provider, take a `client_credentials` token, introspect
//! it, revoke it and see it inactive, each accepting our answers unmodified.

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
);

fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/oidc_rp")
}

/// Runs `program args…` in `scripts/oidc_rp` off the async runtime: its one JSON line.
async fn run(program: PathBuf, args: Vec<String>) -> Value {
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
