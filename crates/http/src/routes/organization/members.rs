//! Members, their roles, leaving, and permission checks.

use super::requests::{
    HasPermissionBody, MemberRoleQuery, OrganizationIdBody, RemoveMemberBody, UpdateMemberRoleBody,
};
use super::wire::{
    MemberJson, MemberPageJson, MemberWithUser, PermissionJson, RemovedMember, RoleJson,
};
use super::{Missing, signed_in};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use beep_core::organizations::{MemberListQuery, OrganizationRef};
use beep_domain::PermissionRequest;
use http::request::Parts;
use serde::Deserialize;
use utoipa::IntoParams;

/// The query of `GET /organization/list-members`. `filterValue` may be repeated (or
/// comma-joined) for `in` and `not_in`, so it is read by hand rather than by serde.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListMembersQuery {
    /// Page size (default 100).
    pub limit: Option<u64>,
    /// Members skipped first.
    pub offset: Option<u64>,
    /// `id`, `organizationId`, `userId`, `role` or `createdAt`.
    pub sort_by: Option<String>,
    /// `asc` (default) or `desc`.
    pub sort_direction: Option<String>,
    /// The member field a filter compares: as `sortBy`.
    pub filter_field: Option<String>,
    /// The value compared with; repeat it (or join with commas) for `in` and `not_in`.
    pub filter_value: Option<Vec<String>>,
    /// `eq` (default), `ne`, `lt`, `lte`, `gt`, `gte`, `in`, `not_in`, `contains`,
    /// `starts_with` or `ends_with`.
    pub filter_operator: Option<String>,
    /// The organization's id (default: the active one).
    pub organization_id: Option<String>,
    /// The organization's slug (wins over the id).
    pub organization_slug: Option<String>,
}

impl ListMembersQuery {
    /// Reads the query string's pairs; a parameter other than `filterValue` given twice is
    /// refused, as is an unknown sort direction or a non-number page.
    pub(super) fn parse(query: &str) -> Result<Self, ApiError> {
        use crate::query::{issue, number, once};
        let mut q = Self::default();
        for (key, value) in crate::query::pairs(query)? {
            match key.as_str() {
                "limit" => q.limit = Some(number("limit", &value)?),
                "offset" => q.offset = Some(number("offset", &value)?),
                "sortBy" => once(&mut q.sort_by, &key, value)?,
                "sortDirection" => {
                    if value != "asc" && value != "desc" {
                        return Err(issue(
                            "sortDirection",
                            "Invalid option: expected one of \"asc\"|\"desc\"",
                        ));
                    }
                    once(&mut q.sort_direction, &key, value)?
                }
                "filterField" => once(&mut q.filter_field, &key, value)?,
                "filterOperator" => once(&mut q.filter_operator, &key, value)?,
                "organizationId" => once(&mut q.organization_id, &key, value)?,
                "organizationSlug" => once(&mut q.organization_slug, &key, value)?,
                "filterValue" => q.filter_value.get_or_insert_with(Vec::new).push(value),
                _ => {}
            }
        }
        Ok(q)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListMembersQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or_default())
    }
}

/// `GET /organization/list-members`.
pub async fn list_members(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    query: ListMembersQuery,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let input = MemberListQuery {
        organization: OrganizationRef {
            id: query.organization_id,
            slug: query.organization_slug,
        },
        limit: query.limit,
        offset: query.offset,
        sort_by: query.sort_by,
        sort_direction: query.sort_direction,
        filter_field: query.filter_field,
        filter_operator: query.filter_operator,
        filter_value: query.filter_value.unwrap_or_default(),
    };
    let page = state.auth.list_members(&caller, &input).await?;
    Ok(Json(MemberPageJson {
        members: page.members.iter().map(Into::into).collect(),
        total: page.total,
    })
    .into_response())
}

/// `POST /organization/remove-member`.
pub async fn remove_member(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<RemoveMemberBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let removed = state
        .auth
        .remove_member(
            &caller,
            &body.member_id_or_email,
            body.organization_id.as_deref(),
        )
        .await?;
    Ok(Json(RemovedMember {
        member: MemberWithUser::from(&removed),
    })
    .into_response())
}

/// `POST /organization/update-member-role`.
pub async fn update_member_role(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateMemberRoleBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let member = state
        .auth
        .update_member_role(
            &caller,
            &body.member_id,
            &body.role.into_vec(),
            body.organization_id.as_deref(),
        )
        .await?;
    Ok(Json(MemberJson::from(&member)).into_response())
}

/// `POST /organization/leave`.
pub async fn leave(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<OrganizationIdBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let left = state
        .auth
        .leave_organization(&caller, &body.organization_id)
        .await?;
    Ok(Json(MemberWithUser::from(&left)).into_response())
}

/// `GET /organization/get-active-member`.
pub async fn get_active_member(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let member = state.auth.active_member(&caller).await?;
    Ok(Json(MemberWithUser::from(&member)).into_response())
}

/// `GET /organization/get-active-member-role`.
pub async fn get_active_member_role(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<MemberRoleQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let which = OrganizationRef {
        id: query.organization_id,
        slug: query.organization_slug,
    };
    let roles = state
        .auth
        .member_role(&caller, query.user_id.as_deref(), &which)
        .await?;
    Ok(Json(RoleJson {
        role: roles.stored(),
    })
    .into_response())
}

/// `POST /organization/has-permission`.
pub async fn has_permission(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<HasPermissionBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let wanted = body.permissions.or(body.permission).unwrap_or_default();
    let success = state
        .auth
        .has_permission(
            &caller,
            body.organization_id.as_deref(),
            body.team_id.as_deref(),
            &PermissionRequest::new(wanted),
        )
        .await?;
    Ok(Json(PermissionJson {
        error: None,
        success,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::ListMembersQuery;

    #[test]
    fn filter_values_may_repeat_and_other_parameters_may_not() {
        let q = ListMembersQuery::parse("filterField=role&filterValue=a&filterValue=b&limit=5")
            .unwrap();
        assert_eq!(q.filter_value, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(q.limit, Some(5));
        assert!(ListMembersQuery::parse("sortBy=id&sortBy=role").is_err());
        assert!(ListMembersQuery::parse("limit=ten").is_err());
        assert!(ListMembersQuery::parse("sortDirection=sideways").is_err());
    }
}
