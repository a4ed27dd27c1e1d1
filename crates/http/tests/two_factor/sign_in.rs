//! A sign-in of a user with two-factor on: no session until the code, and the code's limits.

use crate::on_both;
use crate::support::TestServer;
use crate::{CHALLENGE, challenged, enrolled, first_factor, next_code, signs_in, verify_totp};
use beep_store::Backend;
use serde_json::json;

on_both!(
    the_password_answers_two_factor_redirect_and_no_session => redirect_shape,
    the_code_finishes_the_sign_in => code_finishes,
    a_wrong_code_is_refused_and_opens_no_session => wrong_code,
    a_code_used_once_is_refused_in_its_window => replayed_code,
    an_expired_challenge_is_refused => expired_challenge,
    five_wrong_codes_end_the_challenge => five_wrong,
    ten_wrong_codes_in_a_row_lock_every_code_for_fifteen_minutes => lockout,
    no_or_forged_challenge_cookie_is_refused => no_challenge,
);

async fn redirect_shape(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "red@example.com").await;
    let sessions_before = server.rows("session").await;

    let reply = first_factor(&server, &user.email, None).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp", "otp"]})
    );
    let cookie = reply.set_cookie(CHALLENGE).unwrap();
    assert!(cookie.contains("Max-Age=600"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!signs_in(&server, &reply).await);
    assert!(reply.header("set-auth-token").is_none());
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn code_finishes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "fin@example.com").await;
    let challenge = challenged(&server, &user.email).await;

    let reply = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "fin@example.com");
    assert!(signs_in(&server, &reply).await);
    assert_eq!(reply.cookie_value(CHALLENGE).as_deref(), Some(""));
    let again = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;
    assert_eq!(again.error(), (401, "INVALID_TWO_FACTOR_COOKIE".into()));
}

async fn wrong_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "wrong@example.com").await;
    let challenge = challenged(&server, &user.email).await;
    let sessions_before = server.rows("session").await;
    let right = next_code(&server, &user.totp);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

    let reply = verify_totp(&server, &wrong, &challenge).await;

    assert_eq!(reply.error(), (401, "INVALID_CODE".into()));
    assert!(!signs_in(&server, &reply).await);
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn replayed_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "replay@example.com").await;
    let code = next_code(&server, &user.totp);
    let first = challenged(&server, &user.email).await;
    let used = verify_totp(&server, &code, &first).await;
    assert_eq!(used.status, 200, "{}", used.text);
    let second = challenged(&server, &user.email).await;

    let reply = verify_totp(&server, &code, &second).await;

    assert_eq!(reply.error(), (401, "INVALID_CODE".into()));
}

async fn expired_challenge(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "exp@example.com").await;
    let challenge = challenged(&server, &user.email).await;
    server.clock.advance(chrono::Duration::minutes(11));

    let reply = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;

    assert_eq!(reply.error(), (401, "INVALID_TWO_FACTOR_COOKIE".into()));
    assert!(!signs_in(&server, &reply).await);
}

async fn five_wrong(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "five@example.com").await;
    let challenge = challenged(&server, &user.email).await;
    for _ in 0..5 {
        let reply = verify_totp(&server, "000000", &challenge).await;
        assert_eq!(reply.error(), (401, "INVALID_CODE".into()));
    }

    let reply = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;

    assert_eq!(
        reply.error(),
        (400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE".into())
    );
    assert!(!signs_in(&server, &reply).await);
}

async fn lockout(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "lock@example.com").await;
    for _ in 0..2 {
        let challenge = challenged(&server, &user.email).await;
        for _ in 0..5 {
            verify_totp(&server, "000000", &challenge).await;
        }
    }
    let challenge = challenged(&server, &user.email).await;

    let locked = verify_totp(&server, &next_code(&server, &user.totp), &challenge).await;
    server.clock.advance(chrono::Duration::minutes(15));
    let later = challenged(&server, &user.email).await;
    let after = verify_totp(&server, &next_code(&server, &user.totp), &later).await;

    assert_eq!(locked.error(), (429, "ACCOUNT_TEMPORARILY_LOCKED".into()));
    assert!(!signs_in(&server, &locked).await);
    assert_eq!(after.status, 200, "{}", after.text);
}

async fn no_challenge(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "none@example.com").await;
    let code = next_code(&server, &user.totp);
    let challenge = challenged(&server, &user.email).await;
    let value = challenge.split_once('=').unwrap().1;
    let forged = format!("{CHALLENGE}={}x", &value[..value.len() - 1]);

    let missing = server
        .post("/two-factor/verify-totp", json!({"code": code}), None)
        .await;
    let tampered = verify_totp(&server, &code, &forged).await;

    assert_eq!(missing.error(), (401, "INVALID_TWO_FACTOR_COOKIE".into()));
    assert_eq!(tampered.error(), (401, "INVALID_TWO_FACTOR_COOKIE".into()));
}
