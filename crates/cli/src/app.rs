//! Wiring: configuration → store → core → HTTP, and the commands that use them.

use crate::config::Config;
use crate::scale_config::SessionCacheChoice;
use anyhow::{Context, Result, bail};
use beep_core::flows::SignUp;
use beep_core::mail::{OutboxSettings, OutboxWorker};
use beep_core::rate_limit::{RateLimit, RateLimitRules};
use beep_core::session_cache::{LocalSessionCache, SessionCache, SharedSessionCache, keep_in_step};
use beep_core::shared_redis::{RedisConfig, SharedRedis};
use beep_core::{
    Auth, AuthConfig, ClientInfo, EmailConfig, HashingConfig, SessionConfig, SystemClock,
};
use beep_domain::{PasswordPolicy, Secret};
use beep_email::Transport;
use beep_http::{AppState, HttpSettings, MAX_RATE_LIMIT_BUCKETS, TrustedOrigins};
use beep_store::{Backend, Store};
use chrono::Duration;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tokio::task::JoinHandle;

/// Opens the database named by the configuration.
async fn open_store(config: &Config) -> Result<Store> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data folder {}", config.data_dir.display()))?;
    }
    Store::connect(
        &config.effective_database_url(),
        config.database_max_connections,
    )
    .await
    .context("connecting to the database")
}

/// The core service as configured.
/// The Redis every node shares, when `REDIS_URL` is set. Connects lazily: a node starts
/// while Redis is down and uses it once it answers.
fn shared_redis(config: &Config) -> Result<Option<SharedRedis>> {
    let Some(url) = &config.redis_url else {
        return Ok(None);
    };
    let mut redis_config = RedisConfig::new(Secret::new(url.clone()));
    redis_config.key_prefix = config.scale.redis_key_prefix.clone();
    let redis = SharedRedis::connect(&redis_config).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(redis))
}

/// The session cache, and the in-process cache the database's change feed must keep in
/// step with other nodes (PostgreSQL only; see `beep_core::session_cache::in_step`).
fn session_cache(
    config: &Config,
    store: &Store,
    redis: Option<&SharedRedis>,
) -> Result<(SessionCache, Option<LocalSessionCache>)> {
    let ttl = StdDuration::from_secs(config.scale.session_cache_ttl);
    if ttl.is_zero() {
        return Ok((SessionCache::Off, None));
    }
    match config.scale.session_cache {
        SessionCacheChoice::Off => Ok((SessionCache::Off, None)),
        SessionCacheChoice::Shared => {
            let Some(redis) = redis else {
                bail!("SESSION_CACHE=shared needs REDIS_URL");
            };
            let cache = SharedSessionCache::new(redis.clone(), ttl);
            Ok((SessionCache::Shared(Box::new(cache)), None))
        }
        SessionCacheChoice::Auto | SessionCacheChoice::Local => {
            if store.backend() == Backend::Sqlite {
                let cache = LocalSessionCache::new(ttl, LOCAL_CACHE_ENTRIES);
                return Ok((SessionCache::Local(cache), None));
            }
            let cache = LocalSessionCache::leased(ttl, LOCAL_CACHE_ENTRIES);
            Ok((SessionCache::Local(cache.clone()), Some(cache)))
        }
    }
}

/// On PostgreSQL, follows the database's change feed for as long as the task runs: it keeps
/// the in-process session cache (if any) in step, and voids other nodes' cookie caches here.
fn follow_changes(
    store: &Store,
    cache: Option<LocalSessionCache>,
    auth: &Auth,
) -> Option<JoinHandle<()>> {
    if store.backend() != Backend::Postgres {
        return None;
    }
    let hearer = auth.clone();
    let follower = keep_in_step(cache, store.clone(), move |event| hearer.hear(event));
    Some(tokio::spawn(follower))
}

/// Sessions an in-process cache holds at most.
const LOCAL_CACHE_ENTRIES: usize = 100_000;

