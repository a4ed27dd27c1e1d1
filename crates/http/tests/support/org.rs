//! Organizations in the HTTP tests: people with verified addresses, organizations with
//! members in given roles, and reading what a session says about them.

use super::{Reply, Session, TestServer};
use beep_domain::Email;
use beep_store::repos::users;
use serde_json::{Value, json};

/// Someone signed up, their address verified, with the session they signed up with.
pub async fn verified_person(server: &TestServer, email: &str) -> Session {
    let session = server.sign_up(email).await;
    verify_address(server, email).await;
    session
}

/// Marks an address verified, as following the mailed link would.
pub async fn verify_address(server: &TestServer, email: &str) {
    let conn = server.db.store.conn();
    let email = Email::parse(email).unwrap();
    let user = users::find_by_email(conn, &email).await.unwrap().unwrap();
    assert!(
        users::mark_email_verified(conn, &user.id, &email, server.auth.now())
            .await
            .unwrap()
    );
}

/// An organization made by `owner`, answered by create.
pub async fn create_org(server: &TestServer, owner: &Session, slug: &str) -> Value {
    let reply = server
        .post(
            "/organization/create",
            json!({ "name": format!("Org {slug}"), "slug": slug }),
            Some(owner),
        )
        .await;
    assert_eq!(reply.status, 200, "create failed: {}", reply.text);
    reply.json
}

/// The id of an organization answer.
pub fn id_of(org: &Value) -> String {
    org["id"].as_str().expect("an id").to_owned()
}

/// Invites `email` into `org` as `role` on behalf of `inviter`; the invitation answered.
pub async fn invite(
    server: &TestServer,
    inviter: &Session,
    org: &str,
    email: &str,
    role: Value,
) -> Reply {
    server
        .post(
            "/organization/invite-member",
            json!({ "email": email, "role": role, "organizationId": org }),
            Some(inviter),
        )
        .await
}

/// Accepts an invitation as `invitee`; their session after it.
pub async fn accept(server: &TestServer, invitee: &Session, invitation: &str) -> (Reply, Session) {
    let reply = server
        .post(
            "/organization/accept-invitation",
            json!({ "invitationId": invitation }),
            Some(invitee),
        )
        .await;
    let after = invitee.after(&reply);
    (reply, after)
}

/// A verified person who joined `org` as `role` through an invitation from `owner`.
pub async fn member_with_role(
    server: &TestServer,
    owner: &Session,
    org: &str,
    email: &str,
    role: &str,
) -> Session {
    let person = verified_person(server, email).await;
    let invited = invite(server, owner, org, email, json!(role)).await;
    assert_eq!(invited.status, 200, "invite failed: {}", invited.text);
    let (accepted, person) = accept(server, &person, invited.json["id"].as_str().unwrap()).await;
    assert_eq!(accepted.status, 200, "accept failed: {}", accepted.text);
    person
}

/// An organization with an owner, an admin and a member (the owner's session acts in it).
pub struct Crew {
    /// The organization's id.
    pub org: String,
    /// Its owner.
    pub owner: Session,
    /// An admin.
    pub admin: Session,
    /// A plain member.
    pub member: Session,
}

/// Makes a [`Crew`] with addresses under `tag`.
pub async fn crew(server: &TestServer, tag: &str) -> Crew {
    let owner = verified_person(server, &format!("owner-{tag}@example.com")).await;
    let created = create_org(server, &owner, tag).await;
    let org = id_of(&created);
    let admin = member_with_role(
        server,
        &owner,
        &org,
        &format!("admin-{tag}@example.com"),
        "admin",
    )
    .await;
    let member = member_with_role(
        server,
        &owner,
        &org,
        &format!("member-{tag}@example.com"),
        "member",
    )
    .await;
    Crew {
        org,
        owner,
        admin,
        member,
    }
}

/// The session JSON `get-session` answers this client with (cookie cache allowed).
pub async fn session_of(server: &TestServer, client: &Session) -> Value {
    let reply = server.get("/get-session", Some(client)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["session"].clone()
}

/// The role a client's session names for an organization (`None`: not in its context).
pub async fn role_in_context(server: &TestServer, client: &Session, org: &str) -> Option<String> {
    session_of(server, client).await["organizationContext"][org]["role"]
        .as_str()
        .map(str::to_owned)
}

/// The member id of a user in an organization, as list-members tells the owner.
pub async fn member_id(server: &TestServer, owner: &Session, org: &str, email: &str) -> String {
    let reply = server
        .get(
            &format!("/organization/list-members?organizationId={org}"),
            Some(owner),
        )
        .await;
    reply.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not a member: {}", reply.text))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
