//! Teams over HTTP: creating, listing, renaming and removing them, the active team, team
//! members, and team-level roles (a team admin manages their team and nothing else).

use crate::support::org::*;
use crate::support::*;
use beep_store::Backend;
use serde_json::{Value, json};

on_both!(
    owners_and_admins_create_teams_members_do_not => owners_and_admins_create_teams_members_do_not,
    team_members_are_added_once_and_only_from_the_organization => team_members_are_added_once_and_only_from_the_organization,
    the_active_team_is_one_the_caller_is_in => the_active_team_is_one_the_caller_is_in,
    removing_a_team_keeps_the_last_and_clears_sessions_acting_in_it => removing_a_team_keeps_the_last_and_clears_sessions_acting_in_it,
    removing_a_team_member_ends_their_active_team => removing_a_team_member_ends_their_active_team,
    a_team_admin_manages_their_team_and_nothing_else => a_team_admin_manages_their_team_and_nothing_else,
    has_permission_counts_team_roles_only_with_their_team => has_permission_counts_team_roles_only_with_their_team,
    listing_teams_and_their_members_needs_membership => listing_teams_and_their_members_needs_membership,
);

async fn new_team(server: &TestServer, who: &Session, org: &str, name: &str) -> Reply {
    server
        .post(
            "/organization/create-team",
            json!({ "name": name, "organizationId": org }),
            Some(who),
        )
        .await
}

async fn add(
    server: &TestServer,
    who: &Session,
    org: &str,
    team: &str,
    user: &str,
    role: Value,
) -> Reply {
    server
        .post(
            "/organization/add-team-member",
            json!({ "teamId": team, "userId": user, "organizationId": org, "role": role }),
            Some(who),
        )
        .await
}

async fn set_team(server: &TestServer, who: &Session, team: Value) -> Reply {
    server
        .post(
            "/organization/set-active-team",
            json!({ "teamId": team }),
            Some(who),
        )
        .await
}

async fn remove_team(server: &TestServer, org: &str, who: &Session, team: &str) -> Reply {
    server
        .post(
            "/organization/remove-team",
            json!({ "teamId": team, "organizationId": org }),
            Some(who),
        )
        .await
}

async fn user_id(server: &TestServer, client: &Session) -> String {
    session_of(server, client).await["userId"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn id(reply: &Reply) -> String {
    reply.json["id"].as_str().expect("an id").to_owned()
}

async fn owners_and_admins_create_teams_members_do_not(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let stranger = server.sign_up("stranger@example.com").await;

    let by_admin = new_team(&server, &crew.admin, &crew.org, "Platform").await;
    let by_member = new_team(&server, &crew.member, &crew.org, "Mine").await;
    let by_stranger = new_team(&server, &stranger, &crew.org, "Theirs").await;
    let renamed = server
        .post(
            "/organization/update-team",
            json!({ "teamId": id(&by_admin), "data": { "name": "Core", "organizationId": crew.org } }),
            Some(&crew.owner),
        )
        .await;
    let renamed_by_member = server
        .post(
            "/organization/update-team",
            json!({ "teamId": id(&by_admin), "data": { "name": "Mine", "organizationId": crew.org } }),
            Some(&crew.member),
        )
        .await;

    assert_eq!(by_admin.status, 200, "{}", by_admin.text);
    assert!(id(&by_admin).starts_with("team_"));
    assert_eq!(by_admin.json["name"], "Platform");
    assert_eq!(by_admin.json["organizationId"], json!(crew.org));
    assert!(by_admin.json["updatedAt"].is_string());
    assert_eq!(
        by_member.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION".into()
        )
    );
    assert_eq!(
        by_stranger.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION".into()
        ),
        "better-auth's code for a non-member here"
    );
    assert_eq!(renamed.json["name"], "Core");
    assert_eq!(
        renamed_by_member.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM".into())
    );
}

