//! The mail part of the configuration: transport, sender, templates and the verification
//! rules (`EMAIL_*`, `SMTP_URL`, `RESEND_*`, or an `[email]` table in the TOML file).

use crate::config::{Env, Mode};
use anyhow::{Result, bail};
use beep_domain::Secret;
use beep_email::TransportConfig;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How mail leaves the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// Print mails, links included, to the server log (development default).
    Log,
    /// One `.eml` file per mail in a folder.
    File,
    /// An SMTP server (`SMTP_URL`).
    Smtp,
    /// Resend's HTTP API (`RESEND_API_KEY`).
    Resend,
}

/// Mail settings.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    /// `EMAIL_TRANSPORT`: log | file | smtp | resend.
    pub transport: TransportKind,
    /// `EMAIL_FROM`.
    pub from: String,
    /// `SMTP_URL` (lettre's form; may hold credentials, so kept secret).
    pub smtp_url: Option<Secret<String>>,
    /// `RESEND_API_KEY`.
    pub resend_api_key: Option<Secret<String>>,
    /// `RESEND_BASE_URL`.
    pub resend_base_url: String,
    /// `EMAIL_DIR`: the folder of the file transport (default `<data>/mail`).
    pub dir: Option<PathBuf>,
    /// `EMAIL_TEMPLATES_DIR`: template overrides.
    pub templates_dir: Option<PathBuf>,
    /// `REQUIRE_EMAIL_VERIFICATION`.
    pub require_verification: bool,
    /// `AUTO_SIGN_IN_AFTER_VERIFICATION`.
    pub auto_sign_in_after_verification: bool,
    /// `EMAIL_RETRY_BASE_MS`: the first retry delay; it doubles per failure.
    pub retry_base_ms: u64,
    /// `EMAIL_POLL_INTERVAL_MS`: how often the outbox is checked for mail from other nodes.
    pub poll_interval_ms: u64,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            transport: TransportKind::Log,
            from: "beep-iam <no-reply@localhost>".into(),
            smtp_url: None,
            resend_api_key: None,
            resend_base_url: "https://api.resend.com".into(),
            dir: None,
            templates_dir: None,
            require_verification: false,
            auto_sign_in_after_verification: false,
            retry_base_ms: 5_000,
            poll_interval_ms: 2_000,
        }
    }
}

/// The `[email]` table of the TOML file. No `Debug`: it may hold credentials.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailFile {
    transport: Option<TransportKind>,
    from: Option<String>,
    smtp_url: Option<String>,
    resend_api_key: Option<String>,
    resend_base_url: Option<String>,
    dir: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
    require_verification: Option<bool>,
    auto_sign_in_after_verification: Option<bool>,
    retry_base_ms: Option<u64>,
    poll_interval_ms: Option<u64>,
}

impl EmailSettings {
    /// Takes what the file sets.
    pub fn apply_file(&mut self, f: EmailFile) {
        macro_rules! take {
            ($($field:ident),+) => { $(if let Some(v) = f.$field { self.$field = v; })+ };
        }
        take!(
            transport,
            from,
            resend_base_url,
            require_verification,
            auto_sign_in_after_verification,
            retry_base_ms,
            poll_interval_ms
        );
        if f.dir.is_some() {
            self.dir = f.dir;
        }
        if f.templates_dir.is_some() {
            self.templates_dir = f.templates_dir;
        }
        if let Some(url) = f.smtp_url {
            self.smtp_url = Some(Secret::new(url));
        }
        if let Some(key) = f.resend_api_key {
            self.resend_api_key = Some(Secret::new(key));
        }
    }

