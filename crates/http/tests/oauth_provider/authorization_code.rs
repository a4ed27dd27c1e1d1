//! The authorization code flow over HTTP: authorize sends the user to the login or consent
//! page with a signed hand-off, consent gives a code, the code is exchanged once for tokens
//! (a replay revokes them), refresh tokens rotate (a reuse revokes the family), and
//! userinfo answers by scope. Errors before the client's redirect URI is known good go to
//! the server's error page, never to the URI named.

use crate::support::{PASSWORD, Reply, Session, TestServer};
use crate::{basic, create, form, introspect};
use base64::Engine as _;
use beep_store::Backend;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

crate::on_both!(
    a_signed_in_user_who_has_not_consented_goes_to_the_consent_page => consent_page_first,
    a_user_without_a_session_goes_to_the_login_page => login_page_first,
    prompt_none_without_a_session_answers_login_required_at_the_client => prompt_none,
    an_unregistered_redirect_uri_goes_to_the_error_page_not_to_it => open_redirect_refused,
    a_public_client_without_pkce_or_with_plain_pkce_is_refused => pkce_required,
    accepting_consent_gives_a_code_that_exchanges_for_tokens_once => code_exchanged_once,
    a_replayed_code_revokes_the_tokens_it_issued => replayed_code_revokes,
    a_wrong_code_verifier_or_redirect_uri_is_refused => wrong_verifier,
    a_refresh_token_rotates_and_its_reuse_revokes_the_family => refresh_rotation,
    signing_in_on_the_login_page_goes_on_to_consent => sign_in_continues,
    a_tampered_hand_off_is_refused => tampered_hand_off,
    denying_consent_sends_access_denied_to_the_client => consent_denied,
    a_remembered_consent_skips_the_consent_page => consent_remembered,
    userinfo_releases_only_the_granted_scopes => userinfo_by_scope,
    signing_out_ends_the_access_tokens_of_the_session => sign_out_ends_tokens,
    the_organization_scope_releases_the_users_organizations => organization_claims,
    the_sweep_clears_expired_tokens_and_keeps_live_families => sweep,
);

pub(crate) const REDIRECT: &str = "https://rp.example.com/cb";

