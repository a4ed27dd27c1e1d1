//! PostgreSQL's notices that a user's sessions or profile changed, for nodes that cache
//! sessions in their own memory.
//!
//! Triggers (migration 3) send the user's id on [`SESSION_CHANGES_CHANNEL`] whenever a
//! `session` row is updated or deleted and whenever a `user` row is. A notice is part of the
//! writing transaction: it is delivered when, and only when, the change commits, whichever
//! node or tool made it. SQLite has no such feed; one process owns the file there.

use crate::db::{Backend, Store};
use crate::error::StoreError;
use sea_orm::sqlx::Connection as _;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgListener};
use std::sync::Arc;

/// The channel the triggers notify, with the changed user's id as payload.
pub const SESSION_CHANGES_CHANNEL: &str = "beep_iam_session_changes";

/// One notice from the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// This user's sessions or profile changed (the payload is the user id as stored).
    UserChanged(String),
    /// A payload this subscriber sent to its own echo channel with [`Store::send_echo`].
    Echo(String),
}

/// A subscription to [`SESSION_CHANGES_CHANNEL`] and to one echo channel of its own, on a
/// dedicated connection taken from the pool.
pub struct ChangeFeed {
    listener: PgListener,
}

impl std::fmt::Debug for ChangeFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeFeed").finish_non_exhaustive()
    }
}

impl Store {
    /// Subscribes to change notices and to `echo_channel`; `None` on SQLite, which has no
    /// other node to hear from.
    pub async fn subscribe_to_changes(
        &self,
        echo_channel: &str,
    ) -> Result<Option<ChangeFeed>, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let pool = self.conn().get_postgres_connection_pool();
        let mut listener = PgListener::connect_with(pool).await?;
        // A lost connection is reported at once instead of silently replaced: notices sent
        // in between are gone, and only the subscriber knows what to discard for that.
        listener.eager_reconnect(false);
        listener.listen(SESSION_CHANGES_CHANNEL).await?;
        listener.listen(echo_channel).await?;
        Ok(Some(ChangeFeed { listener }))
    }

    /// A connection of its own for sending echoes (PostgreSQL only). It is not the pool's:
    /// a pool drained by a burst of requests must not hold echoes back.
    pub fn echo_line(&self) -> Option<EchoLine> {
        if self.backend() != Backend::Postgres {
            return None;
        }
        let options = self.conn().get_postgres_connection_pool().connect_options();
        Some(EchoLine {
            options,
            connection: None,
        })
    }
}

/// Sends echoes on a dedicated connection, opened on first use and again after a failure.
pub struct EchoLine {
    options: Arc<PgConnectOptions>,
    connection: Option<PgConnection>,
}

impl std::fmt::Debug for EchoLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoLine").finish_non_exhaustive()
    }
}

impl EchoLine {
    /// Sends `payload` to `channel`.
    pub async fn send(&mut self, channel: &str, payload: &str) -> Result<(), StoreError> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => self
                .connection
                .insert(PgConnection::connect_with(&self.options).await?),
        };
        let sent = sea_orm::sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(connection)
            .await;
        if sent.is_err() {
            self.connection = None;
        }
        sent?;
        Ok(())
    }
}

impl ChangeFeed {
    /// The next notice, waiting for one; `Ok(None)` when the connection was lost, after
    /// which notices may have been missed and this feed must be dropped.
    pub async fn next(&mut self) -> Result<Option<Notice>, StoreError> {
        let Some(notification) = self.listener.try_recv().await? else {
            return Ok(None);
        };
        let payload = notification.payload().to_owned();
        Ok(Some(if notification.channel() == SESSION_CHANGES_CHANNEL {
            Notice::UserChanged(payload)
        } else {
            Notice::Echo(payload)
        }))
    }
}
