//! The audit log: flows append events in their own transaction; administrators read them
//! newest first, a page at a time; a sweeper deletes those past retention.

use crate::entities::audit_event;
use crate::error::StoreError;
use beep_domain::{AuditAction, AuditEvent, AuditEventId};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// Appends an event.
pub async fn insert(conn: &impl ConnectionTrait, event: &AuditEvent) -> Result<(), StoreError> {
    let row = audit_event::ActiveModel {
        id: Set(event.id.to_string()),
        action: Set(event.action.name().to_owned()),
        actor_id: Set(event.actor_id.clone()),
        subject_id: Set(event.subject_id.clone()),
        organization_id: Set(event.organization_id.clone()),
        ip_address: Set(event.ip_address.clone()),
        user_agent: Set(event.user_agent.clone()),
        detail: Set(event.detail.to_string()),
        created_at: Set(event.created_at),
    };
    audit_event::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Which events a listing returns. Every field narrows it; none means all.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only events by this actor.
    pub actor_id: Option<String>,
    /// Only events about this subject.
    pub subject_id: Option<String>,
    /// Only events in this organization.
    pub organization_id: Option<String>,
    /// Only events at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only events older than this one (the previous page's last id: ids are time-ordered).
    pub before: Option<AuditEventId>,
    /// At most this many.
    pub limit: u64,
}

/// The events `query` selects, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    query: &AuditQuery,
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut select = audit_event::Entity::find();
    if let Some(action) = query.action {
        select = select.filter(audit_event::Column::Action.eq(action.name()));
    }
    if let Some(actor) = &query.actor_id {
        select = select.filter(audit_event::Column::ActorId.eq(actor.as_str()));
    }
    if let Some(subject) = &query.subject_id {
        select = select.filter(audit_event::Column::SubjectId.eq(subject.as_str()));
    }
    if let Some(organization) = &query.organization_id {
        select = select.filter(audit_event::Column::OrganizationId.eq(organization.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(audit_event::Column::CreatedAt.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(audit_event::Column::CreatedAt.lt(to));
    }
    if let Some(before) = &query.before {
        select = select.filter(audit_event::Column::Id.lt(before.as_str()));
    }
    let rows = select
        .order_by_desc(audit_event::Column::Id)
        .limit(query.limit)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(into_event).collect())
}

/// How many events there are (tests and the metrics).
pub async fn count(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(audit_event::Entity::find().count(conn).await?)
}

/// Deletes the events recorded before `before` (the retention sweep).
pub async fn delete_before(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(audit_event::Entity::delete_many()
        .filter(audit_event::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// A row as an event; a row whose action this binary does not know (written by a newer
/// one) is skipped rather than misnamed.
fn into_event(row: audit_event::Model) -> Option<AuditEvent> {
    let action = AuditAction::from_name(&row.action)?;
    Some(AuditEvent {
        id: AuditEventId::from_trusted(row.id),
        action,
        actor_id: row.actor_id,
        subject_id: row.subject_id,
        organization_id: row.organization_id,
        ip_address: row.ip_address,
        user_agent: row.user_agent,
        detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null),
        created_at: row.created_at,
    })
}
