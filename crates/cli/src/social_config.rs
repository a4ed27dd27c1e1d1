//! Social sign-in providers, from the seed's environment: `OAUTH_PROVIDER_NAMES` and, per
//! provider, `OAUTH_PROVIDER_<NAME>_CLIENT_ID` and `_CLIENT_SECRET` (a provider missing
//! either is skipped, as in the seed), plus beep-iam's optional endpoint overrides.

use crate::config::{Env, parse_bool_into};
use anyhow::{Result, bail};
use beep_core::social::{ProviderKind, ProviderSettings, SocialConfig, TokenAuth};

/// The configured providers.
#[derive(Debug, Clone, Default)]
pub struct SocialSettings {
    /// Providers with both credentials, in the order `OAUTH_PROVIDER_NAMES` lists them.
    pub providers: Vec<ProviderSettings>,
    /// Names listed without both credentials (skipped).
    pub skipped: Vec<String>,
}

impl SocialSettings {
    /// Reads the providers named in `OAUTH_PROVIDER_NAMES`.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        let Some(names) = env.get("OAUTH_PROVIDER_NAMES") else {
            return Ok(());
        };
        self.providers.clear();
        self.skipped.clear();
        for name in names
            .split([',', ' '])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let id = name.to_ascii_lowercase();
            if !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                bail!("OAUTH_PROVIDER_NAMES: {name:?} may hold only letters, digits, - and _");
            }
            let prefix = format!(
                "OAUTH_PROVIDER_{}_",
                id.to_ascii_uppercase().replace('-', "_")
            );
            let var = |suffix: &str| env.get(&format!("{prefix}{suffix}"));
            let (Some(client_id), Some(secret)) = (var("CLIENT_ID"), var("CLIENT_SECRET")) else {
                tracing::warn!(provider = %id, "social provider skipped: client id or secret missing");
                self.skipped.push(id);
                continue;
            };
            let kind = ProviderKind::named(&id).unwrap_or(ProviderKind::OpenIdConnect);
            let mut provider = ProviderSettings::new(&id, kind, &client_id, &secret);
            provider.issuer = var("ISSUER");
            provider.tenant_id = var("TENANT_ID");
            if kind == ProviderKind::OpenIdConnect && provider.issuer.is_none() {
                bail!(
                    "{prefix}ISSUER is required: {id:?} is not a built-in provider, so it is found by OpenID Connect discovery"
                );
            }
            let endpoints = &mut provider.endpoints;
            endpoints.authorization = var("AUTHORIZATION_URL");
            endpoints.token = var("TOKEN_URL");
            endpoints.userinfo = var("USERINFO_URL");
            endpoints.emails = var("EMAILS_URL");
            endpoints.jwks = var("JWKS_URL");
            if let Some(scopes) = var("SCOPES") {
                provider.scopes = scopes
                    .split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            provider.token_auth = match var("TOKEN_AUTH").as_deref() {
                None => None,
                Some("basic" | "client_secret_basic") => Some(TokenAuth::Basic),
                Some("post" | "client_secret_post") => Some(TokenAuth::Post),
                Some(other) => bail!("{prefix}TOKEN_AUTH must be basic or post, not {other:?}"),
            };
            parse_bool_into(
                env,
                &format!("{prefix}TRUST_EMAIL_VERIFIED"),
                &mut provider.trust_email_verified,
            )?;
            parse_bool_into(
                env,
                &format!("{prefix}SIGN_UP"),
                &mut provider.sign_up_enabled,
            )?;
            self.providers.push(provider);
        }
        Ok(())
    }

    /// The core's settings, with the callbacks under `base_url`.
    pub fn to_core(&self, base_url: &str) -> SocialConfig {
        SocialConfig {
            providers: self.providers.clone(),
            callback_base: format!("{base_url}/api/auth"),
            ..SocialConfig::default()
        }
    }

    /// The settings as TOML-like lines, secrets redacted.
    pub fn describe(&self) -> String {
        let mut out = String::from("[social]\n");
        out.push_str(&format!("skipped = {:?}\n", self.skipped));
        for p in &self.providers {
            out.push_str(&format!(
                "[[social.provider]]\nid = {:?}\nkind = \"{:?}\"\nclient_id = {:?}\nclient_secret = \"[redacted]\"\nissuer = {:?}\ntenant_id = {:?}\nscopes = {:?}\nauthorization_url = {:?}\ntoken_url = {:?}\nuserinfo_url = {:?}\ntrust_email_verified = {}\nsign_up = {}\n",
                p.id,
                p.kind,
                p.client_id,
                p.effective_issuer(),
                p.tenant_id,
                p.scopes_with(&[]),
                p.endpoints.authorization,
                p.endpoints.token,
                p.endpoints.userinfo,
                p.trust_email_verified,
                p.sign_up_enabled,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<SocialSettings> {
        let mut settings = SocialSettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn a_provider_missing_a_credential_is_skipped_and_secrets_never_print() {
        let settings = read(&[
            ("OAUTH_PROVIDER_NAMES", "google,github"),
            ("OAUTH_PROVIDER_GOOGLE_CLIENT_ID", "g-id"),
            ("OAUTH_PROVIDER_GOOGLE_CLIENT_SECRET", "g-very-secret"),
            ("OAUTH_PROVIDER_GITHUB_CLIENT_ID", "gh-id"),
        ])
        .unwrap();

        assert_eq!(settings.providers.len(), 1);
        assert_eq!(settings.providers[0].kind, ProviderKind::Google);
        assert_eq!(settings.skipped, vec!["github".to_owned()]);
        let described = settings.describe();
        assert!(described.contains("g-id") && described.contains("[redacted]"));
        assert!(!described.contains("g-very-secret"));
        assert!(!format!("{settings:?}").contains("g-very-secret"));
    }

    #[test]
    fn a_generic_provider_needs_an_issuer_and_takes_its_overrides() {
        let missing = read(&[
            ("OAUTH_PROVIDER_NAMES", "acme"),
            ("OAUTH_PROVIDER_ACME_CLIENT_ID", "id"),
            ("OAUTH_PROVIDER_ACME_CLIENT_SECRET", "secret"),
        ]);
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("OAUTH_PROVIDER_ACME_ISSUER")
        );

        let settings = read(&[
            ("OAUTH_PROVIDER_NAMES", "acme"),
            ("OAUTH_PROVIDER_ACME_CLIENT_ID", "id"),
            ("OAUTH_PROVIDER_ACME_CLIENT_SECRET", "secret"),
            ("OAUTH_PROVIDER_ACME_ISSUER", "https://sso.acme.example/"),
            ("OAUTH_PROVIDER_ACME_TOKEN_AUTH", "post"),
            ("OAUTH_PROVIDER_ACME_SIGN_UP", "false"),
        ])
        .unwrap();
        let acme = &settings.providers[0];
        assert_eq!(acme.kind, ProviderKind::OpenIdConnect);
        assert_eq!(
            acme.effective_issuer().as_deref(),
            Some("https://sso.acme.example")
        );
        assert_eq!(acme.token_auth, Some(TokenAuth::Post));
        assert!(!acme.sign_up_enabled);
    }
}
