//! Members: listing them, removing them, changing their roles, leaving, the active member,
//! and permission checks.

use super::orgs::OrganizationRef;
use super::{Flow, OrgCode, OrganizationError, Touched, may, membership, named_or_active, refuse};
use crate::list_filter;
use crate::{ActiveSession, Auth, AuthError};
use beep_domain::{
    Member, Organization, OrganizationId, PermissionRequest, Roles, TeamId, User, UserId,
};
use beep_store::repos::members::{FieldValue, MemberField, MemberFilter, MemberPage};
use beep_store::repos::{members, organizations, teams};
use beep_store::{ConnectionTrait, StoreError};

/// What list-members asks for; the text values are as the query string gave them.
#[derive(Debug, Clone, Default)]
pub struct MemberListQuery {
    /// Which organization (else the active one).
    pub organization: OrganizationRef,
    /// Page size (default: the membership limit).
    pub limit: Option<u64>,
    /// Members skipped first.
    pub offset: Option<u64>,
    /// `id`, `organizationId`, `userId`, `role` or `createdAt`.
    pub sort_by: Option<String>,
    /// `desc` sorts descending.
    pub sort_direction: Option<String>,
    /// The field a filter compares.
    pub filter_field: Option<String>,
    /// `eq` (default), `ne`, `lt`, `lte`, `gt`, `gte`, `in`, `not_in`, `contains`,
    /// `starts_with`, `ends_with`.
    pub filter_operator: Option<String>,
    /// The value(s) compared with (several for `in` and `not_in`).
    pub filter_value: Vec<String>,
}

/// A page of members and how many the filter keeps in all.
#[derive(Debug, Clone)]
pub struct MemberList {
    /// The members with their users.
    pub members: Vec<(Member, User)>,
    /// How many members match, ignoring the page.
    pub total: u64,
}

fn member_field(parameter: &'static str, name: &str) -> Result<MemberField, AuthError> {
    Ok(match name {
        "id" => MemberField::Id,
        "organizationId" => MemberField::OrganizationId,
        "userId" => MemberField::UserId,
        "role" => MemberField::Role,
        "createdAt" => MemberField::CreatedAt,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter,
                reason: "Invalid option: expected one of \"id\"|\"organizationId\"|\"userId\"|\
                         \"role\"|\"createdAt\""
                    .to_owned(),
            });
        }
    })
}

