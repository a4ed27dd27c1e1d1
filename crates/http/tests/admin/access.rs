//! Who may call the admin API: no session is 401 with an empty body, a user without an admin
//! role is refused with the action's code, and has-permission answers for the caller.

use super::support::{Options, TestServer};
use super::{admin, call};
use crate::on_both;
use beep_domain::UserId;
use beep_store::Backend;
use serde_json::json;

/// Every POST route with a body it would accept, and the code a non-admin gets.
const REFUSALS: &[(&str, &str)] = &[
    ("create-user", "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS"),
    ("update-user", "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS"),
    ("set-role", "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE"),
    ("ban-user", "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"),
    ("unban-user", "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"),
    (
        "list-user-sessions",
        "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS",
    ),
    (
        "revoke-user-session",
        "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS",
    ),
    (
        "revoke-user-sessions",
        "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS",
    ),
    ("remove-user", "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS"),
    (
        "set-user-password",
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD",
    ),
    (
        "impersonate-user",
        "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS",
    ),
];

fn body_for(route: &str, user_id: &str) -> serde_json::Value {
    match route {
        "create-user" => {
            json!({"email": "new@example.com", "name": "New", "password": super::STANDARD_PASSWORD})
        }
        "update-user" => json!({"userId": user_id, "data": {"name": "Renamed"}}),
        "set-role" => json!({"userId": user_id, "role": "admin"}),
        "revoke-user-session" => json!({"sessionToken": "sess_x"}),
        "set-user-password" => {
            json!({"userId": user_id, "newPassword": "Another-Long-Passphrase-9"})
        }
        _ => json!({"userId": user_id}),
    }
}

async fn without_a_session_every_route_is_401_with_an_empty_body(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.sign_up("someone@example.com").await;

    for (route, _) in REFUSALS {
        let reply = server
            .post(
                &format!("/admin/{route}"),
                body_for(route, &user.user_id),
                None,
            )
            .await;
        assert_eq!((reply.status, reply.text.as_str()), (401, ""), "{route}");
    }
    for path in ["/admin/list-users", "/admin/get-user?id=x"] {
        let reply = server.get(path, None).await;
        assert_eq!((reply.status, reply.text.as_str()), (401, ""), "{path}");
    }
    let stop = server
        .post("/admin/stop-impersonating", json!({}), None)
        .await;
    assert_eq!((stop.status, stop.text.as_str()), (401, ""));
}

async fn a_user_without_an_admin_role_is_refused_with_the_actions_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let plain = server.sign_up("plain@example.com").await;
    let other = server.sign_up("other@example.com").await;

    for (route, code) in REFUSALS {
        let reply = call(&server, route, body_for(route, &other.user_id), &plain).await;
        assert_eq!(
            reply.error(),
            (403, (*code).to_owned()),
            "{route}: {}",
            reply.text
        );
    }
    let list = server.get("/admin/list-users", Some(&plain)).await;
    let get = server
        .get(
            &format!("/admin/get-user?id={}", other.user_id),
            Some(&plain),
        )
        .await;

    assert_eq!(
        list.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS".into())
    );
    assert_eq!(list.json["message"], "You are not allowed to list users");
    assert_eq!(get.error(), (403, "YOU_ARE_NOT_ALLOWED_TO_GET_USER".into()));
    assert_eq!(server.rows("user").await, 2, "nothing was created");
    assert!(
        super::is_signed_in(&server, &other).await,
        "nothing was revoked"
    );
}

async fn a_demoted_admin_loses_access_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let deputy = admin(&server, "deputy@example.com").await;
    assert_eq!(
        server.get("/admin/list-users", Some(&deputy)).await.status,
        200
    );

    let demoted = call(
        &server,
        "set-role",
        json!({"userId": deputy.user_id, "role": "user"}),
        &root,
    )
    .await;

    assert_eq!(demoted.status, 200, "{}", demoted.text);
    assert_eq!(demoted.json["user"]["role"], "user");
    assert_eq!(
        server.get("/admin/list-users", Some(&deputy)).await.status,
        403
    );
}

