//! Codes by mail as the second factor, delivered through the outbox to a real SMTP server.

use crate::on_both;
use crate::support::org::verified_person;
use crate::support::{Options, TestServer};
use crate::{challenged, enrolled, post_with_cookie, signs_in};
use beep_email::testing::SmtpSink;
use beep_store::Backend;
use serde_json::json;
use std::time::Duration;

on_both!(
    a_mailed_code_finishes_the_sign_in => mailed_code_signs_in,
    a_mailed_code_lapses_after_three_minutes => mailed_code_expires,
    five_wrong_mailed_codes_end_it => mailed_code_attempts,
);

/// The code in the `nth` code mail the sink received (sign-up's verification mails aside).
async fn mailed_code(sink: &SmtpSink, nth: usize) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let codes: Vec<String> = sink
            .received()
            .iter()
            .filter(|mail| mail.subject.contains("verification code"))
            .filter_map(|mail| {
                mail.text
                    .lines()
                    .map(str::trim)
                    .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned)
            })
            .collect();
        if let Some(code) = codes.get(nth - 1) {
            return code.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no code mail arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asks for a code in `challenge`'s context and answers the `nth` code mailed so far.
async fn send_code(server: &TestServer, sink: &SmtpSink, challenge: &str, nth: usize) -> String {
    let sent = post_with_cookie(server, "/two-factor/send-otp", json!({}), challenge).await;
    assert_eq!(sent.json, json!({"status": true}), "{}", sent.text);
    mailed_code(sink, nth).await
}

/// `POST /two-factor/verify-otp {code}` in `challenge`'s context.
async fn verify_mailed(server: &TestServer, code: &str, challenge: &str) -> crate::support::Reply {
    post_with_cookie(
        server,
        "/two-factor/verify-otp",
        json!({ "code": code }),
        challenge,
    )
    .await
}

async fn server_mailing(backend: Backend, sink: &SmtpSink) -> TestServer {
    TestServer::with(backend, Options::mailing_to(sink)).await
}

async fn mailed_code_signs_in(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let user = enrolled(&server, "otp@example.com").await;
    let challenge = challenged(&server, &user.email).await;

    let code = send_code(&server, &sink, &challenge, 1).await;
    let reply = verify_mailed(&server, &code, &challenge).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(signs_in(&server, &reply).await);
    let mail = sink
        .received()
        .into_iter()
        .find(|mail| mail.subject.contains("verification code"))
        .unwrap();
    assert_eq!(mail.rcpt_tos, vec!["otp@example.com".to_owned()]);
}

async fn mailed_code_expires(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let user = enrolled(&server, "late@example.com").await;
    let challenge = challenged(&server, &user.email).await;
    let code = send_code(&server, &sink, &challenge, 1).await;
    server.clock.advance(chrono::Duration::minutes(4));

    let reply = verify_mailed(&server, &code, &challenge).await;

    assert_eq!(reply.error(), (400, "OTP_HAS_EXPIRED".into()));
    assert!(!signs_in(&server, &reply).await);
}

async fn mailed_code_attempts(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let user = enrolled(&server, "tries@example.com").await;
    // Five wrong codes use up the mailed code's tries (and the challenge's: both are five).
    let challenge = challenged(&server, &user.email).await;
    let code = send_code(&server, &sink, &challenge, 1).await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    for _ in 0..5 {
        let reply = verify_mailed(&server, &wrong, &challenge).await;
        assert_eq!(reply.error(), (401, "INVALID_CODE".into()));
    }

    let reply = verify_mailed(&server, &code, &challenge).await;

    assert_eq!(
        reply.error(),
        (400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE".into())
    );
    assert!(!signs_in(&server, &reply).await);
}

on_both!(
    enable_with_method_otp_turns_mailed_codes_on_at_once => enable_by_mail,
    enable_with_method_otp_needs_a_verified_address => enable_by_mail_unverified,
    ten_wrong_mailed_codes_in_a_row_lock_a_mail_only_user => mail_only_lockout,
);

async fn enable_by_mail_unverified(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let session = server.sign_up("unproven@example.com").await;

    let reply = server
        .post(
            "/two-factor/enable",
            json!({"password": crate::support::PASSWORD, "method": "otp"}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error().1, "EMAIL_NOT_VERIFIED", "{}", reply.text);
    let user = server.get("/get-session", Some(&session)).await.json["user"].clone();
    assert_eq!(user["twoFactorEnabled"], false);
}

async fn mail_only_lockout(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let session = verified_person(&server, "mlock@example.com").await;
    let enabled = server
        .post(
            "/two-factor/enable",
            json!({"password": crate::support::PASSWORD, "method": "otp"}),
            Some(&session),
        )
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    for round in 0..2 {
        let challenge = crate::challenged(&server, "mlock@example.com").await;
        send_code(&server, &sink, &challenge, round + 1).await;
        for _ in 0..5 {
            verify_mailed(&server, "000000", &challenge).await;
        }
    }
    let challenge = crate::challenged(&server, "mlock@example.com").await;
    let code = send_code(&server, &sink, &challenge, 3).await;

    let reply = verify_mailed(&server, &code, &challenge).await;

    assert_eq!(reply.error(), (429, "ACCOUNT_TEMPORARILY_LOCKED".into()));
    assert!(!signs_in(&server, &reply).await);
}

async fn enable_by_mail(backend: Backend) {
    let sink = SmtpSink::start();
    let server = server_mailing(backend, &sink).await;
    let session = verified_person(&server, "mailonly@example.com").await;

    let reply = server
        .post(
            "/two-factor/enable",
            json!({"password": crate::support::PASSWORD, "method": "otp"}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({"method": "otp"}));
    // No TOTP secret: the row only counts this user's wrong codes.
    assert_eq!(server.rows("two_factor").await, 1);
    let first = crate::first_factor(&server, "mailonly@example.com", None).await;
    assert_eq!(
        first.json,
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["otp"]})
    );
    let challenge = crate::challenge_of(&first);
    let code = send_code(&server, &sink, &challenge, 1).await;
    let passed = verify_mailed(&server, &code, &challenge).await;
    assert_eq!(passed.status, 200, "{}", passed.text);
    assert!(signs_in(&server, &passed).await);
}
