//! The admin's user management: list, get, create, update, set roles, set passwords, remove.

use super::{AdminAction, AdminError, target_id};
use crate::flows::sign_up::{validate_image, validate_name};
use crate::{ActiveSession, Auth, AuthError, list_filter};
use beep_domain::{Account, AccountId, Audit, CREDENTIAL_PROVIDER, Email, Secret, User, UserId};
use beep_store::StoreError;
use beep_store::repos::users::{
    AdminChange, Ban, Comparison, FieldValue, UserField, UserFilter, UserPage, UserSearch,
};
use beep_store::repos::{accounts, trusted_devices, users};
use chrono::{DateTime, Utc};

/// What list-users asks for; the text values are as the query string gave them.
#[derive(Debug, Clone, Default)]
pub struct UserListQuery {
    /// Text the search looks for (ignored when empty).
    pub search_value: Option<String>,
    /// `email` (default) or `name`.
    pub search_field: Option<String>,
    /// `contains` (default), `starts_with` or `ends_with`.
    pub search_operator: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u64>,
    /// Users skipped first.
    pub offset: Option<u64>,
    /// A user field to sort by (else oldest first).
    pub sort_by: Option<String>,
    /// `desc` sorts descending.
    pub sort_direction: Option<String>,
    /// The field a filter compares (default `email`).
    pub filter_field: Option<String>,
    /// `eq` (default) … `ends_with`.
    pub filter_operator: Option<String>,
    /// The value(s) compared with; no value, no filter.
    pub filter_value: Vec<String>,
}

/// A page of users and how many the search and filter keep in all.
#[derive(Debug, Clone)]
pub struct UserList {
    /// The users.
    pub users: Vec<User>,
    /// How many match, ignoring the page.
    pub total: u64,
}

/// A user an admin creates.
#[derive(Debug)]
pub struct NewUserByAdmin {
    /// The address.
    pub email: String,
    /// The display name.
    pub name: String,
    /// A password (else the user signs in another way, or after a reset).
    pub password: Option<Secret<String>>,
    /// Roles (else `user`).
    pub roles: Option<Vec<String>>,
    /// Avatar URL.
    pub image: Option<String>,
    /// Whether the address counts as proven.
    pub email_verified: bool,
}

/// What update-user changes; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct AdminUserChange {
    /// Display name.
    pub name: Option<String>,
    /// Avatar (`Some(None)` clears it).
    pub image: Option<Option<String>>,
    /// Address.
    pub email: Option<String>,
    /// Whether the address counts as proven.
    pub email_verified: Option<bool>,
    /// Roles.
    pub roles: Option<Vec<String>>,
    /// Banned or not.
    pub banned: Option<bool>,
    /// The ban's reason.
    pub ban_reason: Option<Option<String>>,
    /// When the ban ends.
    pub ban_expires: Option<Option<DateTime<Utc>>>,
}

impl AdminUserChange {
    fn touches_ban(&self) -> bool {
        self.banned.is_some() || self.ban_reason.is_some() || self.ban_expires.is_some()
    }

    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.image.is_none()
            && self.email.is_none()
            && self.email_verified.is_none()
            && self.roles.is_none()
            && !self.touches_ban()
    }
}

/// Users one page holds when the query does not say.
const DEFAULT_PAGE: u64 = 100;

fn user_field(parameter: &'static str, name: &str) -> Result<UserField, AuthError> {
    Ok(match name {
        "id" => UserField::Id,
        "name" => UserField::Name,
        "email" => UserField::Email,
        "emailVerified" => UserField::EmailVerified,
        "image" => UserField::Image,
        "role" => UserField::Role,
        "banned" => UserField::Banned,
        "banReason" => UserField::BanReason,
        "banExpires" => UserField::BanExpires,
        "createdAt" => UserField::CreatedAt,
        "updatedAt" => UserField::UpdatedAt,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter,
                reason: "Invalid option: expected one of \"id\"|\"name\"|\"email\"|\
                         \"emailVerified\"|\"image\"|\"role\"|\"banned\"|\"banReason\"|\
                         \"banExpires\"|\"createdAt\"|\"updatedAt\""
                    .to_owned(),
            });
        }
    })
}

