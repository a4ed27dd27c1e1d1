//! Organizations over HTTP: create, check-slug, update, delete, set-active, get, get-full,
//! list; the session context those change; bad input. Shapes and codes as better-auth's
//! organization plugin answers them.

use crate::support::org::*;
use crate::support::*;
use beep_store::Backend;
use serde_json::{Value, json};

on_both!(
    creating_makes_the_caller_owner_with_a_team_and_acts_in_it => creating_makes_the_caller_owner_with_a_team_and_acts_in_it,
    keep_current_active_leaves_the_session_where_it_was => keep_current_active_leaves_the_session_where_it_was,
    a_taken_slug_is_refused_and_nothing_is_written => a_taken_slug_is_refused_and_nothing_is_written,
    check_slug_tells_a_free_slug_from_a_taken_one => check_slug_tells_a_free_slug_from_a_taken_one,
    without_a_session_each_route_answers_as_better_auth_does => without_a_session_each_route_answers_as_better_auth_does,
    bad_bodies_are_refused_before_the_session_is_looked_at => bad_bodies_are_refused_before_the_session_is_looked_at,
    updating_renames_in_every_members_session => updating_renames_in_every_members_session,
    only_owners_and_admins_update_and_slugs_stay_unique => only_owners_and_admins_update_and_slugs_stay_unique,
    deleting_removes_everything_of_it_in_one_go => deleting_removes_everything_of_it_in_one_go,
    only_the_owner_deletes_and_never_a_personal_organization => only_the_owner_deletes_and_never_a_personal_organization,
    set_active_switches_clears_and_refuses_strangers => set_active_switches_clears_and_refuses_strangers,
    get_and_get_full_show_the_organization_to_members_only => get_and_get_full_show_the_organization_to_members_only,
    list_shows_every_organization_of_the_caller => list_shows_every_organization_of_the_caller,
    names_and_slugs_with_unicode_and_sql_are_kept_verbatim => names_and_slugs_with_unicode_and_sql_are_kept_verbatim,
);

async fn creating_makes_the_caller_owner_with_a_team_and_acts_in_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;

    let created = server
        .post(
            "/organization/create",
            json!({ "name": "Acme", "slug": "acme", "metadata": { "plan": "gold" } }),
            Some(&ada),
        )
        .await;
    let ada = ada.after(&created);

    assert_eq!(created.status, 200, "{}", created.text);
    let org = &created.json;
    assert!(org["id"].as_str().unwrap().starts_with("org_"));
    assert_eq!(org["name"], "Acme");
    assert_eq!(org["slug"], "acme");
    assert_eq!(org["logo"], Value::Null);
    assert_eq!(org["metadata"], json!({ "plan": "gold" }), "an object here");
    assert_eq!(org["members"][0]["role"], "owner");
    assert_eq!(org["members"][0]["userId"], json!(ada.user_id));
    let session = session_of(&server, &ada).await;
    assert_eq!(session["activeOrganizationId"], org["id"]);
    let context = &session["organizationContext"][org["id"].as_str().unwrap()];
    assert_eq!(context["role"], "owner");
    assert_eq!(context["name"], "Acme");
    assert_eq!(context["isPersonal"], false);
    let teams = server.get("/organization/list-teams", Some(&ada)).await;
    assert_eq!(teams.json.as_array().unwrap().len(), 1);
    assert_eq!(teams.json[0]["name"], "Acme", "a default team of its name");
    assert_eq!(session["activeTeamId"], teams.json[0]["id"]);
}

async fn keep_current_active_leaves_the_session_where_it_was(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let personal = session_of(&server, &ada).await["activeOrganizationId"].clone();

    let created = server
        .post(
            "/organization/create",
            json!({ "name": "Side", "slug": "side", "keepCurrentActiveOrganization": true }),
            Some(&ada),
        )
        .await;

    assert_eq!(created.status, 200);
    let session = session_of(&server, &ada.after(&created)).await;
    assert_eq!(session["activeOrganizationId"], personal);
    assert_eq!(session["activeTeamId"], Value::Null);
    assert!(
        session["organizationContext"][created.json["id"].as_str().unwrap()].is_object(),
        "the context lists it all the same"
    );
}

