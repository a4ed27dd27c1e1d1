//! Claiming due rows of an outbox table (mail, webhooks) for one node with a lease.

use crate::db::Backend;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement};

/// An outbox table: it has `id`, `status` (`'pending'` while due), `next_attempt_at`,
/// `attempts`, `lease_owner`, `lease_until`, `updated_at` and `version` columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutboxTable(pub &'static str);

/// Claims up to `limit` due rows of `table` for `node` until `lease_until`, counting the
/// attempt, and returns their ids. A row whose lease has run out (its node died mid-delivery)
/// is due again. Two nodes never hold the same row: the claim is one `UPDATE` whose condition
/// is re-checked under the row lock (PostgreSQL additionally skips rows another claimer has
/// locked).
pub(crate) async fn claim_due_ids(
    conn: &impl ConnectionTrait,
    backend: Backend,
    OutboxTable(table): OutboxTable,
    node: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<String>, StoreError> {
    let due = "status = 'pending' AND next_attempt_at <= $3 \
               AND (lease_until IS NULL OR lease_until < $3)";
    let set = "lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
               updated_at = $3, version = version + 1";
    let sql = match backend {
        // The CTE runs once; in `WHERE id IN (SELECT … LIMIT … FOR UPDATE SKIP LOCKED)` the
        // planner may re-run the subquery and claim more rows than asked for.
        Backend::Postgres => format!(
            "WITH picked AS (SELECT id FROM {table} WHERE {due} \
                             ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             UPDATE {table} SET {set} FROM picked \
             WHERE {table}.id = picked.id RETURNING {table}.id AS id"
        ),
        // One writer at a time: the subquery and the update see the same rows.
        Backend::Sqlite => format!(
            "UPDATE {table} SET {set} \
             WHERE id IN (SELECT id FROM {table} WHERE {due} \
                          ORDER BY next_attempt_at LIMIT $4) \
             AND {due} RETURNING id"
        ),
    };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            sql,
            [node.into(), lease_until.into(), now.into(), limit.into()],
        ))
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        ids.push(row.try_get::<String>("", "id")?);
    }
    Ok(ids)
}
