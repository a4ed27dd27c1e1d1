//! What the passkey routes read: one type per body or query, read by serde and described
//! in the OpenAPI document by its `ToSchema` derive.

use crate::typed_body::{Checked, too_short};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Longest passkey name accepted.
const MAX_NAME_CHARS: usize = 255;
/// Longest account name accepted in the registration options.
const MAX_ACCOUNT_NAME_CHARS: usize = 255;

/// `GET /passkey/generate-register-options`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RegisterOptionsQuery {
    /// `platform` (this device) or `cross-platform` (a security key or a phone).
    #[param(value_type = Option<String>)]
    pub authenticator_attachment: Option<Attachment>,
    /// The account name the authenticator shows (default: the email).
    pub name: Option<String>,
    /// better-auth's context for passkey-first sign-up; accepted and ignored (registration
    /// needs a session here).
    #[allow(dead_code, reason = "read so that its type is checked, then ignored")]
    pub context: Option<String>,
}

impl RegisterOptionsQuery {
    /// The problems with the query, in better-auth's `[query.x]` form.
    pub fn issues(&self) -> Vec<String> {
        if self
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_ACCOUNT_NAME_CHARS)
        {
            vec!["[query.name] Too big: expected string to have <=255 characters".to_owned()]
        } else {
            Vec::new()
        }
    }
}

/// Where the authenticator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attachment {
    /// Built into this device.
    Platform,
    /// A security key or another device.
    CrossPlatform,
}

impl Attachment {
    /// The WebAuthn spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Platform => "platform",
            Self::CrossPlatform => "cross-platform",
        }
    }
}

/// `POST /passkey/verify-registration`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRegistrationBody {
    /// The browser's `RegistrationResponseJSON` (`credential.toJSON()`).
    #[schema(value_type = Object)]
    pub response: serde_json::Value,
    /// A name for the passkey.
    #[serde(default)]
    pub name: Option<String>,
    /// better-auth's option to open a second session; accepted and ignored (the caller is
    /// signed in already).
    #[serde(default)]
    #[allow(dead_code, reason = "read so that its type is checked, then ignored")]
    pub create_session: Option<bool>,
}

impl Checked for VerifyRegistrationBody {
    fn check(&self) -> Vec<String> {
        let mut issues = name_issues(self.name.as_deref(), false);
        if !self.response.is_object() {
            issues.push("[body.response] Invalid input: expected object".to_owned());
        }
        issues
    }
}

/// `POST /passkey/verify-authentication`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyAuthenticationBody {
    /// The browser's `AuthenticationResponseJSON` (`credential.toJSON()`).
    #[schema(value_type = Object)]
    pub response: serde_json::Value,
}

impl Checked for VerifyAuthenticationBody {
    fn check(&self) -> Vec<String> {
        if self.response.is_object() {
            Vec::new()
        } else {
            vec!["[body.response] Invalid input: expected record, received non-object".to_owned()]
        }
    }
}

/// `POST /passkey/update-passkey`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePasskeyBody {
    /// The passkey's id (`pk_…`).
    pub id: String,
    /// The new name (trimmed; not empty).
    pub name: String,
}

impl Checked for UpdatePasskeyBody {
    fn check(&self) -> Vec<String> {
        name_issues(Some(&self.name), true)
    }
}

/// `POST /passkey/delete-passkey`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeletePasskeyBody {
    /// The passkey's id (`pk_…`).
    pub id: String,
}

impl Checked for DeletePasskeyBody {}

fn name_issues(name: Option<&str>, required: bool) -> Vec<String> {
    let Some(name) = name else {
        return Vec::new();
    };
    if required && name.trim().is_empty() {
        vec![too_short("name")]
    } else if name.chars().count() > MAX_NAME_CHARS {
        vec!["[body.name] Too big: expected string to have <=255 characters".to_owned()]
    } else {
        Vec::new()
    }
}