async fn a_taken_slug_is_refused_and_nothing_is_written(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let bob = server.sign_up("bob@example.com").await;
    create_org(&server, &ada, "acme").await;
    let before = (
        server.rows("organization").await,
        server.rows("member").await,
    );

    let again = server
        .post(
            "/organization/create",
            json!({ "name": "Other", "slug": "acme" }),
            Some(&bob),
        )
        .await;

    assert_eq!(again.error(), (400, "ORGANIZATION_ALREADY_EXISTS".into()));
    assert_eq!(again.json["message"], "Organization already exists");
    assert_eq!(
        (
            server.rows("organization").await,
            server.rows("member").await
        ),
        before
    );
}

async fn check_slug_tells_a_free_slug_from_a_taken_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    create_org(&server, &ada, "acme").await;

    let taken = server
        .post(
            "/organization/check-slug",
            json!({ "slug": "acme" }),
            Some(&ada),
        )
        .await;
    let free = server
        .post(
            "/organization/check-slug",
            json!({ "slug": "Acme" }),
            Some(&ada),
        )
        .await;

    assert_eq!(
        taken.error(),
        (400, "ORGANIZATION_SLUG_ALREADY_TAKEN".into())
    );
    assert_eq!(
        free.json,
        json!({ "status": true }),
        "slugs are case-sensitive"
    );
}

async fn without_a_session_each_route_answers_as_better_auth_does(backend: Backend) {
    let server = TestServer::start(backend).await;
    let valid = |path: &str| match path {
        "/organization/create" => json!({ "name": "A", "slug": "a" }),
        "/organization/update" => json!({ "data": {} }),
        "/organization/delete" | "/organization/leave" => json!({ "organizationId": "org_x" }),
        "/organization/create-team" => json!({ "name": "T" }),
        "/organization/remove-team" => json!({ "teamId": "t", "organizationId": "org_x" }),
        "/organization/check-slug" => json!({ "slug": "a" }),
        _ => json!({}),
    };

    let unauthorized = json!({ "message": "Unauthorized", "code": "UNAUTHORIZED" });
    for (path, body) in [
        ("/organization/create", Value::Null),
        ("/organization/delete", Value::Null),
        ("/organization/create-team", Value::Null),
        ("/organization/remove-team", Value::Null),
        (
            "/organization/update",
            json!({ "message": "User not found" }),
        ),
        ("/organization/check-slug", unauthorized.clone()),
        ("/organization/leave", unauthorized.clone()),
    ] {
        let reply = server.post(path, valid(path), None).await;
        assert_eq!((reply.status, &reply.json), (401, &body), "{path}");
    }
    let listed = server.get("/organization/list", None).await;
    assert_eq!(listed.error(), (401, "UNAUTHORIZED".into()));
    let invitation = server
        .get("/organization/get-invitation?id=inv_x", None)
        .await;
    assert_eq!(invitation.json, json!({ "message": "Not authenticated" }));
    let mine = server
        .get("/organization/list-user-invitations", None)
        .await;
    assert_eq!(mine.status, 400);
    assert_eq!(
        mine.json["message"],
        "Missing session headers, or email query parameter."
    );
}

