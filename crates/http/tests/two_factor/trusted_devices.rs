//! Trusted devices: a device that asked skips the second factor for 30 days, until its
//! trust ends or two-factor is turned off.

use crate::on_both;
use crate::support::{PASSWORD, Reply, TestServer};
use crate::{TRUST, challenged, enrolled, first_factor, next_code, post_with_cookie};
use beep_store::Backend;
use serde_json::json;

on_both!(
    a_trusted_device_signs_in_without_a_code => trusted_skips,
    the_trust_ends_after_thirty_days => trust_expires,
    disabling_two_factor_ends_every_devices_trust => disable_revokes,
    another_users_trust_cookie_does_not_skip => other_user,
);

/// Passes the second factor with `trustDevice: true`: the reply.
async fn trusted_sign_in(server: &TestServer, user: &crate::Enrolled) -> Reply {
    let challenge = challenged(server, &user.email).await;
    post_with_cookie(
        server,
        "/two-factor/verify-totp",
        json!({"code": next_code(server, &user.totp), "trustDevice": true}),
        &challenge,
    )
    .await
}

fn trust_cookie(reply: &Reply) -> String {
    format!(
        "{TRUST}={}",
        reply.cookie_value(TRUST).expect("a trust_device cookie")
    )
}

async fn trusted_skips(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "trust@example.com").await;
    let trusted = trusted_sign_in(&server, &user).await;
    assert_eq!(trusted.status, 200, "{}", trusted.text);
    let line = trusted.set_cookie(TRUST).unwrap();
    assert!(line.contains("Max-Age=2592000"), "{line}");
    assert!(line.contains("HttpOnly"), "{line}");

    let reply = first_factor(&server, &user.email, Some(&trust_cookie(&trusted))).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply.json.get("twoFactorRedirect").is_none(),
        "{}",
        reply.text
    );
    assert_eq!(reply.json["user"]["email"], "trust@example.com");
}

async fn trust_expires(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "lapse@example.com").await;
    let trusted = trusted_sign_in(&server, &user).await;
    server.clock.advance(chrono::Duration::days(31));

    let reply = first_factor(&server, &user.email, Some(&trust_cookie(&trusted))).await;

    assert_eq!(reply.json["twoFactorRedirect"], true, "{}", reply.text);
}

async fn disable_revokes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "revoke@example.com").await;
    let trusted = trusted_sign_in(&server, &user).await;
    let signed = crate::support::Session::from_reply(&trusted);
    let disabled = server
        .post(
            "/two-factor/disable",
            json!({"password": PASSWORD}),
            Some(&signed),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(server.rows("trusted_device").await, 0);
    let again = enrolled_again(&server, &crate::support::Session::from_reply(&disabled)).await;
    assert_eq!(again.status, 200, "{}", again.text);

    let reply = first_factor(&server, &user.email, Some(&trust_cookie(&trusted))).await;

    assert_eq!(reply.json["twoFactorRedirect"], true, "{}", reply.text);
}

/// Turns two-factor on again for a session: the confirming reply.
async fn enrolled_again(server: &TestServer, session: &crate::support::Session) -> Reply {
    let enabled = crate::enable(server, session).await;
    let totp = crate::authenticator(enabled.json["totpURI"].as_str().unwrap());
    server
        .post(
            "/two-factor/verify-totp",
            json!({"code": next_code(server, &totp)}),
            Some(session),
        )
        .await
}

async fn other_user(backend: Backend) {
    let server = TestServer::start(backend).await;
    let alice = enrolled(&server, "alice@example.com").await;
    let bob = enrolled(&server, "bob@example.com").await;
    let alices = trusted_sign_in(&server, &alice).await;

    let reply = first_factor(&server, &bob.email, Some(&trust_cookie(&alices))).await;

    assert_eq!(reply.json["twoFactorRedirect"], true, "{}", reply.text);
}
