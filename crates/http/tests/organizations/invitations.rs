//! Invitations over HTTP: the mail (through a real SMTP server) and its link, expiry with a
//! moved clock, resending, the invited and verified address, answering once (also under 20
//! parallel accepts), cancelling, and the lists.

use crate::support::mail::*;
use crate::support::org::*;
use crate::support::*;
use beep_store::Backend;
use chrono::Duration;
use serde_json::{Value, json};

on_both!(
    the_invitation_mail_carries_a_link_that_lets_the_invitee_join => the_invitation_mail_carries_a_link_that_lets_the_invitee_join,
    a_refused_invitation_writes_neither_invitation_nor_mail => a_refused_invitation_writes_neither_invitation_nor_mail,
    an_invitation_lapses_after_48_hours => an_invitation_lapses_after_48_hours,
    a_resend_renews_the_same_invitation_and_mails_it_again => a_resend_renews_the_same_invitation_and_mails_it_again,
    only_the_invited_verified_address_answers => only_the_invited_verified_address_answers,
    a_rejected_or_canceled_invitation_cannot_be_accepted => a_rejected_or_canceled_invitation_cannot_be_accepted,
    invite_rules_for_roles_members_and_teams => invite_rules_for_roles_members_and_teams,
    the_pending_limit_and_the_membership_limit_hold => the_pending_limit_and_the_membership_limit_hold,
    accepting_joins_the_invited_teams_and_acts_in_them => accepting_joins_the_invited_teams_and_acts_in_them,
    twenty_parallel_accepts_make_one_member => twenty_parallel_accepts_make_one_member,
    the_lists_show_who_may_see_what => the_lists_show_who_may_see_what,
    an_invitation_from_someone_no_longer_a_member_cannot_be_accepted => an_invitation_from_someone_no_longer_a_member_cannot_be_accepted,
    one_address_gets_at_most_five_invitation_mails_in_ten_minutes => one_address_gets_at_most_five_invitation_mails_in_ten_minutes,
);

async fn an_invitation_from_someone_no_longer_a_member_cannot_be_accepted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let grace = verified_person(&server, "grace@example.com").await;
    let invited = invite(
        &server,
        &crew.admin,
        &crew.org,
        "grace@example.com",
        json!("admin"),
    )
    .await;
    let admin = member_id(&server, &crew.owner, &crew.org, "admin-acme@example.com").await;
    server
        .post(
            "/organization/remove-member",
            json!({ "memberIdOrEmail": admin, "organizationId": crew.org }),
            Some(&crew.owner),
        )
        .await;

    let (accepted, _) = accept(&server, &grace, invited.json["id"].as_str().unwrap()).await;

    assert_eq!(
        accepted.error(),
        (
            400,
            "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION".into()
        )
    );
}

async fn one_address_gets_at_most_five_invitation_mails_in_ten_minutes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ada = verified_person(&server, "ada@example.com").await;
    let mut replies = Vec::new();
    for i in 0..6 {
        let org = id_of(&create_org(&server, &ada, &format!("org{i}")).await);
        replies.push(invite(&server, &ada, &org, "target@example.com", json!("member")).await);
    }

    assert!(replies[..5].iter().all(|r| r.status == 200));
    assert_eq!(replies[5].status, 429, "{}", replies[5].text);
    assert!(replies[5].header("x-retry-after").is_some());
    assert_eq!(
        server.rows("invitation").await,
        5,
        "no invitation without its mail"
    );
}

async fn answer(server: &TestServer, path: &str, who: &Session, id: &str) -> Reply {
    server
        .post(path, json!({ "invitationId": id }), Some(who))
        .await
}

async fn send(server: &TestServer, who: &Session, body: Value) -> Reply {
    server
        .post("/organization/invite-member", body, Some(who))
        .await
}

