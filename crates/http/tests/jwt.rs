//! The JWT routes over HTTP, on SQLite and PostgreSQL: `GET /token`, `GET /jwks` and the
//! `set-auth-jwt` header of get-session, in better-auth's shapes. Every token is verified with
//! the `jsonwebtoken` crate against the served key set, never with the server's code.

mod support;

use beep_core::jwt::JwtAlgorithm;
use beep_store::Backend;
use chrono::Duration;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde_json::{Map, Value};
use support::{Options, Session, TestServer};

/// Verifies `token` as a resource server would, against the server's `/jwks`: the key its
/// `kid` names, the algorithm, `iss` and `aud` (the base URL) and `exp`.
async fn verify(
    server: &TestServer,
    token: &str,
    algorithm: Algorithm,
) -> Result<Map<String, Value>, String> {
    let jwks = server.get("/jwks", None).await;
    assert_eq!(jwks.status, 200, "{}", jwks.text);
    let kid = jsonwebtoken::decode_header(token)
        .map_err(|e| e.to_string())?
        .kid
        .ok_or("no kid")?;
    let key = jwks.json["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["kid"] == kid.as_str())
        .ok_or_else(|| format!("no key {kid} in {}", jwks.text))?;
    let jwk: Jwk = serde_json::from_value(key.clone()).map_err(|e| e.to_string())?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[&server.base]);
    validation.set_audience(&[&server.base]);
    jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())
}

/// `GET /token` for `session`: the token.
async fn token(server: &TestServer, session: &Session) -> String {
    let reply = server.get("/token", Some(session)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["token"].as_str().expect("{token}").to_owned()
}

fn kid(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

async fn token_carries_the_session_user_and_verifies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("jwt@example.com").await;

    let token = token(&server, &session).await;
    let claims = verify(&server, &token, Algorithm::EdDSA)
        .await
        .expect("verifies");

    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(claims["sub"], session.user_id.as_str());
    assert_eq!(claims["id"], session.user_id.as_str());
    assert_eq!(claims["email"], "jwt@example.com");
    assert_eq!(claims["name"], "Test User");
    assert_eq!(claims["emailVerified"], false);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 15 * 60, "15 minutes");
    assert!(claims.get("password").is_none() && claims.get("token").is_none());
}

async fn token_without_a_session_is_401(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.get("/token", None).await;

    assert_eq!(reply.error(), (401, "UNAUTHORIZED".to_owned()));
    assert_eq!(server.rows("jwks").await, 0, "no key made for nobody");
}

