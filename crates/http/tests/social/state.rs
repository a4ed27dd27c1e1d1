//! The state of a sign-in: used once, only by the browser that started it, never stale
//! across tabs; and the checks on what comes back (nonce, issuer, lifetime, provider down).

use crate::browser::Browser;
use crate::on_both;
use crate::{IDP, error_code, go_to_provider, person, post_from, server_with, session_of};
use beep_store::Backend;
use serde_json::json;

on_both!(
    a_replayed_callback_is_refused_and_creates_nothing_more => replayed_state,
    a_missing_or_made_up_state_is_refused => missing_or_foreign_state,
    a_callback_in_another_browser_is_refused_and_creates_nothing => other_browser,
    two_sign_ins_started_in_two_tabs_both_finish => two_tabs,
    an_id_token_with_another_nonce_is_refused => wrong_nonce,
    an_issuer_other_than_the_providers_is_refused => wrong_issuer,
    an_expired_id_token_is_refused => expired_id_token,
    a_state_older_than_ten_minutes_is_refused => expired_state,
    a_provider_that_is_down_gets_a_clear_error => provider_down,
    the_providers_refusal_lands_on_the_error_callback_url => provider_refused,
    a_form_post_callback_goes_on_to_the_get_form => form_post,
);

async fn replayed_state(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("eve", "eve@example.com", true),
    )
    .await;
    let first = browser.get(&callback).await;
    assert_eq!(error_code(&first), None);

    let replay = browser.get(&callback).await;

    assert_eq!(replay.status, 302);
    assert_eq!(error_code(&replay).as_deref(), Some("state_mismatch"));
    assert!(replay.location.unwrap().starts_with(&server.url("/error")));
    assert!(replay.headers.get("set-cookie").is_none());
    assert_eq!(server.rows("session").await, 1);
}

async fn missing_or_foreign_state(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();

    let missing = browser.get(&server.url("/callback/idp?code=x")).await;
    let foreign = browser
        .get(&server.url("/callback/idp?code=x&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        .await;
    let junk = browser
        .get(&server.url("/callback/idp?code=x&state=%27%3B--"))
        .await;

    assert_eq!(error_code(&missing).as_deref(), Some("state_not_found"));
    assert_eq!(error_code(&foreign).as_deref(), Some("state_mismatch"));
    assert_eq!(error_code(&junk).as_deref(), Some("state_mismatch"));
    assert_eq!(server.rows("user").await, 0);
}

async fn other_browser(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut victim = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut victim,
        IDP,
        &person("mallory", "mallory@example.com", true),
    )
    .await;
    let mut attacker_target = Browser::default();

    let hop = attacker_target.get(&callback).await;

    assert_eq!(error_code(&hop).as_deref(), Some("state_mismatch"));
    assert_eq!(server.rows("user").await, 0);
    assert_eq!(server.rows("session").await, 0);
    assert!(session_of(&server, &attacker_target).await.is_null());
}

async fn two_tabs(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let first_tab = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("tab", "tab@example.com", true),
    )
    .await;
    let second_tab = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("tab", "tab@example.com", true),
    )
    .await;

    let second = browser.get(&second_tab).await;
    let first = browser.get(&first_tab).await;

    assert_eq!(error_code(&second), None, "{:?}", second.location);
    assert_eq!(error_code(&first), None, "{:?}", first.location);
    assert_eq!(server.rows("session").await, 2);
    assert_eq!(server.rows("user").await, 1);
}

async fn wrong_nonce(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let reply = post_from(
        &server,
        &mut browser,
        "/sign-in/social",
        json!({"provider": IDP, "loginHint": person("nina", "nina@example.com", true)}),
    )
    .await;
    let url = reply.json["url"].as_str().unwrap();
    let nonce = url
        .split("nonce=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let tampered = url.replace(&format!("nonce={nonce}"), "nonce=someone-elses-nonce");

    let callback = browser
        .follow_until(&tampered, &server.url("/callback/idp"))
        .await;
    let hop = browser.get(&callback).await;

    assert_eq!(error_code(&hop).as_deref(), Some("invalid_id_token"));
    assert_eq!(server.rows("user").await, 0);
}

async fn wrong_issuer(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("ivan", "ivan@example.com", true),
    )
    .await;
    let forged = if callback.contains("iss=") {
        let iss = callback
            .split("iss=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        callback.replace(&format!("iss={iss}"), "iss=https%3A%2F%2Fevil.example")
    } else {
        format!("{callback}&iss=https%3A%2F%2Fevil.example")
    };

    let hop = browser.get(&forged).await;

    assert_eq!(error_code(&hop).as_deref(), Some("issuer_mismatch"));
    assert_eq!(server.rows("user").await, 0);
}

async fn expired_id_token(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    // The server's clock runs two hours ahead of the provider's: the provider's ID token
    // (one hour) is already expired on arrival, while the state is fresh.
    server.clock.advance(chrono::Duration::hours(2));
    let mut browser = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("old", "old@example.com", true),
    )
    .await;

    let hop = browser.get(&callback).await;

    assert_eq!(error_code(&hop).as_deref(), Some("invalid_id_token"));
    assert_eq!(server.rows("user").await, 0);
}

async fn expired_state(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let callback = go_to_provider(
        &server,
        &mut browser,
        IDP,
        &person("slow", "slow@example.com", true),
    )
    .await;
    server.clock.advance(chrono::Duration::minutes(11));

    let hop = browser.get(&callback).await;

    assert_eq!(error_code(&hop).as_deref(), Some("state_mismatch"));
    assert_eq!(server.rows("user").await, 0);
}

async fn provider_down(backend: Backend) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut down = crate::idp::idp().provider("down");
    down.issuer = Some(issuer);
    let server = server_with(backend, vec![down]).await;
    let mut browser = Browser::default();

    let reply = post_from(
        &server,
        &mut browser,
        "/sign-in/social",
        json!({"provider": "down"}),
    )
    .await;

    assert_eq!(reply.status, 502);
    assert_eq!(reply.json["code"], "PROVIDER_UNAVAILABLE");
    assert_eq!(server.rows("verification").await, 0);
}

async fn provider_refused(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = Browser::default();
    let reply = post_from(
        &server,
        &mut browser,
        "/sign-in/social",
        json!({"provider": IDP, "errorCallbackURL": "https://app.example.com/oops"}),
    )
    .await;
    let url = reply.json["url"].as_str().unwrap();
    let state = url
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    let hop = browser
        .get(&server.url(&format!(
            "/callback/idp?error=access_denied&error_description=%3Cscript%3E&state={state}"
        )))
        .await;

    assert_eq!(
        hop.location.as_deref(),
        Some("https://app.example.com/oops?error=access_denied")
    );
    assert_eq!(server.rows("user").await, 0);
}

async fn form_post(backend: Backend) {
    let server = server_with(backend, vec![]).await;

    let reply = server
        .send(
            server
                .http
                .post(server.url("/callback/idp"))
                .header("origin", "https://idp.example")
                .header("cookie", "better-auth.state=x")
                .form(&[
                    ("code", "c1"),
                    ("state", "s1"),
                    ("iss", "https://idp.example"),
                ]),
        )
        .await;

    assert_eq!(reply.status, 302);
    assert_eq!(
        reply.header("location").as_deref(),
        Some(
            format!(
                "{}/api/auth/callback/idp?code=c1&state=s1&iss=https%3A%2F%2Fidp.example",
                server.base
            )
            .as_str()
        )
    );
}
