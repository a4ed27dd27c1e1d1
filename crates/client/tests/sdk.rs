//! The SDK against the real server (beep-iam's HTTP edge in process, on SQLite and
//! PostgreSQL): each credential kind verifies, a revoked session and a forged, expired or
//! foreign token do not, an API key verifies until deleted, and a JWT signed after a key rotation verifies once the SDK fetched
//! the new key set, while tokens of the old key still do.

use axum::Router;
use axum::routing::get;
use beep_client::{Authenticated, CredentialKind, KeyOwner, Verifier, VerifierConfig, VerifyError};
use beep_core::{Auth, AuthConfig, HashingConfig, ManualClock};
use beep_domain::Secret;
use beep_http::{AppState, HttpSettings};
use beep_store::Backend;
use beep_store::testing::TestDb;
use chrono::Duration;
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::sync::oneshot;

const SECRET: &str = "client-sdk-test-secret-0123456789abcdef";
const PASSWORD: &str = "Correct-Horse-Battery-Staple";

/// A beep-iam server on an ephemeral port over a fresh database, with a clock the test moves.
struct Server {
    base: String,
    clock: Arc<ManualClock>,
    http: reqwest::Client,
    _db: TestDb,
    _stop: oneshot::Sender<()>,
}

/// What a sign-up answered: the session's bearer token and the user's id.
struct SignedUp {
    bearer: String,
    cookie: String,
    user_id: String,
}

