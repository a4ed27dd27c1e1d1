//! Social sign-in over HTTP, against a real OpenID provider (npm `oidc-provider`) and
//! stand-ins for GitHub, Discord and Twitter, on SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod browser;
mod fake_provider;
mod idp;

mod accounts;
mod bad_input;
mod linking;
mod providers;
mod sign_in;
mod state;
mod two_factor;

use browser::{Browser, Hop};
use serde_json::{Value, json};
use support::{Options, Reply, TestServer};

/// The generic OpenID Connect provider's id in these tests.
pub const IDP: &str = "idp";

/// A server with the shared OpenID provider configured as `idp` (and `extra` providers).
pub async fn server_with(
    backend: beep_store::Backend,
    extra: Vec<beep_core::social::ProviderSettings>,
) -> TestServer {
    let mut providers = vec![idp::idp().provider(IDP)];
    providers.extend(extra);
    TestServer::with(
        backend,
        Options {
            social_providers: providers,
            ..Options::default()
        },
    )
    .await
}

/// `login_hint` for the provider's user: `sub;email;verified;name`.
pub fn person(sub: &str, email: &str, verified: bool) -> String {
    format!("{sub};{email};{};Person {sub}", u8::from(verified))
}

/// `POST path` from the browser (its cookies for the server, the trusted origin).
pub async fn post_from(
    server: &TestServer,
    browser: &mut Browser,
    path: &str,
    body: Value,
) -> Reply {
    let mut request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .json(&body);
    if let Some(cookie) = browser.cookie_header(&server.base) {
        request = request.header("cookie", cookie);
    }
    let reply = server.send(request).await;
    browser.keep(&server.base, &reply.headers);
    reply
}

/// Starts a sign-in with `provider` as `hint` and follows the provider until it sends the
/// browser back: the callback URL, not yet visited.
pub async fn go_to_provider(
    server: &TestServer,
    browser: &mut Browser,
    provider: &str,
    hint: &str,
) -> String {
    let reply = post_from(
        server,
        browser,
        "/sign-in/social",
        json!({"provider": provider, "callbackURL": "/dashboard", "loginHint": hint}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let url = reply.json["url"].as_str().unwrap().to_owned();
    browser
        .follow_until(&url, &server.url(&format!("/callback/{provider}")))
        .await
}

/// A whole sign-in: the callback's answer (a 302 somewhere).
pub async fn sign_in_with(
    server: &TestServer,
    browser: &mut Browser,
    provider: &str,
    hint: &str,
) -> Hop {
    let callback = go_to_provider(server, browser, provider, hint).await;
    browser.get(&callback).await
}

/// What get-session answers for the browser.
pub async fn session_of(server: &TestServer, browser: &Browser) -> Value {
    let cookie = browser.cookie_header(&server.base).unwrap_or_default();
    server.get_with_cookie("/get-session", &cookie).await.json
}

/// The `error` a callback's redirect carries, if any.
pub fn error_code(hop: &Hop) -> Option<String> {
    let location = hop.location.as_deref()?;
    let query = location.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("error="))
        .map(str::to_owned)
}
