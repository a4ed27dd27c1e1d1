//! The hosted login, consent and device pages: in real headless Chromium an authorization
//! goes through sign-in (by keyboard, with a second factor or without) and consent to the
//! client with a code, and a device is approved; over HTTP the pages
//! escape every value, run no script, and refuse a hand-off that does not verify.

use crate::authorization_code::{REDIRECT, exchange, param, request};
use crate::real_clients::{run, scripts};
use crate::support::{PASSWORD, TestServer};
use beep_store::Backend;
use serde_json::json;
use std::path::PathBuf;

crate::on_both!(
    chromium_signs_in_and_consents_on_the_hosted_pages => chromium_flow,
    chromium_gives_the_second_factor_on_the_hosted_login_page => chromium_second_factor,
    the_pages_escape_the_client_name_and_allow_no_script => pages_are_inert,
    a_hand_off_that_does_not_verify_gets_the_expired_page => hand_off_checked,
    a_wrong_password_on_the_login_page_signs_nobody_in => wrong_password,
    the_device_page_signs_in_shows_the_request_and_approves => device_page,
    chromium_signs_in_and_approves_on_the_device_page => chromium_device_page,
);

/// A name that would run script if a page printed it unescaped.
const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>Reports";

/// A client of a new user, with a hostile name: `(client_id, client_secret)`.
async fn hostile_client(server: &TestServer) -> (String, String) {
    let owner = server.sign_up("owner@example.com").await;
    let reply = crate::create(
        server,
        &owner,
        json!({
            "client_name": HOSTILE_NAME,
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

/// A public client of a new user, with a hostile name, for a device: its `client_id`.
async fn hostile_device_client(server: &TestServer) -> String {
    let owner = server.sign_up("owner@example.com").await;
    let client = crate::create(
        server,
        &owner,
        json!({ "client_name": HOSTILE_NAME, "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none" }),
    )
    .await;
    assert_eq!(client.status, 201, "{}", client.text);
    client.json["client_id"].as_str().unwrap().to_owned()
}

fn authorize_url(server: &TestServer, client_id: &str) -> String {
    let query = serde_urlencoded::to_string(request(client_id, "openid email")).unwrap();
    server.url(&format!("/oauth2/authorize?{query}"))
}

async fn chromium_flow(backend: Backend) {
    let server = crate::server(backend).await;
    let client = hostile_client(&server).await;
    server.sign_up("ada@example.com").await;
    let artifacts = scripts().join(format!("artifacts/{backend:?}").to_lowercase());

    let seen = run(
        PathBuf::from("node"),
        vec![
            "hosted_pages.mjs".to_owned(),
            authorize_url(&server, &client.0),
            "ada@example.com".to_owned(),
            PASSWORD.to_owned(),
            artifacts.display().to_string(),
        ],
    )
    .await;

    let callback = seen["callback"].as_str().unwrap();
    assert!(callback.starts_with(REDIRECT), "{seen}");
    assert_eq!(param(callback, "state").as_deref(), Some("state-123"));
    assert!(
        seen["login_text"].as_str().unwrap().contains(HOSTILE_NAME),
        "shown as text: {seen}"
    );
    assert!(
        seen["consent_text"]
            .as_str()
            .unwrap()
            .contains("See your email address")
    );
    assert_eq!(seen["dialogs"], 0, "no script ran");
    assert_eq!(
        seen["violations"],
        json!([]),
        "the style sheet is the one the CSP allows"
    );
    assert_ne!(seen["consent_styled"], "0px", "styled");
    let code = param(callback, "code").unwrap();
    let tokens = exchange(&server, &client, &code).await;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
    assert!(artifacts.join("login.png").is_file() && artifacts.join("consent.png").is_file());
}

async fn chromium_second_factor(backend: Backend) {
    let server = crate::server(backend).await;
    let client = hostile_client(&server).await;
    let ada = crate::support::two_factor::enrolled(&server, "ada@example.com").await;
    let code = crate::support::two_factor::next_code(&server, &ada.totp);
    let artifacts = scripts().join(format!("artifacts/{backend:?}-2fa").to_lowercase());

    let seen = run(
        PathBuf::from("node"),
        vec![
            "hosted_pages.mjs".to_owned(),
            authorize_url(&server, &client.0),
            ada.email.clone(),
            PASSWORD.to_owned(),
            artifacts.display().to_string(),
            code,
        ],
    )
    .await;

    assert!(
        seen["code_text"]
            .as_str()
            .unwrap()
            .contains("authenticator app"),
        "{seen}"
    );
    let callback = seen["callback"].as_str().unwrap();
    assert!(callback.starts_with(REDIRECT), "{seen}");
    assert_eq!(seen["dialogs"], 0);
    assert_eq!(seen["violations"], json!([]));
    let tokens = exchange(&server, &client, &param(callback, "code").unwrap()).await;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
    assert!(artifacts.join("two-factor.png").is_file());
}

async fn pages_are_inert(backend: Backend) {
    let server = crate::server(backend).await;
    let (client_id, _) = hostile_client(&server).await;
    let to_login = server
        .send(server.http.get(authorize_url(&server, &client_id)))
        .await;
    let login_url = to_login.header("location").unwrap();

    let login = server.send(server.http.get(&login_url)).await;

    assert_eq!(login.status, 200);
    assert!(!login.text.contains("<img"), "{}", login.text);
    assert!(
        login
            .text
            .contains("&lt;img src=x onerror=alert(1)&gt;Reports")
    );
    let csp = login.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("form-action 'self' https://rp.example.com")
    );
    assert_eq!(login.header("cache-control").as_deref(), Some("no-store"));
}

async fn hand_off_checked(backend: Backend) {
    let server = crate::server(backend).await;
    let (client_id, _) = hostile_client(&server).await;
    let login_url = server
        .send(server.http.get(authorize_url(&server, &client_id)))
        .await
        .header("location")
        .unwrap();

    for altered in [
        login_url.replace("scope=openid", "scope=offline_access"),
        server.url("/oauth2/login-page?client_id=x"),
        server.url("/oauth2/consent-page"),
    ] {
        let page = server.send(server.http.get(&altered)).await;

        assert_eq!(page.status, 400, "{altered}");
        assert!(page.text.contains("expired"), "{}", page.text);
    }
}

async fn wrong_password(backend: Backend) {
    let server = crate::server(backend).await;
    let (client_id, _) = hostile_client(&server).await;
    server.sign_up("ada@example.com").await;
    let login_url = server
        .send(server.http.get(authorize_url(&server, &client_id)))
        .await
        .header("location")
        .unwrap();
    let oauth_query = login_url.split_once('?').unwrap().1.to_owned();
    let sessions_before = server.rows("session").await;

    let reply = post_page(
        &server,
        "/oauth2/login-page",
        &[
            ("email", "ada@example.com"),
            ("password", "wrong-password-123"),
            ("oauth_query", &oauth_query),
        ],
        None,
    )
    .await;

    assert_eq!(reply.status, 401, "{}", reply.text);
    assert!(reply.text.contains("Invalid email or password"));
    assert!(reply.cookie_value("better-auth.session_token").is_none());
    assert_eq!(server.rows("session").await, sessions_before);
    let right = post_page(
        &server,
        "/oauth2/login-page",
        &[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("oauth_query", &oauth_query),
        ],
        None,
    )
    .await;
    assert_eq!(right.status, 303, "{}", right.text);
    assert!(
        right
            .header("location")
            .unwrap()
            .contains("/oauth2/consent-page?")
    );
}

async fn device_page(backend: Backend) {
    let server = crate::server(backend).await;
    let client_id = hostile_device_client(&server).await;
    let codes = crate::device::start(&server, &client_id).await;
    let complete = codes["verification_uri_complete"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_code = codes["user_code"].as_str().unwrap().to_owned();
    let ada = server.sign_up("ada@example.com").await;

    let anonymous = server.send(server.http.get(&complete)).await;
    assert_eq!(anonymous.status, 200);
    assert!(anonymous.text.contains("name=\"password\"") && anonymous.text.contains(&user_code));
    let signed_in = post_page(
        &server,
        "/oauth2/device-page",
        &[
            ("step", "sign-in"),
            ("user_code", user_code.as_str()),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text);
    assert_eq!(
        signed_in.header("location").as_deref(),
        Some(complete.as_str())
    );

    let approval = server
        .get_with_cookie(
            &format!("/oauth2/device-page?user_code={user_code}"),
            &ada.cookie_header(),
        )
        .await;

    assert_eq!(approval.status, 200, "{}", approval.text);
    assert!(
        approval
            .text
            .contains("&lt;img src=x onerror=alert(1)&gt;Reports")
            && !approval.text.contains("<img")
    );
    let approved = post_page(
        &server,
        "/oauth2/device-page",
        &[("step", "approve"), ("user_code", user_code.as_str())],
        Some(&ada.cookie_header()),
    )
    .await;
    assert!(
        approved.text.contains("Device connected"),
        "{}",
        approved.text
    );
    let token = crate::device::poll(&server, &client_id, &codes).await;
    assert_eq!(token.status, 200, "{}", token.text);
}

async fn chromium_device_page(backend: Backend) {
    let server = crate::server(backend).await;
    let client_id = hostile_device_client(&server).await;
    let codes = crate::device::start(&server, &client_id).await;
    server.sign_up("ada@example.com").await;
    let artifacts = scripts().join(format!("artifacts/{backend:?}").to_lowercase());

    let seen = run(
        PathBuf::from("node"),
        vec![
            "device_page.mjs".to_owned(),
            codes["verification_uri_complete"]
                .as_str()
                .unwrap()
                .to_owned(),
            "ada@example.com".to_owned(),
            PASSWORD.to_owned(),
            artifacts.display().to_string(),
        ],
    )
    .await;

    let approval = seen["approval_text"].as_str().unwrap();
    assert!(approval.contains(HOSTILE_NAME), "shown as text: {seen}");
    assert!(approval.contains(codes["user_code"].as_str().unwrap()));
    assert!(
        seen["done_text"]
            .as_str()
            .unwrap()
            .contains("Device connected")
    );
    assert_eq!(seen["dialogs"], 0, "no script ran");
    assert_eq!(seen["violations"], json!([]));
    let token = crate::device::poll(&server, &client_id, &codes).await;
    assert_eq!(token.status, 200, "{}", token.text);
    for shot in [
        "device-sign-in.png",
        "device-approve.png",
        "device-done.png",
    ] {
        assert!(artifacts.join(shot).is_file(), "{shot}");
    }
}

/// A form POST from the server's own origin to a hosted page, with `cookie` when given.
pub(crate) async fn post_page(
    server: &TestServer,
    path: &str,
    pairs: &[(&str, &str)],
    cookie: Option<&String>,
) -> crate::support::Reply {
    let mut request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .form(pairs);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    server.send(request).await
}
