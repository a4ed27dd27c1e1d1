//! The linked account and its provider tokens: listed without secrets, sealed at rest,
//! handed to its own user, refreshed once however many calls race.

use crate::browser::Browser;
use crate::on_both;
use crate::support::TestServer;
use crate::{IDP, person, post_from, server_with, sign_in_with};
use beep_store::Backend;
use beep_store::sea_orm::Statement;
use serde_json::{Value, json};

on_both!(
    list_accounts_shows_the_link_without_secrets => list_accounts,
    provider_tokens_are_sealed_at_rest_and_handed_to_the_owner => sealed_tokens,
    a_lapsing_token_is_refreshed_once_however_many_calls_race => refresh_once,
    the_last_account_cannot_be_unlinked => last_account,
);

async fn signed_in(server: &TestServer, who: &str) -> Browser {
    let mut browser = Browser::default();
    let hop = sign_in_with(
        server,
        &mut browser,
        IDP,
        &person(who, &format!("{who}@example.com"), true),
    )
    .await;
    assert_eq!(crate::error_code(&hop), None);
    browser
}

async fn accounts_of(server: &TestServer, browser: &Browser) -> Vec<Value> {
    let cookie = browser.cookie_header(&server.base).unwrap();
    let reply = server.get_with_cookie("/list-accounts", &cookie).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json.as_array().unwrap().clone()
}

async fn stored_access_token(server: &TestServer) -> String {
    let conn = server.db.store.conn();
    let statement = Statement::from_string(
        conn.get_database_backend(),
        "SELECT access_token FROM account",
    );
    let row = conn.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get::<String>("", "access_token").unwrap()
}

use beep_store::ConnectionTrait as _;

async fn list_accounts(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let browser = signed_in(&server, "lena").await;

    let accounts = accounts_of(&server, &browser).await;

    assert_eq!(accounts.len(), 1);
    let account = &accounts[0];
    assert_eq!(account["providerId"], IDP);
    assert_eq!(account["accountId"], "lena");
    assert!(
        account["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "openid")
    );
    for secret in ["accessToken", "refreshToken", "idToken", "password"] {
        assert!(account.get(secret).is_none(), "{secret} listed");
    }
}

async fn sealed_tokens(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = signed_in(&server, "omar").await;
    let id = accounts_of(&server, &browser).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let reply = post_from(
        &server,
        &mut browser,
        "/get-access-token",
        json!({"accountId": id}),
    )
    .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let token = reply.json["accessToken"].as_str().unwrap().to_owned();
    assert!(!token.is_empty());
    let stored = stored_access_token(&server).await;
    assert_ne!(stored, token);
    assert!(!stored.contains(&token));
    assert!(stored.bytes().all(|b| b.is_ascii_hexdigit()));
    let stranger = signed_in(&server, "stranger").await;
    let mut stranger = stranger;
    let refused = post_from(
        &server,
        &mut stranger,
        "/get-access-token",
        json!({"accountId": id}),
    )
    .await;
    assert_eq!(
        (refused.status, refused.json["code"].clone()),
        (400, json!("ACCOUNT_NOT_FOUND"))
    );
}

async fn refresh_once(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = signed_in(&server, "rita").await;
    let id = accounts_of(&server, &browser).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = post_from(
        &server,
        &mut browser,
        "/get-access-token",
        json!({"accountId": id}),
    )
    .await;
    let old = first.json["accessToken"].as_str().unwrap().to_owned();
    server.clock.advance(chrono::Duration::hours(2));

    // The provider rotates refresh tokens: a second refresh with the used one would fail.
    let calls = (0..10).map(|_| {
        let mut b = browser.clone();
        let server = &server;
        let id = id.clone();
        async move {
            post_from(
                server,
                &mut b,
                "/get-access-token",
                json!({"accountId": id}),
            )
            .await
        }
    });
    let replies = futures::future::join_all(calls).await;

    let tokens: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.text);
            r.json["accessToken"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 1);
    assert!(!tokens.contains(&old));
}

