//! Passkeys and the second factor: one policy for every first factor. A passkey that
//! verified the user is two factors in one; one that did not is one factor, and a
//! two-factor user then owes the second; after a password, a passkey is the second factor.

use crate::support::two_factor::{
    CHALLENGE, challenge_of, enrolled, first_factor, next_code, signs_in, verify_totp,
};
use crate::support::{Options, TestServer};
use crate::{
    assertion, authenticator, both, on_both, register, sign_in_with, verify_authentication,
};
use beep_store::Backend;
use serde_json::json;

on_both!(
    a_passkey_that_verified_the_user_needs_no_other_factor => verified_passkey,
    a_passkey_without_user_verification_leaves_the_second_factor_owed => unverified_passkey,
    a_passkey_answers_the_challenge_a_password_left => passkey_after_password,
    another_users_passkey_does_not_finish_the_challenge => other_users_passkey,
    a_server_that_requires_user_verification_refuses_authenticators_without => uv_required,
);

/// A two-factor user (TOTP on) who has also registered a passkey on `key`.
async fn enrolled_with_passkey(
    server: &TestServer,
    email: &str,
    verifies_user: bool,
) -> (
    crate::support::two_factor::Enrolled,
    crate::support::soft_authenticator::SoftAuthenticator,
) {
    let user = enrolled(server, email).await;
    let mut key = authenticator(server, verifies_user);
    let registered = register(server, &user.session, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.text);
    (user, key)
}

async fn verified_passkey(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, mut key) = enrolled_with_passkey(&server, "uv@example.com", true).await;

    let reply = sign_in_with(&server, &mut key).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "uv@example.com");
    assert!(signs_in(&server, &reply).await);
}

async fn unverified_passkey(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, mut key) = enrolled_with_passkey(&server, "nouv@example.com", false).await;
    let sessions_before = server.rows("session").await;

    let reply = sign_in_with(&server, &mut key).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp", "otp", "passkey"]})
    );
    assert!(!signs_in(&server, &reply).await);
    assert_eq!(server.rows("session").await, sessions_before);
    let finished = verify_totp(
        &server,
        &next_code(&server, &user.totp),
        &challenge_of(&reply),
    )
    .await;
    assert_eq!(finished.status, 200, "{}", finished.text);
    assert!(signs_in(&server, &finished).await);
}

async fn passkey_after_password(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, mut key) = enrolled_with_passkey(&server, "both@example.com", false).await;
    let password = first_factor(&server, &user.email, None).await;
    assert_eq!(
        password.json["twoFactorMethods"],
        json!(["totp", "otp", "passkey"])
    );
    let challenge = challenge_of(&password);

    let (response, ceremony) = assertion(&server, &mut key, &challenge).await;
    let reply = verify_authentication(&server, &response, &both(&challenge, &ceremony)).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "both@example.com");
    assert!(signs_in(&server, &reply).await);
    assert_eq!(reply.cookie_value(CHALLENGE).as_deref(), Some(""));
    // The challenge is used up: a code cannot open a second session with it.
    let again = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;
    assert_eq!(again.error(), (401, "INVALID_TWO_FACTOR_COOKIE".into()));
}

async fn other_users_passkey(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (victim, _) = enrolled_with_passkey(&server, "victim@example.com", true).await;
    let (_, mut attackers_key) = enrolled_with_passkey(&server, "attacker@example.com", true).await;
    let challenge = challenge_of(&first_factor(&server, &victim.email, None).await);

    let (response, ceremony) = assertion(&server, &mut attackers_key, "").await;
    let reply = verify_authentication(&server, &response, &both(&challenge, &ceremony)).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "attacker@example.com");
    // The victim's sign-in still waits for the victim's own second factor.
    let finished = verify_totp(&server, &next_code(&server, &victim.totp), &challenge).await;
    assert_eq!(finished.status, 200, "{}", finished.text);
    assert_eq!(finished.json["user"]["email"], "victim@example.com");
}

async fn uv_required(backend: Backend) {
    let options = Options {
        passkey_requires_user_verification: true,
        ..Options::default()
    };
    let server = TestServer::with(backend, options).await;
    let session = server.sign_up("strict@example.com").await;
    let mut lax_key = authenticator(&server, false);
    let mut strict_key = authenticator(&server, true);

    let lax = register(&server, &session, &mut lax_key).await;
    let strict = register(&server, &session, &mut strict_key).await;

    assert_eq!(lax.error(), (400, "FAILED_TO_VERIFY_REGISTRATION".into()));
    assert_eq!(strict.status, 200, "{}", strict.text);
    assert_eq!(server.rows("passkey").await, 1);
}
