//! Members over HTTP: listing, removing, roles and the last-owner rules, leaving, the active
//! member, permission checks (the owner/admin/member matrix), the session context these
//! change on every device of the member, and races on one organization.

use crate::support::org::*;
use crate::support::*;
use beep_store::Backend;
use serde_json::{Value, json};

on_both!(
    list_members_pages_sorts_and_filters_with_a_total => list_members_pages_sorts_and_filters_with_a_total,
    list_members_refuses_bad_queries_and_strangers => list_members_refuses_bad_queries_and_strangers,
    owners_and_admins_remove_members_by_id_or_email => owners_and_admins_remove_members_by_id_or_email,
    owners_are_removed_only_by_owners_and_never_the_last => owners_are_removed_only_by_owners_and_never_the_last,
    role_changes_follow_the_owner_rules => role_changes_follow_the_owner_rules,
    a_role_change_shows_in_the_members_sessions_at_once => a_role_change_shows_in_the_members_sessions_at_once,
    leaving_drops_the_organization_from_every_session => leaving_drops_the_organization_from_every_session,
    the_last_owner_and_a_personal_owner_cannot_leave => the_last_owner_and_a_personal_owner_cannot_leave,
    a_removed_member_loses_the_organization_on_every_device => a_removed_member_loses_the_organization_on_every_device,
    the_active_member_and_roles_are_read_by_members => the_active_member_and_roles_are_read_by_members,
    the_permission_matrix_is_better_auths => the_permission_matrix_is_better_auths,
    has_permission_answers_for_members_only => has_permission_answers_for_members_only,
    who_may_do_what_holds_at_every_route => who_may_do_what_holds_at_every_route,
    parallel_demotions_of_two_owners_leave_an_owner => parallel_demotions_of_two_owners_leave_an_owner,
    huge_page_sizes_are_capped_not_failed => huge_page_sizes_are_capped_not_failed,
    a_member_of_another_organization_is_not_found_whatever_their_role => a_member_of_another_organization_is_not_found_whatever_their_role,
    no_active_organization_means_no_active_member => no_active_organization_means_no_active_member,
    the_last_owner_of_a_shared_organization_cannot_delete_their_account => the_last_owner_of_a_shared_organization_cannot_delete_their_account,
);

async fn huge_page_sizes_are_capped_not_failed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;

    let members = server
        .get(
            &list_path(
                &crew.org,
                "limit=18446744073709551615&offset=9223372036854775808",
            ),
            Some(&crew.owner),
        )
        .await;
    let full = server
        .get(
            &format!("/organization/get-full-organization?organizationId={}&membersLimit=9223372036854775808", crew.org),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(members.status, 200, "{}", members.text);
    assert_eq!(
        members.json["members"],
        json!([]),
        "a page far past the end is empty"
    );
    assert_eq!(members.json["total"], 3);
    assert_eq!(full.status, 200, "{}", full.text);
    assert_eq!(full.json["members"].as_array().unwrap().len(), 3);
}

