//! A user's linked accounts: listing and unlinking them, and handing out (refreshing when
//! needed) the provider's access token to the account's own user.

use super::SocialError;
use super::client::TokenAnswer;
use super::profile::{self, Profile};
use crate::{Auth, AuthError};
use beep_domain::{Account, CREDENTIAL_PROVIDER, SealedProviderTokens, UserId};
use beep_store::StoreError;
use beep_store::repos::accounts;
use chrono::{DateTime, Duration, Utc};

/// An access token is refreshed when it lapses within this many seconds (better-auth: 5).
const REFRESH_MARGIN_SECS: i64 = 5;

/// A provider access token, for the account's own user.
#[derive(Clone)]
pub struct AccessToken {
    /// The token.
    pub access_token: String,
    /// When it lapses, if known.
    pub expires_at: Option<DateTime<Utc>>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The ID token, if the provider sent one.
    pub id_token: Option<String>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// A forced refresh's result.
#[derive(Debug, Clone)]
pub struct RefreshedTokens {
    /// The new access token and what goes with it.
    pub token: AccessToken,
    /// When the refresh token lapses, if known.
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// The account's provider.
    pub provider_id: String,
    /// The provider's id for the user.
    pub account_id: String,
}

/// What `account-info` answers: the account and the provider's current profile.
#[derive(Debug, Clone)]
pub struct LinkedAccountInfo {
    /// The account.
    pub account: Account,
    /// The profile the provider gives now.
    pub profile: Profile,
}

impl Auth {
    /// Every account of `user`, oldest first (no secrets).
    pub async fn list_accounts(&self, user: &UserId) -> Result<Vec<Account>, AuthError> {
        Ok(accounts::list_for_user(self.store().conn(), user).await?)
    }

    /// Removes one of the user's accounts, unless it is their last way to sign in.
    pub async fn unlink_account(&self, user: &UserId, account_id: &str) -> Result<(), AuthError> {
        let tx = self.store().write().await?;
        beep_store::repos::users::lock(&tx, user).await?;
        let all = accounts::list_for_user(&tx, user).await?;
        let target = all
            .iter()
            .find(|a| a.id.as_str() == account_id)
            .ok_or(SocialError::AccountNotFound)?;
        if all.len() == 1 {
            return Err(SocialError::LastAccount.into());
        }
        accounts::delete_owned(&tx, &target.id, user).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user, provider = %target.provider_id, "account unlinked");
        Ok(())
    }

    /// The provider's access token of one of the user's accounts, refreshed first when it
    /// lapses within 5 seconds and a refresh token is held. Calls racing on one account
    /// refresh once: they queue on this node's lock, and the version check on the row
    /// keeps a second node from overwriting the first's tokens.
    pub async fn provider_access_token(
        &self,
        user: &UserId,
        account_id: &str,
    ) -> Result<AccessToken, AuthError> {
        let (account, tokens) = self.linked_account(user, account_id).await?;
        if !self.needs_refresh(&tokens) {
            return self.open_access_token(&tokens);
        }
        let lock = self.social().refresh_lock(account.id.as_str());
        let _held = lock.lock().await;
        let (account, tokens) = self.linked_account(user, account.id.as_str()).await?;
        if !self.needs_refresh(&tokens) {
            return self.open_access_token(&tokens);
        }
        match self.refresh_account(&account, &tokens).await {
            Ok(refreshed) => Ok(refreshed.token),
            Err(_) => Err(SocialError::AccessTokenUnavailable.into()),
        }
    }

    /// Refreshes one of the user's accounts' tokens now.
    pub async fn refresh_provider_token(
        &self,
        user: &UserId,
        account_id: &str,
    ) -> Result<RefreshedTokens, AuthError> {
        let (account, _) = self.linked_account(user, account_id).await?;
        let lock = self.social().refresh_lock(account.id.as_str());
        let _held = lock.lock().await;
        let (account, tokens) = self.linked_account(user, account.id.as_str()).await?;
        self.refresh_account(&account, &tokens).await
    }

