//! One second-factor policy for every first factor: a user with two-factor on who signs in
//! through a provider lands without a session and with the `two_factor` cookie, and the
//! code finishes the sign-in (better-auth asks only after a password).

use crate::browser::Browser;
use crate::on_both;
use crate::support::{PASSWORD, TestServer};
use crate::{IDP, error_code, person, server_with, session_of, sign_in_with};
use beep_store::Backend;
use serde_json::json;
use totp_rs::{Algorithm, Secret, TOTP};

on_both!(
    social_sign_in_of_a_user_with_two_factor_asks_for_the_code => social_needs_code,
);

/// A verified password user with two-factor on: their authenticator.
async fn enrolled(server: &TestServer, email: &str) -> TOTP {
    let session = crate::support::org::verified_person(server, email).await;
    let enabled = server
        .post(
            "/two-factor/enable",
            json!({"password": PASSWORD}),
            Some(&session),
        )
        .await;
    let uri = enabled.json["totpURI"].as_str().unwrap().to_owned();
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    let confirmed = server
        .post(
            "/two-factor/verify-totp",
            json!({"code": code_at(server, &totp)}),
            Some(&session),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    server.clock.advance(chrono::Duration::seconds(30));
    totp
}

fn code_at(server: &TestServer, totp: &TOTP) -> String {
    totp.generate(u64::try_from(server.auth.now().timestamp()).unwrap())
}

async fn social_needs_code(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let totp = enrolled(&server, "sam@example.com").await;
    let sessions_before = server.rows("session").await;
    let mut browser = Browser::default();

    let hop = sign_in_with(
        &server,
        &mut browser,
        IDP,
        &person("sam", "sam@example.com", true),
    )
    .await;

    assert_eq!(error_code(&hop), None, "{:?}", hop.location);
    assert_eq!(
        hop.location.as_deref(),
        Some(format!("{}/dashboard?twoFactorRedirect=true", server.base).as_str())
    );
    assert!(session_of(&server, &browser).await.is_null());
    assert_eq!(server.rows("session").await, sessions_before);
    let challenge = browser
        .cookie(&server.base, "better-auth.two_factor")
        .expect("the two_factor cookie");
    let reply = server
        .send(
            server
                .http
                .post(server.url("/two-factor/verify-totp"))
                .header("origin", &server.base)
                .header("cookie", format!("better-auth.two_factor={challenge}"))
                .json(&json!({"code": code_at(&server, &totp)})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "sam@example.com");
}