/// A confidential web client of `owner` for the code flow: `(client_id, client_secret)`.
pub(crate) async fn web_app(server: &TestServer, owner: &Session) -> (String, String) {
    let reply = create(
        server,
        owner,
        json!({
            "client_name": "Reports",
            "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"],
        }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (
        reply.json["client_id"].as_str().unwrap().to_owned(),
        reply.json["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// A PKCE pair: `(verifier, S256 challenge)`.
pub(crate) fn pkce() -> (String, String) {
    let verifier = "a-verifier-of-plenty-of-characters-0123456789-abcdefghij".to_owned();
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
    (verifier, challenge)
}

/// The standard request parameters of `client_id` with `scope`, PKCE and a state.
pub(crate) fn request(client_id: &str, scope: &str) -> Vec<(String, String)> {
    let (_, challenge) = pkce();
    [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", "state-123"),
        ("nonce", "nonce-456"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec()
}

/// `GET /oauth2/authorize?params` as `session`'s browser.
pub(crate) async fn authorize(
    server: &TestServer,
    session: Option<&Session>,
    params: &[(String, String)],
) -> Reply {
    let query = serde_urlencoded::to_string(params).unwrap();
    server
        .get(&format!("/oauth2/authorize?{query}"), session)
        .await
}

/// The `Location` of a redirect.
pub(crate) fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, 302, "not a redirect: {}", reply.text);
    reply.header("location").unwrap()
}

/// The query parameters of `url`.
fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    serde_urlencoded::from_str(query).unwrap()
}

pub(crate) fn param(url: &str, name: &str) -> Option<String> {
    query_of(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Accepts (or denies) the consent page at `page` as `session`: the reply.
pub(crate) async fn answer(
    server: &TestServer,
    session: &Session,
    page: &str,
    accept: bool,
) -> Reply {
    let oauth_query = page.split_once('?').unwrap().1;
    server
        .post(
            "/oauth2/consent",
            json!({ "accept": accept, "oauth_query": oauth_query }),
            Some(session),
        )
        .await
}

/// Runs authorize, and consent when it is asked for, for `session`: the code.
pub(crate) async fn code_for(
    server: &TestServer,
    session: &Session,
    client_id: &str,
    scope: &str,
) -> String {
    let page = location(&authorize(server, Some(session), &request(client_id, scope)).await);
    if page.starts_with(REDIRECT) {
        // Consented before: straight back with a code.
        return param(&page, "code").expect("a code");
    }
    let accepted = answer(server, session, &page, true).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let url = accepted.json["url"].as_str().unwrap().to_owned();
    param(&url, "code").expect("a code")
}

/// Exchanges `code` with PKCE at the token endpoint.
pub(crate) async fn exchange(server: &TestServer, client: &(String, String), code: &str) -> Reply {
    let (verifier, _) = pkce();
    form(
        server,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        Some(&basic(&client.0, &client.1)),
    )
    .await
}

async fn refresh(server: &TestServer, client: &(String, String), token: &str) -> Reply {
    form(
        server,
        "/oauth2/token",
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
        Some(&basic(&client.0, &client.1)),
    )
    .await
}

fn text(json: &Value, key: &str) -> String {
    json[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {json}"))
        .to_owned()
}

async fn consent_page_first(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;

    let reply = authorize(&server, Some(&user), &request(&client_id, "openid email")).await;

    let page = location(&reply);
    assert!(
        page.starts_with(&server.url("/oauth2/consent-page?")),
        "{page}"
    );
    assert!(param(&page, "sig").is_some() && param(&page, "exp").is_some());
    assert_eq!(
        param(&page, "client_id").as_deref(),
        Some(client_id.as_str())
    );
    assert_eq!(
        server.rows("oauth_grant").await,
        0,
        "no code before consent"
    );
}

async fn login_page_first(backend: Backend) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("owner@example.com").await;
    let (client_id, _) = web_app(&server, &owner).await;

    let reply = authorize(&server, None, &request(&client_id, "openid")).await;

    let page = location(&reply);
    assert!(
        page.starts_with(&server.url("/oauth2/login-page?")),
        "{page}"
    );
    assert_eq!(param(&page, "state").as_deref(), Some("state-123"));
}

async fn prompt_none(backend: Backend) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("owner@example.com").await;
    let (client_id, _) = web_app(&server, &owner).await;
    let mut params = request(&client_id, "openid");
    params.push(("prompt".into(), "none".into()));

    let reply = authorize(&server, None, &params).await;

    let back = location(&reply);
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(param(&back, "error").as_deref(), Some("login_required"));
    assert_eq!(param(&back, "state").as_deref(), Some("state-123"));
    assert_eq!(param(&back, "iss"), Some(server.url("")));
}

async fn open_redirect_refused(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;
    for evil in [
        "https://evil.example.com/cb",
        "https://rp.example.com/cb/../../evil",
        "https://rp.example.com/cb?next=https://evil.example.com",
        "https://rp.example.com.evil.example.com/cb",
    ] {
        let mut params = request(&client_id, "openid");
        params[2].1 = evil.to_owned();

        let reply = authorize(&server, Some(&user), &params).await;

        let page = location(&reply);
        assert!(page.starts_with(&server.url("/error?")), "{evil} → {page}");
        assert_eq!(param(&page, "error").as_deref(), Some("invalid_redirect"));
    }
    let mut unknown = request("no-such-client", "openid");
    unknown[2].1 = "https://evil.example.com/cb".into();
    let page = location(&authorize(&server, Some(&user), &unknown).await);
    assert!(page.starts_with(&server.url("/error?")), "{page}");
}

async fn pkce_required(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let public = create(
        &server,
        &user,
        json!({
            "redirect_uris": [REDIRECT],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code"],
        }),
    )
    .await;
    let client_id = text(&public.json, "client_id");
    let without: Vec<_> = request(&client_id, "openid")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("code_challenge"))
        .collect();
    let mut plain = request(&client_id, "openid");
    plain[7].1 = "plain".into();

    for params in [without, plain] {
        let back = location(&authorize(&server, Some(&user), &params).await);

        assert!(back.starts_with(REDIRECT), "{back}");
        assert_eq!(
            param(&back, "error").as_deref(),
            Some("invalid_request"),
            "{back}"
        );
    }
    assert_eq!(server.rows("oauth_grant").await, 0);
}

async fn code_exchanged_once(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid email offline_access").await;

    let tokens = exchange(&server, &client, &code).await;

    assert_eq!(tokens.status, 200, "{}", tokens.text);
    assert_eq!(tokens.json["token_type"], "Bearer");
    assert_eq!(tokens.json["scope"], "openid email offline_access");
    assert_eq!(tokens.json["expires_in"], 3600);
    let id_token = text(&tokens.json, "id_token");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], user.user_id.as_str());
    assert_eq!(claims["aud"], client.0.as_str());
    assert_eq!(claims["iss"], server.url(""));
    assert_eq!(claims["nonce"], "nonce-456");
    assert_eq!(claims["email"], "user@example.com");
    assert!(
        claims["at_hash"].is_string() && claims["auth_time"].is_i64() && claims["sid"].is_string()
    );
    assert!(tokens.json["refresh_token"].is_string());
    let stored = crate::stored_text(&server, "oauth_grant", &["code_digest"]).await;
    assert!(!stored.contains(&code), "the code is stored as its digest");
}

async fn replayed_code_revokes(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid offline_access").await;
    let first = exchange(&server, &client, &code).await;
    let access = text(&first.json, "access_token");
    let refresh_token = text(&first.json, "refresh_token");

    let replay = exchange(&server, &client, &code).await;

    assert_eq!(crate::oauth_error(&replay), (400, "invalid_grant".into()));
    assert_eq!(
        introspect(&server, &client, &access).await.json,
        json!({"active": false})
    );
    let refreshed = refresh(&server, &client, &refresh_token).await;
    assert_eq!(
        crate::oauth_error(&refreshed),
        (400, "invalid_grant".into())
    );
}

async fn wrong_verifier(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid").await;
    let auth = basic(&client.0, &client.1);
    let wrong_verifier = "b".repeat(43);

    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("code_verifier", &wrong_verifier),
                ("redirect_uri", REDIRECT),
            ],
            "invalid_grant",
        ),
        (&[("redirect_uri", REDIRECT)], "invalid_request"),
        (
            &[("code_verifier", "short"), ("redirect_uri", REDIRECT)],
            "invalid_request",
        ),
        (
            &[
                ("code_verifier", &pkce().0),
                ("redirect_uri", "https://rp.example.com/other"),
            ],
            "invalid_grant",
        ),
    ];
    for (extra, expected) in cases {
        let mut pairs = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ];
        pairs.extend_from_slice(extra);

        let reply = form(&server, "/oauth2/token", &pairs, Some(&auth)).await;

        assert_eq!(
            crate::oauth_error(&reply),
            (400, expected.to_owned()),
            "{extra:?}"
        );
    }
    assert_eq!(server.rows("oauth_access_token").await, 0);
    assert_eq!(
        exchange(&server, &client, &code).await.status,
        200,
        "failed attempts did not burn the code"
    );
}

