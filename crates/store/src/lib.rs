//! The beep-iam store: the schema, its migrations and the repositories, on PostgreSQL and
//! SQLite through one code path (SeaORM over sqlx).
//!
//! Repositories are plain async functions over any [`sea_orm::ConnectionTrait`], so a flow
//! passes either the [`Store`]'s connection or an open transaction and decides itself what
//! must commit together.

mod change_feed;
mod convert;
mod db;
pub mod entities;
mod error;
mod migrate;
pub mod repos;

pub use change_feed::{ChangeFeed, EchoLine, Notice, SESSION_CHANGES_CHANNEL};
pub use db::{Backend, Store, WriteTx};
pub use error::StoreError;
pub use migrate::{MigrationState, SCHEMA_VERSION, enum_variants_in_database};
pub use sea_orm::{self, ConnectionTrait, DatabaseConnection, DatabaseTransaction};

#[cfg(feature = "testing")]
pub mod testing;
