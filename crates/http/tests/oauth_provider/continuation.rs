//! Going on with an authorization past the pages that hold it: the second factor on the
//! hosted login and device pages, the same through better-auth's JSON routes (the
//! `oauth_query` its `oauthProviderClient` adds), sign-up on the login page, and account
//! selection with `/oauth2/continue`.

use crate::authorization_code::{REDIRECT, answer, authorize, location, param, request, web_app};
use crate::hosted_pages::post_page;
use crate::support::two_factor::{CHALLENGE, Enrolled, code_now, enrolled, next_code};
use crate::support::{PASSWORD, Reply, TestServer};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    a_second_factor_on_the_hosted_login_page_goes_on_to_consent => hosted_totp,
    a_wrong_code_on_the_hosted_login_page_signs_nobody_in => hosted_wrong_code,
    a_backup_code_on_the_hosted_login_page_signs_in_once => hosted_backup_code,
    a_code_without_its_challenge_starts_over => hosted_no_challenge,
    verify_totp_with_the_pages_query_answers_where_to_go => json_totp,
    verify_totp_with_a_tampered_query_keeps_the_challenge => json_totp_tampered,
    sign_up_with_the_pages_query_goes_on => sign_up_continues,
    select_account_offers_the_signed_in_user => select_account,
    continue_goes_on_with_the_chosen_account => continue_selected,
    continue_needs_a_session_a_flag_and_a_signed_query => continue_refused,
    the_device_page_asks_for_the_second_factor => device_page_totp,
);

/// A server, a client of another user, and Ada with two-factor on.
async fn with_enrolled_user(backend: Backend) -> (TestServer, String, Enrolled) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("owner@example.com").await;
    let (client_id, _) = web_app(&server, &owner).await;
    let ada = enrolled(&server, "ada@example.com").await;
    (server, client_id, ada)
}

/// The signed query of the login page a browser without a session is sent to.
async fn login_query(server: &TestServer, client_id: &str) -> String {
    let page = location(&authorize(server, None, &request(client_id, "openid")).await);
    assert!(
        page.starts_with(&server.url("/oauth2/login-page?")),
        "{page}"
    );
    page.split_once('?').unwrap().1.to_owned()
}

/// The hosted login form's password step: the reply, with its challenge cookie if any.
async fn password_step(server: &TestServer, oauth_query: &str) -> Reply {
    post_page(
        server,
        "/oauth2/login-page",
        &[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("oauth_query", oauth_query),
        ],
        None,
    )
    .await
}

/// Whether `reply` set a session cookie.
fn signs_in(reply: &Reply) -> bool {
    reply
        .cookie_value("better-auth.session_token")
        .is_some_and(|v| !v.is_empty())
}

/// That `url` is the hosted consent page.
fn assert_consent_page(server: &TestServer, url: &str) {
    assert!(
        url.starts_with(&server.url("/oauth2/consent-page?")),
        "{url}"
    );
}

/// The `Cookie` header carrying the challenge of a password step.
fn challenge_cookie(reply: &Reply) -> String {
    let value = reply.cookie_value(CHALLENGE).expect("a two_factor cookie");
    format!("{CHALLENGE}={value}")
}

/// The hosted code step with `code`, as the browser holding `cookie`.
async fn code_step(server: &TestServer, oauth_query: &str, code: &str, cookie: &str) -> Reply {
    let cookie = cookie.to_owned();
    post_page(
        server,
        "/oauth2/login-page",
        &[
            ("step", "code"),
            ("method", "totp"),
            ("code", code),
            ("oauth_query", oauth_query),
        ],
        Some(&cookie),
    )
    .await
}

async fn hosted_totp(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;

    let asked = password_step(&server, &oauth_query).await;

    assert_eq!(asked.status, 200, "{}", asked.text);
    assert!(asked.text.contains("authenticator app") && asked.text.contains("name=\"code\""));
    assert!(!signs_in(&asked), "no session yet");
    let cookie = challenge_cookie(&asked);
    let passed = code_step(
        &server,
        &oauth_query,
        &next_code(&server, &ada.totp),
        &cookie,
    )
    .await;
    assert_eq!(passed.status, 303, "{}", passed.text);
    let next = passed.header("location").unwrap();
    assert_consent_page(&server, &next);
    assert!(signs_in(&passed), "a session cookie");
    assert_eq!(
        passed.cookie_value(CHALLENGE).as_deref(),
        Some(""),
        "the challenge is cleared"
    );
}