async fn team_members_are_added_once_and_only_from_the_organization(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let team = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let member = user_id(&server, &crew.member).await;
    let stranger = server.sign_up("stranger@example.com").await;
    let outsider = user_id(&server, &stranger).await;

    let by_member = add(
        &server,
        &crew.member,
        &crew.org,
        &team,
        &member,
        Value::Null,
    )
    .await;
    let added = add(
        &server,
        &crew.admin,
        &crew.org,
        &team,
        &member,
        json!("admin"),
    )
    .await;
    let again = add(
        &server,
        &crew.owner,
        &crew.org,
        &team,
        &member,
        json!("member"),
    )
    .await;
    let not_in_org = add(
        &server,
        &crew.owner,
        &crew.org,
        &team,
        &outsider,
        Value::Null,
    )
    .await;
    let bad_role = add(
        &server,
        &crew.owner,
        &crew.org,
        &team,
        &member,
        json!("owner"),
    )
    .await;
    let no_team = add(
        &server,
        &crew.owner,
        &crew.org,
        "team_nope",
        &member,
        Value::Null,
    )
    .await;

    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.json["teamId"], json!(team));
    assert_eq!(added.json["userId"], json!(member));
    assert_eq!(added.json["role"], "admin");
    assert_eq!(
        again.json["id"], added.json["id"],
        "the membership as it is"
    );
    assert_eq!(again.json["role"], "admin");
    assert_eq!(
        by_member.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER".into()
        ),
        "a member not in the team has no team role there"
    );
    assert_eq!(
        not_in_org.error(),
        (400, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION".into())
    );
    assert_eq!(bad_role.error(), (400, "ROLE_NOT_FOUND".into()));
    assert_eq!(bad_role.json["message"], "ROLE_NOT_FOUND: owner");
    assert_eq!(no_team.error(), (400, "TEAM_NOT_FOUND".into()));
}

async fn the_active_team_is_one_the_caller_is_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let team = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let owner = {
        let reply = server
            .post(
                "/organization/set-active",
                json!({ "organizationId": crew.org }),
                Some(&crew.owner),
            )
            .await;
        crew.owner.after(&reply)
    };

    let not_in_it = set_team(&server, &owner, json!(team)).await;
    add(
        &server,
        &owner,
        &crew.org,
        &team,
        &user_id(&server, &owner).await,
        Value::Null,
    )
    .await;
    let chosen = set_team(&server, &owner, json!(team)).await;
    let owner = owner.after(&chosen);
    let in_session = session_of(&server, &owner).await["activeTeamId"].clone();
    let cleared = set_team(&server, &owner, Value::Null).await;
    let owner = owner.after(&cleared);
    let unknown = set_team(&server, &owner, json!("team_nope")).await;

    assert_eq!(
        not_in_it.error(),
        (403, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM".into()),
        "owners too must be in the team"
    );
    assert_eq!(chosen.json["id"], json!(team));
    assert!(chosen.set_cookie("better-auth.session_data").is_some());
    assert_eq!(in_session, json!(team));
    assert_eq!(cleared.json, Value::Null);
    assert_eq!(
        session_of(&server, &owner).await["activeTeamId"],
        Value::Null
    );
    assert_eq!(unknown.error(), (400, "TEAM_NOT_FOUND".into()));
}

async fn removing_a_team_keeps_the_last_and_clears_sessions_acting_in_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = verified_person(&server, "ada@example.com").await;
    let created = create_org(&server, &ada, "acme").await;
    let org = id_of(&created);
    let ada = ada.after(&server.get("/get-session", Some(&ada)).await);
    let default_team = session_of(&server, &ada).await["activeTeamId"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob = member_with_role(&server, &ada, &org, "bob@example.com", "admin").await;
    let other = id(&new_team(&server, &ada, &org, "Other").await);

    let own_active = remove_team(&server, &org, &ada, &default_team).await;
    let last_but_one = remove_team(&server, &org, &bob, &default_team).await;
    let last = remove_team(&server, &org, &bob, &other).await;

    assert_eq!(
        own_active.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM".into()),
        "nobody removes the team their own session acts in"
    );
    assert_eq!(last_but_one.status, 200, "{}", last_but_one.text);
    assert_eq!(
        last_but_one.json,
        json!({ "message": "Team removed successfully." })
    );
    assert_eq!(last.error(), (400, "UNABLE_TO_REMOVE_LAST_TEAM".into()));
    assert_eq!(
        session_of(&server, &ada).await["activeTeamId"],
        Value::Null,
        "Ada's session acted in the removed team"
    );
}

