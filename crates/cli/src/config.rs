//! The server's configuration: defaults, then an optional TOML file, then the environment
//! (the seed's variable names). Secrets stay wrapped so they never print.

use crate::admin_config::AdminSettings;
use crate::api_key_config::ApiKeySettings;
use crate::email_config::{EmailFile, EmailSettings};
use crate::jwt_config::JwtSettings;
use crate::oauth_provider_config::OAuthProviderSettings;
use crate::organization_config::{OrganizationFile, OrganizationSettings};
use crate::passkey_config::PasskeySettings;
use crate::scale_config::{ScaleFile, ScaleSettings};
use crate::social_config::SocialSettings;
use crate::two_factor_config::TwoFactorSettings;
use anyhow::{Context, Result, bail};
use beep_domain::Secret;
use serde::Deserialize;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Development (generated secret, relaxed) or production (strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local use: a secret is generated and kept in the data folder.
    Development,
    /// Refuses to start without a strong secret and an explicit base URL.
    Production,
}

/// Everything `beep-iam` can be told.
#[derive(Debug, Clone)]
pub struct Config {
    /// `BEEP_IAM_ENV`.
    pub mode: Mode,
    /// `HOST`.
    pub host: String,
    /// `PORT`.
    pub port: u16,
    /// `BETTER_AUTH_URL` / `APP_CLIENT_URL`: the public origin of the server.
    pub base_url: Option<String>,
    /// `BETTER_AUTH_SECRET` / `AUTH_SECRET`.
    pub secret: Option<Secret<String>>,
    /// `SECURITY_TRUSTED_ORIGINS` (comma-separated).
    pub trusted_origins: Vec<String>,
    /// `TRUSTED_PROXIES` (comma-separated addresses whose `X-Forwarded-For` is believed).
    pub trusted_proxies: Vec<IpAddr>,
    /// `DATABASE_URL`; default: SQLite in the data folder.
    pub database_url: Option<String>,
    /// `DATABASE_MAX_CONNECTIONS`.
    pub database_max_connections: u32,
    /// `BEEP_IAM_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `REDIS_URL`: shared rate limits and session cache for several nodes.
    pub redis_url: Option<String>,
    /// `RATE_LIMIT_ENABLED`.
    pub rate_limit_enabled: bool,
    /// `DELETE_USER_ENABLED`.
    pub delete_user_enabled: bool,
    /// `SIGN_UP_ENABLED`.
    pub sign_up_enabled: bool,
    /// `SESSION_EXPIRES_IN` (seconds).
    pub session_expires_in: i64,
    /// `SESSION_UPDATE_AGE` (seconds).
    pub session_update_age: i64,
    /// `SESSION_MAX_LIFETIME` (seconds): sliding refresh never goes past this.
    pub session_max_lifetime: i64,
    /// `SESSION_COOKIE_CACHE_MAX_AGE` (seconds, 0 turns the cache off).
    pub cookie_cache_max_age: u64,
    /// `PASSWORD_HASH_MEMORY_KIB`.
    pub hash_memory_kib: u32,
    /// `PASSWORD_HASH_ITERATIONS`.
    pub hash_iterations: u32,
    /// `PASSWORD_HASH_WORKERS` (default: the number of cores).
    pub hash_workers: usize,
    /// `MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// Mail: transport, sender, templates, verification rules.
    pub email: EmailSettings,
    /// Redis key prefix, rate limiting without Redis, the session cache.
    pub scale: ScaleSettings,
    /// Organizations: limits, invitations.
    pub organization: OrganizationSettings,
    /// Social sign-in providers (environment only: `OAUTH_PROVIDER_*`).
    pub social: SocialSettings,
    /// Second factors.
    pub two_factor: TwoFactorSettings,
    /// Passkeys.
    pub passkey: PasskeySettings,
    /// JWTs and their keys.
    pub jwt: JwtSettings,
    /// API keys.
    pub api_key: ApiKeySettings,
    /// The admin API.
    pub admin: AdminSettings,
    /// The OAuth / OpenID provider.
    pub oauth_provider: OAuthProviderSettings,
}