fn rate_limit(config: &Config, redis: Option<&SharedRedis>) -> RateLimit {
    let rules = RateLimitRules::default();
    match redis {
        Some(redis) => RateLimit::shared(
            rules,
            MAX_RATE_LIMIT_BUCKETS,
            redis.clone(),
            config.scale.when_redis_fails,
        ),
        None => RateLimit::per_node(rules, MAX_RATE_LIMIT_BUCKETS),
    }
}

fn build_auth(
    config: &Config,
    store: Store,
    secret: Secret<String>,
    session_cache: SessionCache,
) -> Result<Auth> {
    let auth_config = AuthConfig {
        app_name: "beep-iam".into(),
        session: SessionConfig {
            expires_in: Duration::seconds(config.session_expires_in),
            update_age: Duration::seconds(config.session_update_age),
            max_lifetime: Duration::seconds(config.session_max_lifetime),
            ..SessionConfig::default()
        },
        password_policy: PasswordPolicy::default(),
        hashing: HashingConfig {
            memory_kib: config.hash_memory_kib,
            iterations: config.hash_iterations,
            parallelism: 1,
            workers: config.hash_workers.max(1),
        },
        sign_up_enabled: config.sign_up_enabled,
        delete_user_enabled: config.delete_user_enabled,
        email: EmailConfig {
            from: config.email.from.clone(),
            links_base: format!("{}/api/auth", config.effective_base_url()),
            templates_dir: config.email.templates_dir.clone(),
            require_verification: config.email.require_verification,
            auto_sign_in_after_verification: config.email.auto_sign_in_after_verification,
            ..EmailConfig::default()
        },
        organization: config.organization.to_core(&config.effective_base_url()),
        social: config.social.to_core(&config.effective_base_url()),
        two_factor: config.two_factor.to_core(),
        passkey: config
            .passkey
            .to_core(&config.effective_base_url(), &config.trusted_origins),
        jwt: config.jwt.to_core(&config.effective_base_url()),
        api_key: config.api_key.to_core(),
        admin: config.admin.to_core(),
        oauth_provider: config.oauth_provider.to_core(&config.effective_base_url()),
        // No settings yet: the audit log is not written by the flows so far (issue 15).
        audit: beep_core::audit::AuditConfig::default(),
        secret,
    };
    Auth::with_session_cache(store, Arc::new(SystemClock), auth_config, session_cache)
        .context("building the auth service")
}

/// The HTTP edge's settings.
fn http_settings(config: &Config, secret: Secret<String>) -> HttpSettings {
    let base_url = config.effective_base_url();
    let mut settings = HttpSettings::new(&base_url, secret);
    settings.trusted_origins = TrustedOrigins::new(&base_url, &config.trusted_origins);
    settings.rate_limit_enabled = config.rate_limit_enabled;
    settings.trusted_proxies = config.trusted_proxies.clone();
    settings.max_body_bytes = config.max_body_bytes;
    settings.cookies.cache_max_age = (config.cookie_cache_max_age > 0)
        .then(|| StdDuration::from_secs(config.cookie_cache_max_age));
    settings
}