async fn refresh_rotation(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid offline_access").await;
    let first = exchange(&server, &client, &code).await;
    let old = text(&first.json, "refresh_token");

    let rotated = refresh(&server, &client, &old).await;

    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = text(&rotated.json, "refresh_token");
    assert_ne!(new, old);
    assert!(rotated.json["id_token"].is_string());
    let new_access = text(&rotated.json, "access_token");
    assert_eq!(
        introspect(&server, &client, &new_access).await.json["active"],
        true
    );

    let reused = refresh(&server, &client, &old).await;

    assert_eq!(crate::oauth_error(&reused), (400, "invalid_grant".into()));
    assert_eq!(
        crate::oauth_error(&refresh(&server, &client, &new).await),
        (400, "invalid_grant".into()),
        "the family is revoked"
    );
    assert_eq!(
        introspect(&server, &client, &new_access).await.json,
        json!({"active": false})
    );
}

async fn sign_in_continues(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;
    let login_page = location(&authorize(&server, None, &request(&client_id, "openid")).await);
    let oauth_query = login_page.split_once('?').unwrap().1;

    let signed_in = server
        .post(
            "/sign-in/email",
            json!({ "email": "user@example.com", "password": PASSWORD, "oauth_query": oauth_query }),
            None,
        )
        .await;

    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    assert_eq!(signed_in.json["redirect"], true);
    let next = text(&signed_in.json, "url");
    assert!(
        next.starts_with(&server.url("/oauth2/consent-page?")),
        "{next}"
    );
    assert!(
        signed_in
            .cookie_value("better-auth.session_token")
            .is_some()
    );
}

async fn tampered_hand_off(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;
    let page = location(&authorize(&server, Some(&user), &request(&client_id, "openid")).await);
    let tampered = page.replace("scope=openid", "scope=openid+email");

    let reply = answer(&server, &user, &tampered, true).await;

    assert_eq!(crate::oauth_error(&reply), (400, "invalid_request".into()));
    assert_eq!(server.rows("oauth_grant").await, 0);
    assert_eq!(server.rows("oauth_consent").await, 0);
    let signed_in = server
        .post(
            "/sign-in/email",
            json!({ "email": "user@example.com", "password": PASSWORD, "oauth_query": "client_id=x&sig=00" }),
            None,
        )
        .await;
    assert_eq!(signed_in.status, 400, "{}", signed_in.text);
}

