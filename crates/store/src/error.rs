//! Store errors: what a flow needs to decide, not the driver's internals.

use sea_orm::{DbErr, SqlErr};

/// A repository call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique or foreign-key constraint refused the write (duplicate email or slug, a row
    /// whose parent was deleted concurrently, …).
    #[error("unique constraint violated")]
    Conflict,
    /// An update lost an optimistic-concurrency race, or its row is gone.
    #[error("the row was changed or removed concurrently")]
    Stale,
    /// The database could not be reached in time.
    #[error("database unavailable")]
    Unavailable,
    /// The schema is newer than this binary or otherwise unusable.
    #[error("schema: {0}")]
    Schema(String),
    /// The database URL is not one we understand.
    #[error("unsupported database url (use postgres://… or sqlite:…)")]
    UnsupportedUrl,
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(String),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if let Some(
            SqlErr::UniqueConstraintViolation(_) | SqlErr::ForeignKeyConstraintViolation(_),
        ) = err.sql_err()
        {
            return StoreError::Conflict;
        }
        match err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable,
            DbErr::RecordNotUpdated => StoreError::Stale,
            other => StoreError::Database(other.to_string()),
        }
    }
}

impl From<sea_orm::sqlx::Error> for StoreError {
    fn from(err: sea_orm::sqlx::Error) -> Self {
        match err {
            sea_orm::sqlx::Error::PoolTimedOut | sea_orm::sqlx::Error::Io(_) => {
                StoreError::Unavailable
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}
