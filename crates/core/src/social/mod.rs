//! Social sign-in: better-auth's OAuth providers (Google, Microsoft, LinkedIn, GitHub,
//! Discord, Twitter) and any OpenID Connect provider, with account linking, provider tokens
//! sealed at rest, and their refresh.
//!
//! - `config`: what is configured; `provider`: endpoints, discovery and keys at run time;
//! - `client`: the HTTP calls; `id_token`: ID-token checks; `profile`: who the user is;
//! - `state`: sign-ins in flight; `sign_in`: start and finish; `accounts`: the linked
//!   accounts and their tokens.

mod accounts;
pub mod client;
pub mod config;
pub mod id_token;
pub mod profile;
pub mod provider;
mod sign_in;
pub mod state;

pub use accounts::{AccessToken, LinkedAccountInfo, RefreshedTokens, split_scopes};
pub use config::{EndpointOverrides, ProviderKind, ProviderSettings, SocialConfig, TokenAuth};
pub use sign_in::{CallbackFailure, ProviderReturn, SocialLanding, StartSocial, StartedSocial};

use crate::mail::SealingKey;
use client::ProviderClient;
use provider::Provider;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The purpose provider tokens are sealed for.
const TOKEN_SEALING_PURPOSE: &str = "oauth-provider-tokens";

/// Why a social request was refused (the JSON routes; the callback redirects instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SocialError {
    /// No provider of that name is configured.
    #[error("Provider not found")]
    ProviderNotFound,
    /// The provider could not be reached or answered nonsense.
    #[error("The provider could not be reached")]
    ProviderUnavailable,
    /// No such account of the caller's.
    #[error("Account not found")]
    AccountNotFound,
    /// The account's provider is not configured (any more) or has no tokens.
    #[error("Provider not supported")]
    ProviderNotSupported,
    /// Unlinking the only way to sign in.
    #[error("You cannot unlink your last account")]
    LastAccount,
    /// The account holds no refresh token.
    #[error("Refresh token not found")]
    RefreshTokenNotFound,
    /// The provider refused the refresh.
    #[error("Failed to refresh access token")]
    RefreshFailed,
    /// No access token could be had.
    #[error("Failed to get a valid access token")]
    AccessTokenUnavailable,
    /// The account holds no access token.
    #[error("Access token not found")]
    AccessTokenNotFound,
    /// The provider would not say who the user is.
    #[error("Failed to get user info")]
    UserInfoUnavailable,
    /// The account is linked to this user already.
    #[error("Social account already linked")]
    AlreadyLinked,
}

impl SocialError {
    /// better-auth's code for it.
    pub fn code(self) -> &'static str {
        match self {
            Self::ProviderNotFound => "PROVIDER_NOT_FOUND",
            Self::ProviderUnavailable => "PROVIDER_UNAVAILABLE",
            Self::AccountNotFound => "ACCOUNT_NOT_FOUND",
            Self::ProviderNotSupported => "PROVIDER_NOT_SUPPORTED",
            Self::LastAccount => "FAILED_TO_UNLINK_LAST_ACCOUNT",
            Self::RefreshTokenNotFound => "REFRESH_TOKEN_NOT_FOUND",
            Self::RefreshFailed => "FAILED_TO_REFRESH_ACCESS_TOKEN",
            Self::AccessTokenUnavailable => "FAILED_TO_GET_ACCESS_TOKEN",
            Self::AccessTokenNotFound => "ACCESS_TOKEN_NOT_FOUND",
            Self::UserInfoUnavailable => "FAILED_TO_GET_USER_INFO",
            Self::AlreadyLinked => "SOCIAL_ACCOUNT_ALREADY_LINKED",
        }
    }
}

/// The providers and what talking to them needs; one per server.
pub struct Social {
    providers: Vec<Provider>,
    client: ProviderClient,
    config: SocialConfig,
    state_key: SealingKey,
    token_key: SealingKey,
    /// One refresh at a time per account on this node (see `accounts`).
    refreshing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Social {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.providers.iter().map(Provider::id).collect();
        f.debug_struct("Social")
            .field("providers", &ids)
            .finish_non_exhaustive()
    }
}

impl Social {
    /// The configured providers, with keys derived from the server secret.
    pub fn new(config: SocialConfig, secret: &str) -> Self {
        Self {
            providers: config
                .providers
                .iter()
                .cloned()
                .map(Provider::new)
                .collect(),
            client: ProviderClient::new(config.provider_timeout),
            state_key: SealingKey::derive(secret, state::SEALING_PURPOSE),
            token_key: SealingKey::derive(secret, TOKEN_SEALING_PURPOSE),
            refreshing: Mutex::new(HashMap::new()),
            config,
        }
    }

    /// The provider named `id`.
    pub(crate) fn provider(&self, id: &str) -> Result<&Provider, SocialError> {
        self.providers
            .iter()
            .find(|p| p.id() == id)
            .ok_or(SocialError::ProviderNotFound)
    }

    /// The ids of the configured providers.
    pub fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(Provider::id)
    }

    /// Where `provider` sends the browser back.
    pub(crate) fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/callback/{provider}", self.config.callback_base)
    }

    fn seal_token(&self, token: Option<&str>) -> Option<String> {
        token.map(|t| self.token_key.seal(t.as_bytes()))
    }

    fn open_token(&self, sealed: Option<&str>) -> Option<String> {
        String::from_utf8(self.token_key.open(sealed?)?).ok()
    }

    /// The lock that keeps two refreshes of one account on this node apart.
    fn refresh_lock(&self, account_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .refreshing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget locks nobody holds, so the map stays as small as the refreshes in flight.
        locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        locks.entry(account_id.to_owned()).or_default().clone()
    }
}