/// The optional TOML file; every key is optional and named like the field above. No `Debug`:
/// it holds the secret in clear.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    mode: Option<Mode>,
    host: Option<String>,
    port: Option<u16>,
    base_url: Option<String>,
    secret: Option<String>,
    trusted_origins: Option<Vec<String>>,
    trusted_proxies: Option<Vec<IpAddr>>,
    database_url: Option<String>,
    database_max_connections: Option<u32>,
    data_dir: Option<PathBuf>,
    redis_url: Option<String>,
    rate_limit_enabled: Option<bool>,
    delete_user_enabled: Option<bool>,
    sign_up_enabled: Option<bool>,
    session_expires_in: Option<i64>,
    session_update_age: Option<i64>,
    session_max_lifetime: Option<i64>,
    cookie_cache_max_age: Option<u64>,
    hash_memory_kib: Option<u32>,
    hash_iterations: Option<u32>,
    hash_workers: Option<usize>,
    max_body_bytes: Option<usize>,
    email: Option<EmailFile>,
    scale: Option<ScaleFile>,
    organization: Option<OrganizationFile>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            host: "127.0.0.1".into(),
            port: 3000,
            base_url: None,
            secret: None,
            trusted_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            database_url: None,
            database_max_connections: 10,
            data_dir: PathBuf::from("data"),
            redis_url: None,
            rate_limit_enabled: true,
            delete_user_enabled: true,
            sign_up_enabled: true,
            session_expires_in: 30 * 86_400,
            session_update_age: 86_400,
            session_max_lifetime: 90 * 86_400,
            cookie_cache_max_age: 300,
            hash_memory_kib: 19_456,
            hash_iterations: 2,
            hash_workers: std::thread::available_parallelism().map_or(2, usize::from),
            max_body_bytes: 64 * 1024,
            email: EmailSettings::default(),
            scale: ScaleSettings::default(),
            organization: OrganizationSettings::default(),
            social: SocialSettings::default(),
            two_factor: TwoFactorSettings::default(),
            passkey: PasskeySettings::default(),
            jwt: JwtSettings::default(),
            api_key: ApiKeySettings::default(),
            admin: AdminSettings::default(),
            oauth_provider: OAuthProviderSettings::default(),
        }
    }
}