async fn a_member_of_another_organization_is_not_found_whatever_their_role(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let other = verified_person(&server, "solo@example.com").await;
    let elsewhere = id_of(&create_org(&server, &other, "elsewhere").await);
    let solo_owner = member_id(&server, &other, &elsewhere, "solo@example.com").await;
    let helper =
        member_with_role(&server, &other, &elsewhere, "helper@example.com", "member").await;
    let plain = member_id(&server, &other, &elsewhere, "helper@example.com").await;
    drop(helper);

    let pending = invite(
        &server,
        &other,
        &elsewhere,
        "pal@example.com",
        json!("member"),
    )
    .await;

    let an_owner = remove(&server, &crew.owner, &crew.org, &solo_owner).await;
    let a_member = remove(&server, &crew.owner, &crew.org, &plain).await;
    let promoted = set_role(&server, &crew.owner, &crew.org, &plain, json!("admin")).await;
    let canceled = server
        .post(
            "/organization/cancel-invitation",
            json!({ "invitationId": pending.json["id"] }),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(an_owner.error(), (400, "MEMBER_NOT_FOUND".into()));
    assert_eq!(
        a_member.error(),
        (400, "MEMBER_NOT_FOUND".into()),
        "the same answer"
    );
    assert_eq!(promoted.error(), (400, "MEMBER_NOT_FOUND".into()));
    assert_eq!(
        canceled.error(),
        (400, "INVITATION_NOT_FOUND".into()),
        "another organization's invitation is not there"
    );
}

async fn the_last_owner_of_a_shared_organization_cannot_delete_their_account(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let solo = verified_person(&server, "solo@example.com").await;
    let alone = id_of(&create_org(&server, &solo, "alone").await);
    let delete = |who: &Session| {
        let who = who.clone();
        let server = &server;
        async move {
            server
                .post("/delete-user", json!({ "password": PASSWORD }), Some(&who))
                .await
        }
    };

    let refused = delete(&crew.owner).await;
    let solo_deleted = delete(&solo).await;
    let owner = member_id(&server, &crew.owner, &crew.org, "admin-acme@example.com").await;
    set_role(&server, &crew.owner, &crew.org, &owner, json!("owner")).await;
    let handed_over = delete(&crew.owner).await;

    assert_eq!(
        refused.error(),
        (
            400,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER".into()
        )
    );
    assert_eq!(solo_deleted.status, 200, "{}", solo_deleted.text);
    let gone = beep_store::repos::organizations::find(
        server.db.store.conn(),
        &beep_domain::OrganizationId::unchecked(&alone),
    )
    .await
    .unwrap();
    assert!(gone.is_none(), "an organization of one goes with that one");
    assert_eq!(handed_over.status, 200, "{}", handed_over.text);
    assert_eq!(
        role_in_context(&server, &crew.admin, &crew.org)
            .await
            .as_deref(),
        Some("owner")
    );
}

fn list_path(org: &str, query: &str) -> String {
    format!("/organization/list-members?organizationId={org}&{query}")
}

fn emails(reply: &Reply) -> Vec<String> {
    reply.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"]["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn list_members_pages_sorts_and_filters_with_a_total(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;

    let page = server
        .get(
            &list_path(&crew.org, "limit=2&offset=1&sortBy=createdAt"),
            Some(&crew.member),
        )
        .await;
    let newest_first = server
        .get(
            &list_path(&crew.org, "sortBy=id&sortDirection=desc"),
            Some(&crew.owner),
        )
        .await;
    let admins = server
        .get(
            &list_path(&crew.org, "filterField=role&filterValue=admin"),
            Some(&crew.owner),
        )
        .await;
    let several = server
        .get(
            &list_path(
                &crew.org,
                "filterField=role&filterOperator=in&filterValue=owner&filterValue=member",
            ),
            Some(&crew.owner),
        )
        .await;
    let wildcard = server
        .get(
            &list_path(
                &crew.org,
                "filterField=role&filterOperator=contains&filterValue=%25",
            ),
            Some(&crew.owner),
        )
        .await;

    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json["total"], 3);
    assert_eq!(
        emails(&page),
        ["admin-acme@example.com", "member-acme@example.com"]
    );
    assert_eq!(
        emails(&newest_first),
        [
            "member-acme@example.com",
            "admin-acme@example.com",
            "owner-acme@example.com"
        ]
    );
    assert_eq!(emails(&admins), ["admin-acme@example.com"]);
    assert_eq!(
        admins.json["total"], 1,
        "the total counts the filtered members"
    );
    assert_eq!(several.json["total"], 2);
    assert_eq!(
        wildcard.json["total"], 0,
        "a % in a value matches a %: {}",
        wildcard.text
    );
}

async fn list_members_refuses_bad_queries_and_strangers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let stranger = server.sign_up("stranger@example.com").await;

    for query in [
        "filterField=password&filterValue=x",
        "filterField=role&filterOperator=like&filterValue=x",
        "filterField=createdAt&filterValue=yesterday",
        "filterField=role&filterOperator=in",
        "limit=lots",
        "sortBy=name",
        "sortDirection=up",
        "sortBy=id&sortBy=role",
        "filterField=createdAt&filterOperator=contains&filterValue=2026",
        "filterField=role&filterValue=a%00b",
    ] {
        let reply = server
            .get(&list_path(&crew.org, query), Some(&crew.owner))
            .await;
        assert_eq!(
            reply.error(),
            (400, "VALIDATION_ERROR".into()),
            "{query}: {}",
            reply.text
        );
    }
    let foreign = server.get(&list_path(&crew.org, ""), Some(&stranger)).await;
    let unknown_slug = server
        .get(
            "/organization/list-members?organizationSlug=nope",
            Some(&crew.owner),
        )
        .await;
    assert_eq!(
        foreign.error(),
        (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION".into())
    );
    assert_eq!(unknown_slug.error(), (400, "ORGANIZATION_NOT_FOUND".into()));
}

async fn remove(server: &TestServer, who: &Session, org: &str, target: &str) -> Reply {
    server
        .post(
            "/organization/remove-member",
            json!({ "memberIdOrEmail": target, "organizationId": org }),
            Some(who),
        )
        .await
}

async fn owners_and_admins_remove_members_by_id_or_email(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let extra = member_with_role(
        &server,
        &crew.owner,
        &crew.org,
        "extra@example.com",
        "member",
    )
    .await;
    let extra_id = member_id(&server, &crew.owner, &crew.org, "extra@example.com").await;

    let by_member = remove(&server, &crew.member, &crew.org, &extra_id).await;
    let by_admin = remove(&server, &crew.admin, &crew.org, "EXTRA@example.com").await;
    let again = remove(&server, &crew.owner, &crew.org, &extra_id).await;
    let by_owner = remove(&server, &crew.owner, &crew.org, "member-acme@example.com").await;

    assert_eq!(
        by_member.error(),
        (401, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER".into()),
        "better-auth denies this one with 401"
    );
    assert_eq!(by_admin.status, 200, "{}", by_admin.text);
    assert_eq!(by_admin.json["member"]["id"], json!(extra_id));
    assert_eq!(
        by_admin.json["member"]["user"]["email"],
        "extra@example.com"
    );
    assert_eq!(again.error(), (400, "MEMBER_NOT_FOUND".into()));
    assert_eq!(by_owner.status, 200);
    assert_eq!(
        server.rows("member").await,
        2 + 4,
        "owner and admin, and 4 personal ones"
    );
    assert!(session_of(&server, &extra).await["organizationContext"][&crew.org].is_null());
}

async fn owners_are_removed_only_by_owners_and_never_the_last(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let owner_id = member_id(&server, &crew.owner, &crew.org, "owner-acme@example.com").await;

    let by_admin = remove(&server, &crew.admin, &crew.org, &owner_id).await;
    let last = remove(&server, &crew.owner, &crew.org, &owner_id).await;
    let second = member_with_role(
        &server,
        &crew.owner,
        &crew.org,
        "second@example.com",
        "owner",
    )
    .await;
    let with_two = remove(&server, &second, &crew.org, &owner_id).await;

    assert_eq!(
        by_admin.error(),
        (
            400,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER".into()
        )
    );
    assert_eq!(
        last.error(),
        (
            400,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER".into()
        )
    );
    assert_eq!(with_two.status, 200, "{}", with_two.text);
}

async fn set_role(
    server: &TestServer,
    who: &Session,
    org: &str,
    member: &str,
    role: Value,
) -> Reply {
    server
        .post(
            "/organization/update-member-role",
            json!({ "memberId": member, "role": role, "organizationId": org }),
            Some(who),
        )
        .await
}

async fn role_changes_follow_the_owner_rules(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let owner = member_id(&server, &crew.owner, &crew.org, "owner-acme@example.com").await;
    let member = member_id(&server, &crew.owner, &crew.org, "member-acme@example.com").await;
    let admin = member_id(&server, &crew.owner, &crew.org, "admin-acme@example.com").await;

    let member_promotes_self =
        set_role(&server, &crew.member, &crew.org, &member, json!("admin")).await;
    let promoted = set_role(
        &server,
        &crew.admin,
        &crew.org,
        &member,
        json!(["admin", " member"]),
    )
    .await;
    let admin_makes_owner =
        set_role(&server, &crew.admin, &crew.org, &member, json!("owner")).await;
    let admin_touches_owner =
        set_role(&server, &crew.admin, &crew.org, &owner, json!("admin")).await;
    let last_owner_steps_down =
        set_role(&server, &crew.owner, &crew.org, &owner, json!("admin")).await;
    let unknown = set_role(
        &server,
        &crew.owner,
        &crew.org,
        &admin,
        json!("admin,wizard"),
    )
    .await;
    let empty = set_role(&server, &crew.owner, &crew.org, &admin, json!("")).await;
    let blank_list = set_role(&server, &crew.owner, &crew.org, &admin, json!([" , "])).await;
    let elsewhere = set_role(
        &server,
        &crew.owner,
        "org_elsewhere",
        &admin,
        json!("admin"),
    )
    .await;

    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(promoted.json["role"], "admin,member");
    assert_eq!(promoted.json["id"], json!(member));
    let not_allowed = (403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER".to_owned());
    assert_eq!(admin_makes_owner.error(), not_allowed);
    assert_eq!(admin_touches_owner.error(), not_allowed);
    assert_eq!(
        member_promotes_self.error(),
        not_allowed,
        "members change no roles"
    );
    assert_eq!(
        last_owner_steps_down.error(),
        (
            400,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER".into()
        )
    );
    assert_eq!(unknown.error(), (400, "ROLE_NOT_FOUND".into()));
    assert_eq!(unknown.json["message"], "ROLE_NOT_FOUND: wizard");
    assert_eq!(
        empty.error(),
        (400, "ROLE_NOT_FOUND".into()),
        "better-auth: no body"
    );
    assert_eq!(blank_list.error(), (400, "ROLE_NOT_FOUND".into()));
    assert_eq!(elsewhere.error(), (400, "MEMBER_NOT_FOUND".into()));
}

async fn a_role_change_shows_in_the_members_sessions_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let phone = server.sign_in("member-acme@example.com").await;
    assert_eq!(
        role_in_context(&server, &phone, &crew.org).await.as_deref(),
        Some("member")
    );
    let member = member_id(&server, &crew.owner, &crew.org, "member-acme@example.com").await;

    let changed = set_role(&server, &crew.owner, &crew.org, &member, json!("admin")).await;

    assert_eq!(changed.status, 200);
    for client in [&crew.member, &phone] {
        assert_eq!(
            role_in_context(&server, client, &crew.org).await.as_deref(),
            Some("admin"),
            "an older cookie cache is not believed"
        );
    }
}

async fn leave(server: &TestServer, who: &Session, org: &str) -> Reply {
    server
        .post(
            "/organization/leave",
            json!({ "organizationId": org }),
            Some(who),
        )
        .await
}

async fn leaving_drops_the_organization_from_every_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let set = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": crew.org }),
            Some(&crew.member),
        )
        .await;
    let member = crew.member.after(&set);
    let phone = server.sign_in("member-acme@example.com").await;

    let left = leave(&server, &member, &crew.org).await;
    let member = member.after(&left);

    assert_eq!(left.status, 200, "{}", left.text);
    assert_eq!(left.json["user"]["email"], "member-acme@example.com");
    assert_eq!(left.json["organizationId"], json!(crew.org));
    for client in [&member, &phone] {
        let session = session_of(&server, client).await;
        assert!(session["organizationContext"][&crew.org].is_null());
        assert_ne!(session["activeOrganizationId"], json!(crew.org));
        assert_eq!(session["activeTeamId"], Value::Null);
    }
    let teams = server
        .get(
            &format!("/organization/list-user-teams?organizationId={}", crew.org),
            Some(&crew.owner),
        )
        .await;
    assert_eq!(teams.status, 200);
    assert_eq!(
        server.rows("team_member").await,
        1,
        "only the owner is in a team"
    );
}