async fn bad_bodies_are_refused_before_the_session_is_looked_at(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let orgs_before = server.rows("organization").await;

    let missing = server
        .post("/organization/create", json!({ "name": "Acme" }), None)
        .await;
    let mistyped = server
        .post(
            "/organization/create",
            json!({ "name": 5, "slug": "x" }),
            Some(&ada),
        )
        .await;
    let empty = server
        .post(
            "/organization/create",
            json!({ "name": "", "slug": "" }),
            Some(&ada),
        )
        .await;
    let nested = server
        .post(
            "/organization/update",
            json!({ "data": { "name": false } }),
            Some(&ada),
        )
        .await;
    let not_json = server
        .send(
            server
                .http
                .post(server.url("/organization/create"))
                .header("origin", &server.base)
                .header("content-type", "application/json")
                .header("cookie", ada.cookie_header())
                .body("{\"name\": \"Acme\", "),
        )
        .await;
    let not_an_object = server
        .post("/organization/create", json!(["Acme"]), Some(&ada))
        .await;
    let nul = server
        .post(
            "/organization/create",
            json!({ "name": "A\u{0}B", "slug": "nul" }),
            Some(&ada),
        )
        .await;

    assert_eq!(missing.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(
        missing.json["message"],
        "[body.slug] Invalid input: expected string, received undefined"
    );
    assert_eq!(
        mistyped.json["message"],
        "[body.name] Invalid input: expected string, received number"
    );
    assert_eq!(
        empty.json["message"],
        "[body.name] Too small: expected string to have >=1 characters; \
         [body.slug] Too small: expected string to have >=1 characters"
    );
    assert_eq!(
        nested.json["message"],
        "[body.data.name] Invalid input: expected string, received boolean"
    );
    assert_eq!(not_json.error(), (400, "BAD_REQUEST".into()));
    assert_eq!(not_an_object.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(
        nul.json["message"],
        "[body.name] Invalid input: contains a NUL character"
    );
    assert_eq!(server.rows("organization").await, orgs_before);
}

async fn updating_renames_in_every_members_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let member_phone = server.sign_in("member-acme@example.com").await;

    let updated = server
        .post(
            "/organization/update",
            json!({
                "organizationId": crew.org,
                "data": { "name": "Acme Renamed", "logo": "https://cdn.example.com/a.png", "metadata": { "x": [1, 2] } },
            }),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["name"], "Acme Renamed");
    assert_eq!(updated.json["logo"], "https://cdn.example.com/a.png");
    assert_eq!(updated.json["metadata"], json!({ "x": [1, 2] }));
    for client in [&crew.owner, &crew.admin, &crew.member, &member_phone] {
        let context = session_of(&server, client).await["organizationContext"][&crew.org].clone();
        assert_eq!(
            context["name"], "Acme Renamed",
            "every member, every device"
        );
    }
}

async fn only_owners_and_admins_update_and_slugs_stay_unique(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    create_org(&server, &crew.owner, "taken").await;
    let stranger = server.sign_up("stranger@example.com").await;
    let change = |data: Value| json!({ "organizationId": crew.org, "data": data });

    let by_admin = server
        .post(
            "/organization/update",
            change(json!({ "slug": "acme-2" })),
            Some(&crew.admin),
        )
        .await;
    let by_member = server
        .post(
            "/organization/update",
            change(json!({ "name": "Mine" })),
            Some(&crew.member),
        )
        .await;
    let by_stranger = server
        .post(
            "/organization/update",
            change(json!({ "name": "Mine" })),
            Some(&stranger),
        )
        .await;
    let to_taken = server
        .post(
            "/organization/update",
            change(json!({ "slug": "taken" })),
            Some(&crew.owner),
        )
        .await;
    let to_own = server
        .post(
            "/organization/update",
            change(json!({ "slug": "acme-2" })),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(by_admin.json["slug"], "acme-2");
    assert_eq!(
        by_member.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION".into()
        )
    );
    assert_eq!(
        by_stranger.error(),
        (400, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION".into())
    );
    assert_eq!(
        to_taken.error(),
        (400, "ORGANIZATION_SLUG_ALREADY_TAKEN".into())
    );
    assert_eq!(to_own.status, 200, "its own slug is not taken");
}

async fn deleting_removes_everything_of_it_in_one_go(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let pending = invite(
        &server,
        &crew.owner,
        &crew.org,
        "later@example.com",
        json!("member"),
    )
    .await;
    assert_eq!(pending.status, 200);
    let before = (
        server.rows("member").await,
        server.rows("team").await,
        server.rows("team_member").await,
        server.rows("invitation").await,
    );

    let deleted = server
        .post(
            "/organization/delete",
            json!({ "organizationId": crew.org }),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.json["id"], json!(crew.org));
    assert_eq!(deleted.json["metadata"], Value::Null);
    let after = (
        server.rows("member").await,
        server.rows("team").await,
        server.rows("team_member").await,
        server.rows("invitation").await,
    );
    assert_eq!(
        after,
        (before.0 - 3, before.1 - 1, before.2 - 1, before.3 - 3),
        "its 3 members, 1 team, 1 team member and 3 invitations"
    );
    for client in [&crew.owner, &crew.admin, &crew.member] {
        let session = session_of(&server, client).await;
        assert!(session["organizationContext"][&crew.org].is_null());
        let active = session["activeOrganizationId"].as_str().unwrap();
        assert_eq!(
            session["organizationContext"][active]["isPersonal"], true,
            "back in the personal organization"
        );
        assert_eq!(session["activeTeamId"], Value::Null);
    }
}

async fn only_the_owner_deletes_and_never_a_personal_organization(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let personal = session_of(&server, &crew.member).await["organizationContext"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, c)| c["isPersonal"] == true)
        .map(|(id, _)| id.clone())
        .unwrap();
    let delete = |org: &str| json!({ "organizationId": org });

    let by_admin = server
        .post("/organization/delete", delete(&crew.org), Some(&crew.admin))
        .await;
    let own_personal = server
        .post(
            "/organization/delete",
            delete(&personal),
            Some(&crew.member),
        )
        .await;
    let missing_id = server
        .post("/organization/delete", delete(""), Some(&crew.owner))
        .await;

    assert_eq!(
        by_admin.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION".into()
        )
    );
    assert_eq!(
        own_personal.error(),
        (403, "PERSONAL_ORGANIZATION_CANNOT_BE_DELETED".into())
    );
    assert_eq!(missing_id.error(), (400, "ORGANIZATION_NOT_FOUND".into()));
    assert_eq!(server.rows("organization").await, 4, "nothing was deleted");
}

