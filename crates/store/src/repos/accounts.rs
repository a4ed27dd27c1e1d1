//! Accounts: the password credential now, OAuth links later.

use crate::entities::account;
use crate::error::StoreError;
use beep_domain::{Account, AccountId, CREDENTIAL_PROVIDER, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Inserts an account.
pub async fn insert(conn: &impl ConnectionTrait, account: &Account) -> Result<(), StoreError> {
    let row = account::ActiveModel {
        id: Set(account.id.to_string()),
        account_id: Set(account.account_id.clone()),
        provider_id: Set(account.provider_id.clone()),
        user_id: Set(account.user_id.to_string()),
        password_hash: Set(account.password_hash.as_ref().map(|h| h.expose().clone())),
        access_token: Set(None),
        refresh_token: Set(None),
        id_token: Set(None),
        access_token_expires_at: Set(None),
        refresh_token_expires_at: Set(None),
        scope: Set(account.scope.clone()),
        created_at: Set(account.audit.created_at),
        updated_at: Set(account.audit.updated_at),
        created_by: Set(account.audit.created_by.clone()),
        updated_by: Set(account.audit.updated_by.clone()),
        version: Set(account.audit.version),
    };
    account::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user's password account, if they have one.
pub async fn find_credential(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Option<Account>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::UserId.eq(user_id.as_str()))
        .filter(account::Column::ProviderId.eq(CREDENTIAL_PROVIDER))
        .one(conn)
        .await?
        .map(Account::from))
}

/// Replaces a password hash if the account is still at `expected_version` (so two password
/// changes racing cannot both win); otherwise [`StoreError::Stale`].
pub async fn set_password_hash(
    conn: &impl ConnectionTrait,
    id: &AccountId,
    expected_version: i32,
    hash: &str,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let result = account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .col_expr(account::Column::UpdatedBy, Expr::value(actor.as_str()))
        .col_expr(
            account::Column::Version,
            Expr::col(account::Column::Version).add(1),
        )
        .filter(account::Column::Id.eq(id.as_str()))
        .filter(account::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Holds the account row until the transaction ends if it is still at `expected_version`
/// (a no-op update takes the row lock). `false` when the password changed or the account is
/// gone since it was read, so a sign-in checked against an old password cannot open a session
/// after a password change or a deletion.
pub async fn lock_if_unchanged(
    conn: &impl ConnectionTrait,
    id: &AccountId,
    expected_version: i32,
) -> Result<bool, StoreError> {
    let result = account::Entity::update_many()
        .col_expr(
            account::Column::Version,
            Expr::col(account::Column::Version),
        )
        .filter(account::Column::Id.eq(id.as_str()))
        .filter(account::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