async fn the_invitation_mail_carries_a_link_that_lets_the_invitee_join(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let grace = verified_person(&server, "grace@example.com").await;
    let grace_phone = server.sign_in("grace@example.com").await;

    let invited = invite(&server, &owner, &org, "Grace@Example.com", json!("admin")).await;
    let link = link_in_mail(&sink, "grace@example.com", 2, "/accept-invitation/").await;
    let id = link.rsplit('/').next().unwrap().to_owned();
    let (accepted, grace) = accept(&server, &grace, &id).await;

    assert_eq!(invited.status, 200, "{}", invited.text);
    assert_eq!(invited.json["email"], "grace@example.com");
    assert_eq!(invited.json["status"], "pending");
    assert_eq!(invited.json["role"], "admin");
    assert_eq!(
        link,
        format!(
            "{}/accept-invitation/{}",
            server.base,
            invited.json["id"].as_str().unwrap()
        )
    );
    let mails = mails_to(&sink, "grace@example.com", 2).await;
    let mail = mails
        .iter()
        .find(|m| m.text.contains("/accept-invitation/"))
        .unwrap();
    assert!(
        mail.subject.contains("Org acme"),
        "subject: {}",
        mail.subject
    );
    assert!(mail.text.contains("owner@example.com"), "names who invited");
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.json["invitation"]["status"], "accepted");
    assert_eq!(accepted.json["member"]["role"], "admin");
    assert_eq!(accepted.json["member"]["organizationId"], json!(org));
    let session = session_of(&server, &grace).await;
    assert_eq!(session["activeOrganizationId"], json!(org));
    assert_eq!(session["organizationContext"][&org]["role"], "admin");
    assert_eq!(
        role_in_context(&server, &grace_phone, &org)
            .await
            .as_deref(),
        Some("admin"),
        "the other device sees it too"
    );
}

async fn a_refused_invitation_writes_neither_invitation_nor_mail(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;

    let first = invite(
        &server,
        &crew.owner,
        &crew.org,
        "pal@example.com",
        json!("member"),
    )
    .await;
    let twice = invite(
        &server,
        &crew.owner,
        &crew.org,
        "pal@example.com",
        json!("member"),
    )
    .await;
    let by_member = invite(
        &server,
        &crew.member,
        &crew.org,
        "pal@example.com",
        json!("member"),
    )
    .await;

    assert_eq!(first.status, 200);
    assert_eq!(
        twice.error(),
        (400, "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION".into())
    );
    assert_eq!(
        by_member.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION".into()
        )
    );
    let mails =
        beep_store::repos::outbox::list_for_recipient(server.db.store.conn(), "pal@example.com")
            .await
            .unwrap();
    assert_eq!(mails.len(), 1, "one invitation, one mail");
    assert_eq!(
        server.rows("invitation").await,
        3,
        "the crew's two and this one"
    );
}

async fn an_invitation_lapses_after_48_hours(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let grace = verified_person(&server, "grace@example.com").await;
    let invited = invite(&server, &owner, &org, "grace@example.com", json!("member")).await;
    let id = invited.json["id"].as_str().unwrap().to_owned();

    server.clock.advance(Duration::hours(47));
    let still_open = server
        .get(
            &format!("/organization/get-invitation?id={id}"),
            Some(&grace),
        )
        .await;
    server.clock.advance(Duration::hours(2));
    let (late, _) = accept(&server, &grace, &id).await;
    let details = server
        .get(
            &format!("/organization/get-invitation?id={id}"),
            Some(&grace),
        )
        .await;
    let mine = server
        .get("/organization/list-user-invitations", Some(&grace))
        .await;
    let again = invite(&server, &owner, &org, "grace@example.com", json!("member")).await;

    assert_eq!(still_open.status, 200, "{}", still_open.text);
    assert_eq!(still_open.json["organizationName"], "Org acme");
    assert_eq!(still_open.json["organizationSlug"], "acme");
    assert_eq!(still_open.json["inviterEmail"], "owner@example.com");
    assert_eq!(late.error(), (400, "INVITATION_NOT_FOUND".into()));
    assert_eq!(details.error(), (400, "INVITATION_NOT_FOUND".into()));
    assert_eq!(mine.json, json!([]));
    assert_eq!(
        again.status, 200,
        "a lapsed invitation does not block a new one"
    );
    assert_eq!(
        server.rows("member").await,
        3,
        "two personal, one owner: nobody joined"
    );
}