    /// Takes what the environment sets.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(kind) = env.get("EMAIL_TRANSPORT") {
            self.transport = match kind.as_str() {
                "log" => TransportKind::Log,
                "file" => TransportKind::File,
                "smtp" => TransportKind::Smtp,
                "resend" => TransportKind::Resend,
                other => bail!("EMAIL_TRANSPORT must be log, file, smtp or resend, not {other:?}"),
            };
        }
        if let Some(from) = env.get("EMAIL_FROM") {
            self.from = from;
        }
        if let Some(url) = env.get("SMTP_URL") {
            self.smtp_url = Some(Secret::new(url));
        }
        if let Some(key) = env.get("RESEND_API_KEY") {
            self.resend_api_key = Some(Secret::new(key));
        }
        if let Some(url) = env.get("RESEND_BASE_URL") {
            self.resend_base_url = url;
        }
        if let Some(dir) = env.get("EMAIL_DIR") {
            self.dir = Some(PathBuf::from(dir));
        }
        if let Some(dir) = env.get("EMAIL_TEMPLATES_DIR") {
            self.templates_dir = Some(PathBuf::from(dir));
        }
        crate::config::parse_bool_into(
            env,
            "REQUIRE_EMAIL_VERIFICATION",
            &mut self.require_verification,
        )?;
        crate::config::parse_bool_into(
            env,
            "AUTO_SIGN_IN_AFTER_VERIFICATION",
            &mut self.auto_sign_in_after_verification,
        )?;
        crate::config::parse_into(env, "EMAIL_RETRY_BASE_MS", &mut self.retry_base_ms)?;
        crate::config::parse_into(env, "EMAIL_POLL_INTERVAL_MS", &mut self.poll_interval_ms)?;
        Ok(())
    }

    /// The chosen transport has what it needs; production does not print links to the log.
    pub fn validate(&self, mode: Mode) -> Result<()> {
        match self.transport {
            TransportKind::Smtp if self.smtp_url.is_none() => {
                bail!("EMAIL_TRANSPORT=smtp needs SMTP_URL")
            }
            TransportKind::Resend if self.resend_api_key.is_none() => {
                bail!("EMAIL_TRANSPORT=resend needs RESEND_API_KEY")
            }
            TransportKind::Log if mode == Mode::Production => bail!(
                "EMAIL_TRANSPORT=log prints one-time links to the log; production needs smtp, resend or file"
            ),
            _ => Ok(()),
        }
    }

    /// What the transport is built from.
    pub fn transport_config(&self, data_dir: &Path) -> TransportConfig {
        match self.transport {
            TransportKind::Log => TransportConfig::Log,
            TransportKind::File => TransportConfig::File {
                dir: self.dir.clone().unwrap_or_else(|| data_dir.join("mail")),
            },
            TransportKind::Smtp => TransportConfig::Smtp {
                url: self
                    .smtp_url
                    .as_ref()
                    .map(|u| u.expose().clone())
                    .unwrap_or_default(),
                timeout: Duration::from_secs(30),
            },
            TransportKind::Resend => TransportConfig::Resend {
                api_key: self
                    .resend_api_key
                    .as_ref()
                    .map(|k| k.expose().clone())
                    .unwrap_or_default(),
                base_url: self.resend_base_url.clone(),
                timeout: Duration::from_secs(30),
            },
        }
    }

    /// The settings as TOML-like lines, credentials redacted.
    pub fn describe(&self) -> String {
        let smtp = self
            .smtp_url
            .as_ref()
            .map(|u| crate::config::redact_url(u.expose()))
            .unwrap_or_else(|| "(none)".into());
        let resend_key = if self.resend_api_key.is_some() {
            "[redacted]"
        } else {
            "(none)"
        };
        format!(
            "[email]\ntransport = {:?}\nfrom = {:?}\nsmtp_url = {:?}\nresend_api_key = {:?}\n\
             resend_base_url = {:?}\ndir = {:?}\ntemplates_dir = {:?}\nrequire_verification = {}\n\
             auto_sign_in_after_verification = {}\nretry_base_ms = {}\npoll_interval_ms = {}\n",
            self.transport,
            self.from,
            smtp,
            resend_key,
            self.resend_base_url,
            self.dir,
            self.templates_dir,
            self.require_verification,
            self.auto_sign_in_after_verification,
            self.retry_base_ms,
            self.poll_interval_ms,
        )
    }
}