/// `beep-iam serve`.
pub async fn serve(config: &Config) -> Result<()> {
    config.validate()?;
    let secret = config.resolve_secret()?;
    let store = open_store(config).await?;
    store.migrate().await.context("migrating the database")?;
    let redis = shared_redis(config)?;
    let (cache, leased) = session_cache(config, &store, redis.as_ref())?;
    tracing::info!(session_cache = ?cache, shared_redis = redis.is_some(), "caches");
    let auth = build_auth(config, store.clone(), secret.clone(), cache)?;
    let transport = Transport::new(config.email.transport_config(&config.data_dir))
        .context("setting up the mail transport")?;
    let limiter = rate_limit(config, redis.as_ref());
    let state = AppState::with_rate_limit(auth.clone(), http_settings(config, secret), limiter);
    let in_step = follow_changes(&store, leased, &auth);

    let address = format!("{}:{}", config.host, config.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("binding {address}"))?;
    tracing::info!(address = %listener.local_addr()?, base_url = %config.effective_base_url(), "beep-iam listening");

    let sweeper = tokio::spawn(sweep_expired_sessions(auth.clone()));
    let (stop_mail, mail_stopped) = tokio::sync::oneshot::channel::<()>();
    let outbox = OutboxWorker::new(auth, transport, outbox_settings(config));
    let mailer = tokio::spawn(outbox.run(async move {
        let _ = mail_stopped.await;
    }));
    beep_http::serve(listener, state, Box::pin(shutdown_signal())).await?;
    sweeper.abort();
    if let Some(in_step) = in_step {
        in_step.abort();
    }
    // The round in flight finishes (mail it sends is recorded); unsent mail waits in the
    // outbox for the next start or another node.
    let _ = stop_mail.send(());
    if tokio::time::timeout(StdDuration::from_secs(35), mailer)
        .await
        .is_err()
    {
        tracing::warn!("outbox worker did not stop in time");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How this node's outbox worker paces itself.
fn outbox_settings(config: &Config) -> OutboxSettings {
    OutboxSettings {
        retry_base: StdDuration::from_millis(config.email.retry_base_ms.max(1)),
        poll_interval: StdDuration::from_millis(config.email.poll_interval_ms.max(10)),
        ..OutboxSettings::default()
    }
}

/// Once an hour: deletes expired sessions, expired OAuth tokens, codes and spent grants, and
/// delivered or abandoned mail older than 30 days (the outbox keeps a month of delivery
/// history).
async fn sweep_expired_sessions(auth: Auth) {
    let mut every_hour = tokio::time::interval(StdDuration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let conn = auth.store().conn();
        match beep_store::repos::sessions::delete_expired(conn, auth.now()).await {
            Ok(removed) if removed > 0 => tracing::info!(removed, "expired sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "expired-session sweep failed"),
        }
        match auth.sweep_expired_oauth().await {
            Ok(removed) if removed > 0 => {
                tracing::info!(removed, "expired OAuth tokens and codes removed")
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "OAuth sweep failed"),
        }
        let month_ago = auth.now() - Duration::days(30);
        match beep_store::repos::outbox::delete_finished_before(conn, month_ago).await {
            Ok(removed) if removed > 0 => tracing::info!(removed, "old outbox mail removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "outbox sweep failed"),
        }
    }
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// `beep-iam migrate`.
pub async fn migrate(config: &Config) -> Result<()> {
    let store = open_store(config).await?;
    store.migrate().await.context("migrating the database")?;
    println!(
        "database is at schema version {}",
        beep_store::SCHEMA_VERSION
    );
    store.close().await;
    Ok(())
}

/// `beep-iam user create`: the password comes from the first line of standard input.
pub async fn create_user(
    config: &Config,
    email: &str,
    name: &str,
    role: Option<&str>,
) -> Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    let roles: Option<Vec<String>> = role.map(|r| r.split(',').map(str::to_owned).collect());
    if let Some(roles) = &roles {
        // Checked before the user exists, so a typo leaves nothing behind.
        config
            .admin
            .to_core()
            .known_roles(roles)
            .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    }
    let store = open_store(config).await?;
    store.migrate().await.context("migrating the database")?;
    let secret = config.resolve_secret()?;
    let auth = build_auth(config, store.clone(), secret, SessionCache::Off)?;
    let input = SignUp {
        name: name.to_owned(),
        email: email.to_owned(),
        password: Secret::new(password),
        image: None,
        remember_me: true,
        callback_url: None,
    };
    let outcome = auth
        .sign_up(input, ClientInfo::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut user = outcome.user().clone();
    // The sign-up flow opens a session; an admin-created user has no use for it. Its
    // verification mail waits in the outbox for the server.
    auth.revoke_sessions(&user.id, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(roles) = &roles {
        user = auth
            .operator_set_role(&user.id, roles)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!(
        "created user {} <{}> with role {}",
        user.id, user.email, user.role
    );
    store.close().await;
    Ok(())
}
