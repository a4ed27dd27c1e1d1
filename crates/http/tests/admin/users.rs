//! Managing users: list (search, filter, sort, pages), get, create, update, set-role,
//! remove, set-user-password.

use super::support::TestServer;
use super::{
    STANDARD_PASSWORD, admin, call, emails, is_signed_in, list_users, on_user, try_sign_in,
};
use crate::on_both;
use beep_store::Backend;
use serde_json::json;

/// An admin and three more users, signed up in this order.
async fn crowd(server: &TestServer) -> super::Session {
    let root = admin(server, "root@example.com").await;
    for email in [
        "Ada.Lovelace@example.com",
        "grace@navy.example",
        "alan@example.org",
    ] {
        server.sign_up(email).await;
    }
    root
}

async fn list_users_searches_regardless_of_case_and_pages_with_a_total(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = crowd(&server).await;

    let all = list_users(&server, "", &root).await;
    let found = list_users(&server, "searchValue=ADA&searchField=email", &root).await;
    let ending = list_users(&server, "searchValue=.org&searchOperator=ends_with", &root).await;
    let page = list_users(&server, "limit=2&offset=1", &root).await;
    let literal = list_users(&server, "searchValue=%25", &root).await;

    assert_eq!(all["total"], 4);
    assert_eq!(emails(&all)[0], "root@example.com", "oldest first");
    assert!(all.get("limit").is_none() && all.get("offset").is_none());
    assert_eq!(emails(&found), ["ada.lovelace@example.com"]);
    assert_eq!(found["total"], 1);
    assert_eq!(emails(&ending), ["alan@example.org"]);
    assert_eq!(
        emails(&page),
        ["ada.lovelace@example.com", "grace@navy.example"]
    );
    assert_eq!(
        (
            page["total"].clone(),
            page["limit"].clone(),
            page["offset"].clone()
        ),
        (json!(4), json!(2), json!(1))
    );
    assert_eq!(literal["total"], 0, "% is a character, not a wildcard");
}

async fn list_users_filters_and_sorts_on_user_fields(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = crowd(&server).await;

    let admins = list_users(&server, "filterField=role&filterValue=admin", &root).await;
    let others = list_users(
        &server,
        "filterField=email&filterOperator=not_in&filterValue=root@example.com,alan@example.org",
        &root,
    )
    .await;
    let unbanned = list_users(&server, "filterField=banned&filterValue=false", &root).await;
    let by_email = list_users(&server, "sortBy=email&sortDirection=desc", &root).await;

    assert_eq!(emails(&admins), ["root@example.com"]);
    assert_eq!(admins["users"][0]["role"], "admin");
    assert_eq!(
        emails(&others),
        ["ada.lovelace@example.com", "grace@navy.example"]
    );
    assert_eq!(unbanned["total"], 4);
    assert_eq!(
        emails(&by_email),
        [
            "root@example.com",
            "grace@navy.example",
            "alan@example.org",
            "ada.lovelace@example.com"
        ]
    );
}

async fn get_user_answers_the_user_or_404(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;

    let found = server
        .get(&format!("/admin/get-user?id={}", ada.user_id), Some(&root))
        .await;
    let missing = server
        .get("/admin/get-user?id=user_nobody", Some(&root))
        .await;

    assert_eq!(found.status, 200);
    assert_eq!(found.json["email"], "ada@example.com");
    assert_eq!(found.json["role"], "user");
    assert_eq!(found.json["banned"], false);
    assert_eq!(missing.error(), (404, "USER_NOT_FOUND".into()));
}

async fn create_user_makes_a_user_who_can_sign_in_with_a_personal_organization(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let sessions_before = server.rows("session").await;

    let created = call(
        &server,
        "create-user",
        json!({"email": "New@Example.com", "name": "New", "password": STANDARD_PASSWORD,
               "role": ["user"], "data": {"emailVerified": true}}),
        &root,
    )
    .await;

    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json["user"]["email"], "new@example.com");
    assert_eq!(created.json["user"]["role"], "user");
    assert_eq!(created.json["user"]["emailVerified"], true);
    let cookie = created.cookie_value("better-auth.session_token");
    assert!(
        cookie.is_none_or(|c| c == root.token_cookie),
        "the admin's client keeps the admin's session"
    );
    assert_eq!(server.rows("session").await, sessions_before);
    assert_eq!(
        server.rows("organization").await,
        2,
        "the new user got a personal organization"
    );
    assert_eq!(
        try_sign_in(&server, "new@example.com", STANDARD_PASSWORD)
            .await
            .0,
        200
    );
}

