//! A user's sessions as an admin sees them: list, end one, end all.

use super::support::TestServer;
use super::{admin, call, is_signed_in, on_user};
use crate::on_both;
use beep_store::Backend;
use serde_json::json;

async fn an_admin_lists_and_ends_a_users_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let phone = server.sign_up("ada@example.com").await;
    let laptop = server.sign_in("ada@example.com").await;

    let listed = on_user(&server, "list-user-sessions", &phone.user_id, &root).await;
    let one = call(
        &server,
        "revoke-user-session",
        json!({"sessionToken": phone.handle}),
        &root,
    )
    .await;
    let after_one = on_user(&server, "list-user-sessions", &phone.user_id, &root).await;
    let unknown = call(
        &server,
        "revoke-user-session",
        json!({"sessionToken": "sess_unknown"}),
        &root,
    )
    .await;
    let all = on_user(&server, "revoke-user-sessions", &phone.user_id, &root).await;

    let handles: Vec<&str> = listed.json["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["token"].as_str().unwrap())
        .collect();
    assert_eq!(handles, [phone.handle.as_str(), laptop.handle.as_str()]);
    assert!(
        !listed.text.contains(&phone.secret_token()),
        "no session secret is shown"
    );
    assert_eq!(one.json, json!({"success": true}));
    assert_eq!(after_one.json["sessions"].as_array().unwrap().len(), 1);
    assert!(!is_signed_in(&server, &phone).await);
    assert_eq!(unknown.json, json!({"success": true}));
    assert_eq!(all.json, json!({"success": true}));
    assert!(!is_signed_in(&server, &laptop).await);
    assert!(
        is_signed_in(&server, &root).await,
        "the admin's own sessions stay"
    );
}

async fn an_unknown_user_has_no_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;

    let listed = on_user(&server, "list-user-sessions", "user_nobody", &root).await;
    let revoked = on_user(&server, "revoke-user-sessions", "' OR 1=1 --", &root).await;

    assert_eq!(listed.json, json!({"sessions": []}));
    assert_eq!(revoked.json, json!({"success": true}));
    assert!(is_signed_in(&server, &root).await);
}

on_both! {
    list_and_end => an_admin_lists_and_ends_a_users_sessions,
    unknown_user => an_unknown_user_has_no_sessions,
}