async fn the_last_owner_and_a_personal_owner_cannot_leave(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let personal = session_of(&server, &crew.owner).await["organizationContext"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, c)| c["isPersonal"] == true)
        .map(|(id, _)| id.clone())
        .unwrap();
    let stranger = server.sign_up("stranger@example.com").await;

    let last_owner = leave(&server, &crew.owner, &crew.org).await;
    let personal_owner = leave(&server, &crew.owner, &personal).await;
    let not_a_member = leave(&server, &stranger, &crew.org).await;

    assert_eq!(
        last_owner.error(),
        (
            400,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER".into()
        )
    );
    assert_eq!(
        personal_owner.error(),
        (400, "PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER".into())
    );
    assert_eq!(not_a_member.error(), (400, "MEMBER_NOT_FOUND".into()));
}

async fn a_removed_member_loses_the_organization_on_every_device(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let phone = server.sign_in("member-acme@example.com").await;
    let set = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": crew.org }),
            Some(&phone),
        )
        .await;
    let phone = phone.after(&set);

    let removed = remove(&server, &crew.owner, &crew.org, "member-acme@example.com").await;

    assert_eq!(removed.status, 200);
    for client in [&crew.member, &phone] {
        let session = session_of(&server, client).await;
        assert!(session["organizationContext"][&crew.org].is_null());
        let active = session["activeOrganizationId"].as_str().unwrap();
        assert_eq!(session["organizationContext"][active]["isPersonal"], true);
    }
    let reads = server.get(&list_path(&crew.org, ""), Some(&phone)).await;
    assert_eq!(
        reads.error(),
        (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION".into())
    );
}