async fn a_resend_renews_the_same_invitation_and_mails_it_again(backend: Backend) {
    let (server, sink) = mailing_server(backend, |_| {}).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let first = invite(&server, &owner, &org, "pal@example.com", json!("member")).await;
    // Delivered before the clock moves, or the worker's lease would lapse mid-delivery.
    assert_eq!(mails_to(&sink, "pal@example.com", 1).await.len(), 1);
    server.clock.advance(Duration::hours(40));

    let resent = server
        .post(
            "/organization/invite-member",
            json!({ "email": "pal@example.com", "role": "admin", "organizationId": org, "resend": true }),
            Some(&owner),
        )
        .await;

    assert_eq!(resent.status, 200, "{}", resent.text);
    assert_eq!(resent.json["id"], first.json["id"], "the same invitation");
    assert_eq!(resent.json["role"], "member", "as it was made");
    let expires = |reply: &Reply| {
        chrono::DateTime::parse_from_rfc3339(reply.json["expiresAt"].as_str().unwrap()).unwrap()
    };
    assert_eq!(expires(&resent) - expires(&first), Duration::hours(40));
    assert_eq!(mails_to(&sink, "pal@example.com", 2).await.len(), 2);
    assert_eq!(server.rows("invitation").await, 1);
}

async fn only_the_invited_verified_address_answers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let unverified = server.sign_up("grace@example.com").await;
    let someone_else = verified_person(&server, "eve@example.com").await;
    let invited = invite(&server, &owner, &org, "grace@example.com", json!("member")).await;
    let id = invited.json["id"].as_str().unwrap().to_owned();

    let (by_unverified, _) = accept(&server, &unverified, &id).await;
    let reject_unverified = server
        .post(
            "/organization/reject-invitation",
            json!({ "invitationId": id }),
            Some(&unverified),
        )
        .await;
    let get_unverified = server
        .get(
            &format!("/organization/get-invitation?id={id}"),
            Some(&unverified),
        )
        .await;
    let mine_unverified = server
        .get("/organization/list-user-invitations", Some(&unverified))
        .await;
    let (by_other, _) = accept(&server, &someone_else, &id).await;
    let get_other = server
        .get(
            &format!("/organization/get-invitation?id={id}"),
            Some(&someone_else),
        )
        .await;
    verify_address(&server, "grace@example.com").await;
    let (verified, _) = accept(&server, &unverified, &id).await;

    let before_accept = "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION";
    assert_eq!(by_unverified.error(), (403, before_accept.into()));
    assert_eq!(reject_unverified.error(), (403, before_accept.into()));
    assert_eq!(
        get_unverified.error(),
        (403, "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION".into())
    );
    assert_eq!(
        mine_unverified.error(),
        (403, "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION".into())
    );
    assert_eq!(
        by_other.error(),
        (403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION".into())
    );
    assert_eq!(
        get_other.error(),
        (403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION".into())
    );
    assert_eq!(verified.status, 200, "{}", verified.text);
}

async fn a_rejected_or_canceled_invitation_cannot_be_accepted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let grace = verified_person(&server, "grace@example.com").await;
    let eve = verified_person(&server, "eve@example.com").await;
    let to_grace = invite(
        &server,
        &crew.owner,
        &crew.org,
        "grace@example.com",
        json!("member"),
    )
    .await;
    let to_eve = invite(
        &server,
        &crew.owner,
        &crew.org,
        "eve@example.com",
        json!("member"),
    )
    .await;
    let grace_inv = to_grace.json["id"].as_str().unwrap().to_owned();
    let eve_inv = to_eve.json["id"].as_str().unwrap().to_owned();

    let rejected = answer(
        &server,
        "/organization/reject-invitation",
        &grace,
        &grace_inv,
    )
    .await;
    let rejected_again = answer(
        &server,
        "/organization/reject-invitation",
        &grace,
        &grace_inv,
    )
    .await;
    let (after_reject, _) = accept(&server, &grace, &grace_inv).await;
    let cancel_by_member = answer(
        &server,
        "/organization/cancel-invitation",
        &crew.member,
        &eve_inv,
    )
    .await;
    let canceled = answer(
        &server,
        "/organization/cancel-invitation",
        &crew.admin,
        &eve_inv,
    )
    .await;
    let cancel_answered = answer(
        &server,
        "/organization/cancel-invitation",
        &crew.owner,
        &grace_inv,
    )
    .await;
    let (after_cancel, _) = accept(&server, &eve, &eve_inv).await;

    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json["invitation"]["status"], "rejected");
    assert_eq!(rejected.json["member"], Value::Null);
    assert_eq!(rejected_again.error(), (400, "INVITATION_NOT_FOUND".into()));
    assert_eq!(rejected_again.json["message"], "Invitation not found!");
    assert_eq!(after_reject.error(), (400, "INVITATION_NOT_FOUND".into()));
    assert_eq!(
        cancel_by_member.error(),
        (403, "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION".into())
    );
    assert_eq!(canceled.json["status"], "canceled");
    assert_eq!(
        cancel_answered.error(),
        (400, "INVITATION_NOT_FOUND".into()),
        "an answered invitation stays answered"
    );
    assert_eq!(after_cancel.error(), (400, "INVITATION_NOT_FOUND".into()));
}

