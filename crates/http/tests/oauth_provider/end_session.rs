//! RP-initiated logout: a client allowed to (by an admin) ends the session its ID token
//! names and sends the user back to one of its registered URIs, exactly; anything else
//! changes nothing.

use crate::authorization_code::{REDIRECT, code_for, exchange};
use crate::support::{Session, TestServer};
use base64::Engine as _;
use beep_store::Backend;
use serde_json::{Value, json};

crate::on_both!(
    an_allowed_client_ends_the_session_and_sends_the_user_back => logout_and_back,
    a_client_not_allowed_to_end_sessions_is_refused => not_allowed,
    an_unregistered_return_uri_or_a_forged_hint_changes_nothing => refused_hints,
    only_an_admin_lets_a_client_end_sessions => admin_only,
);

const SIGNED_OUT: &str = "https://rp.example.com/signed-out";

/// A client an admin made, allowed to end sessions when `allowed`: `(id, secret)`.
async fn client(server: &TestServer, allowed: bool) -> (String, String) {
    let admin = crate::admin(server, "admin@example.com").await;
    let reply = crate::create(
        server,
        &admin,
        json!({
            "redirect_uris": [REDIRECT],
            "post_logout_redirect_uris": [SIGNED_OUT],
            "grant_types": ["authorization_code"],
            "enable_end_session": allowed,
        }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (
        reply.json["client_id"].as_str().unwrap().to_owned(),
        reply.json["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// A user signed in to `client`: their session and ID token.
async fn signed_in(server: &TestServer, client: &(String, String)) -> (Session, String) {
    let user = server.sign_up("ada@example.com").await;
    let code = code_for(server, &user, &client.0, "openid").await;
    let tokens = exchange(server, client, &code).await;
    (user, tokens.json["id_token"].as_str().unwrap().to_owned())
}

async fn end_session(server: &TestServer, pairs: &[(&str, &str)]) -> crate::support::Reply {
    let query = serde_urlencoded::to_string(pairs).unwrap();
    server
        .get(&format!("/oauth2/end-session?{query}"), None)
        .await
}

async fn session_of(server: &TestServer, user: &Session) -> Value {
    server
        .get("/get-session", Some(&user.without_cache()))
        .await
        .json
}

async fn logout_and_back(backend: Backend) {
    let server = crate::server(backend).await;
    let client = client(&server, true).await;
    let (user, id_token) = signed_in(&server, &client).await;

    let reply = end_session(
        &server,
        &[
            ("id_token_hint", &id_token),
            ("post_logout_redirect_uri", SIGNED_OUT),
            ("state", "bye-1"),
        ],
    )
    .await;

    assert_eq!(reply.status, 302, "{}", reply.text);
    assert_eq!(
        reply.header("location"),
        Some(format!("{SIGNED_OUT}?state=bye-1"))
    );
    assert_eq!(
        session_of(&server, &user).await,
        Value::Null,
        "the session ended"
    );
    let again = end_session(&server, &[("id_token_hint", &id_token)]).await;
    assert_eq!(again.status, 200, "a second logout is a signed-out page");
}

async fn not_allowed(backend: Backend) {
    let server = crate::server(backend).await;
    let client = client(&server, false).await;
    let (user, id_token) = signed_in(&server, &client).await;

    let reply = end_session(&server, &[("id_token_hint", &id_token)]).await;

    assert_eq!(crate::oauth_error(&reply), (401, "invalid_client".into()));
    assert!(
        session_of(&server, &user).await.is_object(),
        "the session stays"
    );
}

async fn refused_hints(backend: Backend) {
    let server = crate::server(backend).await;
    let client = client(&server, true).await;
    let (user, id_token) = signed_in(&server, &client).await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = id_token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    claims["sid"] = json!("sess_someone_else");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        engine.encode(claims.to_string()),
        parts[2]
    );

    for pairs in [
        vec![
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "https://evil.example.com/"),
        ],
        vec![
            ("id_token_hint", id_token.as_str()),
            (
                "post_logout_redirect_uri",
                "https://rp.example.com/signed-out/../x",
            ),
        ],
        vec![("id_token_hint", forged.as_str())],
        vec![("id_token_hint", "not.a.jwt")],
        vec![
            ("id_token_hint", id_token.as_str()),
            ("client_id", "another-client"),
        ],
        vec![("post_logout_redirect_uri", SIGNED_OUT)],
    ] {
        let reply = end_session(&server, &pairs).await;

        assert_eq!(
            crate::oauth_error(&reply),
            (400, "invalid_request".into()),
            "{pairs:?}"
        );
    }
    assert!(
        session_of(&server, &user).await.is_object(),
        "the session stays"
    );
}

async fn admin_only(backend: Backend) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("owner@example.com").await;

    for field in ["enable_end_session", "skip_consent"] {
        let reply = crate::create(
            &server,
            &owner,
            json!({ "redirect_uris": [REDIRECT], field: true }),
        )
        .await;

        assert_eq!(
            crate::oauth_error(&reply),
            (403, "access_denied".into()),
            "{field}"
        );
    }
    assert_eq!(server.rows("oauth_client").await, 0);
}
