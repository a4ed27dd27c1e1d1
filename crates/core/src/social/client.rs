//! The HTTP calls to providers: JSON reads with a bearer token, form posts to token
//! endpoints. Every call has a timeout and a size cap, follows no redirect, and never puts a
//! token or secret into an error.

use super::config::TokenAuth;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::time::Duration;

/// Largest provider answer read, in bytes.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// A call to a provider failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderCallError {
    /// No answer (refused, timed out, TLS failure).
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// An answer with an error status; `error` is the OAuth error code when it sent one.
    #[error("provider answered {status} {}", error.as_deref().unwrap_or(""))]
    Status {
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` member, if any.
        error: Option<String>,
    },
    /// An answer that is not the JSON expected, or too large.
    #[error("provider answer unusable: {0}")]
    BadAnswer(&'static str),
}

/// The client the server talks to providers with.
#[derive(Debug, Clone)]
pub struct ProviderClient {
    http: reqwest::Client,
}

impl ProviderClient {
    /// A client whose every call ends after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("beep-iam")
            .build()
            .unwrap_or_default();
        Self { http }
    }

    /// `GET url` as JSON, with `Authorization: Bearer` when a token is given.
    pub async fn get_json(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<Value, ProviderCallError> {
        let mut request = self.http.get(url).header("accept", "application/json");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        read_json(request.send().await).await
    }

    /// `POST url` with a form body, authenticated as the client (`TokenAuth`).
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        client_id: &str,
        client_secret: &str,
        auth: TokenAuth,
    ) -> Result<Value, ProviderCallError> {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let mut request = self.http.post(url).header("accept", "application/json");
        match auth {
            TokenAuth::Basic => {
                let credentials = format!(
                    "{}:{}",
                    beep_domain::uri::encode_uri_component(client_id),
                    beep_domain::uri::encode_uri_component(client_secret)
                );
                request = request.header(
                    "authorization",
                    format!("Basic {}", STANDARD.encode(credentials)),
                );
                // Public clients and some providers (Twitter) want the id in the body too.
                fields.push(("client_id", client_id));
            }
            TokenAuth::Post => {
                fields.push(("client_id", client_id));
                fields.push(("client_secret", client_secret));
            }
        }
        read_json(request.form(&fields).send().await).await
    }
}

async fn read_json(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<Value, ProviderCallError> {
    // The error's text can hold the URL, never a token: tokens travel in headers and bodies.
    let mut response =
        sent.map_err(|e| ProviderCallError::Unreachable(e.without_url().to_string()))?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ProviderCallError::Unreachable(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ProviderCallError::BadAnswer("too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    if !status.is_success() {
        let error = json
            .as_ref()
            .and_then(|j| j["error"].as_str())
            .map(|e| e.chars().take(64).collect());
        return Err(ProviderCallError::Status {
            status: status.as_u16(),
            error,
        });
    }
    json.ok_or(ProviderCallError::BadAnswer("not JSON"))
}

/// What a token endpoint answered (RFC 6749 §5.1), the secrets still in the clear: the
/// caller seals them before storing.
#[derive(Clone)]
pub struct TokenAnswer {
    /// `access_token`.
    pub access_token: String,
    /// `refresh_token`, when sent.
    pub refresh_token: Option<String>,
    /// `id_token`, when sent.
    pub id_token: Option<String>,
    /// `expires_in`, in seconds.
    pub expires_in: Option<i64>,
    /// `refresh_token_expires_in` (Microsoft, Twitter), in seconds.
    pub refresh_token_expires_in: Option<i64>,
    /// `scope`, as granted.
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl TokenAnswer {
    /// Reads a token endpoint's JSON; `None` without an access token.
    pub fn from_json(json: &Value) -> Option<Self> {
        let text = |name: &str| {
            json[name]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        // Some providers send numbers as text.
        let seconds = |name: &str| {
            json[name]
                .as_i64()
                .or_else(|| json[name].as_str().and_then(|s| s.parse().ok()))
        };
        Some(Self {
            access_token: text("access_token")?,
            refresh_token: text("refresh_token"),
            id_token: text("id_token"),
            expires_in: seconds("expires_in"),
            refresh_token_expires_in: seconds("refresh_token_expires_in"),
            scope: text("scope"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_answer_never_prints_its_tokens() {
        let answer = TokenAnswer::from_json(&json!({
            "access_token": "at-secret-1", "refresh_token": "rt-secret-2",
            "id_token": "it-secret-3", "expires_in": 3600, "scope": "openid"
        }))
        .unwrap();

        let printed = format!("{answer:?}");

        for secret in ["at-secret-1", "rt-secret-2", "it-secret-3"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("openid"));
    }
}
