//! Bad input to the provider gets a clear 4xx and changes nothing: wrong types, bad redirect
//! URIs, grants that do not fit, repeated or NUL parameters, JSON where a form is due.

use crate::support::TestServer;
use crate::{basic, create, form, machine_client, oauth_error};
use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    bad_redirect_uris_are_refused => bad_redirect_uris,
    grants_and_response_types_must_fit => grants_must_fit,
    wrong_types_are_validation_errors => wrong_types,
    repeated_and_nul_parameters_are_refused => repeated_and_nul,
    the_token_endpoint_reads_forms_only => forms_only,
    hostile_authorization_and_device_requests_get_4xx_and_write_nothing => hostile_flows,
);

async fn bad_redirect_uris(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("uris@example.com").await;

    for uri in [
        "javascript:alert(1)",
        "http://rp.example.com/cb",
        "https://rp.example.com/cb#fragment",
        "https://user:pw@rp.example.com/cb",
        "https://localhost/cb",
        "/relative",
        "' OR 1=1 --",
    ] {
        let reply = create(&server, &owner, json!({ "redirect_uris": [uri] })).await;
        assert_eq!(
            oauth_error(&reply),
            (400, "invalid_redirect_uri".to_owned()),
            "{uri}: {}",
            reply.text
        );
    }
    let none = create(&server, &owner, json!({ "client_name": "no uris" })).await;

    assert_eq!(oauth_error(&none), (400, "invalid_redirect_uri".to_owned()));
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn grants_must_fit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("grants@example.com").await;
    let uris = json!(["https://rp.example.com/cb"]);

    let unknown = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "grant_types": ["password"] }),
    )
    .await;
    let no_code = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "grant_types": ["authorization_code"], "response_types": [] }),
    )
    .await;
    let token_response = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "response_types": ["token"] }),
    )
    .await;
    let method = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "token_endpoint_auth_method": "private_key_jwt" }),
    )
    .await;
    let kind = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "application_type": "desktop" }),
    )
    .await;
    let scope = create(
        &server,
        &owner,
        json!({ "redirect_uris": uris, "scope": "openid admin" }),
    )
    .await;

    for reply in [&unknown, &no_code, &token_response, &method, &kind] {
        assert_eq!(
            oauth_error(reply),
            (400, "invalid_client_metadata".to_owned()),
            "{}",
            reply.text
        );
    }
    assert_eq!(oauth_error(&scope), (400, "invalid_scope".to_owned()));
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn wrong_types(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.sign_up("types@example.com").await;

    let list = create(
        &server,
        &owner,
        json!({ "redirect_uris": "https://rp.example.com/cb" }),
    )
    .await;
    let number = create(
        &server,
        &owner,
        json!({ "client_name": 5, "redirect_uris": [] }),
    )
    .await;
    let update = server
        .post(
            "/oauth2/update-client",
            json!({ "client_id": "x" }),
            Some(&owner),
        )
        .await;
    let long = create(
        &server,
        &owner,
        json!({ "client_name": "é".repeat(3000), "redirect_uris": ["https://rp.example.com/cb"] }),
    )
    .await;
    let no_query = server.get("/oauth2/get-client", Some(&owner)).await;

    assert_eq!(list.error(), (400, "VALIDATION_ERROR".to_owned()));
    assert_eq!(number.error(), (400, "VALIDATION_ERROR".to_owned()));
    assert_eq!(update.error(), (400, "VALIDATION_ERROR".to_owned()));
    assert_eq!(
        oauth_error(&long),
        (400, "invalid_client_metadata".to_owned())
    );
    assert_eq!(no_query.status, 400, "{}", no_query.text);
    assert_eq!(server.rows("oauth_client").await, 0);
}

