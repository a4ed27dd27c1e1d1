//! Registering a passkey: the options, the stored row, and every refusal.

use crate::on_both;
use crate::support::TestServer;
use crate::{
    CEREMONY, authenticator, listed, post_with_cookie, register, registration_answer, start,
    user_with_passkey, verify_registration,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use beep_store::Backend;
use serde_json::json;

on_both!(
    the_options_name_the_relying_party_and_a_random_user_handle => options_shape,
    a_registration_stores_the_passkey_and_answers_its_row => stores_row,
    the_options_exclude_the_users_passkeys => excludes_existing,
    a_challenge_is_good_once => challenge_once,
    an_expired_challenge_is_refused => challenge_expired,
    another_users_ceremony_is_refused => other_users_ceremony,
    an_answer_made_for_another_origin_is_refused => wrong_origin,
    a_session_older_than_a_day_must_sign_in_again => stale_session,
    no_session_gets_401 => no_session,
);

async fn options_shape(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("opts@example.com").await;

    let reply = server
        .get("/passkey/generate-register-options", Some(&session))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let options = &reply.json;
    assert_eq!(
        options["rp"],
        json!({"name": "beep-iam", "id": "localhost"})
    );
    assert_eq!(options["user"]["name"], "opts@example.com");
    assert_eq!(options["user"]["displayName"], "opts@example.com");
    let handle = URL_SAFE_NO_PAD
        .decode(options["user"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(handle.len(), 32);
    assert_ne!(handle, session.user_id.as_bytes());
    let algorithms: Vec<i64> = options["pubKeyCredParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["alg"].as_i64().unwrap())
        .collect();
    assert_eq!(algorithms, [-8, -7, -257]);
    assert_eq!(options["timeout"], 60000);
    assert_eq!(options["attestation"], "none");
    assert_eq!(options["excludeCredentials"], json!([]));
    assert_eq!(
        options["authenticatorSelection"],
        json!({"residentKey": "preferred", "userVerification": "preferred", "requireResidentKey": false})
    );
    assert_eq!(options["extensions"], json!({"credProps": true}));
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(options["challenge"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    let cookie = reply.set_cookie(CEREMONY).unwrap();
    assert!(cookie.contains("Max-Age=300"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}

async fn stores_row(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("row@example.com").await;
    let mut key = authenticator(&server, true);

    let reply = register(&server, &session, &mut key).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let row = &reply.json;
    assert!(row["id"].as_str().unwrap().starts_with("pk_"));
    assert_eq!(row["name"], "Laptop");
    assert_eq!(row["userId"], session.user_id.as_str());
    assert_eq!(row["credentialID"], key.credential_ids()[0].as_str());
    assert!(STANDARD.decode(row["publicKey"].as_str().unwrap()).is_ok());
    assert!(row["counter"].is_i64());
    assert!(["singleDevice", "multiDevice"].contains(&row["deviceType"].as_str().unwrap()));
    assert!(row["backedUp"].is_boolean());
    assert!(row["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(row["aaguid"].as_str().unwrap().len(), 36);
    assert_eq!(reply.cookie_value(CEREMONY).as_deref(), Some(""));
    assert_eq!(server.rows("passkey").await, 1);
    assert_eq!(listed(&server, &session).await, vec![row.clone()]);
}

async fn excludes_existing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (session, key, _) = user_with_passkey(&server, "ex@example.com", true).await;

    let started = start(
        &server,
        "/passkey/generate-register-options",
        &session.cookie_header(),
    )
    .await;

    let excluded = started.options["excludeCredentials"].as_array().unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0]["id"], key.credential_ids()[0].as_str());
    assert_eq!(excluded[0]["type"], "public-key");
}

async fn challenge_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("once@example.com").await;
    let mut key = authenticator(&server, true);
    let (response, ceremony) = registration_answer(&server, &session, &mut key).await;
    let first = verify_registration(&server, &session, &response, &ceremony).await;
    assert_eq!(first.status, 200, "{}", first.text);

    let again = verify_registration(&server, &session, &response, &ceremony).await;

    assert_eq!(again.error(), (400, "CHALLENGE_NOT_FOUND".into()));
    assert_eq!(server.rows("passkey").await, 1);
}

async fn challenge_expired(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("late@example.com").await;
    let mut key = authenticator(&server, true);
    let (response, ceremony) = registration_answer(&server, &session, &mut key).await;
    server.clock.advance(chrono::Duration::seconds(301));

    let reply = verify_registration(&server, &session, &response, &ceremony).await;

    assert_eq!(reply.error(), (400, "CHALLENGE_NOT_FOUND".into()));
    assert_eq!(server.rows("passkey").await, 0);
}

async fn other_users_ceremony(backend: Backend) {
    let server = TestServer::start(backend).await;
    let alice = server.sign_up("alice@example.com").await;
    let mallory = server.sign_up("mallory@example.com").await;
    let mut key = authenticator(&server, true);
    let (response, alices_ceremony) = registration_answer(&server, &alice, &mut key).await;

    let reply = verify_registration(&server, &mallory, &response, &alices_ceremony).await;

    assert_eq!(
        reply.error(),
        (401, "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY".into())
    );
    assert_eq!(server.rows("passkey").await, 0);
}

async fn wrong_origin(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("phish@example.com").await;
    // Same host, another port: another origin, which the server does not trust.
    let mut key =
        crate::support::soft_authenticator::SoftAuthenticator::new("http://localhost:1", true);
    let (response, ceremony) = registration_answer(&server, &session, &mut key).await;

    let reply = verify_registration(&server, &session, &response, &ceremony).await;

    assert_eq!(reply.error(), (400, "FAILED_TO_VERIFY_REGISTRATION".into()));
    assert_eq!(server.rows("passkey").await, 0);
}

async fn stale_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("stale@example.com").await;
    server.clock.advance(chrono::Duration::hours(25));
    let challenges_before = server.rows("verification").await;

    let options = server
        .get("/passkey/generate-register-options", Some(&session))
        .await;

    assert_eq!(options.error(), (403, "SESSION_NOT_FRESH".into()));
    assert!(options.set_cookie(CEREMONY).is_none());
    assert_eq!(server.rows("verification").await, challenges_before);
}

async fn no_session(backend: Backend) {
    let server = TestServer::start(backend).await;

    let options = server.get("/passkey/generate-register-options", None).await;
    let verify = post_with_cookie(
        &server,
        "/passkey/verify-registration",
        json!({ "response": {"id": "AAAA"} }),
        "",
    )
    .await;

    assert_eq!(options.error(), (401, "UNAUTHORIZED".into()));
    assert_eq!(verify.error(), (401, "UNAUTHORIZED".into()));
    assert_eq!(server.rows("verification").await, 0);
}