    /// One of the user's accounts with the provider's current profile.
    pub async fn linked_account_info(
        &self,
        user: &UserId,
        account_id: &str,
    ) -> Result<LinkedAccountInfo, AuthError> {
        let token = self.provider_access_token(user, account_id).await?;
        let (account, _) = self.linked_account(user, account_id).await?;
        let social = self.social();
        let provider = social
            .provider(&account.provider_id)
            .map_err(|_| SocialError::ProviderNotSupported)?;
        let profile =
            profile::fetch_with_access_token(provider, &social.client, &token.access_token)
                .await
                .map_err(|err| {
                    tracing::info!(%err, "account-info: provider profile refused");
                    SocialError::UserInfoUnavailable
                })?;
        Ok(LinkedAccountInfo { account, profile })
    }

    /// One of the user's OAuth accounts (not the password one) with its sealed tokens.
    async fn linked_account(
        &self,
        user: &UserId,
        account_id: &str,
    ) -> Result<(Account, SealedProviderTokens), AuthError> {
        let found = accounts::find_owned_with_tokens(self.store().conn(), account_id, user)
            .await?
            .filter(|(account, _)| account.provider_id != CREDENTIAL_PROVIDER)
            .ok_or(SocialError::AccountNotFound)?;
        self.social()
            .provider(&found.0.provider_id)
            .map_err(|_| SocialError::ProviderNotSupported)?;
        Ok(found)
    }

    fn needs_refresh(&self, tokens: &SealedProviderTokens) -> bool {
        let soon = self.now() + Duration::seconds(REFRESH_MARGIN_SECS);
        tokens.refresh_token.is_some()
            && tokens.access_token_expires_at.is_some_and(|at| at <= soon)
    }

    fn open_access_token(&self, tokens: &SealedProviderTokens) -> Result<AccessToken, AuthError> {
        let social = self.social();
        let access_token = social
            .open_token(tokens.access_token.as_deref())
            .ok_or(SocialError::AccessTokenNotFound)?;
        Ok(AccessToken {
            access_token,
            expires_at: tokens.access_token_expires_at,
            scopes: split_scopes(tokens.scope.as_deref()),
            id_token: social.open_token(tokens.id_token.as_deref()),
        })
    }

    /// Asks the provider for new tokens and stores them if the row is as it was read.
    async fn refresh_account(
        &self,
        account: &Account,
        tokens: &SealedProviderTokens,
    ) -> Result<RefreshedTokens, AuthError> {
        let social = self.social();
        let provider = social
            .provider(&account.provider_id)
            .map_err(|_| SocialError::ProviderNotSupported)?;
        let refresh_token = social
            .open_token(tokens.refresh_token.as_deref())
            .ok_or(SocialError::RefreshTokenNotFound)?;
        let endpoints = provider
            .endpoints(&social.client)
            .await
            .map_err(|_| SocialError::RefreshFailed)?;
        let settings = &provider.settings;
        let answer = social
            .client
            .post_form(
                &endpoints.token,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &refresh_token),
                ],
                &settings.client_id,
                settings.client_secret.expose(),
                provider.token_auth(),
            )
            .await
            .map_err(|err| {
                tracing::info!(provider = %account.provider_id, %err, "token refresh refused");
                SocialError::RefreshFailed
            })?;
        let fresh = TokenAnswer::from_json(&answer).ok_or(SocialError::RefreshFailed)?;
        let mut sealed = self.seal_answer(&fresh, split_scopes(tokens.scope.as_deref()));
        if fresh.scope.is_none() {
            sealed.scope.clone_from(&tokens.scope);
        }
        let now = self.now();
        match accounts::set_tokens(
            self.store().conn(),
            &account.id,
            account.audit.version,
            &sealed,
            now,
        )
        .await
        {
            Ok(()) => {}
            // Another node refreshed meanwhile; its tokens are as good as these.
            Err(StoreError::Stale) => {}
            Err(other) => return Err(other.into()),
        }
        Ok(RefreshedTokens {
            token: AccessToken {
                access_token: fresh.access_token,
                expires_at: sealed.access_token_expires_at,
                scopes: split_scopes(sealed.scope.as_deref()),
                id_token: fresh
                    .id_token
                    .or_else(|| social.open_token(tokens.id_token.as_deref())),
            },
            refresh_token_expires_at: sealed
                .refresh_token_expires_at
                .or(tokens.refresh_token_expires_at),
            provider_id: account.provider_id.clone(),
            account_id: account.account_id.clone(),
        })
    }
}

/// The stored comma-separated scopes as a list.
pub fn split_scopes(scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