impl Server {
    async fn start(backend: Backend) -> Self {
        let db = TestDb::new(backend).await;
        let clock = Arc::new(ManualClock::starting_now());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = AuthConfig {
            hashing: HashingConfig::minimal(),
            jwt: beep_core::jwt::JwtConfig::for_base_url(&base),
            secret: Secret::new(SECRET.to_owned()),
            ..AuthConfig::default()
        };
        let auth = Auth::new(db.store.clone(), clock.clone(), config).unwrap();
        let mut settings = HttpSettings::new(&base, Secret::new(SECRET.to_owned()));
        settings.rate_limit_enabled = false;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(beep_http::serve(
            listener,
            AppState::new(auth, settings),
            Box::pin(async move {
                let _ = stopped.await;
            }),
        ));
        Self {
            base,
            clock,
            http: reqwest::Client::new(),
            _db: db,
            _stop: stop,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/auth{path}", self.base)
    }

    fn verifier(&self) -> Verifier {
        Verifier::new(VerifierConfig::for_server(&self.base))
    }

    async fn sign_up(&self, email: &str) -> SignedUp {
        let response = self
            .http
            .post(self.url("/sign-up/email"))
            .header("origin", &self.base)
            .json(&json!({ "name": "Sdk User", "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let bearer = header("set-auth-token");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        let body: Value = response.json().await.unwrap();
        SignedUp {
            bearer,
            cookie,
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// `GET /token` with the session's bearer token.
    async fn jwt(&self, session: &SignedUp) -> String {
        let body: Value = self
            .http
            .get(self.url("/token"))
            .bearer_auth(&session.bearer)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["token"].as_str().expect("{token}").to_owned()
    }

    /// `POST /api-key/create` for the session: the new key's secret and id.
    async fn api_key(&self, session: &SignedUp) -> (String, String) {
        let body: Value = self
            .http
            .post(self.url("/api-key/create"))
            .header("origin", &self.base)
            .bearer_auth(&session.bearer)
            .json(&json!({ "name": "sdk" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let text = |name: &str| body[name].as_str().expect("{key, id}").to_owned();
        (text("key"), text("id"))
    }

    async fn sign_out(&self, session: &SignedUp) {
        let response = self
            .http
            .post(self.url("/sign-out"))
            .header("origin", &self.base)
            .bearer_auth(&session.bearer)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}

fn headers(name: &str, value: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
        value.parse().unwrap(),
    );
    headers
}

async fn a_jwt_verifies_offline(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("jwt@example.com").await;
    let token = server.jwt(&session).await;

    let caller = server
        .verifier()
        .authenticate(&headers("authorization", &format!("Bearer {token}")))
        .await
        .expect("a verified JWT");

    assert_eq!(caller.user_id.as_str(), session.user_id);
    assert_eq!(caller.email.as_deref(), Some("jwt@example.com"));
    assert_eq!(caller.credential, CredentialKind::Jwt);
    assert_eq!(caller.session_id, None);
}

async fn session_bearer_and_cookies_verify_with_the_server(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("session@example.com").await;
    let verifier = server.verifier();

    let by_bearer = verifier
        .authenticate(&headers(
            "authorization",
            &format!("Bearer {}", session.bearer),
        ))
        .await
        .expect("bearer");
    let by_cookie = verifier
        .authenticate(&headers(
            "cookie",
            &format!("theme=dark; {}", session.cookie),
        ))
        .await
        .expect("cookies");

    assert_eq!(by_bearer.credential, CredentialKind::SessionBearer);
    assert_eq!(by_cookie.credential, CredentialKind::SessionCookie);
    for caller in [&by_bearer, &by_cookie] {
        assert_eq!(caller.user_id.as_str(), session.user_id);
        assert!(
            caller
                .session_id
                .as_deref()
                .is_some_and(|id| id.starts_with("sess_"))
        );
    }
}

async fn a_signed_out_session_is_refused_but_its_jwt_lives_until_exp(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("out@example.com").await;
    let token = server.jwt(&session).await;
    let verifier = server.verifier();

    server.sign_out(&session).await;

    let refused = verifier.check_session_bearer(&session.bearer).await;
    assert_eq!(refused.unwrap_err(), VerifyError::NoSession);
    assert!(
        verifier.verify_jwt(&token).await.is_ok(),
        "a JWT is offline: valid until exp"
    );
}

async fn forged_expired_and_foreign_tokens_are_refused(backend: Backend) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let server = Server::start(backend).await;
    let session = server.sign_up("forge@example.com").await;
    let token = server.jwt(&session).await;
    let verifier = server.verifier();
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!("user_admin");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(claims.to_string()),
        parts[2]
    );
    let none_header = b64.encode(r#"{"alg":"none"}"#);
    let alg_none = format!("{none_header}.{}.", parts[1]);
    let exp = claims["exp"].as_i64().unwrap();

    assert_eq!(
        verifier.verify_jwt(&forged).await.unwrap_err(),
        VerifyError::Signature
    );
    assert_eq!(
        verifier.verify_jwt(&alg_none).await.unwrap_err(),
        VerifyError::Algorithm
    );
    assert_eq!(
        verifier.verify_jwt("not a token").await.unwrap_err(),
        VerifyError::Malformed
    );
    assert_eq!(
        verifier.verify_jwt_at(&token, exp + 61).await.unwrap_err(),
        VerifyError::Expired
    );
    let other = Verifier::new(VerifierConfig {
        audience: "https://api.example.com".into(),
        ..VerifierConfig::for_server(&server.base)
    });
    assert_eq!(
        other.verify_jwt(&token).await.unwrap_err(),
        VerifyError::Audience
    );
    let pinned = Verifier::new(VerifierConfig {
        algorithms: vec!["RS256".into()],
        ..VerifierConfig::for_server(&server.base)
    });
    assert_eq!(
        pinned.verify_jwt(&token).await.unwrap_err(),
        VerifyError::Algorithm
    );
}

async fn after_a_rotation_the_new_key_is_fetched_and_the_old_still_verifies(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("rotate@example.com").await;
    let old = server.jwt(&session).await;
    // The rotation takes no real time here: let the SDK fetch again at once.
    let verifier = Verifier::new(VerifierConfig {
        refetch_interval: std::time::Duration::ZERO,
        ..VerifierConfig::for_server(&server.base)
    });
    verifier
        .verify_jwt(&old)
        .await
        .expect("the first key, fetched");

    server.clock.advance(Duration::days(31));
    let session = server.sign_up("rotate-later@example.com").await;
    let new = server.jwt(&session).await;

    let caller = verifier
        .verify_jwt(&new)
        .await
        .expect("the new kid makes it fetch again");
    assert_eq!(caller.user_id.as_str(), session.user_id);
    assert!(
        verifier.verify_jwt(&old).await.is_ok(),
        "the old key is still published"
    );
}

async fn no_credential_is_missing_and_an_unreachable_server_is_unavailable(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("away@example.com").await;
    let token = server.jwt(&session).await;
    let nowhere = Verifier::new(VerifierConfig {
        base_url: "http://127.0.0.1:9".into(),
        ..VerifierConfig::for_server(&server.base)
    });

    let missing = server
        .verifier()
        .authenticate(&http::HeaderMap::new())
        .await;
    let unavailable = nowhere.verify_jwt(&token).await;

    assert_eq!(missing.unwrap_err(), VerifyError::Missing);
    assert!(
        matches!(unavailable, Err(VerifyError::Unavailable(_))),
        "{unavailable:?}"
    );
}

async fn the_axum_extractor_admits_verified_callers_only(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("axum@example.com").await;
    let token = server.jwt(&session).await;
    let app = Router::new()
        .route(
            "/me",
            get(|Authenticated(caller): Authenticated| async move { caller.user_id.to_string() }),
        )
        .with_state(server.verifier());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}/me", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let allowed = server
        .http
        .get(&api)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let anonymous = server.http.get(&api).send().await.unwrap();
    let forged = server
        .http
        .get(&api)
        .bearer_auth(format!("{token}x"))
        .send()
        .await
        .unwrap();

    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.text().await.unwrap(), session.user_id);
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    assert_eq!(forged.status(), 401);
    assert!(
        forged.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token"),
        "RFC 6750 error"
    );
}

async fn an_api_key_verifies_with_the_server_until_deleted(backend: Backend) {
    let server = Server::start(backend).await;
    let session = server.sign_up("key@example.com").await;
    let (key, id) = server.api_key(&session).await;
    let verifier = server.verifier();

    let caller = verifier
        .authenticate(&headers("x-api-key", &key))
        .await
        .unwrap();
    let verified = verifier.verify_api_key(&key, None).await.unwrap();
    let deleted = server
        .http
        .post(server.url("/api-key/delete"))
        .header("origin", &server.base)
        .bearer_auth(&session.bearer)
        .json(&json!({ "keyId": id }))
        .send()
        .await
        .unwrap();
    let after = verifier.authenticate(&headers("x-api-key", &key)).await;

    assert_eq!(caller.user_id.as_str(), session.user_id);
    assert_eq!(caller.credential, CredentialKind::ApiKey);
    assert_eq!(verified.id, id);
    assert_eq!(verified.owner, KeyOwner::User(session.user_id.clone()));
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        after.unwrap_err(),
        VerifyError::ApiKeyRefused("INVALID_API_KEY".into())
    );
}

async fn a_bogus_api_key_is_refused_with_the_servers_code(backend: Backend) {
    let server = Server::start(backend).await;

    let bogus = server
        .verifier()
        .authenticate(&headers("x-api-key", &"b".repeat(64)))
        .await;

    assert_eq!(
        bogus.unwrap_err(),
        VerifyError::ApiKeyRefused("INVALID_API_KEY".into())
    );
}

macro_rules! on_both {
    ($($name:ident => $body:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body(beep_store::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$body(beep_store::Backend::Postgres).await;
            }
        }
    )+};
}

on_both!(
    jwt => a_jwt_verifies_offline,
    sessions => session_bearer_and_cookies_verify_with_the_server,
    signed_out => a_signed_out_session_is_refused_but_its_jwt_lives_until_exp,
    refused_tokens => forged_expired_and_foreign_tokens_are_refused,
    rotation => after_a_rotation_the_new_key_is_fetched_and_the_old_still_verifies,
    missing_and_unavailable => no_credential_is_missing_and_an_unreachable_server_is_unavailable,
    extractor => the_axum_extractor_admits_verified_callers_only,
    api_key => an_api_key_verifies_with_the_server_until_deleted,
    bogus_api_key => a_bogus_api_key_is_refused_with_the_servers_code,
);
