//! Settings of the flows (not of the server: ports and URLs belong to the CLI).

use beep_domain::{PasswordPolicy, Secret};
use chrono::Duration;
use std::path::PathBuf;

/// Session lifetimes (the seed: 30 days, refreshed at most once a day).
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Lifetime of a remembered session, renewed by sliding refresh.
    pub expires_in: Duration,
    /// How old the last refresh must be before a read renews the session.
    pub update_age: Duration,
    /// Lifetime of a "don't remember me" session (never refreshed).
    pub short_expires_in: Duration,
    /// Sliding refresh never extends a session past `created_at + max_lifetime`.
    pub max_lifetime: Duration,
    /// Sessions younger than this count as fresh for sensitive operations.
    pub fresh_age: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            expires_in: Duration::days(30),
            update_age: Duration::days(1),
            short_expires_in: Duration::days(1),
            max_lifetime: Duration::days(90),
            fresh_age: Duration::days(1),
        }
    }
}

/// argon2id parameters and the size of the hashing pool.
#[derive(Debug, Clone, Copy)]
pub struct HashingConfig {
    /// Memory in KiB (OWASP: 19456 = 19 MiB).
    pub memory_kib: u32,
    /// Iterations (OWASP: 2).
    pub iterations: u32,
    /// Lanes (OWASP: 1).
    pub parallelism: u32,
    /// Hashes computed at once; peak hashing memory is `workers × memory_kib`.
    pub workers: usize,
}

impl Default for HashingConfig {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            workers: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

impl HashingConfig {
    /// The cheapest valid parameters (1 MiB, one pass) on two workers: for tests only, where
    /// hashing cost is not what is being tested. Never for stored passwords.
    pub fn minimal() -> Self {
        Self {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
            workers: 2,
        }
    }
}

/// Mail: what is sent, where its links point, and how the flows that send it behave.
#[derive(Debug, Clone)]
pub struct EmailConfig {
    /// The `From` of every mail (`EMAIL_FROM`).
    pub from: String,
    /// Where the links in mails point: the public base URL plus the API's base path,
    /// e.g. `https://auth.example.com/api/auth`. Always from configuration, never from a
    /// request's `Host` header (a forged host would otherwise receive reset tokens).
    pub links_base: String,
    /// A folder of template overrides, loaded once at start.
    pub templates_dir: Option<PathBuf>,
    /// Unverified users may not sign in (the seed: `false`).
    pub require_verification: bool,
    /// Sign-up sends the verification mail (the seed: `true`).
    pub send_verification_on_sign_up: bool,
    /// Following a verification link signs the user in.
    pub auto_sign_in_after_verification: bool,
    /// How long a verification or change-of-email link works.
    pub verification_expires_in: Duration,
    /// How long a password-reset link works (better-auth: 1 hour).
    pub reset_expires_in: Duration,
    /// A password reset ends every session of the user.
    pub revoke_sessions_on_reset: bool,
    /// Users may change their address (through a link sent to the new one).
    pub change_email_enabled: bool,
    /// At most this many mails of one kind to one address per `recipient_window`; more
    /// requests are answered as usual but send nothing.
    pub recipient_limit: u64,
    /// The window of `recipient_limit`.
    pub recipient_window: Duration,
    /// Routes that must not reveal whether an address has an account answer no sooner than
    /// this, whatever work they did.
    pub enumeration_floor: std::time::Duration,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            from: "beep-iam <no-reply@localhost>".to_owned(),
            links_base: "http://localhost:3000/api/auth".to_owned(),
            templates_dir: None,
            require_verification: false,
            send_verification_on_sign_up: true,
            auto_sign_in_after_verification: false,
            verification_expires_in: Duration::hours(1),
            reset_expires_in: Duration::hours(1),
            revoke_sessions_on_reset: true,
            change_email_enabled: true,
            recipient_limit: 5,
            recipient_window: Duration::minutes(10),
            enumeration_floor: std::time::Duration::from_millis(500),
        }
    }
}

