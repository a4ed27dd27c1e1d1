//! Audit columns shared by every entity (the seed's `makeFields`).

use chrono::{DateTime, Utc};

/// Who made and last changed a row, when, and its optimistic-concurrency version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// When the row was last changed.
    pub updated_at: DateTime<Utc>,
    /// The user id (or `system`) that created the row.
    pub created_by: Option<String>,
    /// The user id (or `system`) that last changed the row.
    pub updated_by: Option<String>,
    /// Incremented on every update; an update that lost a race fails instead of overwriting.
    pub version: i32,
}

impl Audit {
    /// Audit fields for a row created now by `actor`.
    pub fn created(now: DateTime<Utc>, actor: Option<&str>) -> Self {
        Self {
            created_at: now,
            updated_at: now,
            created_by: actor.map(str::to_owned),
            updated_by: actor.map(str::to_owned),
            version: 1,
        }
    }

    /// The fields after a change at `now` by `actor`: the next version.
    pub fn touched(&self, now: DateTime<Utc>, actor: Option<&str>) -> Self {
        Self {
            updated_at: now,
            updated_by: actor.map(str::to_owned),
            version: self.version + 1,
            ..self.clone()
        }
    }
}
