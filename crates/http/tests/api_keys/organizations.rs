//! Keys owned by an organization: its owners make, list and manage them; an admin, a
//! member or an outsider may not; such a key stands for no user's session.

use crate::support::TestServer;
use crate::support::org::{crew, verified_person};
use crate::{create, get_with_key, secret, server_with_key_sessions};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    an_owner_makes_and_lists_the_organizations_keys => owner_manages,
    an_admin_or_member_may_not_make_one => members_refused,
    an_outsider_is_not_a_member => outsider_refused,
    an_organizations_key_opens_no_session => no_session_for_org_key,
);

async fn owner_manages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "keys").await;

    let made = create(
        &server,
        &crew.owner,
        json!({ "name": "deploy", "organizationId": crew.org }),
    )
    .await;
    let listed = server
        .get(
            &format!("/api-key/list?organizationId={}", crew.org),
            Some(&crew.owner),
        )
        .await;
    let own = server.get("/api-key/list", Some(&crew.owner)).await;

    assert_eq!(made.status, 200, "{}", made.text);
    assert_eq!(made.json["referenceId"], crew.org.as_str());
    assert_eq!(listed.json["total"], 1, "{}", listed.text);
    assert_eq!(listed.json["apiKeys"][0]["id"], made.json["id"]);
    assert_eq!(own.json["total"], 0, "not among the owner's own keys");
}

async fn members_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "roles").await;
    let body = json!({ "organizationId": crew.org });

    let by_admin = create(&server, &crew.admin, body.clone()).await;
    let by_member = create(&server, &crew.member, body).await;
    let listed = server
        .get(
            &format!("/api-key/list?organizationId={}", crew.org),
            Some(&crew.member),
        )
        .await;

    assert_eq!(
        by_admin.error(),
        (403, "INSUFFICIENT_API_KEY_PERMISSIONS".into())
    );
    assert_eq!(
        by_member.error(),
        (403, "INSUFFICIENT_API_KEY_PERMISSIONS".into())
    );
    assert_eq!(
        listed.error(),
        (403, "INSUFFICIENT_API_KEY_PERMISSIONS".into())
    );
    assert_eq!(server.rows("apikey").await, 0);
}

async fn outsider_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "outside").await;
    let outsider = verified_person(&server, "outsider@example.com").await;
    let key = create(&server, &crew.owner, json!({ "organizationId": crew.org })).await;

    let made = create(&server, &outsider, json!({ "organizationId": crew.org })).await;
    let read = server
        .get(
            &format!("/api-key/get?id={}", key.json["id"].as_str().unwrap()),
            Some(&outsider),
        )
        .await;
    let bogus = create(&server, &outsider, json!({ "organizationId": "nope" })).await;

    assert_eq!(
        made.error(),
        (403, "USER_NOT_MEMBER_OF_ORGANIZATION".into())
    );
    assert_eq!(read.status, 403, "{}", read.text);
    assert_eq!(
        bogus.error(),
        (403, "USER_NOT_MEMBER_OF_ORGANIZATION".into())
    );
    assert_eq!(server.rows("apikey").await, 1);
}

async fn no_session_for_org_key(backend: Backend) {
    let server = server_with_key_sessions(backend).await;
    let crew = crew(&server, "sessionless").await;
    let made = create(&server, &crew.owner, json!({ "organizationId": crew.org })).await;

    let reply = get_with_key(&server, "/get-session", secret(&made.json)).await;

    assert_eq!(
        reply.error(),
        (401, "INVALID_REFERENCE_ID_FROM_API_KEY".into())
    );
}