async fn invite_rules_for_roles_members_and_teams(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let other = verified_person(&server, "other@example.com").await;
    let foreign_team = {
        let foreign = id_of(&create_org(&server, &other, "foreign").await);
        let teams = server
            .get(
                &format!("/organization/list-teams?organizationId={foreign}"),
                Some(&other),
            )
            .await;
        teams.json[0]["id"].as_str().unwrap().to_owned()
    };
    let with = |email: &str, extra: Value| {
        let mut body = json!({ "email": email, "role": "member", "organizationId": crew.org });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    let admin_invites_owner = send(
        &server,
        &crew.admin,
        with("a@example.com", json!({ "role": "owner" })),
    )
    .await;
    let owner_invites_owner = send(
        &server,
        &crew.owner,
        with("b@example.com", json!({ "role": ["owner", "admin"] })),
    )
    .await;
    let unknown = send(
        &server,
        &crew.owner,
        with("c@example.com", json!({ "role": "wizard,admin" })),
    )
    .await;
    let blank = send(
        &server,
        &crew.owner,
        with("d@example.com", json!({ "role": " , " })),
    )
    .await;
    let existing = send(
        &server,
        &crew.owner,
        with("member-acme@example.com", json!({})),
    )
    .await;
    let bad_email = send(&server, &crew.owner, with("not an email", json!({}))).await;
    let comma_team = send(
        &server,
        &crew.owner,
        with("e@example.com", json!({ "teamId": "a,b" })),
    )
    .await;
    let foreign = send(
        &server,
        &crew.owner,
        with("f@example.com", json!({ "teamId": [foreign_team] })),
    )
    .await;
    let wrong_type = send(
        &server,
        &crew.owner,
        with("g@example.com", json!({ "role": 7 })),
    )
    .await;

    assert_eq!(
        admin_invites_owner.error(),
        (
            403,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE".into()
        )
    );
    assert_eq!(owner_invites_owner.json["role"], "owner,admin");
    assert_eq!(
        (unknown.status, unknown.json.clone()),
        (400, json!({ "message": "ROLE_NOT_FOUND: wizard" })),
        "better-auth sends this one without a code"
    );
    assert_eq!(blank.error(), (400, "ROLE_NOT_FOUND".into()));
    assert_eq!(
        existing.error(),
        (400, "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION".into())
    );
    assert_eq!(bad_email.error(), (400, "INVALID_EMAIL".into()));
    assert_eq!(comma_team.error(), (400, "INVALID_TEAM_ID".into()));
    assert_eq!(
        foreign.error(),
        (400, "TEAM_NOT_FOUND".into()),
        "a team of another organization"
    );
    assert_eq!(wrong_type.error(), (400, "VALIDATION_ERROR".into()));
    assert_eq!(
        server.rows("invitation").await,
        3,
        "the crew's two and the owner invitation"
    );
}

async fn the_pending_limit_and_the_membership_limit_hold(backend: Backend) {
    let mut options = Options::default();
    options.organization.invitation_limit = 2;
    options.organization.membership_limit = 2;
    let server = TestServer::with(backend, options).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let one = verified_person(&server, "one@example.com").await;
    let two = verified_person(&server, "two@example.com").await;

    let first = invite(&server, &owner, &org, "one@example.com", json!("member")).await;
    let second = invite(&server, &owner, &org, "two@example.com", json!("member")).await;
    let third = invite(&server, &owner, &org, "three@example.com", json!("member")).await;
    let (joined, _) = accept(&server, &one, first.json["id"].as_str().unwrap()).await;
    let (full, _) = accept(&server, &two, second.json["id"].as_str().unwrap()).await;

    assert_eq!(third.error(), (403, "INVITATION_LIMIT_REACHED".into()));
    assert_eq!(joined.status, 200);
    assert_eq!(
        full.error(),
        (403, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED".into())
    );
}

async fn accepting_joins_the_invited_teams_and_acts_in_them(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let team = server
        .post(
            "/organization/create-team",
            json!({ "name": "Platform", "organizationId": org }),
            Some(&owner),
        )
        .await;
    let team_id = team.json["id"].as_str().unwrap().to_owned();
    let grace = verified_person(&server, "grace@example.com").await;
    let invited = server
        .post(
            "/organization/invite-member",
            json!({ "email": "grace@example.com", "role": "member", "organizationId": org, "teamId": team_id }),
            Some(&owner),
        )
        .await;

    let (accepted, grace) = accept(&server, &grace, invited.json["id"].as_str().unwrap()).await;

    assert_eq!(invited.json["teamId"], json!(team_id));
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let session = session_of(&server, &grace).await;
    assert_eq!(session["activeTeamId"], json!(team_id));
    let members = server
        .get(
            &format!("/organization/list-team-members?teamId={team_id}"),
            Some(&grace),
        )
        .await;
    assert_eq!(members.json.as_array().unwrap().len(), 1);
    assert_eq!(members.json[0]["role"], "member");
}

async fn twenty_parallel_accepts_make_one_member(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = verified_person(&server, "owner@example.com").await;
    let org = id_of(&create_org(&server, &owner, "acme").await);
    let grace = verified_person(&server, "grace@example.com").await;
    let invited = invite(&server, &owner, &org, "grace@example.com", json!("member")).await;
    let id = invited.json["id"].as_str().unwrap().to_owned();

    let attempts = (0..20).map(|_| accept(&server, &grace, &id));
    let replies: Vec<Reply> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|(reply, _)| reply)
        .collect();

    let joined = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(joined, 1, "one accept wins");
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(
            reply.status, 400,
            "the others are refused cleanly: {}",
            reply.text
        );
    }
    let members = server
        .get(
            &format!("/organization/list-members?organizationId={org}"),
            Some(&owner),
        )
        .await;
    assert_eq!(members.json["total"], 2);
}

