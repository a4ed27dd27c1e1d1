//! What the admin routes read: one type per body or query, read by serde (list-users by
//! hand, as `filterValue` may repeat) and described in the OpenAPI document by its derive.

use crate::error::ApiError;
use crate::query::{issue, number, once};
use crate::typed_body::{Checked, OneOrMany, one_permission_set, present, too_short};
use beep_core::admin::{AdminUserChange, NewUserByAdmin, UserListQuery};
use beep_domain::Secret;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// The query of `GET /admin/list-users`.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ListUsersQuery {
    /// Text to look for (case-insensitive).
    pub search_value: Option<String>,
    /// `email` (default) or `name`.
    pub search_field: Option<String>,
    /// `contains` (default), `starts_with` or `ends_with`.
    pub search_operator: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u64>,
    /// Users skipped first.
    pub offset: Option<u64>,
    /// `id`, `name`, `email`, `emailVerified`, `image`, `role`, `banned`, `banReason`,
    /// `banExpires`, `createdAt` or `updatedAt` (default: oldest first).
    pub sort_by: Option<String>,
    /// `asc` (default) or `desc`.
    pub sort_direction: Option<String>,
    /// The field a filter compares (default `email`): as `sortBy`.
    pub filter_field: Option<String>,
    /// The value compared with; repeat it (or join with commas) for `in` and `not_in`.
    pub filter_value: Option<Vec<String>>,
    /// `eq` (default), `ne`, `lt`, `lte`, `gt`, `gte`, `in`, `not_in`, `contains`,
    /// `starts_with` or `ends_with`.
    pub filter_operator: Option<String>,
}

impl ListUsersQuery {
    /// Reads the query string; a parameter other than `filterValue` given twice is refused.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let mut q = Self::default();
        for (key, value) in crate::query::pairs(query)? {
            match key.as_str() {
                "searchValue" => once(&mut q.search_value, &key, value)?,
                "searchField" => once(&mut q.search_field, &key, value)?,
                "searchOperator" => once(&mut q.search_operator, &key, value)?,
                "limit" => q.limit = Some(number("limit", &value)?),
                "offset" => q.offset = Some(number("offset", &value)?),
                "sortBy" => once(&mut q.sort_by, &key, value)?,
                "sortDirection" => once(&mut q.sort_direction, &key, value)?,
                "filterField" => once(&mut q.filter_field, &key, value)?,
                "filterOperator" => once(&mut q.filter_operator, &key, value)?,
                "filterValue" => q.filter_value.get_or_insert_with(Vec::new).push(value),
                _ => {}
            }
        }
        if q.offset.is_some_and(|offset| offset > i64::MAX as u64) {
            return Err(issue(
                "offset",
                &format!("Too big: expected number to be <={}", i64::MAX),
            ));
        }
        Ok(q)
    }

    /// The query as core takes it.
    pub fn into_core(self) -> UserListQuery {
        UserListQuery {
            search_value: self.search_value,
            search_field: self.search_field,
            search_operator: self.search_operator,
            limit: self.limit,
            offset: self.offset,
            sort_by: self.sort_by,
            sort_direction: self.sort_direction,
            filter_field: self.filter_field,
            filter_operator: self.filter_operator,
            filter_value: self.filter_value.unwrap_or_default(),
        }
    }
}

/// The query of `GET /admin/get-user`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetUserQuery {
    /// The user's id.
    pub id: String,
}

/// `POST /admin/create-user`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserBody {
    /// The address.
    pub email: String,
    /// A password (else the user signs in another way, or resets it).
    #[serde(default)]
    pub password: Option<String>,
    /// The display name.
    pub name: String,
    /// Roles (default `user`); needs `user:set-role`.
    #[serde(default)]
    pub role: Option<OneOrMany>,
    /// Further fields of the user.
    #[serde(default)]
    pub data: Option<CreateUserData>,
}

/// The further fields create-user takes.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUserData {
    /// Avatar URL.
    #[serde(default)]
    pub image: Option<String>,
    /// Whether the address counts as proven (default false).
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// Roles, when `role` is not given.
    #[serde(default)]
    pub role: Option<OneOrMany>,
}

