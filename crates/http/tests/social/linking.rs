//! Linking a provider to an existing user by address: only when the provider vouches for it
//! and the local user has proven it too (no pre-account hijack).

use crate::browser::Browser;
use crate::on_both;
use crate::support::TestServer;
use crate::{IDP, error_code, person, server_with, session_of, sign_in_with};
use beep_domain::{Email, UserId};
use beep_store::Backend;

on_both!(
    a_verified_provider_address_links_to_the_verified_user => verified_links,
    an_unverified_provider_address_is_not_linked => unverified_provider,
    a_squatters_unverified_account_is_not_linked => unverified_local,
);

async fn password_user(server: &TestServer, email: &str, verified: bool) -> String {
    let session = server.sign_up(email).await;
    if verified {
        let marked = beep_store::repos::users::mark_email_verified(
            server.db.store.conn(),
            &UserId::unchecked(&session.user_id),
            &Email::parse(email).unwrap(),
            server.auth.now(),
        )
        .await
        .unwrap();
        assert!(marked);
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
