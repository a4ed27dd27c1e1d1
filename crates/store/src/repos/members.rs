//! Memberships: who belongs to which organization, with which roles.

use super::filter::compare;
pub use super::filter::{Comparison, FieldValue};
use crate::entities::enums::DbMemberStatus;
use crate::entities::{member, organization, user};
use crate::error::StoreError;
use beep_domain::{Member, MemberId, Organization, OrganizationId, Roles, User, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// Inserts a membership. A duplicate (same organization and user) gives
/// [`StoreError::Conflict`].
pub async fn insert(conn: &impl ConnectionTrait, member: &Member) -> Result<(), StoreError> {
    let row = member::ActiveModel {
        id: Set(member.id.to_string()),
        organization_id: Set(member.organization_id.to_string()),
        user_id: Set(member.user_id.to_string()),
        role: Set(member.role.stored()),
        status: Set(member.status.into()),
        created_at: Set(member.audit.created_at),
        updated_at: Set(member.audit.updated_at),
        created_by: Set(member.audit.created_by.clone()),
        updated_by: Set(member.audit.updated_by.clone()),
        version: Set(member.audit.version),
    };
    member::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The user's membership of the organization.
pub async fn find(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    user_id: &UserId,
) -> Result<Option<Member>, StoreError> {
    Ok(member::Entity::find()
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .one(conn)
        .await?
        .map(Member::from))
}

/// The membership with this id, with its user.
pub async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<(Member, User)>, StoreError> {
    let found = member::Entity::find_by_id(id)
        .find_also_related(user::Entity)
        .one(conn)
        .await?;
    Ok(found.and_then(|(m, u)| Some((m.into(), u?.into()))))
}

/// The membership of the organization held by the user with this email, with the user.
pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    email: &str,
) -> Result<Option<(Member, User)>, StoreError> {
    let found = member::Entity::find()
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .find_also_related(user::Entity)
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?;
    Ok(found.and_then(|(m, u)| Some((m.into(), u?.into()))))
}

/// The user's membership of the organization, with the user.
pub async fn find_with_user(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    user_id: &UserId,
) -> Result<Option<(Member, User)>, StoreError> {
    let found = member::Entity::find()
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .find_also_related(user::Entity)
        .one(conn)
        .await?;
    Ok(found.and_then(|(m, u)| Some((m.into(), u?.into()))))
}

/// A member column that list-members may sort or filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberField {
    /// `id`
    Id,
    /// `organizationId`
    OrganizationId,
    /// `userId`
    UserId,
    /// `role` (the stored, comma-joined text)
    Role,
    /// `createdAt`
    CreatedAt,
}

impl MemberField {
    fn column(self) -> member::Column {
        match self {
            Self::Id => member::Column::Id,
            Self::OrganizationId => member::Column::OrganizationId,
            Self::UserId => member::Column::UserId,
            Self::Role => member::Column::Role,
            Self::CreatedAt => member::Column::CreatedAt,
        }
    }
}

/// One filter of list-members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFilter {
    /// The field compared.
    pub field: MemberField,
    /// How.
    pub comparison: Comparison,
    /// With what: one value, or several for `In` and `NotIn`.
    pub values: Vec<FieldValue>,
}

/// A page of list-members.
#[derive(Debug, Clone)]
pub struct MemberPage {
    /// At most this many members.
    pub limit: u64,
    /// Skipping this many first.
    pub offset: u64,
    /// Sorted by this field, ascending unless `descending` (else by age).
    pub sort: Option<(MemberField, bool)>,
    /// Only the members this filter keeps (and `total` counts those).
    pub filter: Option<MemberFilter>,
}

fn condition(filter: &MemberFilter) -> Condition {
    Condition::all().add(compare(
        filter.field.column(),
        filter.comparison,
        &filter.values,
    ))
}

/// A page of the organization's members with their users, and how many members the filter
/// keeps in all.
pub async fn list(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    page: &MemberPage,
) -> Result<(Vec<(Member, User)>, u64), StoreError> {
    let mut query = member::Entity::find().filter(member::Column::OrganizationId.eq(org.as_str()));
    if let Some(filter) = &page.filter {
        query = query.filter(condition(filter));
    }
    let total = query.clone().count(conn).await?;
    query = match page.sort {
        Some((field, descending)) => {
            let order = if descending { Order::Desc } else { Order::Asc };
            query.order_by(field.column(), order)
        }
        None => query.order_by_asc(member::Column::CreatedAt),
    };
    let rows = query
        .order_by_asc(member::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .find_also_related(user::Entity)
        .all(conn)
        .await?;
    let members = rows
        .into_iter()
        .filter_map(|(m, u)| Some((m.into(), u?.into())))
        .collect();
    Ok((members, total))
}

/// Every member of the organization with their user, oldest first, at most `limit`.
pub async fn all_with_users(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    limit: u64,
) -> Result<Vec<(Member, User)>, StoreError> {
    let page = MemberPage {
        limit,
        offset: 0,
        sort: None,
        filter: None,
    };
    Ok(list(conn, org, &page).await?.0)
}

/// How many members the organization has.
pub async fn count(conn: &impl ConnectionTrait, org: &OrganizationId) -> Result<u64, StoreError> {
    Ok(member::Entity::find()
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .count(conn)
        .await?)
}

/// How many members of the organization hold the `owner` role (among others or alone).
pub async fn count_owners(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
) -> Result<u64, StoreError> {
    let role = member::Column::Role;
    let owner = Condition::any()
        .add(role.eq("owner"))
        .add(role.like("owner,%"))
        .add(role.like("%,owner"))
        .add(role.like("%,owner,%"));
    Ok(member::Entity::find()
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .filter(owner)
        .count(conn)
        .await?)
}

/// The ids of every member's user.
pub async fn user_ids(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
) -> Result<Vec<UserId>, StoreError> {
    Ok(member::Entity::find()
        .select_only()
        .column(member::Column::UserId)
        .filter(member::Column::OrganizationId.eq(org.as_str()))
        .into_tuple::<String>()
        .all(conn)
        .await?
        .into_iter()
        .map(UserId::from_trusted)
        .collect())
}

/// Sets a member's roles.
pub async fn set_roles(
    conn: &impl ConnectionTrait,
    id: &MemberId,
    roles: &Roles,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let result = super::audited_update::<member::Entity>(actor, now)
        .col_expr(member::Column::Role, Expr::value(roles.stored()))
        .filter(member::Column::Id.eq(id.as_str()))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Deletes a membership.
pub async fn delete(conn: &impl ConnectionTrait, id: &MemberId) -> Result<bool, StoreError> {
    let result = member::Entity::delete_by_id(id.as_str()).exec(conn).await?;
    Ok(result.rows_affected == 1)
}

/// Every active membership of the user with its organization: personal organization
/// first, then by age.
pub async fn active_memberships(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<(Member, Organization)>, StoreError> {
    let rows = member::Entity::find()
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .filter(member::Column::Status.eq(DbMemberStatus::Active))
        .find_also_related(organization::Entity)
        .order_by_desc(organization::Column::IsPersonal)
        .order_by_asc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(member, org)| Some((member.into(), org?.into())))
        .collect())
}

/// Memberships of a user, in any status.
pub async fn memberships_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<Member>, StoreError> {
    Ok(member::Entity::find()
        .filter(member::Column::UserId.eq(user_id.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(Member::from)
        .collect())
}
