//! Organizations themselves: create, check a slug, update, delete, choose the active one,
//! read one or all.

use super::{
    Flow, OrgCode, OrganizationError, Refusal, Touched, membership, named_or_active, refuse,
};
use crate::flows::validate_picture;
use crate::{ActiveSession, Auth, AuthError};
use beep_domain::{
    Audit, Invitation, Member, MemberId, MemberRole, MemberStatus, Organization, OrganizationId,
    OrganizationType, PermissionRequest, Roles, SubscriptionStatus, SubscriptionTier, Team, TeamId,
    TeamMember, TeamMemberId, User,
};
use beep_store::repos::organizations::OrganizationChange;
use beep_store::repos::{invitations, members, organizations, sessions, teams, users};
use beep_store::{StoreError, WriteTx};

/// Longest organization or team name, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 256;
/// Longest slug, in characters.
const MAX_SLUG_CHARS: usize = 128;

/// What creating an organization asks for.
#[derive(Debug, Clone, Default)]
pub struct CreateOrganization {
    /// Display name (at least one character).
    pub name: String,
    /// Unique URL name (at least one character; case-sensitive, as given).
    pub slug: String,
    /// Logo URL.
    pub logo: Option<String>,
    /// Free-form JSON object.
    pub metadata: Option<serde_json::Value>,
    /// Leave the session's active organization (and team) as they are.
    pub keep_current_active: bool,
}

/// What updating an organization changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganizationUpdate {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New logo (`Some(None)` removes it).
    pub logo: Option<Option<String>>,
    /// New metadata.
    pub metadata: Option<serde_json::Value>,
}

/// An organization with its members, invitations and teams.
#[derive(Debug, Clone)]
pub struct FullOrganization {
    /// The organization.
    pub organization: Organization,
    /// Its members with their users (up to the limit asked for).
    pub members: Vec<(Member, User)>,
    /// Its invitations, in every status, if the caller may see them (else none).
    pub invitations: Vec<Invitation>,
    /// Its teams.
    pub teams: Vec<Team>,
}

/// Which organization set-active is to make active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActiveChoice {
    /// None (`organizationId: null`).
    Nothing,
    /// The one already active (neither an id nor a slug was given).
    Current,
    /// The one with this id.
    Id(String),
    /// The one with this slug.
    Slug(String),
}

/// How a request names an organization to read: by slug, id, or (neither) the active one.
#[derive(Debug, Clone, Default)]
pub struct OrganizationRef {
    /// `organizationId`
    pub id: Option<String>,
    /// `organizationSlug` (wins over the id)
    pub slug: Option<String>,
}

pub(crate) fn check_name(field: &'static str, name: &str) -> Result<String, AuthError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AuthError::InvalidField {
            field,
            reason: "Too small: expected string to have >=1 characters",
        });
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AuthError::InvalidField {
            field,
            reason: "Invalid name: at most 256 characters, no control characters",
        });
    }
    Ok(name.to_owned())
}

fn check_slug(field: &'static str, slug: &str) -> Result<String, AuthError> {
    if slug.is_empty() {
        return Err(AuthError::InvalidField {
            field,
            reason: "Too small: expected string to have >=1 characters",
        });
    }
    if slug.chars().count() > MAX_SLUG_CHARS
        || slug.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(AuthError::InvalidField {
            field,
            reason: "Invalid slug: at most 128 characters, no spaces or control characters",
        });
    }
    Ok(slug.to_owned())
}

fn slug_taken(err: StoreError, code: OrgCode) -> AuthError {
    match err {
        StoreError::Conflict => OrganizationError::invalid(code).into(),
        other => other.into(),
    }
}

