//! Signing in through an OpenID Connect provider.

use crate::browser::Browser;
use crate::on_both;
use crate::{IDP, go_to_provider, person, post_from, server_with, session_of, sign_in_with};
use beep_store::Backend;
use serde_json::json;

on_both!(
    first_sign_in_creates_the_user_their_account_and_personal_organization => first_sign_in,
    a_second_sign_in_finds_the_same_user => second_sign_in,
    sign_in_social_answers_the_providers_url_with_pkce_and_a_binding_cookie => start_shape,
    a_new_user_lands_on_new_user_callback_url => new_user_url,
    the_callback_replaces_a_planted_session_cookie => planted_cookie,
);

async fn first_sign_in(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        IDP,
        &person("alice", "alice@example.com", true),
    )
    .await;

    assert_eq!(hop.status, 302);
    assert_eq!(
        hop.location.as_deref(),
        Some(format!("{}/dashboard", server.base).as_str())
    );
    let session = session_of(&server, &browser).await;
    assert_eq!(session["user"]["email"], "alice@example.com");
    assert_eq!(session["user"]["emailVerified"], true);
    assert_eq!(session["user"]["name"], "Person alice");
    let context = session["session"]["organizationContext"]
        .as_object()
        .unwrap();
    assert_eq!(context.len(), 1);
    assert_eq!(context.values().next().unwrap()["isPersonal"], true);
    assert_eq!(server.rows("user").await, 1);
    assert_eq!(server.rows("account").await, 1);
    assert_eq!(server.rows("organization").await, 1);
    assert_eq!(server.rows("member").await, 1);
}

async fn second_sign_in(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let hint = person("bob", "bob@example.com", true);
    let mut first = Browser::default();
    sign_in_with(&server, &mut first, IDP, &hint).await;
    let mut second = Browser::default();

    let hop = sign_in_with(&server, &mut second, IDP, &hint).await;

    assert_eq!(hop.status, 302);
    let a = session_of(&server, &first).await;
    let b = session_of(&server, &second).await;
    assert_eq!(a["user"]["id"], b["user"]["id"]);
    assert_ne!(a["session"]["id"], b["session"]["id"]);
    assert_eq!(server.rows("user").await, 1);
    assert_eq!(server.rows("account").await, 1);
    assert_eq!(server.rows("session").await, 2);
}

async fn start_shape(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();

    let reply = post_from(
        &server,
        &mut browser,
        "/sign-in/social",
        json!({"provider": IDP}),
    )
    .await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["redirect"], true);
    let url = reply.json["url"].as_str().unwrap();
    assert_eq!(reply.header("location").as_deref(), Some(url));
    assert!(url.starts_with(&crate::idp::idp().issuer), "{url}");
    for part in [
        "response_type=code",
        "client_id=beep-test",
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "scope=openid%20profile%20email",
    ] {
        assert!(url.contains(part), "{part} missing from {url}");
    }
    let redirect_uri = beep_domain::uri::encode_uri_component(&server.url("/callback/idp"));
    assert!(
        url.contains(&format!("redirect_uri={redirect_uri}")),
        "{url}"
    );
    let cookie = reply
        .set_cookie("better-auth.state")
        .expect("binding cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.contains("Max-Age=600")
    );
    assert_eq!(server.rows("verification").await, 1);
    // A provider-less answer: nothing but the pending state was written.
    assert_eq!(server.rows("user").await, 0);
    let disabled = post_from(
        &server,
        &mut browser,
        "/sign-in/social",
        json!({"provider": IDP, "disableRedirect": true}),
    )
    .await;
    assert_eq!(disabled.json["redirect"], false);
}

async fn new_user_url(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let start = |browser: &mut Browser| {
        let server = &server;
        let mut b = browser.clone();
        async move {
            let reply = post_from(
                server,
                &mut b,
                "/sign-in/social",
                json!({"provider": IDP, "callbackURL": "/home", "newUserCallbackURL": "/welcome",
                       "loginHint": person("carol", "carol@example.com", true)}),
            )
            .await;
            let url = reply.json["url"].as_str().unwrap().to_owned();
            let callback = b.follow_until(&url, &server.url("/callback/idp")).await;
            let hop = b.get(&callback).await;
            (b, hop)
        }
    };

    let (after_first, first) = start(&mut browser).await;
    let (_, second) = start(&mut browser).await;

    assert_eq!(
        first.location.as_deref(),
        Some(format!("{}/welcome", server.base).as_str())
    );
    assert_eq!(
        second.location.as_deref(),
        Some(format!("{}/home", server.base).as_str())
    );
    assert_eq!(
        session_of(&server, &after_first).await["user"]["email"],
        "carol@example.com"
    );
}

async fn planted_cookie(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("dan", "dan@example.com", true),
    )
    .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "set-cookie",
        "better-auth.session_token=attacker.planted"
            .parse()
            .unwrap(),
    );
    browser.keep(&server.base, &headers);

    let hop = browser.get(&callback).await;

    assert_eq!(hop.status, 302);
    let token = browser
        .cookie(&server.base, "better-auth.session_token")
        .unwrap();
    assert!(!token.starts_with("attacker"));
    assert_eq!(
        session_of(&server, &browser).await["user"]["email"],
        "dan@example.com"
    );
}
