//! Settings of the OAuth / OpenID provider: `OIDC_PROVIDER_SCOPES` (comma- or
//! space-separated scopes beyond `openid profile email offline_access`, for clients and
//! their `client_credentials` tokens), `OIDC_PROVIDER_ACCESS_TOKEN_EXPIRES_IN` and
//! `OIDC_PROVIDER_M2M_ACCESS_TOKEN_EXPIRES_IN` (seconds, default 3600),
//! `OIDC_PROVIDER_DYNAMIC_REGISTRATION` (RFC 7591 `/oauth2/register` for signed-in users,
//! default false), `OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION` (also without a session,
//! default false), `OIDC_PROVIDER_REFRESH_TOKEN_EXPIRES_IN` (seconds, default 30 days),
//! `OIDC_PROVIDER_CODE_EXPIRES_IN` (seconds, default and at most 600), and
//! `OIDC_PROVIDER_LOGIN_PAGE` / `OIDC_PROVIDER_CONSENT_PAGE` /
//! `OIDC_PROVIDER_SELECT_ACCOUNT_PAGE` (the operator's own pages, as absolute URLs, instead
//! of the hosted ones; account selection defaults to the login page), and for device
//! authorization
//! `OIDC_PROVIDER_DEVICE_INTERVAL` (seconds between polls, default 5),
//! `OIDC_PROVIDER_DEVICE_CODE_EXPIRES_IN` (seconds, default 1800) and
//! `OIDC_PROVIDER_DEVICE_VERIFICATION_URI` (the operator's page instead of the hosted one).

use crate::config::{Env, parse_bool_into, parse_into};
use anyhow::{Result, bail};
use beep_core::oauth_provider::OAuthProviderConfig;
use chrono::Duration;

/// The longest lifetime an access token may be given (one day): they cannot be recalled
/// from resource servers that cached an introspection.
const MAX_TOKEN_SECONDS: i64 = 24 * 3600;

/// The longest lifetime a refresh token may be given (one year).
const MAX_REFRESH_SECONDS: i64 = 365 * 24 * 3600;

/// The longest lifetime of an authorization code: RFC 6749 §4.1.2 recommends ten minutes at
/// most.
const MAX_CODE_SECONDS: i64 = 600;

/// `OIDC_PROVIDER_*`.
#[derive(Debug, Clone)]
pub struct OAuthProviderSettings {
    /// Scopes beyond the standard four.
    pub extra_scopes: Vec<String>,
    /// Seconds an access token for a user lasts.
    pub access_token_expires_in: i64,
    /// Seconds a `client_credentials` token lasts.
    pub m2m_access_token_expires_in: i64,
    /// `/oauth2/register` for signed-in users.
    pub dynamic_registration: bool,
    /// `/oauth2/register` without a session too.
    pub unauthenticated_registration: bool,
    /// Seconds a refresh token lasts.
    pub refresh_token_expires_in: i64,
    /// Seconds an authorization code lasts.
    pub code_expires_in: i64,
    /// The operator's login page, instead of the hosted one.
    pub login_page: Option<String>,
    /// The operator's consent page, instead of the hosted one.
    pub consent_page: Option<String>,
    /// The operator's account-selection page (default: the login page).
    pub select_account_page: Option<String>,
    /// Seconds between a device's polls.
    pub device_interval: i64,
    /// Seconds a device code lasts.
    pub device_code_expires_in: i64,
    /// The operator's device verification page, instead of the hosted one.
    pub device_verification_uri: Option<String>,
}

impl Default for OAuthProviderSettings {
    fn default() -> Self {
        let core = OAuthProviderConfig::default();
        Self {
            extra_scopes: Vec::new(),
            access_token_expires_in: core.access_token_expires_in.num_seconds(),
            m2m_access_token_expires_in: core.m2m_access_token_expires_in.num_seconds(),
            dynamic_registration: core.dynamic_registration,
            unauthenticated_registration: core.unauthenticated_registration,
            refresh_token_expires_in: core.refresh_token_expires_in.num_seconds(),
            code_expires_in: core.code_expires_in.num_seconds(),
            login_page: None,
            consent_page: None,
            select_account_page: None,
            device_interval: core.device_interval.num_seconds(),
            device_code_expires_in: core.device_code_expires_in.num_seconds(),
            device_verification_uri: None,
        }
    }
}

