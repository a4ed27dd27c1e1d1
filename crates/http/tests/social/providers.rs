//! Each provider kind's own shapes: GitHub, Discord and Twitter/X against stand-ins that
//! serve their documented JSON; Google, Microsoft and LinkedIn against the real OpenID
//! provider, which signs their ID tokens.

use crate::browser::Browser;
use crate::fake_provider::FakeProviders;
use crate::idp::idp;
use crate::on_both;
use crate::support::TestServer;
use crate::{error_code, person, server_with, session_of, sign_in_with};
use beep_core::social::ProviderKind;
use beep_store::Backend;
use serde_json::Value;

on_both!(
    github_signs_in_with_the_private_primary_address_from_its_emails_call => github_private_email,
    github_numeric_ids_become_the_accounts_string_id => github_account_id,
    discord_signs_in_with_its_verified_address => discord_signs_in,
    twitter_without_a_granted_address_is_refused_and_creates_nothing => twitter_without_email,
    twitter_with_a_confirmed_address_signs_in => twitter_with_email,
    google_and_linkedin_sign_in_through_openid_connect => google_and_linkedin,
    microsofts_address_is_never_taken_as_verified => microsoft_unverified,
);

/// A server with the GitHub, Discord and Twitter stand-ins configured.
async fn server_with_fakes(backend: Backend) -> (TestServer, FakeProviders) {
    let fakes = FakeProviders::start().await;
    let providers = [
        ProviderKind::GitHub,
        ProviderKind::Discord,
        ProviderKind::Twitter,
    ]
    .map(|kind| fakes.provider(kind))
    .to_vec();
    (server_with(backend, providers).await, fakes)
}

async fn signed_in_user(server: &TestServer, browser: &Browser) -> Value {
    session_of(server, browser).await["user"].clone()
}

async fn github_private_email(backend: Backend) {
    let (server, _fakes) = server_with_fakes(backend).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        "github",
        &person("4242", "gina@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    let user = signed_in_user(&server, &browser).await;
    assert_eq!(user["email"], "gina@example.com");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(user["name"], "Person 4242");
    assert_eq!(user["image"], "https://avatars.example/4242");
}

async fn github_account_id(backend: Backend) {
    let (server, _fakes) = server_with_fakes(backend).await;
    let mut browser = Browser::default();
    sign_in_with(
        &server,
        &mut browser,
        "github",
        &person("777", "g7@example.com", true),
    )
    .await;

    let cookie = browser.cookie_header(&server.base).unwrap();
    let accounts = server.get_with_cookie("/list-accounts", &cookie).await.json;

    assert_eq!(accounts[0]["providerId"], "github");
    assert_eq!(accounts[0]["accountId"], "777");
}

async fn discord_signs_in(backend: Backend) {
    let (server, _fakes) = server_with_fakes(backend).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        "discord",
        &person("d-1", "dora@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    let user = signed_in_user(&server, &browser).await;
    assert_eq!(user["email"], "dora@example.com");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(server.rows("account").await, 1);
}

async fn twitter_without_email(backend: Backend) {
    let (server, _fakes) = server_with_fakes(backend).await;
    let mut browser = Browser::default();

    // The user did not grant the address: Twitter answers no `confirmed_email`.
    let hop = sign_in_with(
        &server,
        &mut browser,
        "twitter",
        &person("t-1", "tom@example.com", false),
    )
    .await;

    assert_eq!(error_code(&hop).as_deref(), Some("email_not_found"));
    assert_eq!(server.rows("user").await, 0);
    assert_eq!(server.rows("account").await, 0);
    assert!(session_of(&server, &browser).await.is_null());
}

async fn twitter_with_email(backend: Backend) {
    let (server, _fakes) = server_with_fakes(backend).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        "twitter",
        &person("t-2", "tia@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    let user = signed_in_user(&server, &browser).await;
    assert_eq!(user["email"], "tia@example.com");
    assert_eq!(user["image"], "https://pbs.example/p.jpg");
}

async fn google_and_linkedin(backend: Backend) {
    let kinds = [
        ("google", ProviderKind::Google),
        ("linkedin", ProviderKind::LinkedIn),
    ];
    let providers = kinds
        .iter()
        .map(|(id, kind)| idp().provider_of(id, *kind))
        .collect();
    let server = server_with(backend, providers).await;

    for (id, _) in kinds {
        let mut browser = Browser::default();
        let who = format!("{id}-user");
        let email = format!("{who}@example.com");

        let hop = sign_in_with(&server, &mut browser, id, &person(&who, &email, true)).await;

        assert_eq!(error_code(&hop), None, "{id}: {:?}", hop.location);
        let user = signed_in_user(&server, &browser).await;
        assert_eq!(user["email"], email.as_str());
        assert_eq!(user["emailVerified"], true);
        assert_eq!(user["image"], format!("https://img.example/{who}.png"));
    }
    assert_eq!(server.rows("user").await, 2);
}

async fn microsoft_unverified(backend: Backend) {
    let server = server_with(
        backend,
        vec![idp().provider_of("microsoft", ProviderKind::Microsoft)],
    )
    .await;
    let mut browser = Browser::default();

    // The tenant says "verified"; Entra ID's `email` is whatever the tenant typed in.
    let hop = sign_in_with(
        &server,
        &mut browser,
        "microsoft",
        &person("ms-1", "mia@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    let user = signed_in_user(&server, &browser).await;
    assert_eq!(user["email"], "mia@example.com");
    assert_eq!(user["emailVerified"], false);
}