/// Reads environment variables; a seam so tests can pass their own.
pub trait Env {
    /// The value of a variable, if set and not empty.
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Config {
    /// Defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>, env: &dyn Env) -> Result<Self> {
        let mut config = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            // toml's error quotes the offending line, which may be the secret's: keep only
            // its message and position.
            let parsed: FileConfig = toml::from_str(&text).map_err(|e| {
                let line = e
                    .span()
                    .map_or(0, |span| text[..span.start].lines().count().max(1));
                anyhow::anyhow!("parsing {} (line {line}): {}", path.display(), e.message())
            })?;
            config.apply_file(parsed)?;
        }
        config.apply_env(env)?;
        Ok(config)
    }

    fn apply_file(&mut self, f: FileConfig) -> Result<()> {
        macro_rules! take {
            ($($field:ident),+) => { $(if let Some(v) = f.$field { self.$field = v; })+ };
        }
        take!(
            mode,
            host,
            port,
            trusted_origins,
            trusted_proxies,
            database_max_connections,
            data_dir,
            rate_limit_enabled,
            delete_user_enabled,
            sign_up_enabled,
            session_expires_in,
            session_update_age,
            session_max_lifetime,
            cookie_cache_max_age,
            hash_memory_kib,
            hash_iterations,
            hash_workers,
            max_body_bytes
        );
        if f.base_url.is_some() {
            self.base_url = f.base_url;
        }
        if f.database_url.is_some() {
            self.database_url = f.database_url;
        }
        if f.redis_url.is_some() {
            self.redis_url = f.redis_url;
        }
        if let Some(secret) = f.secret {
            self.secret = Some(Secret::new(secret));
        }
        if let Some(email) = f.email {
            self.email.apply_file(email);
        }
        if let Some(scale) = f.scale {
            self.scale.apply_file(scale)?;
        }
        if let Some(organization) = f.organization {
            self.organization.apply_file(organization);
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(mode) = env.get("BEEP_IAM_ENV") {
            self.mode = match mode.as_str() {
                "development" | "dev" => Mode::Development,
                "production" | "prod" => Mode::Production,
                other => bail!("BEEP_IAM_ENV must be development or production, not {other:?}"),
            };
        }
        if let Some(host) = env.get("HOST") {
            self.host = host;
        }
        parse_into(env, "PORT", &mut self.port)?;
        if let Some(url) = env
            .get("BETTER_AUTH_URL")
            .or_else(|| env.get("APP_CLIENT_URL"))
        {
            self.base_url = Some(url);
        }
        if let Some(secret) = env
            .get("BETTER_AUTH_SECRET")
            .or_else(|| env.get("AUTH_SECRET"))
        {
            self.secret = Some(Secret::new(secret));
        }
        if let Some(list) = env
            .get("SECURITY_TRUSTED_ORIGINS")
            .or_else(|| env.get("BETTER_AUTH_TRUSTED_ORIGINS"))
        {
            self.trusted_origins = split_list(&list);
        }
        if let Some(list) = env.get("TRUSTED_PROXIES") {
            self.trusted_proxies = split_list(&list)
                .iter()
                .map(|p| {
                    p.parse()
                        .with_context(|| format!("TRUSTED_PROXIES: {p:?} is not an IP address"))
                })
                .collect::<Result<_>>()?;
        }
        if let Some(url) = env.get("DATABASE_URL") {
            self.database_url = Some(url);
        }
        if let Some(url) = env.get("REDIS_URL") {
            self.redis_url = Some(url);
        }
        if let Some(dir) = env.get("BEEP_IAM_DATA_DIR") {
            self.data_dir = PathBuf::from(dir);
        }
        parse_into(
            env,
            "DATABASE_MAX_CONNECTIONS",
            &mut self.database_max_connections,
        )?;
        parse_bool_into(env, "RATE_LIMIT_ENABLED", &mut self.rate_limit_enabled)?;
        parse_bool_into(env, "DELETE_USER_ENABLED", &mut self.delete_user_enabled)?;
        parse_bool_into(env, "SIGN_UP_ENABLED", &mut self.sign_up_enabled)?;
        parse_into(env, "SESSION_EXPIRES_IN", &mut self.session_expires_in)?;
        parse_into(env, "SESSION_UPDATE_AGE", &mut self.session_update_age)?;
        parse_into(env, "SESSION_MAX_LIFETIME", &mut self.session_max_lifetime)?;
        parse_into(
            env,
            "SESSION_COOKIE_CACHE_MAX_AGE",
            &mut self.cookie_cache_max_age,
        )?;
        parse_into(env, "PASSWORD_HASH_MEMORY_KIB", &mut self.hash_memory_kib)?;
        parse_into(env, "PASSWORD_HASH_ITERATIONS", &mut self.hash_iterations)?;
        parse_into(env, "PASSWORD_HASH_WORKERS", &mut self.hash_workers)?;
        parse_into(env, "MAX_BODY_BYTES", &mut self.max_body_bytes)?;
        self.email.apply_env(env)?;
        self.scale.apply_env(env)?;
        self.organization.apply_env(env)?;
        self.social.apply_env(env)?;
        self.two_factor.apply_env(env)?;
        self.passkey.apply_env(env)?;
        self.jwt.apply_env(env)?;
        self.api_key.apply_env(env)?;
        self.admin.apply_env(env)?;
        self.oauth_provider.apply_env(env)?;
        Ok(())
    }

    /// The public origin: the configured base URL, else `http://HOST:PORT`.
    pub fn effective_base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{}", self.host, self.port))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The database URL: the configured one, else a SQLite file in the data folder.
    pub fn effective_database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("beep-iam.db").display()
            )
        })
    }

    /// Checks the rules that depend on the mode: production needs a 32+ character secret
    /// and an explicit base URL (so no request's `Host` header can choose it).
    pub fn validate(&self) -> Result<()> {
        if self.mode == Mode::Production {
            match &self.secret {
                None => bail!("production mode needs BETTER_AUTH_SECRET (32 or more characters)"),
                Some(secret) if secret.expose().chars().count() < 32 => {
                    bail!("BETTER_AUTH_SECRET must be at least 32 characters in production")
                }
                Some(_) => {}
            }
            if self.base_url.is_none() {
                bail!("production mode needs BETTER_AUTH_URL (the server's public URL)");
            }
        }
        if let Some(secret) = &self.secret
            && secret.expose().len() < 16
        {
            tracing::warn!("BETTER_AUTH_SECRET is shorter than 16 characters");
        }
        if self.session_update_age <= 0 || self.session_expires_in <= 0 {
            bail!("session lifetimes must be positive");
        }
        self.organization.validate()?;
        self.email.validate(self.mode)
    }

    /// The secret to sign with: the configured one, or in development one generated once
    /// and kept in `<data_dir>/secret`.
    pub fn resolve_secret(&self) -> Result<Secret<String>> {
        if let Some(secret) = &self.secret {
            return Ok(secret.clone());
        }
        if self.mode == Mode::Production {
            bail!("production mode needs BETTER_AUTH_SECRET");
        }
        let path = self.data_dir.join("secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim().to_owned();
            if existing.len() >= 32 {
                return Ok(Secret::new(existing));
            }
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating data folder {}", self.data_dir.display()))?;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        let generated = hex::encode(bytes);
        write_private(&path, &generated)?;
        tracing::info!(path = %path.display(), "generated a development secret");
        Ok(Secret::new(generated))
    }

    /// The effective configuration as TOML-like text, secrets redacted.
    pub fn describe(&self) -> String {
        let secret = if self.secret.is_some() {
            "[redacted]"
        } else {
            "[generated in data folder]"
        };
        let redis = self
            .redis_url
            .as_deref()
            .map(redact_url)
            .unwrap_or_else(|| "(none)".into());
        format!(
            "mode = {:?}\nhost = {:?}\nport = {}\nbase_url = {:?}\nsecret = {:?}\ntrusted_origins = {:?}\n\
             trusted_proxies = {:?}\ndatabase_url = {:?}\ndatabase_max_connections = {}\ndata_dir = {:?}\n\
             redis_url = {:?}\nrate_limit_enabled = {}\ndelete_user_enabled = {}\nsign_up_enabled = {}\n\
             session_expires_in = {}\nsession_update_age = {}\nsession_max_lifetime = {}\n\
             cookie_cache_max_age = {}\nhash_memory_kib = {}\nhash_iterations = {}\nhash_workers = {}\n\
             max_body_bytes = {}\n",
            self.mode,
            self.host,
            self.port,
            self.effective_base_url(),
            secret,
            self.trusted_origins,
            self.trusted_proxies,
            redact_url(&self.effective_database_url()),
            self.database_max_connections,
            self.data_dir.display().to_string(),
            redis,
            self.rate_limit_enabled,
            self.delete_user_enabled,
            self.sign_up_enabled,
            self.session_expires_in,
            self.session_update_age,
            self.session_max_lifetime,
            self.cookie_cache_max_age,
            self.hash_memory_kib,
            self.hash_iterations,
            self.hash_workers,
            self.max_body_bytes,
        ) + &self.email.describe()
            + &self.scale.describe()
            + &self.organization.describe()
            + &self.social.describe()
            + &self.two_factor.describe()
            + &self
                .passkey
                .describe(&self.effective_base_url(), &self.trusted_origins)
            + &self.jwt.describe(&self.effective_base_url())
            + &self.api_key.describe()
            + &self.admin.describe()
            + &self.oauth_provider.describe()
    }
}

