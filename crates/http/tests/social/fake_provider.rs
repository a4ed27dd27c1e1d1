//! GitHub, Discord and Twitter/X stand-ins on 127.0.0.1, serving their documented JSON
//! shapes (these providers are not OpenID Connect, so no certified server exists to run
//! in their place). The user is picked by `login_hint`, `sub;email;verified;name`, as the
//! OpenID provider of these tests does. Each checks the client's credentials and PKCE.

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use beep_core::social::{ProviderKind, ProviderSettings};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "fake-client";
pub const CLIENT_SECRET: &str = "fake-secret";

#[derive(Clone, Debug)]
struct Person {
    sub: String,
    email: Option<String>,
    verified: bool,
    name: String,
}

#[derive(Default)]
struct Books {
    /// code → (person, code_challenge)
    codes: HashMap<String, (Person, String)>,
    /// access token → person
    tokens: HashMap<String, Person>,
    counter: u64,
}

/// A running fake.
pub struct FakeProviders {
    pub base: String,
}

impl FakeProviders {
    pub async fn start() -> Self {
        let books = Arc::new(Mutex::new(Books::default()));
        let app = Router::new()
            .route("/{kind}/authorize", get(authorize))
            .route("/{kind}/token", post(token))
            .route("/github/user", get(github_user))
            .route("/github/user/emails", get(github_emails))
            .route("/discord/users/@me", get(discord_me))
            .route("/twitter/users/me", get(twitter_me))
            .with_state(books);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base }
    }

    /// Provider settings of `kind` pointing at this fake.
    pub fn provider(&self, kind: ProviderKind) -> ProviderSettings {
        let name = match kind {
            ProviderKind::GitHub => "github",
            ProviderKind::Discord => "discord",
            _ => "twitter",
        };
        let mut settings = ProviderSettings::new(name, kind, CLIENT_ID, CLIENT_SECRET);
        let base = format!("{}/{name}", self.base);
        settings.endpoints.authorization = Some(format!("{base}/authorize"));
        settings.endpoints.token = Some(format!("{base}/token"));
        settings.endpoints.userinfo = Some(match kind {
            ProviderKind::GitHub => format!("{base}/user"),
            ProviderKind::Discord => format!("{base}/users/@me"),
            _ => format!("{base}/users/me"),
        });
        if kind == ProviderKind::GitHub {
            settings.endpoints.emails = Some(format!("{base}/user/emails"));
        }
        settings
    }
}

fn person(hint: Option<&String>) -> Person {
    let hint = hint.map_or("default;default@example.com;1;Default User", String::as_str);
    let parts: Vec<&str> = hint.split(';').collect();
    Person {
        sub: parts[0].to_owned(),
        email: parts
            .get(1)
            .filter(|e| !e.is_empty())
            .map(|e| (*e).to_owned()),
        verified: parts.get(2) == Some(&"1"),
        name: parts.get(3).unwrap_or(&"Someone").to_string(),
    }
}

async fn authorize(
    State(books): State<Arc<Mutex<Books>>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let mut books = books.lock().unwrap();
    books.counter += 1;
    let code = format!("code-{}", books.counter);
    let challenge = q.get("code_challenge").cloned().unwrap_or_default();
    books
        .codes
        .insert(code.clone(), (person(q.get("login_hint")), challenge));
    let target = format!(
        "{}?code={code}&state={}",
        q["redirect_uri"],
        q.get("state").cloned().unwrap_or_default()
    );
    Redirect::to(&target).into_response()
}

async fn token(
    State(books): State<Arc<Mutex<Books>>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .map(|v| String::from_utf8(v).unwrap_or_default());
    let authenticated = match kind.as_str() {
        // GitHub reads the secret from the form; the others from Basic.
        "github" => form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET),
        _ => basic.as_deref() == Some(&format!("{CLIENT_ID}:{CLIENT_SECRET}")),
    };
    if !authenticated {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut books = books.lock().unwrap();
    let Some((person, challenge)) = form.get("code").and_then(|c| books.codes.remove(c)) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    books.counter += 1;
    let access = format!("{kind}-access-{}", books.counter);
    books.tokens.insert(access.clone(), person);
    axum::Json(
        json!({"access_token": access, "token_type": "bearer", "scope": "read:user,user:email"}),
    )
    .into_response()
}

fn bearer(books: &Arc<Mutex<Books>>, headers: &HeaderMap) -> Option<Person> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    books.lock().unwrap().tokens.get(token).cloned()
}

async fn github_user(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap) -> Response {
    let Some(p) = bearer(&books, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    // A private address: `email` is null here and only /user/emails tells it.
    axum::Json(json!({
        "id": p.sub.parse::<u64>().map(Value::from).unwrap_or(Value::from(p.sub.clone())),
        "login": p.name.to_lowercase().replace(' ', "-"),
        "name": p.name, "email": null,
        "avatar_url": format!("https://avatars.example/{}", p.sub),
    }))
    .into_response()
}

async fn github_emails(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap) -> Response {
    let Some(p) = bearer(&books, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut list = vec![
        json!({"email": "noreply@users.example", "primary": false, "verified": true, "visibility": null}),
    ];
    if let Some(email) = p.email {
        list.push(json!({"email": email, "primary": true, "verified": p.verified, "visibility": "private"}));
    }
    axum::Json(Value::Array(list)).into_response()
}

async fn discord_me(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap) -> Response {
    let Some(p) = bearer(&books, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    axum::Json(json!({
        "id": p.sub, "username": p.name.to_lowercase(), "global_name": p.name,
        "avatar": "a1b2c3", "email": p.email, "verified": p.verified,
    }))
    .into_response()
}

async fn twitter_me(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap) -> Response {
    let Some(p) = bearer(&books, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut data = json!({"id": p.sub, "name": p.name, "username": "someone",
                          "profile_image_url": "https://pbs.example/p.jpg"});
    if let Some(email) = p.email.filter(|_| p.verified) {
        data["confirmed_email"] = json!(email);
    }
    axum::Json(json!({ "data": data })).into_response()
}
