//! What the social routes answer, in better-auth's shapes.

use crate::wire::iso;
use beep_core::social::{AccessToken, RefreshedTokens};
use beep_domain::Account;
use serde::Serialize;
use utoipa::ToSchema;

/// `{url, redirect}`: where the client should send the browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct SocialRedirectJson {
    /// The provider's authorization URL.
    pub url: String,
    /// Whether the client should navigate there by itself.
    pub redirect: bool,
}

/// One item of `GET /list-accounts` (never a token or password).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    /// The account's row id.
    pub id: String,
    /// The provider's id for the user (the user id for `credential`).
    pub account_id: String,
    /// `credential`, `google`, …
    pub provider_id: String,
    /// The owner.
    pub user_id: String,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

impl From<&Account> for AccountJson {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id.to_string(),
            account_id: account.account_id.clone(),
            provider_id: account.provider_id.clone(),
            user_id: account.user_id.to_string(),
            created_at: iso(&account.audit.created_at),
            updated_at: iso(&account.audit.updated_at),
            scopes: beep_core::social::split_scopes(account.scope.as_deref()),
        }
    }
}

/// `POST /get-access-token`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenJson {
    /// The provider's access token.
    pub access_token: String,
    /// When it lapses, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_expires_at: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The provider's ID token, if it sent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl From<AccessToken> for AccessTokenJson {
    fn from(token: AccessToken) -> Self {
        Self {
            access_token_expires_at: token.expires_at.as_ref().map(iso),
            access_token: token.access_token,
            scopes: token.scopes,
            id_token: token.id_token,
        }
    }
}

/// `POST /refresh-token`. The refresh token itself stays on the server (`null`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshedTokensJson {
    /// The new access token.
    pub access_token: String,
    /// Always `null`: beep-iam never hands out a provider's refresh token.
    #[schema(value_type = Option<String>)]
    pub refresh_token: Option<()>,
    /// When the access token lapses.
    pub access_token_expires_at: Option<String>,
    /// When the refresh token lapses.
    pub refresh_token_expires_at: Option<String>,
    /// Granted scopes, comma-separated.
    pub scope: String,
    /// The provider's ID token, if any.
    pub id_token: Option<String>,
    /// The account's provider.
    pub provider_id: String,
    /// The provider's id for the user.
    pub account_id: String,
}

impl From<RefreshedTokens> for RefreshedTokensJson {
    fn from(r: RefreshedTokens) -> Self {
        Self {
            access_token_expires_at: r.token.expires_at.as_ref().map(iso),
            access_token: r.token.access_token,
            refresh_token: None,
            refresh_token_expires_at: r.refresh_token_expires_at.as_ref().map(iso),
            scope: r.token.scopes.join(","),
            id_token: r.token.id_token,
            provider_id: r.provider_id,
            account_id: r.account_id,
        }
    }
}

/// `GET /account-info`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountInfoJson {
    /// The user as the provider describes them.
    pub user: ProviderUserJson,
    /// The provider's raw profile.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The account.
    pub account: AccountRefJson,
}

/// The provider's view of the user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderUserJson {
    /// The provider's id for the user.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Address, if given.
    pub email: Option<String>,
    /// Avatar URL.
    pub image: Option<String>,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
}

/// Which account `account-info` describes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountRefJson {
    /// The account's row id.
    pub id: String,
    /// Its provider.
    pub provider_id: String,
    /// The provider's id for the user.
    pub account_id: String,
}

/// `{status: true}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// Always `true`.
    pub status: bool,
}