async fn the_lists_show_who_may_see_what(backend: Backend) {
    let server = TestServer::start(backend).await;
    let crew = crew(&server, "acme").await;
    let grace = verified_person(&server, "grace@example.com").await;
    invite(
        &server,
        &crew.owner,
        &crew.org,
        "grace@example.com",
        json!("owner"),
    )
    .await;
    let elsewhere = id_of(&create_org(&server, &crew.admin, "elsewhere").await);
    invite(
        &server,
        &crew.admin,
        &elsewhere,
        "grace@example.com",
        json!("member"),
    )
    .await;
    let path = format!("/organization/list-invitations?organizationId={}", crew.org);

    let by_owner = server.get(&path, Some(&crew.owner)).await;
    let by_admin = server.get(&path, Some(&crew.admin)).await;
    let mine = server
        .get("/organization/list-user-invitations", Some(&grace))
        .await;
    let naming_an_address = server
        .get(
            "/organization/list-user-invitations?email=grace@example.com",
            Some(&grace),
        )
        .await;
    let no_org = server
        .get(
            "/organization/list-invitations?organizationId=",
            Some(&grace),
        )
        .await;

    assert_eq!(
        by_owner.json.as_array().unwrap().len(),
        3,
        "two accepted, one pending"
    );
    assert_eq!(
        by_admin.json.as_array().unwrap().len(),
        2,
        "not the owner invitation"
    );
    let names: Vec<&str> = mine
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["organizationName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Org acme", "Org elsewhere"]);
    assert_eq!(naming_an_address.status, 400);
    assert_eq!(
        naming_an_address.json["message"],
        "User email cannot be passed for client side API calls."
    );
    assert_eq!(
        (no_org.status, no_org.json.clone()),
        (200, json!([])),
        "an empty id means the active organization (her personal one)"
    );
}
