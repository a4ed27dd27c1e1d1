//! What the social routes read: one type per body or query string, read by serde and
//! described in the OpenAPI document by its `ToSchema` derive.

use crate::typed_body::{Checked, too_short};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// `POST /sign-in/social` and `POST /link-social`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignInSocialBody {
    /// The provider's id (`google`, `github`, … or a generic provider's name).
    pub provider: String,
    /// Where to land after success: a path, or a URL of a trusted origin (default `/`).
    #[serde(default, rename = "callbackURL")]
    pub callback_url: Option<String>,
    /// Where to land after a failure, with `?error=<code>` (default: the error page).
    #[serde(default, rename = "errorCallbackURL")]
    pub error_callback_url: Option<String>,
    /// Where a new user lands instead of `callbackURL`.
    #[serde(default, rename = "newUserCallbackURL")]
    pub new_user_callback_url: Option<String>,
    /// `true`: answer `redirect: false` so the client does not navigate by itself.
    #[serde(default)]
    pub disable_redirect: Option<bool>,
    /// Scopes to ask for besides the configured ones.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Passed to the provider as `login_hint`.
    #[serde(default)]
    pub login_hint: Option<String>,
    /// Create an account when none exists (the default here; kept for better-auth clients).
    #[serde(default)]
    pub request_sign_up: Option<bool>,
    /// better-auth's sign-in with a provider's ID token; not supported here.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub id_token: Option<serde_json::Value>,
}

/// Longest scope list and scope accepted.
const MAX_SCOPES: usize = 32;
const MAX_SCOPE_CHARS: usize = 256;

impl Checked for SignInSocialBody {
    fn check(&self) -> Vec<String> {
        let mut issues = Vec::new();
        if self.provider.is_empty() {
            issues.push(too_short("provider"));
        }
        if let Some(scopes) = &self.scopes {
            let bad = scopes.len() > MAX_SCOPES
                || scopes.iter().any(|s| {
                    s.is_empty()
                        || s.len() > MAX_SCOPE_CHARS
                        || s.chars().any(|c| c.is_whitespace() || c.is_control())
                });
            if bad {
                issues.push(
                    "[body.scopes] Invalid input: expected up to 32 scopes without spaces"
                        .to_owned(),
                );
            }
        }
        if self.login_hint.as_ref().is_some_and(|h| h.len() > 256) {
            issues.push(
                "[body.loginHint] Too big: expected string to have <=256 characters".to_owned(),
            );
        }
        issues
    }
}

/// `POST /unlink-account`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnlinkAccountBody {
    /// The account's row id (`id` in list-accounts).
    pub account_id: String,
}

impl Checked for UnlinkAccountBody {
    fn check(&self) -> Vec<String> {
        if self.account_id.is_empty() {
            vec![too_short("accountId")]
        } else {
            Vec::new()
        }
    }
}

/// `POST /get-access-token` and `POST /refresh-token`: which account (strict, as in
/// better-auth 1.7: `providerId` is refused).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountSelectionBody {
    /// The account's row id (`id` in list-accounts).
    #[serde(default)]
    pub account_id: Option<String>,
    /// Server-side calls only in better-auth; must be the caller's own id here.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl Checked for AccountSelectionBody {
    fn check(&self) -> Vec<String> {
        match &self.account_id {
            Some(id) if !id.is_empty() => Vec::new(),
            _ => vec![
                "[body.accountId] Invalid input: expected string, received undefined".to_owned(),
            ],
        }
    }
}

/// `GET /account-info`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AccountInfoQuery {
    /// The account's row id.
    pub account_id: Option<String>,
}

/// `GET|POST /callback/{providerId}`: what the provider sends back.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The state this server sent.
    pub state: Option<String>,
    /// The provider's error code, when it refused.
    pub error: Option<String>,
    /// The provider's description of its error.
    pub error_description: Option<String>,
    /// The provider's issuer (RFC 9207).
    pub iss: Option<String>,
}