fn filter_of(query: &MemberListQuery) -> Result<Option<MemberFilter>, AuthError> {
    let Some(field) = query.filter_field.as_deref() else {
        return Ok(None);
    };
    let field = member_field("filterField", field)?;
    let comparison = list_filter::comparison(query.filter_operator.as_deref())?;
    if comparison.matches_text() && field == MemberField::CreatedAt {
        return Err(list_filter::text_match_on("createdAt"));
    }
    let values = list_filter::filter_values(comparison, &query.filter_value)?
        .into_iter()
        .map(|v| match field {
            MemberField::CreatedAt => list_filter::time_value(v),
            _ => Ok(FieldValue::Text(v.to_owned())),
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(MemberFilter {
        field,
        comparison,
        values,
    }))
}

/// Whether taking `owner` away from `target` would leave its organization without one.
async fn is_last_owner(conn: &impl ConnectionTrait, target: &Member) -> Result<bool, StoreError> {
    Ok(target.role.is_owner() && members::count_owners(conn, &target.organization_id).await? <= 1)
}

/// Whether `target` is the person whose personal organization this is.
fn keeps_personal_owner(org: &Organization, target: &Member) -> bool {
    org.is_personal && org.owner_user_id.as_ref() == Some(&target.user_id)
}

impl Auth {
    /// The organization a member read names: `organizationSlug` wins, else `organizationId`,
    /// else the active one; the caller must be a member.
    async fn organization_of_member_read(
        &self,
        caller: &ActiveSession,
        which: &OrganizationRef,
    ) -> Flow<(OrganizationId, Member)> {
        let conn = self.store().conn();
        let mut org_id = named_or_active(which.id.as_deref(), caller);
        if let Some(slug) = which.slug.as_deref().filter(|s| !s.is_empty()) {
            match organizations::find_by_slug(conn, slug).await? {
                Some(org) => org_id = Some(org.id),
                None => {
                    return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
                }
            }
        }
        let Some(org_id) = org_id else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        match membership(conn, &org_id, caller).await? {
            Some(member) => Ok((org_id, member)),
            None => refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION,
            )),
        }
    }

    /// `organization/list-members`: a page of members with their users, sorted and
    /// filtered on member fields, and the filtered total. Any member may list.
    pub async fn list_members(
        &self,
        caller: &ActiveSession,
        query: &MemberListQuery,
    ) -> Flow<MemberList> {
        let filter = filter_of(query)?;
        let sort = match query.sort_by.as_deref() {
            Some(field) => Some((
                member_field("sortBy", field)?,
                query.sort_direction.as_deref() == Some("desc"),
            )),
            None => None,
        };
        let (org_id, _) = self
            .organization_of_member_read(caller, &query.organization)
            .await?;
        let page = MemberPage {
            limit: list_filter::page_size(query.limit, self.config().organization.membership_limit),
            offset: list_filter::page_offset(query.offset),
            sort,
            filter,
        };
        let (members, total) = members::list(self.store().conn(), &org_id, &page).await?;
        Ok(MemberList { members, total })
    }

    /// `organization/remove-member`: by member id or email. Owners are removed only by
    /// owners, and never the last one; members cannot remove anyone (they leave).
    pub async fn remove_member(
        &self,
        caller: &ActiveSession,
        member_id_or_email: &str,
        organization_id: Option<&str>,
    ) -> Flow<(Member, User)> {
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let Some(me) = membership(&tx, &org_id, caller).await? else {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        };
        let target = if member_id_or_email.contains('@') {
            let email = member_id_or_email.to_lowercase();
            members::find_by_email(&tx, &org_id, &email).await?
        } else {
            members::find_by_id(&tx, member_id_or_email).await?
        };
        // A member of another organization is not found here, before any rule says more
        // about them (better-auth checks this last, which tells owners elsewhere apart).
        let Some((target, user)) = target.filter(|(t, _)| t.organization_id == org_id) else {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        };
        if target.role.is_owner() && (!me.role.is_owner() || is_last_owner(&tx, &target).await?) {
            return refuse(OrganizationError::invalid(
                OrgCode::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
            ));
        }
        if !me.role.allow(&PermissionRequest::one("member", "delete")) {
            return refuse(OrganizationError::unauthenticated(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER,
            ));
        }
        let Some(org) = organizations::find(&tx, &org_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        if keeps_personal_owner(&org, &target) {
            return refuse(OrganizationError::invalid(
                OrgCode::PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER,
            ));
        }
        self.end_membership(tx, &target).await?;
        tracing::info!(organization_id = %org_id, member_id = %target.id, "member removed");
        Ok((target, user))
    }

    /// Deletes a membership and the user's team memberships in that organization, rewrites
    /// their sessions, commits and reports it.
    async fn end_membership(&self, tx: beep_store::WriteTx, target: &Member) -> Flow<()> {
        members::delete(&tx, &target.id).await?;
        teams::remove_from_organization(&tx, &target.organization_id, &target.user_id).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&target.user_id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        Ok(())
    }

    /// `organization/update-member-role`: only owners touch owners or make owners; an
    /// organization always keeps an owner.
    pub async fn update_member_role(
        &self,
        caller: &ActiveSession,
        member_id: &str,
        role: &[String],
        organization_id: Option<&str>,
    ) -> Flow<Member> {
        // better-auth answers an empty role with an empty 400; a code says more.
        if role.iter().all(String::is_empty) {
            return refuse(OrganizationError::invalid(OrgCode::ROLE_NOT_FOUND));
        }
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let roles = Roles::parse(role.iter().map(String::as_str));
        if roles.is_empty() {
            return refuse(OrganizationError::invalid(OrgCode::ROLE_NOT_FOUND));
        }
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let Some(me) = membership(&tx, &org_id, caller).await? else {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        };
        let target = if member_id == me.id.as_str() {
            me.clone()
        } else {
            match members::find_by_id(&tx, member_id).await? {
                Some((target, _)) => target,
                None => return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND)),
            }
        };
        let not_allowed =
            || OrganizationError::forbidden(OrgCode::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER);
        // Another organization's member is not found (better-auth: 403, which tells the ids
        // that exist elsewhere from those that do not).
        if target.organization_id != org_id {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        }
        let caller_owns = me.role.is_owner();
        if (target.role.is_owner() || roles.is_owner()) && !caller_owns {
            return refuse(not_allowed());
        }
        if !roles.is_owner() && is_last_owner(&tx, &target).await? {
            return refuse(OrganizationError::invalid(
                OrgCode::YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER,
            ));
        }
        if !caller_owns && !me.role.allow(&PermissionRequest::one("member", "update")) {
            return refuse(not_allowed());
        }
        let unknown = roles.unknown();
        if !unknown.is_empty() {
            return refuse(OrganizationError::unknown_roles(&unknown, true));
        }
        let Some(org) = organizations::find(&tx, &org_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        if !roles.is_owner() && keeps_personal_owner(&org, &target) {
            return refuse(OrganizationError::invalid(
                OrgCode::PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER,
            ));
        }
        let now = self.now();
        members::set_roles(&tx, &target.id, &roles, &caller.user.id, now).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&target.user_id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        tracing::info!(organization_id = %org_id, member_id = %target.id, role = %roles, "member role changed");
        Ok(Member {
            role: roles,
            ..target
        })
    }

    /// `organization/leave`: the caller leaves (and their teams in it), unless they are its
    /// last owner or it is their personal organization.
    pub async fn leave_organization(
        &self,
        caller: &ActiveSession,
        organization_id: &str,
    ) -> Flow<(Member, User)> {
        let org_id = OrganizationId::unchecked(organization_id);
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let Some(me) = membership(&tx, &org_id, caller).await? else {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        };
        if organizations::find(&tx, &org_id)
            .await?
            .is_some_and(|org| keeps_personal_owner(&org, &me))
        {
            return refuse(OrganizationError::invalid(
                OrgCode::PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER,
            ));
        }
        if is_last_owner(&tx, &me).await? {
            return refuse(OrganizationError::invalid(
                OrgCode::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
            ));
        }
        self.end_membership(tx, &me).await?;
        tracing::info!(organization_id = %org_id, user_id = %caller.user.id, "member left");
        Ok((me, caller.user.clone()))
    }

    /// `organization/get-active-member`: the caller's membership of the active organization.
    pub async fn active_member(&self, caller: &ActiveSession) -> Flow<(Member, User)> {
        let Some(org_id) = &caller.session.active_organization_id else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        match members::find_with_user(self.store().conn(), org_id, &caller.user.id).await? {
            Some(found) => Ok(found),
            None => refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND)),
        }
    }

    /// `organization/get-active-member-role`: the caller's roles, or another member's.
    pub async fn member_role(
        &self,
        caller: &ActiveSession,
        user_id: Option<&str>,
        which: &OrganizationRef,
    ) -> Flow<Roles> {
        let (org_id, me) = self.organization_of_member_read(caller, which).await?;
        let Some(user_id) = user_id.filter(|id| !id.is_empty()) else {
            return Ok(me.role);
        };
        let target =
            members::find(self.store().conn(), &org_id, &UserId::unchecked(user_id)).await?;
        match target {
            Some(member) => Ok(member.role),
            None => refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION,
            )),
        }
    }

    /// `organization/has-permission`: whether one of the caller's roles grants the whole
    /// request; with `team_id`, the caller's roles in that team count too.
    pub async fn has_permission(
        &self,
        caller: &ActiveSession,
        organization_id: Option<&str>,
        team_id: Option<&str>,
        request: &PermissionRequest,
    ) -> Flow<bool> {
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let conn = self.store().conn();
        let Some(me) = membership(conn, &org_id, caller).await? else {
            return refuse(OrganizationError::unauthenticated(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        };
        let team_member = match team_id.filter(|id| !id.is_empty()) {
            Some(team_id) => {
                if teams::find_in(conn, &org_id, team_id).await?.is_none() {
                    return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
                }
                teams::member(conn, &TeamId::unchecked(team_id), &caller.user.id).await?
            }
            None => None,
        };
        Ok(may(&me, team_member.as_ref(), request))
    }
}

impl Auth {
    /// Before a user is deleted, in the deleting transaction: their personal organization,
    /// and any organization where they are the only member, are deleted; an organization
    /// where they are the last owner but not alone refuses the deletion (it must keep an
    /// owner: they hand it over or remove the others first). The other members of deleted
    /// organizations have their sessions rewritten; they are in the returned [`Touched`].
    pub(crate) async fn release_organizations_of(
        &self,
        tx: &beep_store::WriteTx,
        user: &UserId,
    ) -> Flow<Touched> {
        let mut memberships = members::memberships_of(tx, user).await?;
        memberships.sort_by(|a, b| a.organization_id.cmp(&b.organization_id));
        let mut others = Vec::new();
        for member in memberships {
            let org_id = &member.organization_id;
            organizations::lock(tx, org_id).await?;
            let Some(org) = organizations::find(tx, org_id).await? else {
                continue;
            };
            let alone = members::count(tx, org_id).await? <= 1;
            let doomed = keeps_personal_owner(&org, &member) || (member.role.is_owner() && alone);
            if doomed {
                others.extend(
                    members::user_ids(tx, org_id)
                        .await?
                        .into_iter()
                        .filter(|u| u != user),
                );
                organizations::delete(tx, org_id).await?;
            } else if is_last_owner(tx, &member).await? {
                return refuse(OrganizationError::invalid(
                    OrgCode::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
                ));
            }
        }
        let mut touched = Touched::default();
        self.refresh_all(tx, &others, &mut touched).await?;
        Ok(touched)
    }
}
