//! `beep-iam`: the identity server and its admin commands.

mod admin_config;
mod api_key_config;
mod app;
mod config;
mod email_config;
mod jwt_config;
mod oauth_provider_config;
mod organization_config;
mod passkey_config;
mod scale_config;
mod social_config;
mod two_factor_config;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use config::{Config, ProcessEnv};
use std::path::PathBuf;

/// An identity and access management server speaking the better-auth wire protocol.
#[derive(Debug, Parser)]
#[command(name = "beep-iam", version, about)]
struct Cli {
    /// A TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "BEEP_IAM_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user with a password read from standard input (one line).
    Create {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// The user's display name.
        #[arg(long, default_value = "")]
        name: String,
        /// Roles, comma-separated (`admin` makes the first admin); default `user`.
        #[arg(long)]
        role: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print it with secrets redacted.
    Check,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve => app::serve(&config).await,
            Command::Migrate => app::migrate(&config).await,
            Command::User {
                command: UserCommand::Create { email, name, role },
            } => app::create_user(&config, &email, &name, role.as_deref()).await,
            Command::Config {
                command: ConfigCommand::Check,
            } => {
                config.validate()?;
                print!("{}", config.describe());
                Ok(())
            }
        }
    })
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}
