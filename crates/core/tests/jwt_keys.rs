//! JWT signing keys, without HTTP, on SQLite and PostgreSQL: made once on first use (also
//! when requests race), shared by every node of a database, rotated on schedule with the old
//! key published through its grace period, sealed at rest. Tokens are verified with the
//! `jsonwebtoken` crate against the published key set, never with the server's code.

use beep_core::jwt::{JsonWebKeySet, JwtAlgorithm, JwtConfig};
use beep_core::{Auth, AuthConfig, HashingConfig, ManualClock};
use beep_domain::{Secret, UserId};
use beep_store::ConnectionTrait;
use beep_store::on_both_databases;
use beep_store::testing::{TestDb, count_rows};
use chrono::Duration;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde_json::{Map, Value, json};
use std::sync::Arc;

const ISSUER: &str = "https://auth.example.com";
const SECRET: &str = "jwt-key-test-secret-0123456789abcdef";

/// A node over `db` with its own memory, on `clock`, sealing keys under `secret`.
fn node(db: &TestDb, clock: &Arc<ManualClock>, secret: &str, jwt: JwtConfig) -> Auth {
    let config = AuthConfig {
        hashing: HashingConfig::minimal(),
        jwt,
        secret: Secret::new(secret.to_owned()),
        ..AuthConfig::default()
    };
    Auth::new(db.store.clone(), clock.clone(), config).unwrap()
}

fn config() -> JwtConfig {
    JwtConfig::for_base_url(ISSUER)
}

async fn token_for(auth: &Auth, user: &str) -> String {
    let claims = match json!({ "email": format!("{user}@example.com") }) {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    auth.issue_jwt(&UserId::from_trusted(user.to_owned()), claims)
        .await
        .expect("a token")
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token)
        .expect("a JWS header")
        .kid
        .expect("a kid")
}

fn kids(set: &JsonWebKeySet) -> Vec<String> {
    set.keys
        .iter()
        .map(|key| key["kid"].as_str().expect("kid").to_owned())
        .collect()
}

/// Verifies `token` as a resource server would: the key named by its `kid` in `set`, the
/// algorithm, issuer, audience and expiry.
fn verify(
    token: &str,
    set: &JsonWebKeySet,
    algorithm: Algorithm,
) -> Result<Map<String, Value>, String> {
    let kid = kid_of(token);
    let key = set
        .keys
        .iter()
        .find(|key| key["kid"] == kid.as_str())
        .ok_or_else(|| format!("no key {kid} in the set"))?;
    let jwk: Jwk = serde_json::from_value(Value::Object(key.clone())).map_err(|e| e.to_string())?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[ISSUER]);
    jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())
}

async fn one_key_signs_for_every_node(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let first = node(&db, &clock, SECRET, config());
    let second = node(&db, &clock, SECRET, config());

    let from_first = token_for(&first, "user_a").await;
    let from_second = token_for(&second, "user_b").await;

    assert_eq!(
        kid_of(&from_first),
        kid_of(&from_second),
        "both nodes sign with one key"
    );
    assert_eq!(count_rows(db.store.conn(), "jwks").await, 1);
    let set = second.json_web_key_set().await.unwrap();
    assert_eq!(kids(&set), [kid_of(&from_first)]);
    let claims = verify(&from_first, &set, Algorithm::EdDSA).expect("verifies");
    assert_eq!(claims["sub"], "user_a");
    assert_eq!(claims["email"], "user_a@example.com");
}