/// Organizations: limits, invitations and what users may do.
#[derive(Debug, Clone)]
pub struct OrganizationConfig {
    /// Users may create organizations (better-auth: `allowUserToCreateOrganization`).
    pub creation_enabled: bool,
    /// Organizations may be deleted (`disableOrganizationDeletion` turned around).
    pub deletion_enabled: bool,
    /// At most this many memberships per user before creating another organization is
    /// refused; `None`: no limit.
    pub organization_limit: Option<u64>,
    /// Members an organization may have (checked when an invitation is accepted).
    pub membership_limit: u64,
    /// Pending, unexpired invitations an organization may have.
    pub invitation_limit: u64,
    /// How long an invitation can be accepted (better-auth: 48 hours).
    pub invitation_expires_in: Duration,
    /// The link in an invitation mail; `{id}` becomes the invitation's id. It points at the
    /// application's page that calls `accept-invitation`.
    pub invitation_url: String,
    /// A new organization gets a team of its own name, with its creator in it.
    pub default_team: bool,
}

impl Default for OrganizationConfig {
    fn default() -> Self {
        Self {
            creation_enabled: true,
            deletion_enabled: true,
            organization_limit: None,
            membership_limit: 100,
            invitation_limit: 100,
            invitation_expires_in: Duration::hours(48),
            invitation_url: "http://localhost:3000/accept-invitation/{id}".to_owned(),
            default_team: true,
        }
    }
}

/// Everything the flows need to know.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Product name, refused inside passwords.
    pub app_name: String,
    /// Session lifetimes.
    pub session: SessionConfig,
    /// Password length rules.
    pub password_policy: PasswordPolicy,
    /// Password hashing cost.
    pub hashing: HashingConfig,
    /// Whether new users may sign up with email and password.
    pub sign_up_enabled: bool,
    /// Whether users may delete themselves.
    pub delete_user_enabled: bool,
    /// Mail settings.
    pub email: EmailConfig,
    /// Organizations.
    pub organization: OrganizationConfig,
    /// Social sign-in providers.
    pub social: crate::social::SocialConfig,
    /// Second factors.
    pub two_factor: crate::two_factor::TwoFactorConfig,
    /// Passkeys (WebAuthn).
    pub passkey: crate::passkeys::PasskeyConfig,
    /// JWTs and their signing keys.
    pub jwt: crate::jwt::JwtConfig,
    /// API keys.
    pub api_key: crate::api_keys::ApiKeyConfig,
    /// The admin API.
    pub admin: crate::admin::AdminConfig,
    /// The OAuth / OpenID provider.
    pub oauth_provider: crate::oauth_provider::OAuthProviderConfig,
    /// The audit log's retention and its webhooks.
    pub audit: crate::audit::AuditConfig,
    /// The server secret; keys for data sealed at rest (mail bodies in the outbox) are derived
    /// from it. The default is random per process, so set it wherever nodes share a database.
    pub secret: Secret<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            app_name: "beep-iam".to_owned(),
            session: SessionConfig::default(),
            password_policy: PasswordPolicy::default(),
            hashing: HashingConfig::default(),
            sign_up_enabled: true,
            delete_user_enabled: true,
            email: EmailConfig::default(),
            organization: OrganizationConfig::default(),
            social: crate::social::SocialConfig::default(),
            two_factor: crate::two_factor::TwoFactorConfig::default(),
            passkey: crate::passkeys::PasskeyConfig::default(),
            jwt: crate::jwt::JwtConfig::default(),
            api_key: crate::api_keys::ApiKeyConfig::default(),
            admin: crate::admin::AdminConfig::default(),
            oauth_provider: crate::oauth_provider::OAuthProviderConfig::default(),
            audit: crate::audit::AuditConfig::default(),
            secret: Secret::new(crate::tokens::random_alphanumeric(48)),
        }
    }
}