impl Checked for CreateUserBody {
    fn check(&self) -> Vec<String> {
        let mut issues = Vec::new();
        if self.name.is_empty() {
            issues.push(too_short("name"));
        }
        if self.password.as_deref() == Some("") {
            issues.push(too_short("password"));
        }
        issues
    }
}

impl CreateUserBody {
    /// The new user as core takes it.
    pub fn into_core(self) -> NewUserByAdmin {
        let data = self.data.unwrap_or_default();
        NewUserByAdmin {
            email: self.email,
            name: self.name,
            password: self.password.map(Secret::new),
            roles: self.role.or(data.role).map(OneOrMany::into_vec),
            image: data.image,
            email_verified: data.email_verified.unwrap_or(false),
        }
    }
}

/// `POST /admin/update-user`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserBody {
    /// The user's id.
    pub user_id: String,
    /// The fields to change.
    pub data: UpdateUserData,
}

impl Checked for UpdateUserBody {}

/// The fields update-user may change (each kind needs its permission).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserData {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Avatar URL; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub image: Option<Option<String>>,
    /// Address (`user:set-email`); a new one is unproven unless `emailVerified` says so.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the address counts as proven (`user:set-email`).
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// Roles (`user:set-role`).
    #[serde(default)]
    pub role: Option<OneOrMany>,
    /// Banned or not (`user:ban`); banning ends the user's sessions.
    #[serde(default)]
    pub banned: Option<bool>,
    /// The ban's reason (`user:ban`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub ban_reason: Option<Option<String>>,
    /// When the ban ends (`user:ban`); `null`: never.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ban_expires: Option<Option<DateTime<Utc>>>,
    /// Refused: passwords are set with set-user-password.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Option<Value>,
    /// Refused: a user's id never changes.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Option<Value>,
}

impl UpdateUserData {
    /// The change as core takes it.
    pub fn into_core(self) -> AdminUserChange {
        AdminUserChange {
            name: self.name,
            image: self.image,
            email: self.email,
            email_verified: self.email_verified,
            roles: self.role.map(OneOrMany::into_vec),
            banned: self.banned,
            ban_reason: self.ban_reason,
            ban_expires: self.ban_expires,
        }
    }
}

/// `POST /admin/set-role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetRoleBody {
    /// The user's id.
    pub user_id: String,
    /// The new roles: `user` or an admin role.
    pub role: OneOrMany,
}

impl Checked for SetRoleBody {}

/// `POST /admin/ban-user`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BanUserBody {
    /// The user's id.
    pub user_id: String,
    /// Why (default "No reason").
    #[serde(default)]
    pub ban_reason: Option<String>,
    /// Seconds until the ban ends by itself (default: never).
    #[serde(default)]
    pub ban_expires_in: Option<i64>,
}

impl Checked for BanUserBody {}

/// A body naming one user: unban-user, list-user-sessions, impersonate-user,
/// revoke-user-sessions, remove-user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserIdBody {
    /// The user's id.
    pub user_id: String,
}

impl Checked for UserIdBody {}

/// `POST /admin/revoke-user-session`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeUserSessionBody {
    /// The session's public handle (its `token` in list-user-sessions).
    pub session_token: String,
}

impl Checked for RevokeUserSessionBody {}

/// `POST /admin/set-user-password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetUserPasswordBody {
    /// The user's id.
    pub user_id: String,
    /// The new password (the usual rules apply).
    pub new_password: String,
}

impl Checked for SetUserPasswordBody {
    fn check(&self) -> Vec<String> {
        let mut issues = Vec::new();
        if self.new_password.is_empty() {
            issues.push("[body.newPassword] newPassword cannot be empty".to_owned());
        }
        if self.user_id.is_empty() {
            issues.push("[body.userId] userId cannot be empty".to_owned());
        }
        issues
    }
}

/// `POST /admin/has-permission`: `permissions` (or better-auth's older `permission`). The
/// answer is for the caller: better-auth's `userId` and `role` count only in server calls.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminPermissionBody {
    /// Resources and the actions wanted on each, e.g. `{"user": ["ban"]}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permissions: Option<BTreeMap<String, Vec<String>>>,
    /// The same, under the older name.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permission: Option<BTreeMap<String, Vec<String>>>,
}

impl Checked for AdminPermissionBody {
    fn check(&self) -> Vec<String> {
        one_permission_set(self.permissions.as_ref(), self.permission.as_ref())
    }
}