async fn removing_a_team_member_ends_their_active_team(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let team = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let member = user_id(&server, &crew.member).await;
    add(&server, &crew.owner, &crew.org, &team, &member, Value::Null).await;
    let active = server
        .post(
            "/organization/set-active",
            json!({ "organizationId": crew.org }),
            Some(&crew.member),
        )
        .await;
    let member_session = crew.member.after(&active);
    let chosen = server
        .post(
            "/organization/set-active-team",
            json!({ "teamId": team }),
            Some(&member_session),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let body = json!({ "teamId": team, "userId": member, "organizationId": crew.org });

    let by_member = server
        .post(
            "/organization/remove-team-member",
            body.clone(),
            Some(&crew.member),
        )
        .await;
    let removed = server
        .post(
            "/organization/remove-team-member",
            body.clone(),
            Some(&crew.admin),
        )
        .await;
    let again = server
        .post("/organization/remove-team-member", body, Some(&crew.admin))
        .await;

    assert_eq!(
        by_member.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER".into())
    );
    assert_eq!(
        removed.json,
        json!({ "message": "Team member removed successfully." })
    );
    assert_eq!(
        again.error(),
        (400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM".into())
    );
    assert_eq!(
        session_of(&server, &member_session.after(&chosen)).await["activeTeamId"],
        Value::Null
    );
}

async fn a_team_admin_manages_their_team_and_nothing_else(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let platform = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let design = id(&new_team(&server, &crew.owner, &crew.org, "Design").await);
    let lead = member_with_role(
        &server,
        &crew.owner,
        &crew.org,
        "lead@example.com",
        "member",
    )
    .await;
    let lead_id = user_id(&server, &lead).await;
    let member = user_id(&server, &crew.member).await;
    add(
        &server,
        &crew.owner,
        &crew.org,
        &platform,
        &lead_id,
        json!("admin"),
    )
    .await;
    let role_body = |team: &str, user: &str, role: &str| json!({ "teamId": team, "userId": user, "organizationId": crew.org, "role": role });

    let adds = add(&server, &lead, &crew.org, &platform, &member, Value::Null).await;
    let promotes = server
        .post(
            "/organization/update-team-member-role",
            role_body(&platform, &member, "admin"),
            Some(&lead),
        )
        .await;
    let renames = server
        .post(
            "/organization/update-team",
            json!({ "teamId": platform, "data": { "name": "Platform Core", "organizationId": crew.org } }),
            Some(&lead),
        )
        .await;
    let other_team = add(&server, &lead, &crew.org, &design, &member, Value::Null).await;
    let deletes = server
        .post(
            "/organization/remove-team",
            json!({ "teamId": platform, "organizationId": crew.org }),
            Some(&lead),
        )
        .await;
    let invites = invite(&server, &lead, &crew.org, "x@example.com", json!("member")).await;
    let unknown_role = server
        .post(
            "/organization/update-team-member-role",
            role_body(&platform, &member, "wizard"),
            Some(&lead),
        )
        .await;

    assert_eq!(adds.status, 200, "{}", adds.text);
    assert_eq!(promotes.json["role"], "admin");
    assert_eq!(renames.json["name"], "Platform Core");
    assert_eq!(
        other_team.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER".into()
        ),
        "not their team"
    );
    assert_eq!(
        deletes.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION".into()
        ),
        "removing a team is for the organization's owners and admins"
    );
    assert_eq!(
        invites.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION".into()
        )
    );
    assert_eq!(unknown_role.error(), (400, "ROLE_NOT_FOUND".into()));
}