async fn hosted_wrong_code(backend: Backend) {
    let (server, client_id, _ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;
    let cookie = challenge_cookie(&password_step(&server, &oauth_query).await);
    let sessions_before = server.rows("session").await;

    let refused = code_step(&server, &oauth_query, "000000", &cookie).await;

    assert_eq!(refused.status, 401, "{}", refused.text);
    assert!(refused.text.contains("not right") && refused.text.contains("name=\"code\""));
    assert!(!signs_in(&refused), "nobody signed in");
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn hosted_backup_code(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;
    let backup = ada.backup_codes[0].clone();

    let cookie = challenge_cookie(&password_step(&server, &oauth_query).await);
    let passed = code_step(&server, &oauth_query, &backup, &cookie).await;

    assert_eq!(passed.status, 303, "{}", passed.text);
    let again = challenge_cookie(&password_step(&server, &oauth_query).await);
    let reused = code_step(&server, &oauth_query, &backup, &again).await;
    assert_eq!(
        reused.status, 401,
        "a backup code is good once: {}",
        reused.text
    );
}

async fn hosted_no_challenge(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;
    let sessions_before = server.rows("session").await;

    let forged = format!("{CHALLENGE}=not-a-signed-cookie");
    let reply = code_step(
        &server,
        &oauth_query,
        &code_now(&server, &ada.totp),
        &forged,
    )
    .await;

    assert_eq!(reply.status, 401, "{}", reply.text);
    assert!(reply.text.contains("Sign in again") && reply.text.contains("name=\"password\""));
    assert_eq!(server.rows("session").await, sessions_before);
}

async fn json_totp(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;
    let first = server
        .post(
            "/sign-in/email",
            json!({ "email": "ada@example.com", "password": PASSWORD, "oauth_query": oauth_query }),
            None,
        )
        .await;
    assert_eq!(first.json["twoFactorRedirect"], true, "{}", first.text);

    let passed = crate::support::two_factor::post_with_cookie(
        &server,
        "/two-factor/verify-totp",
        json!({ "code": next_code(&server, &ada.totp), "oauth_query": oauth_query }),
        &challenge_cookie(&first),
    )
    .await;

    assert_eq!(passed.status, 200, "{}", passed.text);
    assert_eq!(passed.json["redirect"], true);
    let next = passed.json["url"].as_str().unwrap();
    assert_consent_page(&server, next);
    assert!(signs_in(&passed), "a session cookie");
}

async fn json_totp_tampered(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let oauth_query = login_query(&server, &client_id).await;
    let first = crate::support::two_factor::first_factor(&server, "ada@example.com", None).await;
    let cookie = challenge_cookie(&first);
    let code = next_code(&server, &ada.totp);
    let tampered = oauth_query.replace("scope=openid", "scope=openid+email");

    let refused = crate::support::two_factor::post_with_cookie(
        &server,
        "/two-factor/verify-totp",
        json!({ "code": code, "oauth_query": tampered }),
        &cookie,
    )
    .await;

    assert_eq!(
        crate::oauth_error(&refused),
        (400, "invalid_request".into())
    );
    assert!(!signs_in(&refused), "nobody signed in");
    let passed = crate::support::two_factor::post_with_cookie(
        &server,
        "/two-factor/verify-totp",
        json!({ "code": code }),
        &cookie,
    )
    .await;
    assert_eq!(
        passed.status, 200,
        "the challenge and the code were not spent: {}",
        passed.text
    );
}

async fn sign_up_continues(backend: Backend) {
    let server = crate::server(backend).await;
    let owner = server.sign_up("owner@example.com").await;
    let (client_id, _) = web_app(&server, &owner).await;
    let mut params = request(&client_id, "openid");
    params.push(("prompt".into(), "create".into()));
    let page = location(&authorize(&server, Some(&owner), &params).await);
    assert!(
        page.starts_with(&server.url("/oauth2/login-page?")),
        "create asks for the page even when signed in: {page}"
    );
    let oauth_query = page.split_once('?').unwrap().1;

    let signed_up = server
        .post(
            "/sign-up/email",
            json!({ "name": "New", "email": "new@example.com", "password": PASSWORD, "oauth_query": oauth_query }),
            None,
        )
        .await;

    assert_eq!(signed_up.status, 200, "{}", signed_up.text);
    assert_eq!(signed_up.json["redirect"], true);
    let next = signed_up.json["url"].as_str().unwrap();
    assert_consent_page(&server, next);
    assert!(
        param(next, "prompt").is_none(),
        "create was answered: {next}"
    );
    let users_before = server.rows("user").await;
    let refused = server
        .post(
            "/sign-up/email",
            json!({ "name": "Other", "email": "other@example.com", "password": PASSWORD, "oauth_query": "client_id=x&sig=00" }),
            None,
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(
        server.rows("user").await,
        users_before,
        "nobody was signed up"
    );
}

/// The authorize request of `client_id` with `prompt=select_account`.
fn select_account_request(client_id: &str) -> Vec<(String, String)> {
    let mut params = request(client_id, "openid");
    params.push(("prompt".into(), "select_account".into()));
    params
}

async fn select_account(backend: Backend) {
    let server = crate::server(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let (client_id, _) = web_app(&server, &ada).await;

    let page = location(&authorize(&server, Some(&ada), &select_account_request(&client_id)).await);

    assert!(
        page.starts_with(&server.url("/oauth2/login-page?")),
        "{page}"
    );
    let path = page.strip_prefix(&server.url("")).unwrap();
    let shown = server.get_with_cookie(path, &ada.cookie_header()).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert!(
        shown.text.contains("Continue as ada@example.com"),
        "{}",
        shown.text
    );
    assert!(
        shown
            .text
            .contains(&format!("action=\"{}\"", server.url("/oauth2/continue")))
    );
    let anonymous = server.get(path, None).await;
    assert!(
        !anonymous.text.contains("Continue as"),
        "{}",
        anonymous.text
    );
    let plain = location(&authorize(&server, None, &request(&client_id, "openid")).await);
    let plain_path = plain.strip_prefix(&server.url("")).unwrap();
    let not_asked = server
        .get_with_cookie(plain_path, &ada.cookie_header())
        .await;
    assert!(
        !not_asked.text.contains("Continue as"),
        "only when the client asked to choose"
    );
}

async fn continue_selected(backend: Backend) {
    let server = crate::server(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let (client_id, _) = web_app(&server, &ada).await;
    let page = location(&authorize(&server, Some(&ada), &select_account_request(&client_id)).await);
    let oauth_query = page.split_once('?').unwrap().1.to_owned();

    let chosen = post_page(
        &server,
        "/oauth2/continue",
        &[("selected", "true"), ("oauth_query", &oauth_query)],
        Some(&ada.cookie_header()),
    )
    .await;

    assert_eq!(chosen.status, 302, "{}", chosen.text);
    let consent = chosen.header("location").unwrap();
    assert_consent_page(&server, &consent);
    assert!(
        param(&consent, "prompt").is_none(),
        "select_account was answered"
    );
    let accepted = answer(&server, &ada, &consent, true).await;
    assert!(accepted.json["url"].as_str().unwrap().starts_with(REDIRECT));
    let by_json = server
        .post(
            "/oauth2/continue",
            json!({ "selected": true, "oauth_query": oauth_query }),
            Some(&ada),
        )
        .await;
    assert_eq!(by_json.status, 200, "{}", by_json.text);
    assert_eq!(by_json.json["redirect"], true);
    assert!(
        by_json.json["url"].as_str().unwrap().starts_with(REDIRECT),
        "consented now: {}",
        by_json.text
    );
}

async fn continue_refused(backend: Backend) {
    let server = crate::server(backend).await;
    let ada = server.sign_up("ada@example.com").await;
    let (client_id, _) = web_app(&server, &ada).await;
    let page = location(&authorize(&server, Some(&ada), &select_account_request(&client_id)).await);
    let oauth_query = page.split_once('?').unwrap().1.to_owned();

    let no_session = server
        .post(
            "/oauth2/continue",
            json!({ "selected": true, "oauth_query": oauth_query }),
            None,
        )
        .await;
    let no_flag = server
        .post(
            "/oauth2/continue",
            json!({ "selected": false, "oauth_query": oauth_query }),
            Some(&ada),
        )
        .await;
    let tampered = server
        .post(
            "/oauth2/continue",
            json!({ "selected": true, "oauth_query": oauth_query.replace("scope=openid", "scope=email") }),
            Some(&ada),
        )
        .await;
    let wrong_type = server
        .post(
            "/oauth2/continue",
            json!({ "selected": true, "oauth_query": 7 }),
            Some(&ada),
        )
        .await;

    assert_eq!(no_session.status, 401, "{}", no_session.text);
    assert_eq!(
        crate::oauth_error(&no_flag),
        (400, "invalid_request".into())
    );
    assert_eq!(
        crate::oauth_error(&tampered),
        (400, "invalid_request".into())
    );
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.text);
    assert_eq!(server.rows("oauth_grant").await, 0, "no code was issued");
}

async fn device_page_totp(backend: Backend) {
    let (server, client_id, ada) = with_enrolled_user(backend).await;
    let codes = crate::device::start(&server, &client_id).await;
    let user_code = codes["user_code"].as_str().unwrap().to_owned();

    let asked = post_page(
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

    assert_eq!(asked.status, 200, "{}", asked.text);
    assert!(asked.text.contains("name=\"code\"") && asked.text.contains(&user_code));
    let cookie = challenge_cookie(&asked);
    let passed = post_page(
        &server,
        "/oauth2/device-page",
        &[
            ("step", "code"),
            ("method", "totp"),
            ("code", &next_code(&server, &ada.totp)),
            ("user_code", user_code.as_str()),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(passed.status, 303, "{}", passed.text);
    assert!(
        passed
            .header("location")
            .unwrap()
            .contains(&format!("user_code={user_code}"))
    );
    assert!(signs_in(&passed), "a session cookie");
}
