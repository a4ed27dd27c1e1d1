//! Signing in with a passkey: no email, no password; the signature, the challenge and the
//! counter decide.

use crate::support::TestServer;
use crate::support::two_factor::signs_in;
use crate::{
    CEREMONY, assertion, both, listed, on_both, sign_in_with, start, user_with_passkey,
    verify_authentication,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use beep_store::Backend;
use beep_store::ConnectionTrait;
use serde_json::json;

on_both!(
    a_passkey_signs_in_with_no_email_and_no_password => signs_in_username_less,
    the_options_name_the_passkeys_of_a_signed_in_caller => names_own_passkeys,
    an_assertion_is_good_once => replayed_assertion,
    a_forged_signature_is_refused => forged_signature,
    a_counter_that_goes_back_is_refused => counter_regression,
    an_unknown_credential_is_refused => unknown_credential,
    no_or_wrong_ceremony_cookie_is_refused => no_ceremony,
    racing_sign_ins_with_one_assertion_open_one_session => racing,
);

async fn signs_in_username_less(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, mut key, row) = user_with_passkey(&server, "pk@example.com", true).await;
    let sessions_before = server.rows("session").await;

    let reply = sign_in_with(&server, &mut key).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["email"], "pk@example.com");
    assert_eq!(reply.json["session"]["userId"], session.user_id.as_str());
    assert!(signs_in(&server, &reply).await);
    assert_eq!(reply.cookie_value(CEREMONY).as_deref(), Some(""));
    assert_eq!(server.rows("session").await, sessions_before + 1);
    let after = &listed(&server, &session).await[0];
    assert_eq!(after["id"], row["id"]);
    assert!(after["counter"].as_i64() >= row["counter"].as_i64());
}

async fn names_own_passkeys(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, key, _) = user_with_passkey(&server, "named@example.com", true).await;

    let signed_in = start(
        &server,
        "/passkey/generate-authenticate-options",
        &session.cookie_header(),
    )
    .await;
    let anonymous = start(&server, "/passkey/generate-authenticate-options", "").await;

    let allowed = signed_in.options["allowCredentials"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["id"], key.credential_ids()[0].as_str());
    assert_eq!(signed_in.options["rpId"], "localhost");
    assert_eq!(signed_in.options["userVerification"], "preferred");
    assert_eq!(signed_in.options["timeout"], 60000);
    assert!(anonymous.options.get("allowCredentials").is_none());
}

async fn replayed_assertion(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, mut key, _) = user_with_passkey(&server, "replay@example.com", true).await;
    let (response, ceremony) = assertion(&server, &mut key, "").await;
    let first = verify_authentication(&server, &response, &ceremony).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let sessions_after_first = server.rows("session").await;

    let same_ceremony = verify_authentication(&server, &response, &ceremony).await;
    let fresh = start(&server, "/passkey/generate-authenticate-options", "").await;
    let new_ceremony = verify_authentication(&server, &response, &fresh.ceremony).await;

    assert_eq!(same_ceremony.error(), (400, "CHALLENGE_NOT_FOUND".into()));
    assert_eq!(new_ceremony.error(), (401, "AUTHENTICATION_FAILED".into()));
    assert_eq!(server.rows("session").await, sessions_after_first);
}

async fn forged_signature(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, mut key, _) = user_with_passkey(&server, "forged@example.com", true).await;
    let (mut response, ceremony) = assertion(&server, &mut key, "").await;
    let mut signature = URL_SAFE_NO_PAD
        .decode(response["response"]["signature"].as_str().unwrap())
        .unwrap();
    let last = signature.len() - 1;
    signature[last] ^= 0x01;
    response["response"]["signature"] = json!(URL_SAFE_NO_PAD.encode(signature));
    let sessions_before = server.rows("session").await;

    let reply = verify_authentication(&server, &response, &ceremony).await;

    assert_eq!(reply.error(), (401, "AUTHENTICATION_FAILED".into()));
    assert!(reply.cookie_value("better-auth.session_token").is_none());
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn counter_regression(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, mut key, _) = user_with_passkey(&server, "clone@example.com", true).await;
    // As if a copy of the credential had signed in many times already.
    server
        .db
        .store
        .conn()
        .execute_unprepared("UPDATE passkey SET counter = 4000000000")
        .await
        .unwrap();
    let sessions_before = server.rows("session").await;

    let reply = sign_in_with(&server, &mut key).await;

    assert_eq!(reply.error(), (401, "AUTHENTICATION_FAILED".into()));
    assert_eq!(server.rows("session").await, sessions_before);
    assert_eq!(
        listed(&server, &session).await[0]["counter"],
        4_000_000_000_i64
    );
}

async fn unknown_credential(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, mut key, row) = user_with_passkey(&server, "gone@example.com", true).await;
    let deleted = server
        .post(
            "/passkey/delete-passkey",
            json!({"id": row["id"]}),
            Some(&session),
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);

    let reply = sign_in_with(&server, &mut key).await;

    assert_eq!(reply.error(), (401, "PASSKEY_NOT_FOUND".into()));
    assert!(reply.cookie_value("better-auth.session_token").is_none());
}

async fn no_ceremony(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, mut key, _) = user_with_passkey(&server, "nocookie@example.com", true).await;
    let (response, ceremony) = assertion(&server, &mut key, "").await;
    let registration = start(
        &server,
        "/passkey/generate-register-options",
        &session.cookie_header(),
    )
    .await;
    let forged = format!(
        "{CEREMONY}=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"
    );

    let without = verify_authentication(&server, &response, "").await;
    let with_forged = verify_authentication(&server, &response, &forged).await;
    let with_registration = verify_authentication(&server, &response, &registration.ceremony).await;

    assert_eq!(without.error(), (400, "CHALLENGE_NOT_FOUND".into()));
    assert_eq!(with_forged.error(), (400, "CHALLENGE_NOT_FOUND".into()));
    assert_eq!(
        with_registration.error(),
        (400, "CHALLENGE_NOT_FOUND".into())
    );
    // The right ceremony still works: refusals did not consume it.
    let right = verify_authentication(&server, &response, &both("", &ceremony)).await;
    assert_eq!(right.status, 200, "{}", right.text);
}

async fn racing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, mut key, _) = user_with_passkey(&server, "race@example.com", true).await;
    let (response, ceremony) = assertion(&server, &mut key, "").await;
    let sessions_before = server.rows("session").await;

    let replies = futures::future::join_all(
        (0..8).map(|_| verify_authentication(&server, &response, &ceremony)),
    )
    .await;

    let passed = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        passed,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert!(replies.iter().all(|r| r.status < 500));
    assert_eq!(server.rows("session").await, sessions_before + 1);
}
