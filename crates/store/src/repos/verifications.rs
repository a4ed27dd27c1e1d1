//! Single-use verification rows, keyed by `purpose:digest`.

use crate::entities::verification;
use crate::error::StoreError;
use beep_domain::{Audit, Verification, VerificationId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Inserts a verification row.
pub async fn insert(conn: &impl ConnectionTrait, row: &Verification) -> Result<(), StoreError> {
    let model = verification::ActiveModel {
        id: Set(row.id.to_string()),
        identifier: Set(row.identifier.clone()),
        value: Set(row.value.clone()),
        expires_at: Set(row.expires_at),
        created_at: Set(row.audit.created_at),
        updated_at: Set(row.audit.updated_at),
        created_by: Set(row.audit.created_by.clone()),
        updated_by: Set(row.audit.updated_by.clone()),
        version: Set(row.audit.version),
    };
    verification::Entity::insert(model)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The row with this identifier, expired or not, without consuming it.
pub async fn find(
    conn: &impl ConnectionTrait,
    identifier: &str,
) -> Result<Option<Verification>, StoreError> {
    Ok(verification::Entity::find()
        .filter(verification::Column::Identifier.eq(identifier))
        .one(conn)
        .await?
        .map(from_row))
}

/// Consumes the row with this identifier: it is deleted, and returned only if this call was
/// the one that deleted it and it had not expired. Two concurrent calls never both succeed.
pub async fn consume(
    conn: &impl ConnectionTrait,
    identifier: &str,
    now: DateTime<Utc>,
) -> Result<Option<Verification>, StoreError> {
    let Some(row) = verification::Entity::find()
        .filter(verification::Column::Identifier.eq(identifier))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let deleted = verification::Entity::delete_by_id(row.id.clone())
        .exec(conn)
        .await?;
    if deleted.rows_affected != 1 || row.expires_at <= now {
        return Ok(None);
    }
    Ok(Some(from_row(row)))
}

fn from_row(row: verification::Model) -> Verification {
    Verification {
        id: VerificationId::from_trusted(row.id),
        identifier: row.identifier,
        value: row.value,
        expires_at: row.expires_at,
        audit: Audit {
            created_at: row.created_at,
            updated_at: row.updated_at,
            created_by: row.created_by,
            updated_by: row.updated_by,
            version: row.version,
        },
    }
}

/// Deletes every row whose identifier starts with `prefix` and whose value is `value`
/// (for example every reset token of one user).
pub async fn delete_by_value(
    conn: &impl ConnectionTrait,
    prefix: &str,
    value: &str,
) -> Result<u64, StoreError> {
    Ok(verification::Entity::delete_many()
        .filter(verification::Column::Identifier.starts_with(prefix))
        .filter(verification::Column::Value.eq(value))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Deletes every row a user created (their pending links), when the user is deleted.
pub async fn delete_created_by(
    conn: &impl ConnectionTrait,
    user_id: &beep_domain::UserId,
) -> Result<u64, StoreError> {
    Ok(verification::Entity::delete_many()
        .filter(verification::Column::CreatedBy.eq(user_id.as_str()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Replaces the value of the row `id` if it is still at `version` (the version moves on);
/// `false` when another writer got there first or the row is gone.
pub async fn replace_value(
    conn: &impl ConnectionTrait,
    id: &VerificationId,
    version: i32,
    value: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let updated = verification::Entity::update_many()
        .col_expr(verification::Column::Value, Expr::value(value))
        .col_expr(verification::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            verification::Column::Version,
            Expr::col(verification::Column::Version).add(1),
        )
        .filter(verification::Column::Id.eq(id.as_str()))
        .filter(verification::Column::Version.eq(version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Deletes the row with this identifier, if any.
pub async fn delete(conn: &impl ConnectionTrait, identifier: &str) -> Result<(), StoreError> {
    verification::Entity::delete_many()
        .filter(verification::Column::Identifier.eq(identifier))
        .exec(conn)
        .await?;
    Ok(())
}