impl OAuthProviderSettings {
    /// Reads the `OIDC_PROVIDER_*` variables.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(value) = env.get("OIDC_PROVIDER_SCOPES") {
            self.extra_scopes = value
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(bad) = self.extra_scopes.iter().find(|s| {
                !s.chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
            }) {
                bail!("OIDC_PROVIDER_SCOPES: {bad:?} is not a scope (RFC 6749 §3.3)");
            }
        }
        for (name, target) in [
            (
                "OIDC_PROVIDER_ACCESS_TOKEN_EXPIRES_IN",
                &mut self.access_token_expires_in,
            ),
            (
                "OIDC_PROVIDER_M2M_ACCESS_TOKEN_EXPIRES_IN",
                &mut self.m2m_access_token_expires_in,
            ),
        ] {
            parse_into(env, name, target)?;
            if !(60..=MAX_TOKEN_SECONDS).contains(target) {
                bail!("{name}: {target} is not between 60 and {MAX_TOKEN_SECONDS} seconds");
            }
        }
        parse_bool_into(
            env,
            "OIDC_PROVIDER_DYNAMIC_REGISTRATION",
            &mut self.dynamic_registration,
        )?;
        parse_bool_into(
            env,
            "OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION",
            &mut self.unauthenticated_registration,
        )?;
        for (name, target, range) in [
            (
                "OIDC_PROVIDER_REFRESH_TOKEN_EXPIRES_IN",
                &mut self.refresh_token_expires_in,
                300..=MAX_REFRESH_SECONDS,
            ),
            (
                "OIDC_PROVIDER_CODE_EXPIRES_IN",
                &mut self.code_expires_in,
                30..=MAX_CODE_SECONDS,
            ),
            (
                "OIDC_PROVIDER_DEVICE_INTERVAL",
                &mut self.device_interval,
                1..=60,
            ),
            (
                "OIDC_PROVIDER_DEVICE_CODE_EXPIRES_IN",
                &mut self.device_code_expires_in,
                60..=3600,
            ),
        ] {
            parse_into(env, name, target)?;
            if !range.contains(target) {
                bail!(
                    "{name}: {target} is not between {} and {} seconds",
                    range.start(),
                    range.end()
                );
            }
        }
        for (name, target) in [
            ("OIDC_PROVIDER_LOGIN_PAGE", &mut self.login_page),
            ("OIDC_PROVIDER_CONSENT_PAGE", &mut self.consent_page),
            (
                "OIDC_PROVIDER_SELECT_ACCOUNT_PAGE",
                &mut self.select_account_page,
            ),
            (
                "OIDC_PROVIDER_DEVICE_VERIFICATION_URI",
                &mut self.device_verification_uri,
            ),
        ] {
            if let Some(value) = env.get(name) {
                let page = value.trim().to_owned();
                let is_web_url = url::Url::parse(&page).is_ok_and(|u| {
                    matches!(u.scheme(), "https" | "http") && u.fragment().is_none()
                });
                if !is_web_url {
                    bail!("{name}: {page:?} is not an absolute http(s) URL without a fragment");
                }
                *target = Some(page);
            }
        }
        if self.unauthenticated_registration && !self.dynamic_registration {
            bail!(
                "OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION needs OIDC_PROVIDER_DYNAMIC_REGISTRATION=true"
            );
        }
        Ok(())
    }

    /// The core's settings for a server at `base_url`.
    pub fn to_core(&self, base_url: &str) -> OAuthProviderConfig {
        let defaults =
            OAuthProviderConfig::for_base_url(base_url).with_scopes(self.extra_scopes.clone());
        OAuthProviderConfig {
            login_page: self
                .login_page
                .clone()
                .unwrap_or(defaults.login_page.clone()),
            select_account_page: self
                .select_account_page
                .clone()
                .or_else(|| self.login_page.clone())
                .unwrap_or(defaults.select_account_page.clone()),
            consent_page: self
                .consent_page
                .clone()
                .unwrap_or(defaults.consent_page.clone()),
            device_verification_uri: self
                .device_verification_uri
                .clone()
                .unwrap_or(defaults.device_verification_uri.clone()),
            device_interval: Duration::seconds(self.device_interval),
            device_code_expires_in: Duration::seconds(self.device_code_expires_in),
            refresh_token_expires_in: Duration::seconds(self.refresh_token_expires_in),
            code_expires_in: Duration::seconds(self.code_expires_in),
            access_token_expires_in: Duration::seconds(self.access_token_expires_in),
            m2m_access_token_expires_in: Duration::seconds(self.m2m_access_token_expires_in),
            dynamic_registration: self.dynamic_registration,
            unauthenticated_registration: self.unauthenticated_registration,
            ..defaults
        }
    }

    /// The `[oidc_provider]` part of `config check`.
    pub fn describe(&self) -> String {
        format!(
            "[oidc_provider]\nextra_scopes = {:?}\naccess_token_expires_in = {}\nm2m_access_token_expires_in = {}\nrefresh_token_expires_in = {}\ncode_expires_in = {}\ndynamic_registration = {}\nunauthenticated_registration = {}\nlogin_page = {:?}\nconsent_page = {:?}\nselect_account_page = {:?}\ndevice_interval = {}\ndevice_code_expires_in = {}\ndevice_verification_uri = {:?}\n",
            self.extra_scopes,
            self.access_token_expires_in,
            self.m2m_access_token_expires_in,
            self.refresh_token_expires_in,
            self.code_expires_in,
            self.dynamic_registration,
            self.unauthenticated_registration,
            self.login_page.as_deref().unwrap_or("(hosted)"),
            self.consent_page.as_deref().unwrap_or("(hosted)"),
            self.select_account_page
                .as_deref()
                .or(self.login_page.as_deref())
                .unwrap_or("(hosted)"),
            self.device_interval,
            self.device_code_expires_in,
            self.device_verification_uri
                .as_deref()
                .unwrap_or("(hosted)")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<OAuthProviderSettings> {
        let mut settings = OAuthProviderSettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn extra_scopes_follow_the_standard_ones() {
        let core = read(&[("OIDC_PROVIDER_SCOPES", "reports:read, reports:write")])
            .unwrap()
            .to_core("https://auth.example.com");

        assert_eq!(
            core.scopes,
            [
                "openid",
                "profile",
                "email",
                "offline_access",
                "reports:read",
                "reports:write"
            ]
        );
        assert_eq!(core.issuer, "https://auth.example.com/api/auth");
    }

    #[test]
    fn a_lifetime_out_of_range_is_refused() {
        assert!(read(&[("OIDC_PROVIDER_M2M_ACCESS_TOKEN_EXPIRES_IN", "5")]).is_err());
        assert!(read(&[("OIDC_PROVIDER_SCOPES", "bad\"scope")]).is_err());
        assert!(read(&[("OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION", "true")]).is_err());
        assert!(read(&[("OIDC_PROVIDER_CODE_EXPIRES_IN", "3600")]).is_err());
        assert!(read(&[("OIDC_PROVIDER_LOGIN_PAGE", "javascript:alert(1)")]).is_err());
        assert!(read(&[("OIDC_PROVIDER_CONSENT_PAGE", "/relative")]).is_err());
    }

    #[test]
    fn the_operators_pages_replace_the_hosted_ones() {
        let core = read(&[("OIDC_PROVIDER_LOGIN_PAGE", "https://app.example.com/login")])
            .unwrap()
            .to_core("https://auth.example.com");

        assert_eq!(core.login_page, "https://app.example.com/login");
        assert_eq!(core.select_account_page, "https://app.example.com/login");
        assert_eq!(
            core.consent_page,
            "https://auth.example.com/api/auth/oauth2/consent-page"
        );
    }
}