/// Hides the password in `scheme://user:password@host/...`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:[redacted]@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn parse_into<T: std::str::FromStr>(
    env: &dyn Env,
    name: &str,
    target: &mut T,
) -> Result<()> {
    if let Some(value) = env.get(name) {
        *target = value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}: cannot parse {value:?}"))?;
    }
    Ok(())
}

pub(crate) fn parse_bool_into(env: &dyn Env, name: &str, target: &mut bool) -> Result<()> {
    if let Some(value) = env.get(name) {
        *target = match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            other => bail!("{name}: expected true or false, not {other:?}"),
        };
    }
    Ok(())
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_env {
    //! Variables a test gives instead of the process environment.

    use super::Env;
    use std::collections::HashMap;

    /// A fixed set of variables.
    pub(crate) struct TestEnv(HashMap<&'static str, &'static str>);

    impl Env for TestEnv {
        fn get(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| (*v).to_owned())
        }
    }

    /// The variables `pairs`.
    pub(crate) fn env(pairs: &[(&'static str, &'static str)]) -> TestEnv {
        TestEnv(pairs.iter().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::test_env::env;
    use super::*;

    #[test]
    fn the_seeds_variable_names_are_read() {
        let config = Config::load(
            None,
            &env(&[
                ("PORT", "4000"),
                ("BETTER_AUTH_URL", "https://auth.example.com/"),
                (
                    "SECURITY_TRUSTED_ORIGINS",
                    "https://app.example.com, https://admin.example.com",
                ),
                ("RATE_LIMIT_ENABLED", "false"),
                ("DELETE_USER_ENABLED", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(config.port, 4000);
        assert_eq!(config.effective_base_url(), "https://auth.example.com");
        assert_eq!(
            config.trusted_origins,
            vec!["https://app.example.com", "https://admin.example.com"]
        );
        assert!(!config.rate_limit_enabled && !config.delete_user_enabled);
    }

    #[test]
    fn rate_limiting_and_delete_user_are_on_by_default_in_every_mode() {
        for mode in ["development", "production"] {
            let config = Config::load(
                None,
                &env(&[(
                    "BEEP_IAM_ENV",
                    if mode == "development" {
                        "development"
                    } else {
                        "production"
                    },
                )]),
            )
            .unwrap();
            assert!(config.rate_limit_enabled, "{mode}");
            assert!(config.delete_user_enabled, "{mode}");
            assert_eq!(config.cookie_cache_max_age, 300);
            assert_eq!(
                (config.session_expires_in, config.session_update_age),
                (30 * 86_400, 86_400)
            );
        }
    }

    #[test]
    fn production_refuses_a_missing_or_short_secret() {
        let missing = Config::load(
            None,
            &env(&[
                ("BEEP_IAM_ENV", "production"),
                ("BETTER_AUTH_URL", "https://a.example"),
            ]),
        )
        .unwrap();
        assert!(missing.validate().is_err());
        let short = Config::load(
            None,
            &env(&[
                ("BEEP_IAM_ENV", "production"),
                ("BETTER_AUTH_URL", "https://a.example"),
                ("BETTER_AUTH_SECRET", "too-short"),
            ]),
        )
        .unwrap();
        assert!(short.validate().is_err());
        let good = Config::load(
            None,
            &env(&[
                ("BEEP_IAM_ENV", "production"),
                ("BETTER_AUTH_URL", "https://a.example"),
                ("BETTER_AUTH_SECRET", "0123456789abcdef0123456789abcdef"),
                ("EMAIL_TRANSPORT", "file"),
            ]),
        )
        .unwrap();
        assert!(good.validate().is_ok());
    }

    #[test]
    fn production_refuses_a_missing_base_url() {
        let config = Config::load(
            None,
            &env(&[
                ("BEEP_IAM_ENV", "production"),
                ("BETTER_AUTH_SECRET", "0123456789abcdef0123456789abcdef"),
            ]),
        )
        .unwrap();
        assert!(config.validate().is_err());
    }

    #[test]
    fn the_description_never_shows_secrets() {
        let config = Config::load(
            None,
            &env(&[
                ("BETTER_AUTH_SECRET", "super-secret-value-1234567890abcdef"),
                (
                    "DATABASE_URL",
                    "postgres://app:db-password-xyz@db.example:5432/iam",
                ),
            ]),
        )
        .unwrap();
        let text = config.describe();
        assert!(!text.contains("super-secret-value"));
        assert!(!text.contains("db-password-xyz"));
        assert!(text.contains("postgres://app:[redacted]@db.example:5432/iam"));
        assert!(!format!("{config:?}").contains("super-secret-value"));
    }

    #[test]
    fn a_toml_file_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("beep-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("beep-iam.toml");
        std::fs::write(
            &path,
            "port = 5000\nhost = \"0.0.0.0\"\ncookie_cache_max_age = 0\n",
        )
        .unwrap();
        let config = Config::load(Some(&path), &env(&[("PORT", "6000")])).unwrap();
        assert_eq!(
            (
                config.port,
                config.host.as_str(),
                config.cookie_cache_max_age
            ),
            (6000, "0.0.0.0", 0)
        );
        std::fs::write(&path, "prot = 1\n").unwrap();
        assert!(Config::load(Some(&path), &env(&[])).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_toml_error_never_quotes_the_secret() {
        let dir = std::env::temp_dir().join(format!("beep-config-err-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("broken.toml");
        std::fs::write(
            &path,
            "port = 1\nsecret = \"topsecret-value-123456789012345\" oops\n",
        )
        .unwrap();
        let error = format!("{:#}", Config::load(Some(&path), &env(&[])).err().unwrap());
        assert!(error.contains("line 2"), "{error}");
        assert!(!error.contains("topsecret-value"), "{error}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_development_secret_is_generated_once_and_kept() {
        let dir =
            std::env::temp_dir().join(format!("beep-secret-{}", uuid::Uuid::now_v7().simple()));
        let config = Config {
            data_dir: dir.clone(),
            ..Config::default()
        };
        let first = config.resolve_secret().unwrap();
        let second = config.resolve_secret().unwrap();
        assert_eq!(first.expose(), second.expose());
        assert_eq!(first.expose().len(), 64);
        let _ = std::fs::remove_dir_all(dir);
    }
}
