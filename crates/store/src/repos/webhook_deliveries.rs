//! The webhook outbox: an event's delivery to each configured endpoint is queued in the
//! event's transaction and claimed by workers with a lease, exactly like mail.

use super::lease::{OutboxTable, claim_due_ids};
use super::outbox::AttemptOutcome;
use crate::db::Backend;
use crate::entities::webhook_delivery;
use crate::error::StoreError;
use beep_domain::{AuditEventId, WebhookDeliveryId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// The table's name, for the shared claim.
const TABLE: OutboxTable = OutboxTable("webhook_delivery");

/// One event on its way to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// `whd_…`
    pub id: WebhookDeliveryId,
    /// The event: the `webhook-id` header.
    pub event_id: AuditEventId,
    /// Where it goes.
    pub endpoint_url: String,
    /// The body, signed as is.
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts started (counting the one being made, once claimed).
    pub attempts: i32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// Queues `payload` of `event` for `endpoint_url`, due at `now`.
pub async fn insert(
    conn: &impl ConnectionTrait,
    event: &AuditEventId,
    endpoint_url: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = webhook_delivery::ActiveModel {
        id: Set(WebhookDeliveryId::generate().to_string()),
        event_id: Set(event.to_string()),
        endpoint_url: Set(endpoint_url.to_owned()),
        payload: Set(payload.to_owned()),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    webhook_delivery::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Claims up to `limit` due deliveries for `node` until `lease_until`, counting the attempt.
pub async fn claim_due(
    conn: &impl ConnectionTrait,
    backend: Backend,
    node: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let ids = claim_due_ids(conn, backend, TABLE, node, now, lease_until, limit).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let claimed = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.is_in(ids))
        .filter(webhook_delivery::Column::LeaseOwner.eq(node))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .all(conn)
        .await?;
    Ok(claimed.into_iter().map(into_delivery).collect())
}

/// Records how an attempt by `node` ended, if `node` still holds the lease. Returns `false`
/// when the lease was lost (another node may be delivering it too).
pub async fn finish_attempt(
    conn: &impl ConnectionTrait,
    id: &WebhookDeliveryId,
    node: &str,
    outcome: &AttemptOutcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::LeaseOwner,
            Expr::value(None::<String>),
        )
        .col_expr(
            webhook_delivery::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            webhook_delivery::Column::Version,
            Expr::col(webhook_delivery::Column::Version).add(1),
        );
    update = match outcome {
        AttemptOutcome::Sent => update
            .col_expr(webhook_delivery::Column::Status, Expr::value("delivered"))
            .col_expr(
                webhook_delivery::Column::DeliveredAt,
                Expr::value(Some(now)),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(None::<String>),
            ),
        AttemptOutcome::Retry { at, error } => update
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(*at))
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(error.clone()),
            ),
        AttemptOutcome::GaveUp { error } => update
            .col_expr(webhook_delivery::Column::Status, Expr::value("failed"))
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(error.clone()),
            ),
    };
    let updated = update
        .filter(webhook_delivery::Column::Id.eq(id.as_str()))
        .filter(webhook_delivery::Column::LeaseOwner.eq(node))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// How many deliveries wait to be made (the outbox backlog).
pub async fn pending_count(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .count(conn)
        .await?)
}

/// The deliveries of one event, oldest first.
pub async fn list_for_event(
    conn: &impl ConnectionTrait,
    event: &AuditEventId,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EventId.eq(event.as_str()))
        .order_by_asc(webhook_delivery::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(into_delivery)
        .collect())
}

/// Deletes delivered and abandoned deliveries queued before `before`; pending ones stay.
pub async fn delete_finished_before(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne("pending"))
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

fn into_delivery(row: webhook_delivery::Model) -> WebhookDelivery {
    WebhookDelivery {
        id: WebhookDeliveryId::from_trusted(row.id),
        event_id: AuditEventId::from_trusted(row.event_id),
        endpoint_url: row.endpoint_url,
        payload: row.payload,
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
    }
}