async fn has_permission_counts_team_roles_only_with_their_team(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let platform = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let design = id(&new_team(&server, &crew.owner, &crew.org, "Design").await);
    let member = user_id(&server, &crew.member).await;
    add(
        &server,
        &crew.owner,
        &crew.org,
        &platform,
        &member,
        json!("admin"),
    )
    .await;
    let ask = |team: Option<&str>| {
        let mut body = json!({ "organizationId": crew.org, "permissions": { "team": ["update"] } });
        if let Some(team) = team {
            body["teamId"] = json!(team);
        }
        body
    };

    let in_team = server
        .post(
            "/organization/has-permission",
            ask(Some(&platform)),
            Some(&crew.member),
        )
        .await;
    let other_team = server
        .post(
            "/organization/has-permission",
            ask(Some(&design)),
            Some(&crew.member),
        )
        .await;
    let no_team = server
        .post(
            "/organization/has-permission",
            ask(None),
            Some(&crew.member),
        )
        .await;
    let unknown_team = server
        .post(
            "/organization/has-permission",
            ask(Some("team_nope")),
            Some(&crew.member),
        )
        .await;

    assert_eq!(in_team.json["success"], true);
    assert_eq!(other_team.json["success"], false);
    assert_eq!(no_team.json["success"], false);
    assert_eq!(unknown_team.error(), (400, "TEAM_NOT_FOUND".into()));
}

async fn listing_teams_and_their_members_needs_membership(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let team = id(&new_team(&server, &crew.owner, &crew.org, "Platform").await);
    let member = user_id(&server, &crew.member).await;
    add(&server, &crew.owner, &crew.org, &team, &member, Value::Null).await;
    let stranger = server.sign_up("stranger@example.com").await;

    let teams = server
        .get(
            &format!("/organization/list-teams?organizationId={}", crew.org),
            Some(&crew.member),
        )
        .await;
    let foreign = server
        .get(
            &format!("/organization/list-teams?organizationId={}", crew.org),
            Some(&stranger),
        )
        .await;
    let members_by_member = server
        .get(
            &format!("/organization/list-team-members?teamId={team}"),
            Some(&crew.member),
        )
        .await;
    let members_by_admin = server
        .get(
            &format!("/organization/list-team-members?teamId={team}"),
            Some(&crew.admin),
        )
        .await;
    let no_active = server
        .get("/organization/list-team-members", Some(&crew.member))
        .await;
    let own_teams = server
        .get("/organization/list-user-teams", Some(&crew.member))
        .await;
    let theirs_by_admin = server
        .get(
            &format!(
                "/organization/list-user-teams?userId={member}&organizationId={}",
                crew.org
            ),
            Some(&crew.admin),
        )
        .await;
    let admin_id = user_id(&server, &crew.admin).await;
    let theirs_by_member = server
        .get(
            &format!(
                "/organization/list-user-teams?userId={admin_id}&organizationId={}",
                crew.org
            ),
            Some(&crew.member),
        )
        .await;

    assert_eq!(teams.json.as_array().unwrap().len(), 2);
    assert_eq!(
        foreign.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION".into()
        )
    );
    assert_eq!(members_by_member.json[0]["userId"], json!(member));
    assert_eq!(
        members_by_admin.error(),
        (400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM".into()),
        "only those in the team list it"
    );
    assert_eq!(
        no_active.error(),
        (400, "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM".into())
    );
    assert_eq!(own_teams.json.as_array().unwrap().len(), 1);
    assert_eq!(theirs_by_admin.json[0]["id"], json!(team));
    assert_eq!(
        theirs_by_member.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER".into())
    );
}