async fn set_active_switches_clears_and_refuses_strangers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let acme = id_of(&create_org(&server, &ada, "acme").await);
    let bob = server.sign_up("bob@example.com").await;
    let bobs = id_of(&create_org(&server, &bob, "bobs").await);

    let by_slug = server
        .post(
            "/organization/set-active",
            json!({ "organizationSlug": "acme" }),
            Some(&ada),
        )
        .await;
    let ada = ada.after(&by_slug);
    let cleared = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": null }),
            Some(&ada),
        )
        .await;
    let ada = ada.after(&cleared);
    let stranger = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": bobs }),
            Some(&ada),
        )
        .await;
    let unknown_slug = server
        .post(
            "/organization/set-active",
            json!({ "organizationSlug": "nope" }),
            Some(&ada),
        )
        .await;

    assert_eq!(by_slug.json["id"], json!(acme));
    assert!(by_slug.json["metadata"].is_null());
    assert!(
        by_slug.set_cookie("better-auth.session_data").is_some(),
        "fresh cookies"
    );
    assert_eq!(cleared.json, Value::Null);
    assert_eq!(
        session_of(&server, &ada).await["activeOrganizationId"],
        Value::Null
    );
    assert_eq!(
        stranger.error(),
        (403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION".into())
    );
    assert_eq!(unknown_slug.error(), (400, "ORGANIZATION_NOT_FOUND".into()));
    assert_eq!(
        session_of(&server, &ada).await["activeOrganizationId"],
        Value::Null,
        "a refused switch changes nothing"
    );
}

