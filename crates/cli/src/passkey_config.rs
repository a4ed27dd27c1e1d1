//! Settings of passkeys: `PASSKEY_RP_ID` (the host name passkeys are bound to; default the
//! base URL's), `PASSKEY_RP_NAME` (what authenticators show; default the product's name),
//! `PASSKEY_ORIGINS` (the origins ceremonies may come from; default the base URL's and the
//! trusted origins) and `PASSKEY_REQUIRE_USER_VERIFICATION`.

use crate::config::{Env, parse_bool_into, split_list};
use anyhow::Result;
use beep_core::passkeys::PasskeyConfig;

/// `PASSKEY_*`; what is unset follows the base URL and the trusted origins.
#[derive(Debug, Clone, Default)]
pub struct PasskeySettings {
    /// The relying party id.
    pub rp_id: Option<String>,
    /// The relying party's display name.
    pub rp_name: Option<String>,
    /// The accepted origins.
    pub origins: Option<Vec<String>>,
    /// Refuse authenticators that did not verify the user.
    pub require_user_verification: bool,
}

impl PasskeySettings {
    /// Reads the `PASSKEY_*` variables.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        let text = |name: &str| {
            env.get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(rp_id) = text("PASSKEY_RP_ID") {
            self.rp_id = Some(rp_id.to_ascii_lowercase());
        }
        if let Some(rp_name) = text("PASSKEY_RP_NAME") {
            self.rp_name = Some(rp_name);
        }
        if let Some(origins) = text("PASSKEY_ORIGINS") {
            self.origins = Some(split_list(&origins));
        }
        parse_bool_into(
            env,
            "PASSKEY_REQUIRE_USER_VERIFICATION",
            &mut self.require_user_verification,
        )
    }

    /// The core's settings for a server at `base_url` trusting `trusted_origins`.
    pub fn to_core(&self, base_url: &str, trusted_origins: &[String]) -> PasskeyConfig {
        let mut config = PasskeyConfig::for_base_url(base_url, trusted_origins);
        if let Some(rp_id) = &self.rp_id {
            config.rp_id = rp_id.clone();
        }
        if let Some(origins) = &self.origins {
            config.origins = origins.clone();
        }
        config.rp_name = self.rp_name.clone();
        config.require_user_verification = self.require_user_verification;
        config
    }

    /// The `[passkey]` part of `config check`, for a server at `base_url`.
    pub fn describe(&self, base_url: &str, trusted_origins: &[String]) -> String {
        let core = self.to_core(base_url, trusted_origins);
        format!(
            "[passkey]\nrp_id = {:?}\nrp_name = {:?}\norigins = {:?}\nrequire_user_verification = {}\n",
            core.rp_id, core.rp_name, core.origins, core.require_user_verification
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> PasskeySettings {
        let mut settings = PasskeySettings::default();
        settings.apply_env(&env(pairs)).unwrap();
        settings
    }

    #[test]
    fn unset_variables_follow_the_base_url_and_trusted_origins() {
        let settings = read(&[]);

        let core = settings.to_core(
            "https://Auth.Example.com:8443/api",
            &[
                "https://app.example.com".to_owned(),
                "https://*.example.com".to_owned(),
            ],
        );

        assert_eq!(core.rp_id, "auth.example.com");
        assert_eq!(
            core.origins,
            ["https://auth.example.com:8443", "https://app.example.com"]
        );
        assert!(!core.require_user_verification);
    }

    #[test]
    fn the_variables_reach_the_core_and_config_check() {
        let settings = read(&[
            ("PASSKEY_RP_ID", "Example.com"),
            ("PASSKEY_RP_NAME", "Acme"),
            (
                "PASSKEY_ORIGINS",
                "https://a.example.com, https://b.example.com",
            ),
            ("PASSKEY_REQUIRE_USER_VERIFICATION", "true"),
        ]);

        let core = settings.to_core("http://localhost:3000", &[]);
        let described = settings.describe("http://localhost:3000", &[]);

        assert_eq!(core.rp_id, "example.com");
        assert_eq!(core.rp_name.as_deref(), Some("Acme"));
        assert_eq!(
            core.origins,
            ["https://a.example.com", "https://b.example.com"]
        );
        assert!(core.require_user_verification);
        assert!(described.contains("rp_id = \"example.com\""), "{described}");
    }

    #[test]
    fn a_bad_boolean_is_refused() {
        let mut settings = PasskeySettings::default();

        let refused = settings.apply_env(&env(&[("PASSKEY_REQUIRE_USER_VERIFICATION", "maybe")]));

        assert!(refused.is_err());
    }
}
