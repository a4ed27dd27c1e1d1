//! TOTP enrolments: one per user.

use crate::entities::two_factor;
use crate::error::StoreError;
use beep_domain::{TwoFactor, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The user's enrolment, if any.
pub async fn find_for_user(
    conn: &impl ConnectionTrait,
    user: &UserId,
) -> Result<Option<TwoFactor>, StoreError> {
    Ok(two_factor::Entity::find()
        .filter(two_factor::Column::UserId.eq(user.as_str()))
        .one(conn)
        .await?
        .map(TwoFactor::from))
}

/// Stores `enrolment` as the user's only one, replacing an earlier one (its secret, codes,
/// counters and confirmation).
pub async fn replace(conn: &impl ConnectionTrait, enrolment: &TwoFactor) -> Result<(), StoreError> {
    let row = two_factor::ActiveModel {
        id: Set(enrolment.id.to_string()),
        user_id: Set(enrolment.user_id.to_string()),
        secret: Set(enrolment.sealed_secret.clone()),
        backup_codes: Set(enrolment.sealed_backup_codes.clone()),
        verified: Set(enrolment.verified),
        last_totp_step: Set(enrolment.last_totp_step),
        failed_attempts: Set(enrolment.failed_attempts),
        locked_until: Set(enrolment.locked_until),
        created_at: Set(enrolment.audit.created_at),
        updated_at: Set(enrolment.audit.updated_at),
        created_by: Set(enrolment.audit.created_by.clone()),
        updated_by: Set(enrolment.audit.updated_by.clone()),
        version: Set(enrolment.audit.version),
    };
    use two_factor::Column as C;
    two_factor::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::Secret,
                    C::BackupCodes,
                    C::Verified,
                    C::LastTotpStep,
                    C::FailedAttempts,
                    C::LockedUntil,
                    C::UpdatedAt,
                    C::UpdatedBy,
                ])
                .value(
                    C::Version,
                    Expr::col((two_factor::Entity, C::Version)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// What a code check changes on an enrolment.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Mark the enrolment confirmed.
    pub verified: Option<bool>,
    /// The TOTP step just accepted.
    pub last_totp_step: Option<i64>,
    /// The remaining backup codes, sealed.
    pub sealed_backup_codes: Option<String>,
    /// Wrong codes in a row now.
    pub failed_attempts: i32,
    /// The lock, if one starts (or `Some(None)` to lift it).
    pub locked_until: Option<Option<DateTime<Utc>>>,
}

/// Writes `outcome` if the enrolment is still at `version`; `false` when another request
/// changed it first (the caller's check then does not count).
pub async fn record(
    conn: &impl ConnectionTrait,
    enrolment: &TwoFactor,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use two_factor::Column as C;
    let mut update = two_factor::Entity::update_many()
        .col_expr(C::FailedAttempts, Expr::value(outcome.failed_attempts))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(enrolment.user_id.as_str()))
        .col_expr(C::Version, Expr::col(C::Version).add(1));
    if let Some(verified) = outcome.verified {
        update = update.col_expr(C::Verified, Expr::value(verified));
    }
    if let Some(step) = outcome.last_totp_step {
        update = update.col_expr(C::LastTotpStep, Expr::value(step));
    }
    if let Some(codes) = &outcome.sealed_backup_codes {
        update = update.col_expr(C::BackupCodes, Expr::value(codes.as_str()));
    }
    if let Some(lock) = outcome.locked_until {
        update = update.col_expr(C::LockedUntil, Expr::value(lock));
    }
    let updated = update
        .filter(C::Id.eq(enrolment.id.as_str()))
        .filter(C::Version.eq(enrolment.audit.version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Removes the user's enrolment.
pub async fn delete_for_user(conn: &impl ConnectionTrait, user: &UserId) -> Result<(), StoreError> {
    two_factor::Entity::delete_many()
        .filter(two_factor::Column::UserId.eq(user.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}
