//! Bad input to the admin routes: a clear 4xx, never a 500, and nothing changed.

use super::support::TestServer;
use super::{admin, call, list_users};
use crate::on_both;
use beep_store::Backend;
use serde_json::json;

async fn malformed_bodies_are_400_and_change_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;
    let ada = server.sign_up("ada@example.com").await;
    let bodies = [
        ("ban-user", json!({"userId": 7})),
        (
            "ban-user",
            json!({"userId": ada.user_id, "banExpiresIn": "soon"}),
        ),
        (
            "ban-user",
            json!({"userId": ada.user_id, "banExpiresIn": i64::MAX}),
        ),
        (
            "ban-user",
            json!({"userId": ada.user_id, "banReason": "x".repeat(2000)}),
        ),
        ("set-role", json!({"userId": ada.user_id, "role": 5})),
        ("set-role", json!({"userId": ada.user_id, "role": []})),
        (
            "update-user",
            json!({"userId": ada.user_id, "data": "name"}),
        ),
        (
            "update-user",
            json!({"userId": ada.user_id, "data": {"name": "a\u{0}b"}}),
        ),
        (
            "update-user",
            json!({"userId": ada.user_id, "data": {"banExpires": "tomorrow"}}),
        ),
        (
            "create-user",
            json!({"email": "not-an-address", "name": "X"}),
        ),
        ("create-user", json!({"email": "x@example.com", "name": ""})),
        (
            "create-user",
            json!({"email": "x@example.com", "name": "X", "role": ["user", 3]}),
        ),
        ("impersonate-user", json!([1, 2])),
        ("has-permission", json!({"permissions": {"user": "ban"}})),
    ];

    for (route, body) in bodies {
        let reply = call(&server, route, body.clone(), &root).await;
        assert_eq!(
            reply.status / 100,
            4,
            "{route} {body}: {} {}",
            reply.status,
            reply.text
        );
    }
    let raw = server
        .send(
            server
                .http
                .post(server.url("/admin/ban-user"))
                .header("origin", &server.base)
                .header("cookie", root.cookie_header())
                .header("content-type", "application/json")
                .body("{\"userId\":"),
        )
        .await;
    assert_eq!(raw.status, 400);
    let user = server
        .get(&format!("/admin/get-user?id={}", ada.user_id), Some(&root))
        .await;
    assert_eq!(user.json["banned"], false);
    assert_eq!(user.json["role"], "user");
    assert_eq!(user.json["name"], "Test User");
    assert_eq!(server.rows("user").await, 2);
}

async fn malformed_list_queries_are_400(backend: Backend) {
    let server = TestServer::start(backend).await;
    let root = admin(&server, "root@example.com").await;

    for query in [
        "limit=ten",
        "offset=-1",
        "offset=18446744073709551615",
        "sortBy=password",
        "sortDirection=sideways",
        "searchField=role&searchValue=a",
        "searchOperator=regex&searchValue=a",
        "filterField=createdAt&filterOperator=contains&filterValue=2",
        "filterField=banned&filterValue=maybe",
        "filterField=createdAt&filterValue=yesterday",
        "filterField=secret&filterValue=1",
        "filterOperator=between&filterValue=1",
        "filterValue=a&filterValue=b",
        "sortBy=a&sortBy=b",
        "searchValue=%00",
    ] {
        let reply = server
            .get(&format!("/admin/list-users?{query}"), Some(&root))
            .await;
        assert_eq!(
            reply.error(),
            (400, "VALIDATION_ERROR".into()),
            "{query}: {}",
            reply.text
        );
    }
    let odd = list_users(
        &server,
        "searchValue=%27%20OR%201%3D1%20--&filterField=name&filterValue=%E2%9C%93",
        &root,
    )
    .await;
    assert_eq!(odd["total"], 0);
}

on_both! {
    bodies => malformed_bodies_are_400_and_change_nothing,
    queries => malformed_list_queries_are_400,
}
