//! Settings of the flows (not of the server: ports and URLs belong to the CLI).

use beep_domain::PasswordPolicy;
use chrono::Duration;

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
        }
    }
}
