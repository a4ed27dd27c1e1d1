//! Accounts: the password credential, and links to OAuth providers with their sealed tokens.

use crate::entities::account;
use crate::error::StoreError;
use beep_domain::{Account, AccountId, CREDENTIAL_PROVIDER, SealedProviderTokens, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Inserts an account.
pub async fn insert(conn: &impl ConnectionTrait, account: &Account) -> Result<(), StoreError> {
    insert_with_tokens(conn, account, &SealedProviderTokens::default()).await
}

/// Inserts an OAuth account with its provider's (sealed) tokens. An account of that provider
/// and provider account id that exists already gives [`StoreError::Conflict`].
pub async fn insert_with_tokens(
    conn: &impl ConnectionTrait,
    account: &Account,
    tokens: &SealedProviderTokens,
) -> Result<(), StoreError> {
    let row = account::ActiveModel {
        id: Set(account.id.to_string()),
        account_id: Set(account.account_id.clone()),
        provider_id: Set(account.provider_id.clone()),
        user_id: Set(account.user_id.to_string()),
        password_hash: Set(account.password_hash.as_ref().map(|h| h.expose().clone())),
        access_token: Set(tokens.access_token.clone()),
        refresh_token: Set(tokens.refresh_token.clone()),
        id_token: Set(tokens.id_token.clone()),
        access_token_expires_at: Set(tokens.access_token_expires_at),
        refresh_token_expires_at: Set(tokens.refresh_token_expires_at),
        scope: Set(tokens.scope.clone().or_else(|| account.scope.clone())),
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

/// The account a provider knows by `account_id`, if any.
pub async fn find_by_provider(
    conn: &impl ConnectionTrait,
    provider_id: &str,
    account_id: &str,
) -> Result<Option<Account>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::ProviderId.eq(provider_id))
        .filter(account::Column::AccountId.eq(account_id))
        .one(conn)
        .await?
        .map(Account::from))
}

/// Every account of a user, oldest first.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Account>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::UserId.eq(user_id.as_str()))
        .order_by_asc(account::Column::CreatedAt)
        .order_by_asc(account::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Account::from)
        .collect())
}

/// The account with this row id if `user_id` owns it, with its sealed tokens.
pub async fn find_owned_with_tokens(
    conn: &impl ConnectionTrait,
    id: &str,
    user_id: &UserId,
) -> Result<Option<(Account, SealedProviderTokens)>, StoreError> {
    Ok(account::Entity::find_by_id(id)
        .filter(account::Column::UserId.eq(user_id.as_str()))
        .one(conn)
        .await?
        .map(|row| {
            let tokens = SealedProviderTokens {
                access_token: row.access_token.clone(),
                refresh_token: row.refresh_token.clone(),
                id_token: row.id_token.clone(),
                access_token_expires_at: row.access_token_expires_at,
                refresh_token_expires_at: row.refresh_token_expires_at,
                scope: row.scope.clone(),
            };
            (Account::from(row), tokens)
        }))
}

/// Deletes the account with this row id if `user_id` owns it; `false` when there was none.
pub async fn delete_owned(
    conn: &impl ConnectionTrait,
    id: &AccountId,
    user_id: &UserId,
) -> Result<bool, StoreError> {
    let result = account::Entity::delete_many()
        .filter(account::Column::Id.eq(id.as_str()))
        .filter(account::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Replaces an account's provider tokens if it is still at `expected_version` (so two
/// refreshes racing cannot both write); otherwise [`StoreError::Stale`]. Tokens the provider
/// did not send again (`None`) keep their stored value.
pub async fn set_tokens(
    conn: &impl ConnectionTrait,
    id: &AccountId,
    expected_version: i32,
    tokens: &SealedProviderTokens,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = account::Entity::update_many()
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            account::Column::Version,
            Expr::col(account::Column::Version).add(1),
        );
    let optional = [
        (account::Column::AccessToken, &tokens.access_token),
        (account::Column::RefreshToken, &tokens.refresh_token),
        (account::Column::IdToken, &tokens.id_token),
        (account::Column::Scope, &tokens.scope),
    ];
    for (column, value) in optional {
        if let Some(value) = value {
            update = update.col_expr(column, Expr::value(value.clone()));
        }
    }
    update = update.col_expr(
        account::Column::AccessTokenExpiresAt,
        Expr::value(tokens.access_token_expires_at),
    );
    if tokens.refresh_token_expires_at.is_some() {
        update = update.col_expr(
            account::Column::RefreshTokenExpiresAt,
            Expr::value(tokens.refresh_token_expires_at),
        );
    }
    let result = update
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