async fn token_with_a_bearer_session_works(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("bearer-jwt@example.com").await;

    let reply = server
        .send(
            server
                .http
                .get(server.url("/token"))
                .bearer_auth(&session.bearer),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let token = reply.json["token"].as_str().unwrap();
    assert!(verify(&server, token, Algorithm::EdDSA).await.is_ok());
}

async fn jwks_serves_one_okp_key_made_on_first_use(backend: Backend) {
    let server = TestServer::start(backend).await;

    let first = server.get("/jwks", None).await;
    let again = server.get("/jwks", None).await;

    assert_eq!(first.status, 200);
    let keys = first.json["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{}", first.text);
    let key = &keys[0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert_eq!(key["alg"], "EdDSA");
    assert!(key["kid"].as_str().unwrap().starts_with("jwk_"));
    assert!(key.get("d").is_none(), "no private member");
    assert_eq!(again.json, first.json, "the same key, not a new one");
    assert_eq!(server.rows("jwks").await, 1);
}

async fn get_session_adds_a_verifiable_set_auth_jwt(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("header@example.com").await;

    // From the database, then from the cookie cache, then from the pair this node verified.
    for (what, presented) in [
        ("database", session.without_cache()),
        ("cookie cache", session.clone()),
        ("verified pair", session.clone()),
    ] {
        let reply = server.get("/get-session", Some(&presented)).await;
        assert_eq!(reply.status, 200, "{what}: {}", reply.text);
        let jwt = reply
            .header("set-auth-jwt")
            .unwrap_or_else(|| panic!("{what}: no set-auth-jwt"));
        let claims = verify(&server, &jwt, Algorithm::EdDSA).await.expect(what);
        assert_eq!(claims["sub"], session.user_id.as_str(), "{what}");
        assert_eq!(claims["email"], "header@example.com", "{what}");
        let exposed = reply
            .header("access-control-expose-headers")
            .unwrap_or_default();
        assert!(
            exposed.contains("set-auth-jwt"),
            "{what}: exposed {exposed:?}"
        );
    }
}

async fn get_session_without_a_session_has_no_jwt(backend: Backend) {
    let server = TestServer::start(backend).await;

    let reply = server.get("/get-session", None).await;

    assert_eq!(reply.json, Value::Null);
    assert!(reply.header("set-auth-jwt").is_none());
}

async fn the_session_header_can_be_turned_off(backend: Backend) {
    let server = TestServer::with(
        backend,
        Options {
            jwt_session_header: false,
            ..Options::default()
        },
    )
    .await;
    let session = server.sign_up("quiet@example.com").await;

    let from_db = server
        .get("/get-session", Some(&session.without_cache()))
        .await;
    let from_cache = server.get("/get-session", Some(&session)).await;

    assert_eq!(from_db.status, 200);
    assert!(from_db.header("set-auth-jwt").is_none());
    assert!(from_cache.header("set-auth-jwt").is_none());
    assert_eq!(
        server.get("/token", Some(&session)).await.status,
        200,
        "/token still works"
    );
}

async fn es256_and_rs256_are_configurable(backend: Backend) {
    for (algorithm, expected, kty) in [
        (JwtAlgorithm::Es256, Algorithm::ES256, "EC"),
        (JwtAlgorithm::Rs256, Algorithm::RS256, "RSA"),
    ] {
        let server = TestServer::with(
            backend,
            Options {
                jwt_algorithm: algorithm,
                ..Options::default()
            },
        )
        .await;
        let session = server.sign_up("algorithms@example.com").await;

        let token = token(&server, &session).await;

        assert_eq!(jsonwebtoken::decode_header(&token).unwrap().alg, expected);
        assert!(
            verify(&server, &token, expected).await.is_ok(),
            "{algorithm:?}"
        );
        let jwks = server.get("/jwks", None).await;
        assert_eq!(jwks.json["keys"][0]["kty"], kty);
        assert!(
            verify(&server, &token, Algorithm::EdDSA).await.is_err(),
            "pinned algorithm"
        );
    }
}

async fn after_rotation_old_tokens_verify_until_the_grace_period_ends(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("rotate@example.com").await;
    let before = token(&server, &session).await;

    server.clock.advance(Duration::days(31));
    let session = server.sign_in("rotate@example.com").await;
    let after = token(&server, &session).await;

    assert_ne!(kid(&before), kid(&after), "a new key signs");
    assert!(
        verify(&server, &before, Algorithm::EdDSA).await.is_ok(),
        "grace period"
    );
    assert!(verify(&server, &after, Algorithm::EdDSA).await.is_ok());

    server.clock.advance(Duration::days(30));
    let err = verify(&server, &before, Algorithm::EdDSA)
        .await
        .unwrap_err();
    assert!(err.starts_with("no key"), "{err}");
}

async fn a_forged_token_does_not_verify(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("forge@example.com").await;
    let token = token(&server, &session).await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();

    // Another subject under the same signature.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Map<String, Value> =
        serde_json::from_slice(&b64.decode(&parts[1]).unwrap()).unwrap();
    claims.insert("sub".into(), "user_someone_else".into());
    parts[1] = b64.encode(serde_json::to_vec(&claims).unwrap());
    let forged = parts.join(".");

    assert!(verify(&server, &forged, Algorithm::EdDSA).await.is_err());
}

on_both!(
    token_claims => token_carries_the_session_user_and_verifies,
    token_unauthenticated => token_without_a_session_is_401,
    token_bearer => token_with_a_bearer_session_works,
    jwks_first_use => jwks_serves_one_okp_key_made_on_first_use,
    session_header => get_session_adds_a_verifiable_set_auth_jwt,
    session_header_absent => get_session_without_a_session_has_no_jwt,
    session_header_off => the_session_header_can_be_turned_off,
    other_algorithms => es256_and_rs256_are_configurable,
    rotation => after_rotation_old_tokens_verify_until_the_grace_period_ends,
    forged => a_forged_token_does_not_verify,
);
