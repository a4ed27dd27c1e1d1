//! Organizations.

use crate::entities::{member, organization};
use crate::error::StoreError;
use beep_domain::{Organization, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Inserts an organization. A taken slug gives [`StoreError::Conflict`].
pub async fn insert(conn: &impl ConnectionTrait, org: &Organization) -> Result<(), StoreError> {
    let row = organization::ActiveModel {
        id: Set(org.id.to_string()),
        name: Set(org.name.clone()),
        slug: Set(org.slug.clone()),
        logo: Set(org.logo.clone()),
        metadata: Set(org.metadata.clone()),
        kind: Set(org.kind.into()),
        is_personal: Set(org.is_personal),
        owner_user_id: Set(org.owner_user_id.as_ref().map(ToString::to_string)),
        subscription_tier: Set(org.subscription_tier.into()),
        subscription_status: Set(org.subscription_status.into()),
        created_at: Set(org.audit.created_at),
        updated_at: Set(org.audit.updated_at),
        created_by: Set(org.audit.created_by.clone()),
        updated_by: Set(org.audit.updated_by.clone()),
        version: Set(org.audit.version),
    };
    organization::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The organization with this id.
pub async fn find(
    conn: &impl ConnectionTrait,
    id: &OrganizationId,
) -> Result<Option<Organization>, StoreError> {
    Ok(organization::Entity::find_by_id(id.as_str())
        .one(conn)
        .await?
        .map(Organization::from))
}

/// The organization with this slug (exact, case-sensitive).
pub async fn find_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Organization>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(conn)
        .await?
        .map(Organization::from))
}

/// Holds the organization's row until the transaction ends: every change to its members,
/// invitations and teams takes this lock first, so their rules (the last owner, the limits)
/// are checked against a state no other transaction is changing. `false` when it is gone.
/// (A no-op update: a row lock on PostgreSQL; SQLite's write transactions are serial anyway.)
pub async fn lock(conn: &impl ConnectionTrait, id: &OrganizationId) -> Result<bool, StoreError> {
    let result = organization::Entity::update_many()
        .col_expr(
            organization::Column::Version,
            Expr::col(organization::Column::Version),
        )
        .filter(organization::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The fields update may change; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct OrganizationChange {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New logo (`Some(None)` clears it).
    pub logo: Option<Option<String>>,
    /// New metadata.
    pub metadata: Option<serde_json::Value>,
}

/// Applies a change. A taken slug gives [`StoreError::Conflict`].
pub async fn update(
    conn: &impl ConnectionTrait,
    id: &OrganizationId,
    change: &OrganizationChange,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = super::audited_update::<organization::Entity>(actor, now);
    if let Some(name) = &change.name {
        update = update.col_expr(organization::Column::Name, Expr::value(name.clone()));
    }
    if let Some(slug) = &change.slug {
        update = update.col_expr(organization::Column::Slug, Expr::value(slug.clone()));
    }
    if let Some(logo) = &change.logo {
        update = update.col_expr(organization::Column::Logo, Expr::value(logo.clone()));
    }
    if let Some(metadata) = &change.metadata {
        update = update.col_expr(
            organization::Column::Metadata,
            Expr::value(metadata.clone()),
        );
    }
    let result = update
        .filter(organization::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Deletes an organization; its members, invitations, teams and team members go with it
/// (foreign keys cascade).
pub async fn delete(conn: &impl ConnectionTrait, id: &OrganizationId) -> Result<bool, StoreError> {
    let result = organization::Entity::delete_by_id(id.as_str())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every organization the user is a member of (in any status), oldest first.
pub async fn list_for_user(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Organization>, StoreError> {
    let ids = member::Entity::find()
        .select_only()
        .column(member::Column::OrganizationId)
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .into_tuple::<String>()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Organization::from)
        .collect())
}

/// The user's personal organizations (normally one).
pub async fn personal_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Organization>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::OwnerUserId.eq(user_id.as_str()))
        .filter(organization::Column::IsPersonal.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(Organization::from)
        .collect())
}

/// Deletes the user's personal organizations (members, teams and invitations cascade).
pub async fn delete_personal_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<u64, StoreError> {
    Ok(organization::Entity::delete_many()
        .filter(organization::Column::OwnerUserId.eq(user_id.as_str()))
        .filter(organization::Column::IsPersonal.eq(true))
        .exec(conn)
        .await?
        .rows_affected)
}