async fn consent_denied(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;
    let page = location(&authorize(&server, Some(&user), &request(&client_id, "openid")).await);

    let reply = answer(&server, &user, &page, false).await;

    let back = text(&reply.json, "url");
    assert!(back.starts_with(REDIRECT));
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&back, "state").as_deref(), Some("state-123"));
    assert_eq!(server.rows("oauth_consent").await, 0);
}

async fn consent_remembered(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let (client_id, _) = web_app(&server, &user).await;
    code_for(&server, &user, &client_id, "openid email").await;

    let again = location(&authorize(&server, Some(&user), &request(&client_id, "openid")).await);

    assert!(again.starts_with(REDIRECT), "{again}");
    assert!(param(&again, "code").is_some());
    let more =
        location(&authorize(&server, Some(&user), &request(&client_id, "openid profile")).await);
    assert!(
        more.contains("/oauth2/consent-page?"),
        "a new scope asks again: {more}"
    );
}

async fn userinfo_by_scope(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid email").await;
    let access = text(
        &exchange(&server, &client, &code).await.json,
        "access_token",
    );

    let info = server
        .send(
            server
                .http
                .get(server.url("/oauth2/userinfo"))
                .header("authorization", format!("Bearer {access}")),
        )
        .await;

    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.json["sub"], user.user_id.as_str());
    assert_eq!(info.json["email"], "user@example.com");
    assert!(
        info.json.get("name").is_none(),
        "no profile scope: {}",
        info.json
    );
    let refused = server
        .send(
            server
                .http
                .get(server.url("/oauth2/userinfo"))
                .header("authorization", "Bearer nope"),
        )
        .await;
    assert_eq!(crate::oauth_error(&refused), (401, "invalid_token".into()));
    assert!(refused.header("www-authenticate").is_some());
}

async fn sign_out_ends_tokens(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let code = code_for(&server, &user, &client.0, "openid").await;
    let access = text(
        &exchange(&server, &client, &code).await.json,
        "access_token",
    );

    let out = server.post("/sign-out", json!({}), Some(&user)).await;

    assert_eq!(out.status, 200, "{}", out.text);
    assert_eq!(
        introspect(&server, &client, &access).await.json,
        json!({"active": false})
    );
}

async fn organization_claims(backend: Backend) {
    let server = TestServer::with(
        backend,
        crate::support::Options {
            oauth_scopes: vec!["organization".to_owned()],
            ..crate::support::Options::default()
        },
    )
    .await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let with = exchange(
        &server,
        &client,
        &code_for(&server, &user, &client.0, "openid organization").await,
    )
    .await;
    let without = exchange(
        &server,
        &client,
        &code_for(&server, &user, &client.0, "openid").await,
    )
    .await;

    let info = userinfo(&server, &text(&with.json, "access_token")).await;

    let organizations = info["organizations"].as_object().expect("organizations");
    assert_eq!(organizations.len(), 1, "{info}");
    let personal = organizations.values().next().unwrap();
    assert_eq!(personal["isPersonal"], true);
    assert_eq!(personal["role"], "owner");
    let id_token = text(&with.json, "id_token");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["organizations"], info["organizations"]);
    let plain = userinfo(&server, &text(&without.json, "access_token")).await;
    assert!(plain.get("organizations").is_none(), "{plain}");
}

async fn userinfo(server: &TestServer, access: &str) -> Value {
    server
        .send(
            server
                .http
                .get(server.url("/oauth2/userinfo"))
                .header("authorization", format!("Bearer {access}")),
        )
        .await
        .json
}

async fn sweep(backend: Backend) {
    let server = crate::server(backend).await;
    let user = server.sign_up("user@example.com").await;
    let client = web_app(&server, &user).await;
    let short = exchange(
        &server,
        &client,
        &code_for(&server, &user, &client.0, "openid").await,
    )
    .await;
    let long = exchange(
        &server,
        &client,
        &code_for(&server, &user, &client.0, "openid offline_access").await,
    )
    .await;
    assert_eq!(short.status, 200);
    crate::form(
        &server,
        "/device/code",
        &[("client_id", client.0.as_str())],
        None,
    )
    .await;
    server.clock.advance(chrono::Duration::hours(2));

    let removed = server.auth.sweep_expired_oauth().await.unwrap();

    assert_eq!(
        removed, 4,
        "two access tokens, one device code, one spent grant"
    );
    assert_eq!(server.rows("oauth_access_token").await, 0);
    assert_eq!(server.rows("device_code").await, 0);
    assert_eq!(
        server.rows("oauth_grant").await,
        1,
        "the family with a live refresh token stays"
    );
    let refreshed = refresh(&server, &client, &text(&long.json, "refresh_token")).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
}
