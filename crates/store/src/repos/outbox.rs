//! The mail outbox: flows insert mails inside their own transaction; workers on any number
//! of nodes claim due mails with a lease, so a mail is delivered by one node at a time.

use super::lease::{OutboxTable, claim_due_ids};
use crate::db::Backend;
use crate::entities::enums::DbOutboxStatus;
use crate::entities::{outbox_attempt, outbox_mail};
use crate::error::StoreError;
use beep_domain::{OutboxAttemptId, OutboxMail, OutboxMailId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Queues a mail.
pub async fn insert(conn: &impl ConnectionTrait, mail: &OutboxMail) -> Result<(), StoreError> {
    let row = outbox_mail::ActiveModel {
        id: Set(mail.id.to_string()),
        template: Set(mail.template.clone()),
        recipient: Set(mail.recipient.clone()),
        subject: Set(mail.subject.clone()),
        sealed_body: Set(mail.sealed_body.clone()),
        status: Set(mail.status.into()),
        attempts: Set(mail.attempts),
        next_attempt_at: Set(mail.next_attempt_at),
        lease_owner: Set(mail.lease_owner.clone()),
        lease_until: Set(mail.lease_until),
        last_error: Set(mail.last_error.clone()),
        sent_at: Set(mail.sent_at),
        created_at: Set(mail.audit.created_at),
        updated_at: Set(mail.audit.updated_at),
        created_by: Set(mail.audit.created_by.clone()),
        updated_by: Set(mail.audit.updated_by.clone()),
        version: Set(mail.audit.version),
    };
    outbox_mail::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// How many mails of `template` were queued for `recipient` since `since` (per-recipient
/// throttling of the mail-sending routes).
pub async fn count_recent(
    conn: &impl ConnectionTrait,
    recipient: &str,
    templates: &[&str],
    since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(outbox_mail::Entity::find()
        .filter(outbox_mail::Column::Recipient.eq(recipient))
        .filter(outbox_mail::Column::Template.is_in(templates.iter().copied()))
        .filter(outbox_mail::Column::CreatedAt.gt(since))
        .count(conn)
        .await?)
}

/// Claims up to `limit` due mails for `node` until `lease_until`, counting the attempt
/// (see [`super::lease::claim_due_ids`]).
pub async fn claim_due(
    conn: &impl ConnectionTrait,
    backend: Backend,
    node: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxMail>, StoreError> {
    let ids = claim_due_ids(
        conn,
        backend,
        OutboxTable("outbox_mail"),
        node,
        now,
        lease_until,
        limit,
    )
    .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let claimed = outbox_mail::Entity::find()
        .filter(outbox_mail::Column::Id.is_in(ids))
        .filter(outbox_mail::Column::LeaseOwner.eq(node))
        .order_by_asc(outbox_mail::Column::NextAttemptAt)
        .all(conn)
        .await?;
    Ok(claimed.into_iter().map(Into::into).collect())
}

/// What became of one delivery attempt.
#[derive(Debug, Clone)]
pub enum AttemptOutcome {
    /// The transport accepted the mail.
    Sent,
    /// It failed and will be tried again at this time.
    Retry {
        /// When.
        at: DateTime<Utc>,
        /// Why it failed.
        error: String,
    },
    /// It failed for good.
    GaveUp {
        /// Why.
        error: String,
    },
}

/// One finished delivery attempt, as recorded.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    /// The mail.
    pub mail_id: &'a OutboxMailId,
    /// Its attempt number (1 for the first).
    pub number: i32,
    /// The node that made it.
    pub node: &'a str,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// How it ended.
    pub outcome: &'a AttemptOutcome,
}

/// Records an attempt and moves the mail to its next state, if `node` still holds its lease.
/// Returns `false` when the lease was lost (another node may be delivering it too).
pub async fn finish_attempt(
    conn: &impl ConnectionTrait,
    attempt: &Attempt<'_>,
) -> Result<bool, StoreError> {
    let now = attempt.finished_at;
    let mut update = outbox_mail::Entity::update_many()
        .col_expr(outbox_mail::Column::LeaseOwner, Expr::value(None::<String>))
        .col_expr(
            outbox_mail::Column::LeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(outbox_mail::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            outbox_mail::Column::Version,
            Expr::col(outbox_mail::Column::Version).add(1),
        );
    let (outcome, error) = match attempt.outcome {
        AttemptOutcome::Sent => {
            update = update
                .col_expr(
                    outbox_mail::Column::Status,
                    ActiveEnum::as_enum(&DbOutboxStatus::Sent),
                )
                .col_expr(outbox_mail::Column::SentAt, Expr::value(Some(now)))
                .col_expr(outbox_mail::Column::SealedBody, Expr::value(None::<String>))
                .col_expr(outbox_mail::Column::LastError, Expr::value(None::<String>));
            ("sent", None)
        }
        AttemptOutcome::Retry { at, error } => {
            update = update
                .col_expr(outbox_mail::Column::NextAttemptAt, Expr::value(*at))
                .col_expr(outbox_mail::Column::LastError, Expr::value(error.clone()));
            ("transient", Some(error.clone()))
        }
        AttemptOutcome::GaveUp { error } => {
            update = update
                .col_expr(
                    outbox_mail::Column::Status,
                    ActiveEnum::as_enum(&DbOutboxStatus::Failed),
                )
                .col_expr(outbox_mail::Column::SealedBody, Expr::value(None::<String>))
                .col_expr(outbox_mail::Column::LastError, Expr::value(error.clone()));
            ("permanent", Some(error.clone()))
        }
    };
    let updated = update
        .filter(outbox_mail::Column::Id.eq(attempt.mail_id.as_str()))
        .filter(outbox_mail::Column::LeaseOwner.eq(attempt.node))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        // Lost lease or deleted mail: the attempt is not ours to record.
        return Ok(false);
    }
    let row = outbox_attempt::ActiveModel {
        id: Set(OutboxAttemptId::generate().to_string()),
        mail_id: Set(attempt.mail_id.to_string()),
        attempt: Set(attempt.number),
        node: Set(attempt.node.to_owned()),
        outcome: Set(outcome.to_owned()),
        error: Set(error),
        started_at: Set(attempt.started_at),
        finished_at: Set(now),
    };
    outbox_attempt::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(true)
}

/// Forgets the mail of a deleted user: what they caused to be sent and what went to their
/// address (attempts go with it).
pub async fn delete_for_user(
    conn: &impl ConnectionTrait,
    user_id: &beep_domain::UserId,
    address: &str,
) -> Result<u64, StoreError> {
    Ok(outbox_mail::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(outbox_mail::Column::CreatedBy.eq(user_id.as_str()))
                .add(outbox_mail::Column::Recipient.eq(address)),
        )
        .exec(conn)
        .await?
        .rows_affected)
}

/// Deletes delivered and abandoned mails created before `before` (their attempts go with
/// them); pending mail is never touched.
pub async fn delete_finished_before(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(outbox_mail::Entity::delete_many()
        .filter(outbox_mail::Column::Status.ne(DbOutboxStatus::Pending))
        .filter(outbox_mail::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// The earliest time a pending mail becomes due, if any is pending.
pub async fn next_due_at(conn: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, StoreError> {
    let next = outbox_mail::Entity::find()
        .select_only()
        .column(outbox_mail::Column::NextAttemptAt)
        .filter(outbox_mail::Column::Status.eq(DbOutboxStatus::Pending))
        .order_by_asc(outbox_mail::Column::NextAttemptAt)
        .into_tuple::<DateTime<Utc>>()
        .one(conn)
        .await?;
    Ok(next)
}

/// One mail, by id.
pub async fn find(
    conn: &impl ConnectionTrait,
    id: &OutboxMailId,
) -> Result<Option<OutboxMail>, StoreError> {
    Ok(outbox_mail::Entity::find_by_id(id.as_str())
        .one(conn)
        .await?
        .map(Into::into))
}

/// Every mail to `recipient`, oldest first.
pub async fn list_for_recipient(
    conn: &impl ConnectionTrait,
    recipient: &str,
) -> Result<Vec<OutboxMail>, StoreError> {
    Ok(outbox_mail::Entity::find()
        .filter(outbox_mail::Column::Recipient.eq(recipient))
        .order_by_asc(outbox_mail::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The attempts made to deliver a mail, in order.
pub async fn attempts_of(
    conn: &impl ConnectionTrait,
    id: &OutboxMailId,
) -> Result<Vec<(i32, String, Option<String>)>, StoreError> {
    Ok(outbox_attempt::Entity::find()
        .filter(outbox_attempt::Column::MailId.eq(id.as_str()))
        .order_by_asc(outbox_attempt::Column::Attempt)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.attempt, row.outcome, row.error))
        .collect())
}