async fn has_permission_answers_for_the_caller(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let plain = server.sign_up("plain@example.com").await;
    let ask = |session, permissions| {
        let server = &server;
        async move {
            let reply = call(
                server,
                "has-permission",
                json!({ "permissions": permissions }),
                session,
            )
            .await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            assert!(reply.json["error"].is_null());
            reply.json["success"].as_bool().unwrap()
        }
    };

    assert!(
        ask(
            &root,
            json!({"user": ["ban", "list"], "session": ["revoke"]})
        )
        .await
    );
    assert!(!ask(&root, json!({"user": ["impersonate-admins"]})).await);
    assert!(!ask(&root, json!({"user": ["fly"]})).await);
    assert!(!ask(&root, json!({"user": []})).await);
    assert!(!ask(&plain, json!({"user": ["list"]})).await);
    // The body cannot ask on someone else's behalf.
    let borrowed = call(
        &server,
        "has-permission",
        json!({"permissions": {"user": ["list"]}, "userId": root.user_id, "role": "admin"}),
        &plain,
    )
    .await;
    assert_eq!(borrowed.json["success"], false);
    let neither = call(&server, "has-permission", json!({}), &root).await;
    assert_eq!(neither.error(), (400, "VALIDATION_ERROR".into()));
}

async fn a_listed_admin_user_may_do_everything(backend: Backend) {
    // The operator lists an id; the user with it is stored here directly, with a password.
    let listed = UserId::generate();
    let mut options = Options::default();
    options.admin.admin_user_ids = vec![listed.clone()];
    let server = TestServer::with(backend, options).await;
    store_user_with_password(&server, &listed, "listed@example.com").await;
    let session = server.sign_in("listed@example.com").await;

    let reply = call(
        &server,
        "has-permission",
        json!({"permissions": {"user": ["impersonate-admins", "list"]}}),
        &session,
    )
    .await;

    assert_eq!(reply.json["success"], true, "{}", reply.text);
    assert_eq!(
        server.get("/admin/list-users", Some(&session)).await.status,
        200
    );
}

async fn store_user_with_password(server: &TestServer, id: &UserId, email: &str) {
    use beep_domain::{
        Account, AccountId, Audit, CREDENTIAL_PROVIDER, Email, PlainPassword, Secret, User,
    };
    let now = server.auth.now();
    let user = User {
        id: id.clone(),
        name: "Listed".into(),
        email: Email::parse(email).unwrap(),
        email_verified: true,
        image: None,
        two_factor_enabled: false,
        role: User::DEFAULT_ROLE.into(),
        banned: false,
        ban_reason: None,
        ban_expires: None,
        audit: Audit::created(now, None),
    };
    let hash = server
        .auth
        .hasher()
        .hash(PlainPassword::normalized(super::STANDARD_PASSWORD))
        .await
        .unwrap();
    let account = Account {
        id: AccountId::generate(),
        account_id: id.to_string(),
        provider_id: CREDENTIAL_PROVIDER.into(),
        user_id: id.clone(),
        password_hash: Some(Secret::new(hash)),
        scope: None,
        audit: Audit::created(now, None),
    };
    let conn = server.db.store.conn();
    beep_store::repos::users::insert(conn, &user).await.unwrap();
    beep_store::repos::accounts::insert(conn, &account)
        .await
        .unwrap();
}

on_both! {
    no_session => without_a_session_every_route_is_401_with_an_empty_body,
    not_an_admin => a_user_without_an_admin_role_is_refused_with_the_actions_code,
    demotion => a_demoted_admin_loses_access_at_once,
    has_permission => has_permission_answers_for_the_caller,
    listed_admin => a_listed_admin_user_may_do_everything,
}
