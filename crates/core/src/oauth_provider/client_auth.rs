//! Client authentication at the token, introspection and revocation endpoints (RFC 6749
//! §2.3): the secret in `Authorization: Basic`, in the form body, or no secret for a public
//! client. A client must use the method it registered with; a secret is checked by its
//! digest in constant time.

use super::credential_digest;
use super::error::OAuthError;
use crate::auth::Auth;
use crate::error::AuthError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use beep_domain::{ClientAuthMethod, OAuthClient, Secret};
use beep_store::repos::oauth_clients;
use subtle::ConstantTimeEq as _;

/// How the request presented its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresentedMethod {
    /// `Authorization: Basic`.
    Basic,
    /// `client_id` and `client_secret` in the body.
    Post,
    /// `client_id` alone.
    None,
}

impl PresentedMethod {
    fn registered_as(self) -> ClientAuthMethod {
        match self {
            PresentedMethod::Basic => ClientAuthMethod::ClientSecretBasic,
            PresentedMethod::Post => ClientAuthMethod::ClientSecretPost,
            PresentedMethod::None => ClientAuthMethod::None,
        }
    }
}

/// The client a request names, and the secret it offers.
#[derive(Debug)]
pub struct PresentedClient {
    /// `client_id`.
    pub client_id: String,
    /// The secret, if one was sent.
    pub secret: Option<Secret<String>>,
    /// Where it was sent.
    pub method: PresentedMethod,
}

impl PresentedClient {
    /// The client of a request with this `Authorization` header and these body fields
    /// (empty ones count as absent); `None` when the request names no client at all.
    pub fn from_request(
        authorization: Option<&str>,
        body_client_id: Option<&str>,
        body_secret: Option<&str>,
    ) -> Result<Option<Self>, OAuthError> {
        let body_client_id = body_client_id.filter(|s| !s.is_empty());
        let body_secret = body_secret.filter(|s| !s.is_empty());
        if let Some(header) = authorization.filter(|h| !h.trim().is_empty()) {
            if body_secret.is_some() {
                return Err(OAuthError::invalid_request(
                    "A request must use only one client authentication method",
                ));
            }
            return basic_credentials(header).map(Some);
        }
        Ok(body_client_id.map(|client_id| PresentedClient {
            client_id: client_id.to_owned(),
            secret: body_secret.map(|s| Secret::new(s.to_owned())),
            method: if body_secret.is_some() {
                PresentedMethod::Post
            } else {
                PresentedMethod::None
            },
        }))
    }
}

/// `Basic base64(form-encoded id ":" form-encoded secret)` (RFC 6749 §2.3.1).
fn basic_credentials(header: &str) -> Result<PresentedClient, OAuthError> {
    let malformed = || OAuthError::invalid_client("invalid authorization header format", true);
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::Protocol {
            code: super::OAuthErrorCode::InvalidClient,
            description: "unsupported authorization scheme".to_owned(),
            unauthorized: true,
            basic_challenge: true,
        });
    }
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = text.split_once(':').ok_or_else(malformed)?;
    let (id, secret) = (form_decode(id), form_decode(secret));
    // No client id or secret holds a NUL, and the databases cannot compare one in text.
    if id.is_empty() || secret.is_empty() || id.contains('\0') || secret.contains('\0') {
        return Err(malformed());
    }
    Ok(PresentedClient {
        client_id: id,
        secret: Some(Secret::new(secret)),
        method: PresentedMethod::Basic,
    })
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a space.
fn form_decode(text: &str) -> String {
    reqwest::Url::parse(&format!("x:?v={text}"))
        .ok()
        .and_then(|url| url.query_pairs().next().map(|(_, v)| v.into_owned()))
        .unwrap_or_else(|| text.to_owned())
}

impl Auth {
    /// The client `presented` names, if it proves to be that client: known, enabled, using
    /// the method it registered, with the right secret.
    pub async fn authenticate_oauth_client(
        &self,
        presented: &PresentedClient,
    ) -> Result<OAuthClient, AuthError> {
        let basic = presented.method == PresentedMethod::Basic;
        let refuse = |description: &str| -> AuthError {
            OAuthError::invalid_client(description, basic).into()
        };
        let Some(client) = oauth_clients::find(self.store().conn(), &presented.client_id).await?
        else {
            return Err(refuse("missing client"));
        };
        if client.disabled {
            return Err(refuse("client is disabled"));
        }
        let used = presented.method.registered_as();
        if used != client.auth_method {
            return Err(refuse(&format!(
                "client registered for {} cannot use {}",
                client.auth_method.as_str(),
                used.as_str()
            )));
        }
        match (&client.secret_digest, &presented.secret) {
            (_, None) if client.auth_method.has_secret() => {
                Err(refuse("client secret must be provided"))
            }
            (None, Some(_)) => Err(refuse(
                "public client, client secret should not be received",
            )),
            (Some(stored), Some(secret)) => {
                let presented_digest = credential_digest(secret.expose());
                if bool::from(stored.as_bytes().ct_eq(presented_digest.as_bytes())) {
                    Ok(client)
                } else {
                    Err(refuse("invalid client_secret"))
                }
            }
            _ => Ok(client),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn basic_credentials_are_form_decoded_and_split_at_the_first_colon() {
        let presented =
            PresentedClient::from_request(Some(&basic("my%20app", "a:b+c")), None, None)
                .unwrap()
                .unwrap();

        assert_eq!(presented.client_id, "my app");
        assert_eq!(presented.secret.unwrap().expose(), "a:b c");
        assert_eq!(presented.method, PresentedMethod::Basic);
    }

    #[test]
    fn a_secret_in_both_places_is_refused() {
        let refused = PresentedClient::from_request(Some(&basic("a", "b")), Some("a"), Some("b"));

        assert!(matches!(refused, Err(OAuthError::Protocol { .. })));
    }

    #[test]
    fn a_header_without_a_secret_is_malformed() {
        for header in [
            basic("a", ""),
            basic(":b", "c"),
            basic("a%00b", "c"),
            basic("a\0b", "c"),
            "Basic !!!".to_owned(),
        ] {
            let refused = PresentedClient::from_request(Some(&header), None, None);
            assert!(
                matches!(
                    refused,
                    Err(OAuthError::Protocol {
                        unauthorized: true,
                        basic_challenge: true,
                        ..
                    })
                ),
                "{header}"
            );
        }
    }

    #[test]
    fn a_body_client_id_alone_is_a_public_client() {
        let presented = PresentedClient::from_request(None, Some("abc"), Some(""))
            .unwrap()
            .unwrap();

        assert_eq!(presented.method, PresentedMethod::None);
        assert!(presented.secret.is_none());
    }
}