async fn racing_first_tokens_make_one_key(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let auth = node(&db, &clock, SECRET, config());

    let racing: Vec<_> = (0..10)
        .map(|i| {
            let auth = auth.clone();
            tokio::spawn(async move { token_for(&auth, &format!("user_{i}")).await })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in racing {
        tokens.push(task.await.expect("task"));
    }

    assert_eq!(count_rows(db.store.conn(), "jwks").await, 1);
    let first_kid = kid_of(&tokens[0]);
    assert!(
        tokens.iter().all(|t| kid_of(t) == first_kid),
        "every token has the one kid"
    );
}

async fn rotation_keeps_old_tokens_verifiable_through_the_grace_period(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let signer = node(&db, &clock, SECRET, config());
    let other_node = node(&db, &clock, SECRET, config());
    let before = token_for(&signer, "user_a").await;
    token_for(&other_node, "user_a").await;

    clock.advance(Duration::days(30) + Duration::seconds(1));
    let after = token_for(&signer, "user_a").await;
    let after_elsewhere = token_for(&other_node, "user_a").await;
    let set = signer.json_web_key_set().await.unwrap();

    assert_ne!(
        kid_of(&before),
        kid_of(&after),
        "a new key signs after the interval"
    );
    assert_eq!(
        kid_of(&after_elsewhere),
        kid_of(&after),
        "the other node moves to it too"
    );
    assert_eq!(
        kids(&set),
        [kid_of(&after), kid_of(&before)],
        "newest first, old one kept"
    );
    assert!(
        verify(&before, &set, Algorithm::EdDSA).is_ok(),
        "the old token still verifies"
    );

    clock.advance(Duration::days(30));
    let set = signer.json_web_key_set().await.unwrap();
    assert_eq!(
        kids(&set),
        [kid_of(&after)],
        "the old key is gone after its grace period"
    );
    assert!(verify(&before, &set, Algorithm::EdDSA).is_err());
}

async fn without_rotation_one_key_signs_for_good(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let jwt = JwtConfig {
        rotation_interval: None,
        ..config()
    };
    let auth = node(&db, &clock, SECRET, jwt);
    let first = token_for(&auth, "user_a").await;

    clock.advance(Duration::days(400));
    let later = token_for(&auth, "user_a").await;

    assert_eq!(kid_of(&first), kid_of(&later));
    assert_eq!(
        kids(&auth.json_web_key_set().await.unwrap()),
        [kid_of(&first)]
    );
}

async fn a_key_sealed_under_another_secret_is_not_used(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let old = node(&db, &clock, SECRET, config());
    let old_token = token_for(&old, "user_a").await;
    let renewed = node(
        &db,
        &clock,
        "a-different-secret-after-rotation-000",
        config(),
    );

    let new_token = token_for(&renewed, "user_a").await;

    assert_ne!(kid_of(&old_token), kid_of(&new_token), "a key it can open");
    let set = renewed.json_web_key_set().await.unwrap();
    assert!(
        verify(&old_token, &set, Algorithm::EdDSA).is_ok(),
        "the old key is still published"
    );
    assert!(verify(&new_token, &set, Algorithm::EdDSA).is_ok());
}

async fn private_keys_are_sealed_at_rest(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let auth = node(&db, &clock, SECRET, config());
    token_for(&auth, "user_a").await;
    let set = auth.json_web_key_set().await.unwrap();
    let public_x = set.keys[0]["x"].as_str().unwrap().to_owned();

    let row = db
        .store
        .conn()
        .query_one_raw(beep_store::sea_orm::Statement::from_string(
            db.store.conn().get_database_backend(),
            "SELECT private_key, public_key FROM jwks",
        ))
        .await
        .unwrap()
        .unwrap();
    let private: String = row.try_get("", "private_key").unwrap();
    let public: String = row.try_get("", "public_key").unwrap();

    // ring's PKCS#8 for Ed25519 carries the public key: in clear it would show.
    let sealed = hex::decode(&private).expect("hex");
    let x = base64_url_decode(&public_x);
    assert!(
        !sealed.windows(x.len()).any(|w| w == x.as_slice()),
        "the private key is sealed"
    );
    assert!(
        public.contains(&public_x),
        "the public key is stored as its JWK"
    );
    assert!(
        !public.contains("\"d\""),
        "no private member in the public JWK"
    );
}

async fn es256_and_rs256_keys_verify(db: TestDb) {
    for (algorithm, expected) in [
        (JwtAlgorithm::Es256, Algorithm::ES256),
        (JwtAlgorithm::Rs256, Algorithm::RS256),
    ] {
        let clock = Arc::new(ManualClock::starting_now());
        let jwt = JwtConfig {
            algorithm,
            ..config()
        };
        let auth = node(&db, &clock, SECRET, jwt);

        let token = token_for(&auth, "user_a").await;
        let set = auth.json_web_key_set().await.unwrap();

        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, expected);
        assert!(
            verify(&token, &set, expected).is_ok(),
            "{algorithm:?} verifies"
        );
        // A verifier pinned to another algorithm refuses it.
        assert!(verify(&token, &set, Algorithm::EdDSA).is_err());
    }
}

fn base64_url_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .expect("base64url")
}

on_both_databases!(
    one_key => one_key_signs_for_every_node,
    racing_first_tokens => racing_first_tokens_make_one_key,
    rotation => rotation_keeps_old_tokens_verifiable_through_the_grace_period,
    no_rotation => without_rotation_one_key_signs_for_good,
    other_secret => a_key_sealed_under_another_secret_is_not_used,
    sealed_at_rest => private_keys_are_sealed_at_rest,
    other_algorithms => es256_and_rs256_keys_verify,
);