async fn repeated_and_nul(backend: Backend) {
    let server = crate::server(backend).await;
    let admin = crate::admin(&server, "repeat@example.com").await;
    let client = machine_client(&server, &admin, "client_secret_basic").await;
    let auth = basic(&client.0, &client.1);

    let repeated = form(
        &server,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("scope", "reports:read"),
            ("scope", "reports:write"),
        ],
        Some(&auth),
    )
    .await;
    let nul = form(
        &server,
        "/oauth2/token",
        &[("grant_type", "client_credentials\0")],
        Some(&auth),
    )
    .await;
    let nul_client = form(
        &server,
        "/oauth2/introspect",
        &[
            ("token", "x"),
            ("client_id", "a\0b"),
            ("client_secret", "s"),
        ],
        None,
    )
    .await;
    let garbage_basic = form(
        &server,
        "/oauth2/token",
        &[("grant_type", "client_credentials")],
        Some("Basic %%%"),
    )
    .await;
    let nul_basic = form(
        &server,
        "/oauth2/token",
        &[("grant_type", "client_credentials")],
        Some(&basic("a%00b", "secret")),
    )
    .await;

    assert_eq!(oauth_error(&repeated), (400, "invalid_request".to_owned()));
    assert_eq!(oauth_error(&nul), (400, "invalid_request".to_owned()));
    assert_eq!(
        oauth_error(&nul_client),
        (400, "invalid_request".to_owned())
    );
    assert_eq!(
        oauth_error(&garbage_basic),
        (401, "invalid_client".to_owned())
    );
    assert_eq!(oauth_error(&nul_basic), (401, "invalid_client".to_owned()));
    assert_eq!(server.rows("oauth_access_token").await, 0);
}

async fn forms_only(backend: Backend) {
    let server = crate::server(backend).await;

    let json_body = server
        .send(
            server
                .http
                .post(server.url("/oauth2/token"))
                .json(&json!({ "grant_type": "client_credentials" })),
        )
        .await;
    let huge = form(
        &server,
        "/oauth2/token",
        &[("grant_type", &"x".repeat(2 << 20))],
        None,
    )
    .await;

    assert_eq!(
        json_body.error(),
        (415, "UNSUPPORTED_MEDIA_TYPE".to_owned())
    );
    assert_eq!(huge.status, 413);
}

async fn hostile_flows(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.sign_up("hostile@example.com").await;
    let nul = "a%00b";
    for query in [
        format!("response_type=code&client_id={nul}&redirect_uri=https://rp.example.com/cb"),
        "response_type=code&client_id=%27%20OR%201%3D1%20--&redirect_uri=https://rp.example.com/cb"
            .to_owned(),
        "response_type=code&client_id=x&client_id=y".to_owned(),
        "%zz=%zz".to_owned(),
        format!("client_id={}", "x".repeat(10_000)),
    ] {
        let reply = server
            .get(&format!("/oauth2/authorize?{query}"), Some(&user))
            .await;

        assert!(
            reply.status == 302
                && reply
                    .header("location")
                    .unwrap()
                    .contains("/api/auth/error?")
                || reply.status == 400,
            "{query}: {} {}",
            reply.status,
            reply.text
        );
    }
    for (path, pairs) in [
        ("/device/code", vec![("client_id", "a\0b")]),
        (
            "/device/code",
            vec![("client_id", "x"), ("scope", "openid\0")],
        ),
        (
            "/device/token",
            vec![
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", "\0"),
                ("client_id", "\0"),
            ],
        ),
        (
            "/oauth2/consent",
            vec![("accept", "maybe"), ("oauth_query", "x")],
        ),
        (
            "/oauth2/consent",
            vec![
                ("accept", "true"),
                ("oauth_query", "client_id=x&exp=99999999999&sig=00"),
            ],
        ),
    ] {
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let reply = server
            .send(
                server
                    .http
                    .post(server.url(path))
                    .header("origin", &server.base)
                    .header("cookie", user.cookie_header())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body),
            )
            .await;

        assert_eq!(reply.status, 400, "{path} {pairs:?}: {}", reply.text);
    }
    for table in ["oauth_grant", "oauth_consent", "device_code"] {
        assert_eq!(server.rows(table).await, 0, "{table}");
    }
}