async fn create_user_refuses_a_taken_address_an_unknown_role_and_a_weak_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    server.sign_up("taken@example.com").await;
    let make = |body| call(&server, "create-user", body, &root);

    let taken = make(json!({"email": "TAKEN@example.com", "name": "T"})).await;
    let role = make(json!({"email": "r@example.com", "name": "R", "role": "superuser"})).await;
    let weak = make(json!({"email": "w@example.com", "name": "W", "password": "password"})).await;
    let extra =
        make(json!({"email": "x@example.com", "name": "X", "data": {"banned": true}})).await;

    assert_eq!(
        taken.error(),
        (400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL".into())
    );
    assert_eq!(
        role.error(),
        (400, "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE".into())
    );
    assert_eq!(weak.status, 400, "{}", weak.text);
    assert_eq!(extra.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(server.rows("user").await, 2, "nothing was created");
}

async fn update_user_changes_fields_and_refuses_what_it_must_not_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;
    server.sign_up("taken@example.com").await;
    let update = |data| {
        call(
            &server,
            "update-user",
            json!({"userId": ada.user_id, "data": data}),
            &root,
        )
    };

    let renamed = update(json!({"name": "Ada L.", "email": "ADA.L@example.com"})).await;
    let password = update(json!({"password": "Another-Long-Passphrase-9"})).await;
    let empty = update(json!({})).await;
    let taken = update(json!({"email": "taken@example.com"})).await;
    let id = update(json!({"id": "user_other"})).await;
    let unknown = update(json!({"favouriteColour": "green"})).await;
    let nobody = call(
        &server,
        "update-user",
        json!({"userId": "user_nobody", "data": {"name": "X"}}),
        &root,
    )
    .await;

    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(
        renamed.json["name"], "Ada L.",
        "the user itself, not {{user}}"
    );
    assert_eq!(renamed.json["email"], "ada.l@example.com");
    assert_eq!(
        renamed.json["emailVerified"], false,
        "a new address is unproven"
    );
    assert_eq!(
        password.error(),
        (400, "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER".into())
    );
    assert_eq!(empty.error(), (400, "NO_DATA_TO_UPDATE".into()));
    assert_eq!(
        taken.error(),
        (400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL".into())
    );
    assert_eq!(id.error(), (400, "USER_ID_CANNOT_BE_UPDATED".into()));
    assert_eq!(unknown.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(nobody.error(), (404, "USER_NOT_FOUND".into()));
    assert_eq!(
        try_sign_in(&server, "ada.l@example.com", STANDARD_PASSWORD)
            .await
            .0,
        200
    );
}

async fn set_role_accepts_known_roles_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;

    let unknown = call(
        &server,
        "set-role",
        json!({"userId": ada.user_id, "role": "owner"}),
        &root,
    )
    .await;
    let promoted = call(
        &server,
        "set-role",
        json!({"userId": ada.user_id, "role": ["admin", "user"]}),
        &root,
    )
    .await;
    let nobody = call(
        &server,
        "set-role",
        json!({"userId": "user_nobody", "role": "admin"}),
        &root,
    )
    .await;

    assert_eq!(
        unknown.error(),
        (400, "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE".into())
    );
    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(promoted.json["user"]["role"], "admin,user");
    assert_eq!(nobody.error(), (404, "USER_NOT_FOUND".into()));
    assert_eq!(
        server.get("/admin/list-users", Some(&ada)).await.status,
        200,
        "the session sees the new role"
    );
}

async fn remove_user_deletes_another_user_and_never_the_caller(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;

    let itself = on_user(&server, "remove-user", &root.user_id, &root).await;
    let removed = on_user(&server, "remove-user", &ada.user_id, &root).await;
    let again = on_user(&server, "remove-user", &ada.user_id, &root).await;

    assert_eq!(itself.error(), (400, "YOU_CANNOT_REMOVE_YOURSELF".into()));
    assert_eq!(removed.status, 200);
    assert_eq!(removed.json, json!({"success": true}));
    assert_eq!(again.error(), (404, "USER_NOT_FOUND".into()));
    assert!(!is_signed_in(&server, &ada).await);
    assert_eq!(server.rows("user").await, 1);
    assert!(is_signed_in(&server, &root).await);
}

async fn set_user_password_replaces_the_password_under_the_usual_rules(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;
    let new = "Another-Long-Passphrase-9";

    let weak = call(
        &server,
        "set-user-password",
        json!({"userId": ada.user_id, "newPassword": "short"}),
        &root,
    )
    .await;
    let empty = call(
        &server,
        "set-user-password",
        json!({"userId": ada.user_id, "newPassword": ""}),
        &root,
    )
    .await;
    let set = call(
        &server,
        "set-user-password",
        json!({"userId": ada.user_id, "newPassword": new}),
        &root,
    )
    .await;

    assert_eq!(weak.error(), (400, "PASSWORD_TOO_SHORT".into()));
    assert_eq!(empty.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.json, json!({"status": true}));
    assert_eq!(
        try_sign_in(&server, "ada@example.com", STANDARD_PASSWORD)
            .await
            .0,
        401
    );
    assert_eq!(try_sign_in(&server, "ada@example.com", new).await.0, 200);
}

on_both! {
    list_search => list_users_searches_regardless_of_case_and_pages_with_a_total,
    list_filter => list_users_filters_and_sorts_on_user_fields,
    get_user => get_user_answers_the_user_or_404,
    create_user => create_user_makes_a_user_who_can_sign_in_with_a_personal_organization,
    create_refusals => create_user_refuses_a_taken_address_an_unknown_role_and_a_weak_password,
    update_user => update_user_changes_fields_and_refuses_what_it_must_not_change,
    set_role => set_role_accepts_known_roles_only,
    remove_user => remove_user_deletes_another_user_and_never_the_caller,
    set_password => set_user_password_replaces_the_password_under_the_usual_rules,
}