fn search_of(query: &UserListQuery) -> Result<Option<UserSearch>, AuthError> {
    let Some(text) = query.search_value.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let field = match query.search_field.as_deref().unwrap_or("email") {
        "email" => UserField::Email,
        "name" => UserField::Name,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter: "searchField",
                reason: "Invalid option: expected one of \"email\"|\"name\"".to_owned(),
            });
        }
    };
    let matching = match query.search_operator.as_deref().unwrap_or("contains") {
        "contains" => Comparison::Contains,
        "starts_with" => Comparison::StartsWith,
        "ends_with" => Comparison::EndsWith,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter: "searchOperator",
                reason: "Invalid option: expected one of \"contains\"|\"starts_with\"|\
                         \"ends_with\""
                    .to_owned(),
            });
        }
    };
    Ok(Some(UserSearch {
        field,
        matching,
        text: text.to_owned(),
    }))
}

fn filter_of(query: &UserListQuery) -> Result<Option<UserFilter>, AuthError> {
    if query.filter_value.is_empty() {
        return Ok(None);
    }
    let name = query.filter_field.as_deref().unwrap_or("email");
    let field = user_field("filterField", name)?;
    let comparison = list_filter::comparison(query.filter_operator.as_deref())?;
    let is_text = !matches!(
        field,
        UserField::EmailVerified
            | UserField::Banned
            | UserField::BanExpires
            | UserField::CreatedAt
            | UserField::UpdatedAt
    );
    if comparison.matches_text() && !is_text {
        return Err(list_filter::text_match_on(name));
    }
    let values = list_filter::filter_values(comparison, &query.filter_value)?
        .into_iter()
        .map(|v| match field {
            UserField::EmailVerified | UserField::Banned => list_filter::flag_value(v),
            UserField::BanExpires | UserField::CreatedAt | UserField::UpdatedAt => {
                list_filter::time_value(v)
            }
            _ => Ok(FieldValue::Text(v.to_owned())),
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(UserFilter {
        field,
        comparison,
        values,
    }))
}

fn sort_of(query: &UserListQuery) -> Result<Option<(UserField, bool)>, AuthError> {
    let descending = match query.sort_direction.as_deref().unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter: "sortDirection",
                reason: "Invalid option: expected one of \"asc\"|\"desc\"".to_owned(),
            });
        }
    };
    let Some(name) = query.sort_by.as_deref() else {
        return Ok(None);
    };
    Ok(Some((user_field("sortBy", name)?, descending)))
}

impl Auth {
    /// The user an admin names, or 404 `USER_NOT_FOUND`.
    pub(super) async fn target_user(&self, raw_id: &str) -> Result<User, AuthError> {
        let id = target_id(raw_id)?;
        users::find_by_id(self.store().conn(), &id)
            .await?
            .ok_or_else(|| AdminError::UserNotFound.into())
    }