impl Auth {
    /// `organization/create`: the organization, its owner (the caller) and, by default, a
    /// team of its name with the caller in it; the caller's session acts in them unless
    /// `keep_current_active`.
    pub async fn create_organization(
        &self,
        caller: &ActiveSession,
        input: CreateOrganization,
    ) -> Flow<(Organization, Member)> {
        let config = &self.config().organization;
        if !config.creation_enabled {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION,
            ));
        }
        let name = check_name("name", &input.name)?;
        let slug = check_slug("slug", &input.slug)?;
        let logo = validate_picture("logo", input.logo)?;
        let user = &caller.user;
        let now = self.now();
        let tx = self.store().write().await?;
        // Taken first: it serialises this user's creations (the limit below) and the
        // rewrite of their sessions at the end.
        users::lock(&tx, &user.id).await?;
        if let Some(limit) = config.organization_limit
            && members::memberships_of(&tx, &user.id).await?.len() as u64 >= limit
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS,
            ));
        }
        if organizations::find_by_slug(&tx, &slug).await?.is_some() {
            return refuse(OrganizationError::invalid(
                OrgCode::ORGANIZATION_ALREADY_EXISTS,
            ));
        }
        let actor = Some(user.id.as_str());
        let org = Organization {
            id: OrganizationId::generate(),
            name,
            slug,
            logo,
            metadata: input.metadata,
            kind: OrganizationType::Team,
            is_personal: false,
            owner_user_id: Some(user.id.clone()),
            subscription_tier: SubscriptionTier::Free,
            subscription_status: SubscriptionStatus::Active,
            audit: Audit::created(now, actor),
        };
        organizations::insert(&tx, &org)
            .await
            .map_err(|e| slug_taken(e, OrgCode::ORGANIZATION_ALREADY_EXISTS))?;
        let owner = Member {
            id: MemberId::generate(),
            organization_id: org.id.clone(),
            user_id: user.id.clone(),
            role: Roles::of(MemberRole::Owner),
            status: MemberStatus::Active,
            audit: Audit::created(now, actor),
        };
        members::insert(&tx, &owner).await?;
        let team = if config.default_team {
            let team = Team {
                id: TeamId::generate(),
                name: org.name.clone(),
                organization_id: org.id.clone(),
                audit: Audit::created(now, actor),
            };
            teams::insert(&tx, &team).await?;
            teams::insert_member(
                &tx,
                &TeamMember {
                    id: TeamMemberId::generate(),
                    team_id: team.id.clone(),
                    user_id: user.id.clone(),
                    role: Roles::parse(["admin"]),
                    audit: Audit::created(now, actor),
                },
            )
            .await?;
            Some(team)
        } else {
            None
        };
        if !input.keep_current_active {
            let team = team.as_ref().map(|t| &t.id);
            sessions::set_active(&tx, &caller.session.id, Some(&org.id), team, now).await?;
        }
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&user.id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        tracing::info!(organization_id = %org.id, user_id = %user.id, "organization created");
        Ok((org, owner))
    }

    /// `organization/check-slug`: whether no organization has this slug.
    pub async fn check_organization_slug(&self, slug: &str) -> Flow<()> {
        if organizations::find_by_slug(self.store().conn(), slug)
            .await?
            .is_some()
        {
            return refuse(OrganizationError::invalid(
                OrgCode::ORGANIZATION_SLUG_ALREADY_TAKEN,
            ));
        }
        Ok(())
    }

    /// `organization/update`: owners and admins change the name, slug, logo or metadata.
    pub async fn update_organization(
        &self,
        caller: &ActiveSession,
        organization_id: Option<&str>,
        change: OrganizationUpdate,
    ) -> Flow<Organization> {
        let name = change
            .name
            .as_deref()
            .map(|n| check_name("data.name", n))
            .transpose()?;
        let slug = change
            .slug
            .as_deref()
            .map(|s| check_slug("data.slug", s))
            .transpose()?;
        let logo = change
            .logo
            .map(|logo| validate_picture("data.logo", logo))
            .transpose()?;
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        let tx = self
            .change_of_organization(
                caller,
                &org_id,
                "update",
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION,
            )
            .await?;
        if let Some(slug) = &slug
            && organizations::find_by_slug(&tx, slug)
                .await?
                .is_some_and(|other| other.id != org_id)
        {
            return refuse(OrganizationError::invalid(
                OrgCode::ORGANIZATION_SLUG_ALREADY_TAKEN,
            ));
        }
        let renamed = name.is_some();
        let change = OrganizationChange {
            name,
            slug,
            logo,
            metadata: change.metadata,
        };
        organizations::update(&tx, &org_id, &change, &caller.user.id, self.now())
            .await
            .map_err(|e| slug_taken(e, OrgCode::ORGANIZATION_SLUG_ALREADY_TAKEN))?;
        let mut touched = Touched::default();
        if renamed {
            let users = members::user_ids(&tx, &org_id).await?;
            self.refresh_all(&tx, &users, &mut touched).await?;
        }
        let org = organizations::find(&tx, &org_id)
            .await?
            .ok_or(AuthError::Conflict)?;
        self.commit_and_announce(tx, touched).await?;
        Ok(org)
    }

    /// A transaction holding the organization's lock, for a caller who is a member with the
    /// right to `organization:<action>` (else `denied`).
    async fn change_of_organization(
        &self,
        caller: &ActiveSession,
        org_id: &OrganizationId,
        action: &str,
        denied: OrgCode,
    ) -> Flow<WriteTx> {
        let tx = self.store().write().await?;
        organizations::lock(&tx, org_id).await?;
        let Some(member) = membership(&tx, org_id, caller).await? else {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        };
        if !member
            .role
            .allow(&PermissionRequest::one("organization", action))
        {
            return refuse(OrganizationError::forbidden(denied));
        }
        Ok(tx)
    }

    /// `organization/delete`: the owner deletes an organization with its members,
    /// invitations, teams and team members, in one transaction. A personal organization
    /// cannot be deleted.
    pub async fn delete_organization(
        &self,
        caller: &ActiveSession,
        organization_id: &str,
    ) -> Flow<Organization> {
        if !self.config().organization.deletion_enabled {
            return refuse(OrganizationError {
                refusal: Refusal::Disabled,
                body: super::Body::Coded(OrgCode::ORGANIZATION_DELETION_DISABLED),
            });
        }
        if organization_id.is_empty() {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        }
        let org_id = OrganizationId::unchecked(organization_id);
        let tx = self
            .change_of_organization(
                caller,
                &org_id,
                "delete",
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION,
            )
            .await?;
        let Some(org) = organizations::find(&tx, &org_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        if org.is_personal {
            return refuse(OrganizationError::forbidden(
                OrgCode::PERSONAL_ORGANIZATION_CANNOT_BE_DELETED,
            ));
        }
        let users = members::user_ids(&tx, &org_id).await?;
        organizations::delete(&tx, &org_id).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, &users, &mut touched).await?;
        self.commit_and_announce(tx, touched).await?;
        tracing::info!(organization_id = %org.id, user_id = %caller.user.id, "organization deleted");
        Ok(org)
    }

    /// `organization/set-active`: the organization the caller's session acts in (or none).
    /// Changing it leaves no active team behind.
    pub async fn set_active_organization(
        &self,
        caller: &ActiveSession,
        choice: ActiveChoice,
    ) -> Flow<Option<Organization>> {
        let session = &caller.session;
        let tx = self.active_change(caller).await?;
        let org_id = match choice {
            ActiveChoice::Nothing => {
                if session.active_organization_id.is_some() {
                    self.set_session_active(tx, caller, None, None).await?;
                }
                return Ok(None);
            }
            ActiveChoice::Current => match &session.active_organization_id {
                Some(id) => id.clone(),
                None => return Ok(None),
            },
            ActiveChoice::Id(id) => OrganizationId::unchecked(&id),
            ActiveChoice::Slug(slug) => match organizations::find_by_slug(&tx, &slug).await? {
                Some(org) => org.id,
                None => {
                    return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
                }
            },
        };
        if membership(&tx, &org_id, caller).await?.is_none() {
            return refuse(OrganizationError::forbidden(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        }
        let Some(org) = organizations::find(&tx, &org_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        let team = session
            .active_team_id
            .as_ref()
            .filter(|_| session.active_organization_id.as_ref() == Some(&org.id));
        self.set_session_active(tx, caller, Some(&org.id), team)
            .await?;
        Ok(Some(org))
    }

    /// A transaction for changing what the caller's session acts in, holding the user's lock,
    /// so a membership change committing meanwhile is either seen or sees this.
    pub(super) async fn active_change(&self, caller: &ActiveSession) -> Flow<WriteTx> {
        let tx = self.store().write().await?;
        users::lock(&tx, &caller.user.id).await?;
        Ok(tx)
    }

    /// Writes the session's active organization and team, commits, and reports the change.
    pub(super) async fn set_session_active(
        &self,
        tx: WriteTx,
        caller: &ActiveSession,
        org: Option<&OrganizationId>,
        team: Option<&TeamId>,
    ) -> Flow<()> {
        let session = &caller.session;
        sessions::set_active(&tx, &session.id, org, team, self.now()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.session_changed(&session.id, &session.user_id).await;
        Ok(())
    }

    /// The organization a read names (slug, else id, else the active one) and the caller's
    /// membership of it; `None` when nothing is named and none is active.
    async fn readable_organization(
        &self,
        caller: &ActiveSession,
        which: &OrganizationRef,
    ) -> Flow<Option<(Organization, Member)>> {
        let conn = self.store().conn();
        let slug = which.slug.as_deref().filter(|s| !s.is_empty());
        let found = if let Some(slug) = slug {
            organizations::find_by_slug(conn, slug).await?
        } else {
            match named_or_active(which.id.as_deref(), caller) {
                Some(id) => organizations::find(conn, &id).await?,
                None => return Ok(None),
            }
        };
        let Some(org) = found else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        match membership(conn, &org.id, caller).await? {
            Some(me) => Ok(Some((org, me))),
            None => refuse(OrganizationError::forbidden(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            )),
        }
    }

    /// `organization/get-organization`.
    pub async fn get_organization(
        &self,
        caller: &ActiveSession,
        which: &OrganizationRef,
    ) -> Flow<Option<Organization>> {
        Ok(self
            .readable_organization(caller, which)
            .await?
            .map(|(org, _)| org))
    }

    /// `organization/get-full-organization`: with members (at most `members_limit`, by
    /// default the membership limit), invitations (only for those who may invite; invitations
    /// as owner only for owners) and teams.
    pub async fn get_full_organization(
        &self,
        caller: &ActiveSession,
        which: &OrganizationRef,
        members_limit: Option<u64>,
    ) -> Flow<Option<FullOrganization>> {
        let Some((organization, me)) = self.readable_organization(caller, which).await? else {
            return Ok(None);
        };
        let conn = self.store().conn();
        let limit = crate::list_filter::page_size(
            members_limit,
            self.config().organization.membership_limit,
        );
        let members = members::all_with_users(conn, &organization.id, limit).await?;
        let invitations = visible_invitations(
            &me,
            invitations::list_for_organization(conn, &organization.id).await?,
        );
        let teams = teams::list(conn, &organization.id).await?;
        Ok(Some(FullOrganization {
            organization,
            members,
            invitations,
            teams,
        }))
    }

    /// `organization/list`: every organization the caller is a member of.
    pub async fn list_organizations(&self, caller: &ActiveSession) -> Flow<Vec<Organization>> {
        Ok(organizations::list_for_user(self.store().conn(), &caller.user.id).await?)
    }
}

/// The invitations `member` may see: none without the right to invite, and those that make
/// an owner only for owners.
pub(super) fn visible_invitations(member: &Member, all: Vec<Invitation>) -> Vec<Invitation> {
    if !member
        .role
        .allow(&PermissionRequest::one("invitation", "create"))
    {
        return Vec::new();
    }
    let owner = member.role.is_owner();
    all.into_iter()
        .filter(|inv| owner || !inv.role.is_owner())
        .collect()
}