async fn get_and_get_full_show_the_organization_to_members_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    invite(
        &server,
        &crew.owner,
        &crew.org,
        "boss@example.com",
        json!("owner"),
    )
    .await;
    invite(
        &server,
        &crew.owner,
        &crew.org,
        "pal@example.com",
        json!("member"),
    )
    .await;
    let stranger = server.sign_up("stranger@example.com").await;
    let path = format!(
        "/organization/get-full-organization?organizationId={}",
        crew.org
    );

    let for_owner = server.get(&path, Some(&crew.owner)).await;
    let for_admin = server.get(&path, Some(&crew.admin)).await;
    let for_member = server.get(&path, Some(&crew.member)).await;
    let for_stranger = server.get(&path, Some(&stranger)).await;
    let by_slug = server
        .get(
            "/organization/get-organization?organizationSlug=acme",
            Some(&crew.member),
        )
        .await;
    let none_active = server
        .get("/organization/get-organization", Some(&stranger))
        .await;

    assert_eq!(for_owner.status, 200, "{}", for_owner.text);
    let members = for_owner.json["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    let mut user_keys: Vec<&String> = members[0]["user"].as_object().unwrap().keys().collect();
    user_keys.sort();
    assert_eq!(user_keys, ["email", "id", "image", "name"]);
    assert_eq!(for_owner.json["teams"].as_array().unwrap().len(), 1);
    assert_eq!(
        for_owner.json["invitations"].as_array().unwrap().len(),
        4,
        "the crew's two accepted ones, and two pending"
    );
    assert_eq!(
        for_admin.json["invitations"].as_array().unwrap().len(),
        3,
        "invitations as owner are the owners' business"
    );
    assert_eq!(for_member.json["invitations"], json!([]));
    assert_eq!(for_owner.json["metadata"], Value::Null);
    assert_eq!(
        for_stranger.error(),
        (403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION".into())
    );
    assert_eq!(by_slug.json["id"], json!(crew.org));
    assert!(
        none_active.json["id"].as_str().is_some(),
        "a new user acts in their personal organization"
    );
}

async fn list_shows_every_organization_of_the_caller(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    server
        .post(
            "/organization/create",
            json!({ "name": "Acme", "slug": "acme", "metadata": { "a": 1 } }),
            Some(&ada),
        )
        .await;
    let bob = server.sign_up("bob@example.com").await;
    create_org(&server, &bob, "bobs").await;

    let listed = server.get("/organization/list", Some(&ada)).await;

    let orgs = listed.json.as_array().unwrap();
    let slugs: Vec<&str> = orgs.iter().map(|o| o["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 2, "personal and Acme: {slugs:?}");
    assert!(slugs.contains(&"acme") && !slugs.contains(&"bobs"));
    let acme = orgs.iter().find(|o| o["slug"] == "acme").unwrap();
    assert_eq!(
        acme["metadata"], "{\"a\":1}",
        "text here, as better-auth sends it"
    );
}

async fn names_and_slugs_with_unicode_and_sql_are_kept_verbatim(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;

    let created = server
        .post(
            "/organization/create",
            json!({ "name": "Çafé 日本 '; DROP TABLE member; --", "slug": "x'--\"%_\\" }),
            Some(&ada),
        )
        .await;
    let spaced = server
        .post(
            "/organization/create",
            json!({ "name": "Fine", "slug": "has space" }),
            Some(&ada),
        )
        .await;
    let control = server
        .post(
            "/organization/create",
            json!({ "name": "Bell\u{7}", "slug": "bell" }),
            Some(&ada),
        )
        .await;

    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json["name"], "Çafé 日本 '; DROP TABLE member; --");
    let found = server
        .get(
            &format!(
                "/organization/get-organization?organizationSlug={}",
                beep_domain::uri::encode_uri_component("x'--\"%_\\")
            ),
            Some(&ada),
        )
        .await;
    assert_eq!(found.json["id"], created.json["id"]);
    assert_eq!(spaced.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(control.error(), (400, "VALIDATION_ERROR".into()));
    assert!(
        server.rows("member").await >= 2,
        "the member table is there"
    );
}