    /// `admin/list-users`: a page of users, searched, filtered and sorted, and the total.
    pub async fn admin_list_users(
        &self,
        caller: &ActiveSession,
        query: &UserListQuery,
    ) -> Result<UserList, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::ListUsers)?;
        let page = UserPage {
            limit: list_filter::page_size(query.limit, DEFAULT_PAGE),
            offset: list_filter::page_offset(query.offset),
            sort: sort_of(query)?,
            search: search_of(query)?,
            filter: filter_of(query)?,
        };
        let (users, total) = users::list(self.store().conn(), &page).await?;
        Ok(UserList { users, total })
    }

    /// `admin/get-user`.
    pub async fn admin_get_user(
        &self,
        caller: &ActiveSession,
        id: &str,
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::GetUser)?;
        self.target_user(id).await
    }

    /// `admin/create-user`: a new user (with a password account when given one, and the
    /// personal organization every new user gets). No session is opened.
    pub async fn admin_create_user(
        &self,
        caller: &ActiveSession,
        input: NewUserByAdmin,
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::CreateUsers)?;
        let role = match &input.roles {
            Some(roles) => {
                self.authorize_admin(&caller.user, AdminAction::ChangeRole)?;
                self.config().admin.known_roles(roles)?
            }
            None => User::DEFAULT_ROLE.to_owned(),
        };
        let name = validate_name(&input.name)?;
        let image = validate_image(input.image)?;
        let email = Email::parse(&input.email)?;
        let hash = match &input.password {
            Some(password) => {
                self.config()
                    .password_policy
                    .check_length(password.expose())?;
                let checked = self.check_new_password(password.expose(), &email, &name)?;
                Some(self.hasher().hash(checked).await?)
            }
            None => None,
        };
        if users::find_by_email(self.store().conn(), &email)
            .await?
            .is_some()
        {
            return Err(AdminError::EmailTaken.into());
        }
        let now = self.now();
        let id = UserId::generate();
        let audit = Audit::created(now, Some(caller.user.id.as_str()));
        let user = User {
            id: id.clone(),
            name,
            email,
            email_verified: input.email_verified,
            image,
            two_factor_enabled: false,
            role,
            banned: false,
            ban_reason: None,
            ban_expires: None,
            audit: audit.clone(),
        };
        let tx = self.store().write().await?;
        match users::insert(&tx, &user).await {
            Err(StoreError::Conflict) => return Err(AdminError::EmailTaken.into()),
            other => other?,
        }
        if let Some(hash) = hash {
            let account = Account {
                id: AccountId::generate(),
                account_id: id.to_string(),
                provider_id: CREDENTIAL_PROVIDER.to_owned(),
                user_id: id.clone(),
                password_hash: Some(Secret::new(hash)),
                scope: None,
                audit,
            };
            accounts::insert(&tx, &account).await?;
        }
        crate::hooks::on_user_created(&tx, &user).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %user.id, "admin created a user");
        Ok(user)
    }

    /// `admin/update-user`: changes profile fields, the address, roles or the ban. Each kind
    /// of change needs its own permission; banning through here ends the user's sessions as
    /// ban-user does.
    pub async fn admin_update_user(
        &self,
        caller: &ActiveSession,
        id: &str,
        change: AdminUserChange,
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::UpdateUsers)?;
        if change.is_empty() {
            return Err(AdminError::NoDataToUpdate.into());
        }
        let mut stored = AdminChange::default();
        if let Some(roles) = &change.roles {
            self.authorize_admin(&caller.user, AdminAction::ChangeRole)?;
            stored.role = Some(self.config().admin.known_roles(roles)?);
        }
        if change.touches_ban() {
            self.authorize_admin(&caller.user, AdminAction::BanUsers)?;
            if change.banned == Some(true) && id == caller.user.id.as_str() {
                return Err(AdminError::CannotBanYourself.into());
            }
        }
        if change.email.is_some() || change.email_verified.is_some() {
            self.authorize_admin(&caller.user, AdminAction::SetEmail)?;
        }
        stored.name = change.name.as_deref().map(validate_name).transpose()?;
        stored.image = change.image.clone().map(validate_image).transpose()?;
        stored.email = change.email.as_deref().map(Email::parse).transpose()?;
        stored.email_verified = change.email_verified;
        let target = self.target_user(id).await?;
        if let Some(email) = &stored.email {
            if *email == target.email {
                stored.email = None;
            } else {
                // A new address is unproven unless the admin says otherwise.
                stored.email_verified = Some(change.email_verified.unwrap_or(false));
            }
        }
        let ban = change
            .touches_ban()
            .then(|| self.ban_after(&target, &change));
        let now = self.now();
        let tx = self.store().write().await?;
        let updated = if stored.is_empty() {
            true
        } else {
            match users::apply_admin_change(&tx, &target.id, &stored, &caller.user.id, now).await {
                Err(StoreError::Conflict) => return Err(AdminError::EmailTaken.into()),
                other => other?,
            }
        };
        if let Some(ban) = &ban {
            users::set_ban(&tx, &target.id, ban.as_ref(), &caller.user.id, now).await?;
            if ban.is_some() {
                beep_store::repos::sessions::delete_all_for_user(&tx, &target.id, None).await?;
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        if !updated {
            return Err(AdminError::UserNotFound.into());
        }
        self.user_changed(&target.id).await;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, "admin updated a user");
        self.target_user(target.id.as_str()).await
    }

    /// The ban a user has after an update-user that touches the ban fields.
    fn ban_after(&self, target: &User, change: &AdminUserChange) -> Option<Ban> {
        if !change.banned.unwrap_or(target.banned) {
            return None;
        }
        let reason = change
            .ban_reason
            .clone()
            .unwrap_or_else(|| target.ban_reason.clone())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| self.config().admin.default_ban_reason.clone());
        let expires = change.ban_expires.unwrap_or(target.ban_expires);
        Some(Ban { reason, expires })
    }

    /// `admin/set-role`: replaces the user's roles. Cached sessions learn it at once.
    pub async fn admin_set_role(
        &self,
        caller: &ActiveSession,
        id: &str,
        roles: &[String],
    ) -> Result<User, AuthError> {
        self.authorize_admin(&caller.user, AdminAction::ChangeRole)?;
        let role = self.config().admin.known_roles(roles)?;
        let target = self.target_user(id).await?;
        let change = AdminChange {
            role: Some(role),
            ..AdminChange::default()
        };
        let now = self.now();
        if !users::apply_admin_change(
            self.store().conn(),
            &target.id,
            &change,
            &caller.user.id,
            now,
        )
        .await?
        {
            return Err(AdminError::UserNotFound.into());
        }
        self.user_changed(&target.id).await;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, role = ?roles, "admin set roles");
        self.target_user(target.id.as_str()).await
    }

    /// Sets roles as the operator (the CLI), with no admin session: the way to make the
    /// first admin.
    pub async fn operator_set_role(
        &self,
        id: &UserId,
        roles: &[String],
    ) -> Result<User, AuthError> {
        let change = AdminChange {
            role: Some(self.config().admin.known_roles(roles)?),
            ..AdminChange::default()
        };
        if !users::apply_admin_change(self.store().conn(), id, &change, id, self.now()).await? {
            return Err(AdminError::UserNotFound.into());
        }
        self.user_changed(id).await;
        tracing::info!(target: "audit", user_id = %id, role = ?roles, "operator set roles");
        self.target_user(id.as_str()).await
    }

    /// `admin/remove-user`: deletes the user as delete-user would, never the caller.
    pub async fn admin_remove_user(
        &self,
        caller: &ActiveSession,
        id: &str,
    ) -> Result<(), AuthError> {
        self.authorize_admin(&caller.user, AdminAction::DeleteUsers)?;
        if id == caller.user.id.as_str() {
            return Err(AdminError::CannotRemoveYourself.into());
        }
        let target = self.target_user(id).await?;
        self.erase_user(&target).await?;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, "admin removed a user");
        Ok(())
    }

    /// `admin/set-user-password`: a new password under the usual rules (creating the
    /// password account when there is none). Earlier reset links die and the user is told.
    pub async fn admin_set_user_password(
        &self,
        caller: &ActiveSession,
        id: &str,
        new_password: &Secret<String>,
    ) -> Result<(), AuthError> {
        self.authorize_admin(&caller.user, AdminAction::SetPassword)?;
        self.config()
            .password_policy
            .check_length(new_password.expose())?;
        let target = self.target_user(id).await?;
        let checked =
            self.check_new_password(new_password.expose(), &target.email, &target.name)?;
        let hash = self.hasher().hash(checked).await?;
        let tx = self.store().write().await?;
        self.store_password(&tx, &target, &hash).await?;
        trusted_devices::delete_for_user(&tx, &target.id).await?;
        self.after_password_change(&tx, &target).await?;
        self.commit_with_mail(tx).await?;
        tracing::info!(target: "audit", admin = %caller.user.id, user_id = %target.id, "admin set a password");
        Ok(())
    }
}
