//! Linking a provider to an existing user: by address at sign-in only when the provider
//! vouches for it and the local user has proven it too (no pre-account hijack), and by
//! `/link-social` from a signed-in user whose address the provider confirms.

use crate::browser::{Browser, Hop};
use crate::on_both;
use crate::support::TestServer;
use crate::{IDP, error_code, person, post_from, server_with, session_of, sign_in_with};
use beep_store::Backend;
use serde_json::json;

on_both!(
    a_verified_provider_address_links_to_the_verified_user => verified_links,
    an_unverified_provider_address_is_not_linked => unverified_provider,
    a_squatters_unverified_account_is_not_linked => unverified_local,
);

async fn password_user(server: &TestServer, email: &str, verified: bool) -> String {
    let session = server.sign_up(email).await;
    if verified {
        crate::support::org::verify_address(server, email).await;
    }
    session.user_id
}

async fn verified_links(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let owner = password_user(&server, "vera@example.com", true).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        IDP,
        &person("vera", "vera@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    assert_eq!(
        session_of(&server, &browser).await["user"]["id"],
        owner.as_str()
    );
    assert_eq!(server.rows("account").await, 2);
    assert_eq!(server.rows("user").await, 1);
}

async fn unverified_provider(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    password_user(&server, "uma@example.com", true).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        IDP,
        &person("uma", "uma@example.com", false),
    )
    .await;

    assert_eq!(error_code(&hop).as_deref(), Some("account_not_linked"));
    assert_eq!(server.rows("account").await, 1);
    assert_eq!(server.rows("session").await, 1);
    assert!(session_of(&server, &browser).await.is_null());
}

async fn unverified_local(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    // An attacker registered the victim's address with a password and never verified it.
    password_user(&server, "victim@example.com", false).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        IDP,
        &person("victim", "victim@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop).as_deref(), Some("account_not_linked"));
    assert_eq!(server.rows("account").await, 1);
    assert!(session_of(&server, &browser).await.is_null());
}

on_both!(
    link_social_adds_a_second_provider_to_the_signed_in_user => link_second_provider,
    link_social_refuses_a_provider_address_other_than_the_users => link_other_address,
    link_social_refuses_an_account_that_belongs_to_another_user => link_taken_account,
    link_social_needs_a_session => link_needs_session,
);

/// The second provider of the link tests: the same OpenID provider under another id.
const SECOND: &str = "second";

async fn linking_server(backend: Backend) -> TestServer {
    server_with(backend, vec![crate::idp::idp().provider(SECOND)]).await
}

/// A browser signed in through `idp` as `who@example.com`.
async fn social_user(server: &TestServer, who: &str) -> Browser {
    let mut browser = Browser::default();
    let hop = sign_in_with(
        server,
        &mut browser,
        IDP,
        &person(who, &format!("{who}@example.com"), true),
    )
    .await;
    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    browser
}

/// Links `SECOND` as `hint` from the signed-in browser: the callback's answer.
async fn link_with(server: &TestServer, browser: &mut Browser, hint: &str) -> Hop {
    let reply = post_from(
        server,
        browser,
        "/link-social",
        json!({"provider": SECOND, "callbackURL": "/settings", "loginHint": hint}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["redirect"], true);
    let url = reply.json["url"].as_str().unwrap().to_owned();
    let callback = browser
        .follow_until(&url, &server.url(&format!("/callback/{SECOND}")))
        .await;
    browser.get(&callback).await
}

async fn link_second_provider(backend: Backend) {
    let server = linking_server(backend).await;
    let mut browser = social_user(&server, "lee").await;
    let before = session_of(&server, &browser).await;

    let hop = link_with(
        &server,
        &mut browser,
        &person("lee-2", "lee@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    assert_eq!(
        hop.location.as_deref(),
        Some(format!("{}/settings", server.base).as_str())
    );
    let after = session_of(&server, &browser).await;
    assert_eq!(after["session"]["id"], before["session"]["id"]);
    assert_eq!(server.rows("user").await, 1);
    assert_eq!(server.rows("account").await, 2);
    assert_eq!(server.rows("session").await, 1);
}

async fn link_other_address(backend: Backend) {
    let server = linking_server(backend).await;
    let mut browser = social_user(&server, "lou").await;

    let hop = link_with(
        &server,
        &mut browser,
        &person("lou-2", "someone-else@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop).as_deref(), Some("email_doesn't_match"));
    assert_eq!(server.rows("account").await, 1);
}

async fn link_taken_account(backend: Backend) {
    let server = linking_server(backend).await;
    // The provider is shared by every test of this binary and remembers a user's claims by
    // `sub`: this one is unique to this run, so a parallel test cannot change its address.
    let shared = format!("shared-{}", uuid::Uuid::now_v7().simple());
    // Mo owns the `second` account `shared` already.
    let mut mo = Browser::default();
    sign_in_with(
        &server,
        &mut mo,
        SECOND,
        &person(&shared, "mo@example.com", true),
    )
    .await;
    let mut browser = social_user(&server, "max").await;

    let hop = link_with(
        &server,
        &mut browser,
        &person(&shared, "max@example.com", true),
    )
    .await;

    assert_eq!(
        error_code(&hop).as_deref(),
        Some("account_already_linked_to_different_user")
    );
    assert_eq!(server.rows("account").await, 2);
    assert_eq!(server.rows("user").await, 2);
}

async fn link_needs_session(backend: Backend) {
    let server = linking_server(backend).await;
    let mut browser = Browser::default();

    let reply = post_from(
        &server,
        &mut browser,
        "/link-social",
        json!({"provider": SECOND, "callbackURL": "/settings"}),
    )
    .await;

    assert_eq!(reply.status, 401);
    assert_eq!(server.rows("verification").await, 0);
}
