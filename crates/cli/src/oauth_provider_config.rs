//! Settings of the OAuth / OpenID provider: `OIDC_PROVIDER_SCOPES` (comma- or
//! space-separated scopes beyond `openid profile email offline_access`, for clients and
//! their `client_credentials` tokens), `OIDC_PROVIDER_ACCESS_TOKEN_EXPIRES_IN` and
//! `OIDC_PROVIDER_M2M_ACCESS_TOKEN_EXPIRES_IN` (seconds, default 3600),
//! `OIDC_PROVIDER_DYNAMIC_REGISTRATION` (RFC 7591 `/oauth2/register` for signed-in users,
//! default false) and `OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION` (also without a session,
//! default false).

use crate::config::{Env, parse_bool_into, parse_into};
use anyhow::{Result, bail};
use beep_core::oauth_provider::OAuthProviderConfig;
use chrono::Duration;

/// The longest lifetime an access token may be given (one day): they cannot be recalled
/// from resource servers that cached an introspection.
const MAX_TOKEN_SECONDS: i64 = 24 * 3600;

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
        if self.unauthenticated_registration && !self.dynamic_registration {
            bail!(
                "OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION needs OIDC_PROVIDER_DYNAMIC_REGISTRATION=true"
            );
        }
        Ok(())
    }

    /// The core's settings for a server at `base_url`.
    pub fn to_core(&self, base_url: &str) -> OAuthProviderConfig {
        OAuthProviderConfig {
            access_token_expires_in: Duration::seconds(self.access_token_expires_in),
            m2m_access_token_expires_in: Duration::seconds(self.m2m_access_token_expires_in),
            dynamic_registration: self.dynamic_registration,
            unauthenticated_registration: self.unauthenticated_registration,
            ..OAuthProviderConfig::for_base_url(base_url).with_scopes(self.extra_scopes.clone())
        }
    }

    /// The `[oidc_provider]` part of `config check`.
    pub fn describe(&self) -> String {
        format!(
            "[oidc_provider]\nextra_scopes = {:?}\naccess_token_expires_in = {}\nm2m_access_token_expires_in = {}\ndynamic_registration = {}\nunauthenticated_registration = {}\n",
            self.extra_scopes,
            self.access_token_expires_in,
            self.m2m_access_token_expires_in,
            self.dynamic_registration,
            self.unauthenticated_registration
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
    }
}
