//! The discovery documents, at the three paths RFC 8414 and OpenID Connect Discovery name,
//! with every endpoint under the issuer.

use beep_store::Backend;
use serde_json::json;

crate::on_both!(
    the_three_discovery_paths_agree => three_paths_agree,
);

async fn three_paths_agree(backend: Backend) {
    let server = crate::server(backend).await;
    let issuer = format!("{}/api/auth", server.base);

    let openid = server.get("/.well-known/openid-configuration", None).await;
    let rfc8414 = server
        .get("/.well-known/oauth-authorization-server", None)
        .await;
    let root = server
        .send(server.http.get(format!(
            "{}/.well-known/oauth-authorization-server/api/auth",
            server.base
        )))
        .await;
    let post = server
        .post("/.well-known/openid-configuration", json!({}), None)
        .await;

    assert_eq!(openid.status, 200, "{}", openid.text);
    assert_eq!(openid.json["issuer"], issuer.as_str());
    assert_eq!(
        openid.json["token_endpoint"],
        format!("{issuer}/oauth2/token")
    );
    assert_eq!(
        openid.json["introspection_endpoint"],
        format!("{issuer}/oauth2/introspect")
    );
    assert_eq!(
        openid.json["revocation_endpoint"],
        format!("{issuer}/oauth2/revoke")
    );
    assert_eq!(openid.json["jwks_uri"], format!("{issuer}/jwks"));
    assert_eq!(
        openid.json["grant_types_supported"],
        json!([
            "authorization_code",
            "client_credentials",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ])
    );
    assert_eq!(
        openid.json["prompt_values_supported"],
        json!(["none", "login", "consent", "create", "select_account"])
    );
    assert_eq!(
        openid.json["device_authorization_endpoint"],
        format!("{issuer}/device/code")
    );
    assert_eq!(
        openid.json["authorization_endpoint"],
        format!("{issuer}/oauth2/authorize")
    );
    assert_eq!(
        openid.json["userinfo_endpoint"],
        format!("{issuer}/oauth2/userinfo")
    );
    assert_eq!(openid.json["response_types_supported"], json!(["code"]));
    assert_eq!(
        openid.json["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert!(
        openid.json["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!(crate::REPORTS))
    );
    assert!(
        openid
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age=15"),
        "{:?}",
        openid.header("cache-control")
    );
    assert_eq!(rfc8414.json, openid.json);
    assert_eq!(root.status, 200);
    assert_eq!(root.json, openid.json);
    assert_eq!(post.status, 404, "GET and HEAD only");
}