async fn the_active_member_and_roles_are_read_by_members(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let admin_user = session_of(&server, &crew.admin).await["userId"].clone();

    let active = server
        .get("/organization/get-active-member", Some(&crew.owner))
        .await;
    let mine = server
        .get("/organization/get-active-member-role", Some(&crew.owner))
        .await;
    let theirs = server
        .get(
            &format!(
                "/organization/get-active-member-role?organizationId={}&userId={}",
                crew.org,
                admin_user.as_str().unwrap()
            ),
            Some(&crew.member),
        )
        .await;
    let stranger = server.sign_up("stranger@example.com").await;
    let not_member = server
        .get(
            &format!(
                "/organization/get-active-member-role?organizationId={}",
                crew.org
            ),
            Some(&stranger),
        )
        .await;

    assert_eq!(active.status, 200, "{}", active.text);
    assert_eq!(active.json["organizationId"], json!(crew.org));
    assert_eq!(active.json["role"], "owner");
    assert_eq!(active.json["user"]["email"], "owner-acme@example.com");
    assert_eq!(mine.json, json!({ "role": "owner" }));
    assert_eq!(theirs.json, json!({ "role": "admin" }));
    assert_eq!(
        not_member.error(),
        (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION".into())
    );
}

async fn may(server: &TestServer, who: &Session, org: &str, permissions: Value) -> Value {
    let reply = server
        .post(
            "/organization/has-permission",
            json!({ "organizationId": org, "permissions": permissions }),
            Some(who),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["error"], Value::Null);
    reply.json["success"].clone()
}

async fn the_permission_matrix_is_better_auths(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let cases: &[(&str, &str, [bool; 3])] = &[
        ("organization", "update", [true, true, false]),
        ("organization", "delete", [true, false, false]),
        ("member", "create", [true, true, false]),
        ("member", "update", [true, true, false]),
        ("member", "delete", [true, true, false]),
        ("invitation", "create", [true, true, false]),
        ("invitation", "cancel", [true, true, false]),
        ("team", "create", [true, true, false]),
        ("team", "update", [true, true, false]),
        ("team", "delete", [true, true, false]),
        ("ac", "read", [true, true, true]),
        ("ac", "create", [true, true, false]),
        ("billing", "read", [false, false, false]),
        ("member", "fly", [false, false, false]),
    ];

    for (resource, action, expected) in cases {
        for (who, allowed) in [&crew.owner, &crew.admin, &crew.member]
            .iter()
            .zip(expected)
        {
            assert_eq!(
                may(&server, who, &crew.org, json!({ *resource: [action] })).await,
                json!(allowed),
                "{resource}:{action}"
            );
        }
    }
    assert_eq!(
        may(&server, &crew.owner, &crew.org, json!({})).await,
        json!(false)
    );
    assert_eq!(
        may(
            &server,
            &crew.admin,
            &crew.org,
            json!({ "member": ["create"], "organization": ["delete"] })
        )
        .await,
        json!(false),
        "one role must grant the whole request"
    );
}

async fn has_permission_answers_for_members_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let stranger = server.sign_up("stranger@example.com").await;
    let ask = |body: Value| server.post("/organization/has-permission", body, Some(&crew.owner));

    let legacy =
        ask(json!({ "organizationId": crew.org, "permission": { "member": ["create"] } })).await;
    let both = ask(json!({ "permission": {}, "permissions": {} })).await;
    let neither = ask(json!({ "organizationId": crew.org })).await;
    let foreign = server
        .post(
            "/organization/has-permission",
            json!({ "organizationId": crew.org, "permissions": { "ac": ["read"] } }),
            Some(&stranger),
        )
        .await;

    assert_eq!(
        legacy.json["success"], true,
        "the older field name works too"
    );
    assert_eq!(
        (both.status, both.json["message"].as_str()),
        (
            400,
            Some("[body] Invalid input: more than one option matched")
        )
    );
    assert_eq!(neither.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(
        foreign.error(),
        (401, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION".into())
    );
}

/// Each route that needs a right, tried by a plain member and then by someone who has it.
async fn who_may_do_what_holds_at_every_route(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let invited = invite(
        &server,
        &crew.owner,
        &crew.org,
        "pal@example.com",
        json!("member"),
    )
    .await;
    let invitation = invited.json["id"].as_str().unwrap().to_owned();
    let org = crew.org.clone();
    let routes: Vec<(&str, Value, (u16, &str))> = vec![
        (
            "/organization/update",
            json!({ "organizationId": org, "data": { "name": "X" } }),
            (403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION"),
        ),
        (
            "/organization/invite-member",
            json!({ "organizationId": org, "email": "x@example.com", "role": "member" }),
            (
                403,
                "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
            ),
        ),
        (
            "/organization/cancel-invitation",
            json!({ "invitationId": invitation }),
            (403, "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION"),
        ),
        (
            "/organization/create-team",
            json!({ "organizationId": org, "name": "T" }),
            (
                403,
                "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION",
            ),
        ),
    ];

    for (path, body, denial) in routes {
        let by_member = server.post(path, body.clone(), Some(&crew.member)).await;
        let by_admin = server.post(path, body, Some(&crew.admin)).await;
        assert_eq!(by_member.error(), (denial.0, denial.1.to_owned()), "{path}");
        assert_eq!(by_admin.status, 200, "{path}: {}", by_admin.text);
    }
    let listed = server
        .get(
            &format!("/organization/list-invitations?organizationId={org}"),
            Some(&crew.member),
        )
        .await;
    assert_eq!(
        listed.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS".into())
    );
}

async fn parallel_demotions_of_two_owners_leave_an_owner(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = verified_person(&server, "ada@example.com").await;
    let org = id_of(&create_org(&server, &ada, "acme").await);
    let bob = member_with_role(&server, &ada, &org, "bob@example.com", "owner").await;
    let ada_id = member_id(&server, &ada, &org, "ada@example.com").await;
    let bob_id = member_id(&server, &ada, &org, "bob@example.com").await;

    let attempts = (0..20).map(|i| {
        let (who, target) = if i % 2 == 0 {
            (&ada, &bob_id)
        } else {
            (&bob, &ada_id)
        };
        let server = &server;
        let org = &org;
        async move { set_role(server, who, org, target, json!("member")).await }
    });
    let replies = futures::future::join_all(attempts).await;

    for reply in &replies {
        assert!(
            [200, 400, 403].contains(&reply.status),
            "no 500 under the race: {} {}",
            reply.status,
            reply.text
        );
    }
    assert!(
        replies.iter().any(|r| r.status == 200),
        "one demotion goes through"
    );
    let owners = server
        .get(
            &list_path(&org, "filterField=role&filterValue=owner"),
            Some(&ada),
        )
        .await;
    let remaining = if owners.status == 200 {
        owners.json["total"].as_u64().unwrap()
    } else {
        server
            .get(
                &list_path(&org, "filterField=role&filterValue=owner"),
                Some(&bob),
            )
            .await
            .json["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(remaining, 1, "exactly one owner is left");
}

async fn no_active_organization_means_no_active_member(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let cleared = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": null }),
            Some(&ada),
        )
        .await;
    let ada = ada.after(&cleared);

    let member = server
        .get("/organization/get-active-member", Some(&ada))
        .await;
    let role = server
        .get("/organization/get-active-member-role", Some(&ada))
        .await;
    let listed = server.get("/organization/list-members", Some(&ada)).await;
    let asked = server
        .post(
            "/organization/has-permission",
            json!({ "permissions": { "ac": ["read"] } }),
            Some(&ada),
        )
        .await;

    for reply in [&member, &role, &listed, &asked] {
        assert_eq!(
            reply.error(),
            (400, "NO_ACTIVE_ORGANIZATION".into()),
            "{}",
            reply.text
        );
    }
}
