//! The discovery documents: OpenID Connect Discovery 1.0 and RFC 8414 authorization server
//! metadata. With `openid` among the scopes (always, here) both are the same document, as
//! better-auth serves them. Only what is built is advertised.

use super::OAuthProviderConfig;
use beep_domain::ClientAuthMethod;
use serde_json::{Value, json};

/// The discovery document of a provider configured with `config`, whose tokens are
/// verified with keys at `jwks_uri` and whose ID tokens would be signed with `id_token_alg`.
pub fn discovery_document(config: &OAuthProviderConfig, id_token_alg: &str) -> Value {
    let base = config.issuer.trim_end_matches('/');
    let endpoint = |path: &str| format!("{base}{path}");
    let secret_methods: Vec<&str> = ClientAuthMethod::ALL
        .into_iter()
        .filter(|m| m.has_secret())
        .map(ClientAuthMethod::as_str)
        .collect();
    let mut claims = vec!["sub", "iss", "aud", "exp", "iat", "sid", "scope", "azp"];
    if config.scopes.iter().any(|s| s == "profile") {
        claims.extend(["name", "picture", "given_name", "family_name"]);
    }
    if config.scopes.iter().any(|s| s == "email") {
        claims.extend(["email", "email_verified"]);
    }
    if config.scopes.iter().any(|s| s == super::ORGANIZATION_SCOPE) {
        claims.push("organizations");
    }
    let token_methods: Vec<&str> = ClientAuthMethod::ALL
        .into_iter()
        .map(ClientAuthMethod::as_str)
        .collect();
    let mut document = json!({
        "scopes_supported": config.scopes,
        "issuer": base,
        "authorization_endpoint": endpoint("/oauth2/authorize"),
        "token_endpoint": endpoint("/oauth2/token"),
        "userinfo_endpoint": endpoint("/oauth2/userinfo"),
        "jwks_uri": endpoint("/jwks"),
        "introspection_endpoint": endpoint("/oauth2/introspect"),
        "revocation_endpoint": endpoint("/oauth2/revoke"),
        "end_session_endpoint": endpoint("/oauth2/end-session"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "device_authorization_endpoint": endpoint("/device/code"),
        "grant_types_supported": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
            super::DEVICE_CODE_GRANT,
        ],
        "token_endpoint_auth_methods_supported": token_methods,
        "introspection_endpoint_auth_methods_supported": secret_methods,
        "revocation_endpoint_auth_methods_supported": secret_methods,
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "claims_supported": claims,
        "subject_types_supported": ["public"],
        "acr_values_supported": ["0"],
        "id_token_signing_alg_values_supported": [id_token_alg],
        "prompt_values_supported": ["none", "login", "consent", "create", "select_account"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    });
    if config.dynamic_registration {
        document["registration_endpoint"] = json!(endpoint("/oauth2/register"));
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_sits_under_the_issuer() {
        let config = OAuthProviderConfig::for_base_url("https://auth.example.com/");

        let document = discovery_document(&config, "EdDSA");

        assert_eq!(document["issuer"], "https://auth.example.com/api/auth");
        assert_eq!(
            document["token_endpoint"],
            "https://auth.example.com/api/auth/oauth2/token"
        );
        assert_eq!(
            document["jwks_uri"],
            "https://auth.example.com/api/auth/jwks"
        );
        assert_eq!(
            document["token_endpoint_auth_methods_supported"],
            json!(["none", "client_secret_basic", "client_secret_post"])
        );
        assert_eq!(
            document["introspection_endpoint_auth_methods_supported"],
            json!(["client_secret_basic", "client_secret_post"])
        );
        assert_eq!(
            document["authorization_endpoint"],
            "https://auth.example.com/api/auth/oauth2/authorize"
        );
        assert!(
            document.get("registration_endpoint").is_none(),
            "off by default"
        );
    }
}
