//! Passkeys: a user's WebAuthn credentials, found by credential id at sign-in.

use crate::entities::passkey;
use crate::error::StoreError;
use beep_domain::{Passkey, PasskeyId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// Stores a new passkey. A credential id already registered (by anyone) is a
/// [`StoreError::Conflict`].
pub async fn insert(conn: &impl ConnectionTrait, key: &Passkey) -> Result<(), StoreError> {
    let row = passkey::ActiveModel {
        id: Set(key.id.to_string()),
        name: Set(key.name.clone()),
        user_id: Set(key.user_id.to_string()),
        credential_id: Set(key.credential_id.clone()),
        public_key: Set(key.public_key.clone()),
        counter: Set(key.counter),
        device_type: Set(key.device_type.as_str().to_owned()),
        backed_up: Set(key.backed_up),
        transports: Set(key.transports.clone()),
        aaguid: Set(key.aaguid.clone()),
        created_at: Set(key.audit.created_at),
        updated_at: Set(key.audit.updated_at),
        created_by: Set(key.audit.created_by.clone()),
        updated_by: Set(key.audit.updated_by.clone()),
        version: Set(key.audit.version),
    };
    passkey::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user's passkeys, oldest first.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user: &UserId,
) -> Result<Vec<Passkey>, StoreError> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user.as_str()))
        .order_by_asc(passkey::Column::CreatedAt)
        .order_by_asc(passkey::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Passkey::from)
        .collect())
}

/// How many passkeys the user has.
pub async fn count_for_user(conn: &impl ConnectionTrait, user: &UserId) -> Result<u64, StoreError> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user.as_str()))
        .count(conn)
        .await?)
}

/// The passkey with this credential id, whoever owns it.
pub async fn find_by_credential_id(
    conn: &impl ConnectionTrait,
    credential_id: &str,
) -> Result<Option<Passkey>, StoreError> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(credential_id))
        .one(conn)
        .await?
        .map(Passkey::from))
}

/// The passkey with this id, whoever owns it.
pub async fn find(conn: &impl ConnectionTrait, id: &str) -> Result<Option<Passkey>, StoreError> {
    Ok(passkey::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await?
        .map(Passkey::from))
}

/// Records a sign-in with `key`: the new counter and backup state. `false` when the row
/// changed since it was read (another sign-in with the same passkey won the race).
pub async fn record_use(
    conn: &impl ConnectionTrait,
    key: &Passkey,
    counter: i64,
    backed_up: bool,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    use passkey::Column as C;
    let updated = passkey::Entity::update_many()
        .col_expr(C::Counter, Expr::value(counter))
        .col_expr(C::BackedUp, Expr::value(backed_up))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(key.user_id.as_str()))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(key.id.as_str()))
        .filter(C::Version.eq(key.audit.version))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Renames the passkey; the row as it is now, or `None` when it is gone.
pub async fn rename(
    conn: &impl ConnectionTrait,
    id: &PasskeyId,
    name: &str,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<Option<Passkey>, StoreError> {
    use passkey::Column as C;
    passkey::Entity::update_many()
        .col_expr(C::Name, Expr::value(name))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::UpdatedBy, Expr::value(actor.as_str()))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    find(conn, id.as_str()).await
}

/// Deletes the passkey; whether it was there.
pub async fn delete(conn: &impl ConnectionTrait, id: &PasskeyId) -> Result<bool, StoreError> {
    Ok(passkey::Entity::delete_by_id(id.to_string())
        .exec(conn)
        .await?
        .rows_affected
        == 1)
}
