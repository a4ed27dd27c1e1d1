//! Settings of the second factors: `TWO_FACTOR_ISSUER` (the name authenticator apps show),
//! `TWO_FACTOR_OTP` (codes by mail as a second factor) and `TWO_FACTOR_REQUIRED` (every
//! user must turn two-factor on).

use crate::config::{Env, parse_bool_into};
use anyhow::Result;
use beep_core::two_factor::TwoFactorConfig;

/// `TWO_FACTOR_*`.
#[derive(Debug, Clone)]
pub struct TwoFactorSettings {
    /// The issuer in `otpauth://` URIs; default: the product's name.
    pub issuer: Option<String>,
    /// Codes by mail may stand in for the authenticator.
    pub otp_enabled: bool,
    /// Every user must turn two-factor on before doing anything else.
    pub required: bool,
}

impl Default for TwoFactorSettings {
    fn default() -> Self {
        Self {
            issuer: None,
            otp_enabled: TwoFactorConfig::default().otp_enabled,
            required: false,
        }
    }
}

impl TwoFactorSettings {
    /// Reads `TWO_FACTOR_ISSUER` and `TWO_FACTOR_OTP`.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(issuer) = env.get("TWO_FACTOR_ISSUER") {
            let issuer = issuer.trim();
            self.issuer = (!issuer.is_empty()).then(|| issuer.to_owned());
        }
        parse_bool_into(env, "TWO_FACTOR_OTP", &mut self.otp_enabled)?;
        parse_bool_into(env, "TWO_FACTOR_REQUIRED", &mut self.required)
    }

    /// The core's settings.
    pub fn to_core(&self) -> TwoFactorConfig {
        TwoFactorConfig {
            issuer: self.issuer.clone(),
            otp_enabled: self.otp_enabled,
            required: self.required,
            ..TwoFactorConfig::default()
        }
    }

    /// The `[two_factor]` part of `config check`.
    pub fn describe(&self) -> String {
        format!(
            "[two_factor]\nissuer = {:?}\notp_enabled = {}\nrequired = {}\n",
            self.issuer, self.otp_enabled, self.required
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<TwoFactorSettings> {
        let mut settings = TwoFactorSettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn the_variables_reach_the_core_and_config_check() {
        let settings = read(&[
            ("TWO_FACTOR_ISSUER", " Acme IAM "),
            ("TWO_FACTOR_OTP", "false"),
            ("TWO_FACTOR_REQUIRED", "yes"),
        ])
        .unwrap();

        let core = settings.to_core();
        assert_eq!(core.issuer.as_deref(), Some("Acme IAM"));
        assert!(!core.otp_enabled);
        assert!(core.required);
        assert_eq!(
            settings.describe(),
            "[two_factor]\nissuer = Some(\"Acme IAM\")\notp_enabled = false\nrequired = true\n"
        );
    }

    #[test]
    fn the_defaults_are_codes_by_mail_on_and_nothing_required() {
        let core = read(&[]).unwrap().to_core();

        assert_eq!(core.issuer, None);
        assert!(core.otp_enabled);
        assert!(!core.required);
    }

    #[test]
    fn a_flag_that_is_not_a_boolean_is_refused() {
        let refused = read(&[("TWO_FACTOR_REQUIRED", "sometimes")]).unwrap_err();

        assert!(refused.to_string().contains("TWO_FACTOR_REQUIRED"));
    }
}