async fn last_account(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = signed_in(&server, "solo").await;
    let id = accounts_of(&server, &browser).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let reply = post_from(
        &server,
        &mut browser,
        "/unlink-account",
        json!({"accountId": id}),
    )
    .await;

    assert_eq!(reply.status, 400);
    assert_eq!(reply.json["code"], "FAILED_TO_UNLINK_LAST_ACCOUNT");
    assert_eq!(server.rows("account").await, 1);
}

on_both!(
    a_second_account_can_be_unlinked => unlink_second,
    refresh_token_gets_a_new_access_token_and_hides_the_refresh_token => refresh_token,
    account_info_answers_the_providers_current_profile => account_info,
    account_info_of_another_users_account_is_refused => account_info_foreign,
);

/// Signs `who` in through `idp`, then links the provider `second` as the same address.
async fn with_two_accounts(server: &TestServer, who: &str) -> Browser {
    let mut browser = signed_in(server, who).await;
    let reply = post_from(
        server,
        &mut browser,
        "/link-social",
        json!({"provider": "second", "callbackURL": "/",
               "loginHint": person(&format!("{who}-2"), &format!("{who}@example.com"), true)}),
    )
    .await;
    let url = reply.json["url"].as_str().unwrap().to_owned();
    let callback = browser
        .follow_until(&url, &server.url("/callback/second"))
        .await;
    let hop = browser.get(&callback).await;
    assert_eq!(crate::error_code(&hop), None);
    browser
}

async fn id_of(server: &TestServer, browser: &Browser, provider: &str) -> String {
    let accounts = accounts_of(server, browser).await;
    let account = accounts.iter().find(|a| a["providerId"] == provider);
    account.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn unlink_second(backend: Backend) {
    let server = server_with(backend, vec![crate::idp::idp().provider("second")]).await;
    let mut browser = with_two_accounts(&server, "una").await;
    let second = id_of(&server, &browser, "second").await;

    let reply = post_from(
        &server,
        &mut browser,
        "/unlink-account",
        json!({"accountId": second}),
    )
    .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, json!({"status": true}));
    let left = accounts_of(&server, &browser).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["providerId"], IDP);
}

async fn refresh_token(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let mut browser = signed_in(&server, "rex").await;
    let id = id_of(&server, &browser, IDP).await;
    let before = post_from(
        &server,
        &mut browser,
        "/get-access-token",
        json!({"accountId": id}),
    )
    .await
    .json["accessToken"]
        .clone();

    let reply = post_from(
        &server,
        &mut browser,
        "/refresh-token",
        json!({"accountId": id}),
    )
    .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["providerId"], IDP);
    assert_eq!(reply.json["accountId"], "rex");
    assert!(reply.json["refreshToken"].is_null());
    let fresh = reply.json["accessToken"].clone();
    assert!(fresh.as_str().is_some_and(|t| !t.is_empty()));
    assert_ne!(fresh, before);
    let now = post_from(
        &server,
        &mut browser,
        "/get-access-token",
        json!({"accountId": id}),
    )
    .await;
    assert_eq!(now.json["accessToken"], fresh);
}

async fn account_info(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let browser = signed_in(&server, "ivy").await;
    let id = id_of(&server, &browser, IDP).await;
    let cookie = browser.cookie_header(&server.base).unwrap();

    let reply = server
        .get_with_cookie(&format!("/account-info?accountId={id}"), &cookie)
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["user"]["id"], "ivy");
    assert_eq!(reply.json["user"]["email"], "ivy@example.com");
    assert_eq!(reply.json["user"]["emailVerified"], true);
    assert_eq!(reply.json["data"]["sub"], "ivy");
    assert_eq!(reply.json["account"]["providerId"], IDP);
    assert!(!reply.text.contains("accessToken"));
}

async fn account_info_foreign(backend: Backend) {
    let server = server_with(backend, vec![]).await;
    let owner = signed_in(&server, "oona").await;
    let id = id_of(&server, &owner, IDP).await;
    let stranger = signed_in(&server, "sly").await;
    let cookie = stranger.cookie_header(&server.base).unwrap();

    let reply = server
        .get_with_cookie(&format!("/account-info?accountId={id}"), &cookie)
        .await;

    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.json["code"], "ACCOUNT_NOT_FOUND");
    assert!(!reply.text.contains("oona"));
}
