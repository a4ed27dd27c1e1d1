//! Teams: create, list, rename, remove, the active team, and team members with their team
//! roles. A team admin (a team-level role, beep-iam's addition) may rename the team and
//! manage its members without being an organization admin.

use super::orgs::check_name;
use super::{Flow, OrgCode, OrganizationError, Touched, may, membership, named_or_active, refuse};
use crate::{ActiveSession, Auth, AuthError};
use beep_domain::{
    Audit, Member, OrganizationId, PermissionRequest, Roles, Team, TeamId, TeamMember,
    TeamMemberId, UserId,
};
use beep_store::StoreError;
use beep_store::repos::{invitations, members, organizations, sessions, teams};

/// Which team set-active-team is to make active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamChoice {
    /// None (`teamId: null`).
    Nothing,
    /// The one already active (no id given).
    Current,
    /// The one with this id.
    Id(String),
}

/// What adding someone to a team, or changing their team roles, names.
#[derive(Debug, Clone, Default)]
pub struct TeamMembership {
    /// The team.
    pub team_id: String,
    /// The user.
    pub user_id: String,
    /// Which organization (else the active one).
    pub organization_id: Option<String>,
    /// Their roles in the team (`admin`, `member`); empty: `member`.
    pub role: Vec<String>,
}

impl Auth {
    /// The organization a team request names and the caller's membership of it, or `refusal`
    /// when they have none; `NO_ACTIVE_ORGANIZATION` when none is named or active.
    async fn team_organization(
        &self,
        conn: &impl beep_store::ConnectionTrait,
        caller: &ActiveSession,
        organization_id: Option<&str>,
        not_a_member: OrganizationError,
    ) -> Flow<(OrganizationId, Member)> {
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        match membership(conn, &org_id, caller).await? {
            Some(member) => Ok((org_id, member)),
            None => refuse(not_a_member),
        }
    }

    /// `organization/create-team`: owners and admins create teams (the creator is not put in
    /// them).
    pub async fn create_team(
        &self,
        caller: &ActiveSession,
        name: &str,
        organization_id: Option<&str>,
    ) -> Flow<Team> {
        let name = check_name("name", name)?;
        let tx = self.store().write().await?;
        if let Some(org_id) = named_or_active(organization_id, caller) {
            organizations::lock(&tx, &org_id).await?;
        }
        let (org_id, me) = self
            .team_organization(
                &tx,
                caller,
                organization_id,
                OrganizationError::forbidden(
                    OrgCode::YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION,
                ),
            )
            .await?;
        if !me.role.allow(&PermissionRequest::one("team", "create")) {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION,
            ));
        }
        let now = self.now();
        let team = Team {
            id: TeamId::generate(),
            name,
            organization_id: org_id,
            audit: Audit::created(now, Some(caller.user.id.as_str())),
        };
        teams::insert(&tx, &team).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(team)
    }

    /// `organization/list-teams`: any member lists the organization's teams.
    pub async fn list_teams(
        &self,
        caller: &ActiveSession,
        organization_id: Option<&str>,
    ) -> Flow<Vec<Team>> {
        let conn = self.store().conn();
        let (org_id, _) = self
            .team_organization(
                conn,
                caller,
                organization_id,
                OrganizationError::forbidden(
                    OrgCode::YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION,
                ),
            )
            .await?;
        Ok(teams::list(conn, &org_id).await?)
    }

    /// `organization/update-team`: owners, admins and the team's admins rename it.
    pub async fn update_team(
        &self,
        caller: &ActiveSession,
        team_id: &str,
        name: Option<&str>,
        organization_id: Option<&str>,
    ) -> Flow<Team> {
        let name = name.map(|n| check_name("data.name", n)).transpose()?;
        let tx = self.store().write().await?;
        if let Some(org_id) = named_or_active(organization_id, caller) {
            organizations::lock(&tx, &org_id).await?;
        }
        let not_allowed =
            || OrganizationError::forbidden(OrgCode::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM);
        let (org_id, me) = self
            .team_organization(&tx, caller, organization_id, not_allowed())
            .await?;
        let team_id = TeamId::unchecked(team_id);
        let in_team = teams::member(&tx, &team_id, &caller.user.id).await?;
        if !may(
            &me,
            in_team.as_ref(),
            &PermissionRequest::one("team", "update"),
        ) {
            return refuse(not_allowed());
        }
        if teams::find_in(&tx, &org_id, team_id.as_str())
            .await?
            .is_none()
        {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        }
        teams::rename(&tx, &team_id, name.as_deref(), &caller.user.id, self.now()).await?;
        let team = teams::find(&tx, team_id.as_str())
            .await?
            .ok_or_else(|| AuthError::from(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND)))?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(team)
    }

    /// `organization/remove-team`: owners and admins remove a team (never the last one, nor
    /// the one their own session acts in). Sessions acting in it act in no team after.
    pub async fn remove_team(
        &self,
        caller: &ActiveSession,
        team_id: &str,
        organization_id: Option<&str>,
    ) -> Flow<()> {
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let me = membership(&tx, &org_id, caller).await?;
        let own_active = caller
            .session
            .active_team_id
            .as_ref()
            .is_some_and(|t| t.as_str() == team_id);
        let Some(me) = me.filter(|_| !own_active) else {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM,
            ));
        };
        if !me.role.allow(&PermissionRequest::one("team", "delete")) {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION,
            ));
        }
        let Some(team) = teams::find_in(&tx, &org_id, team_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        };
        if teams::count(&tx, &org_id).await? <= 1 {
            return refuse(OrganizationError::invalid(
                OrgCode::UNABLE_TO_REMOVE_LAST_TEAM,
            ));
        }
        let acting_in_it = sessions::users_in_team(&tx, &team.id).await?;
        teams::delete(&tx, &team.id).await?;
        invitations::forget_team(&tx, &org_id, &team.id).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, &acting_in_it, &mut touched).await?;
        self.commit_and_announce(tx, touched).await?;
        Ok(())
    }

    /// `organization/set-active-team`: a team of the active organization the caller is in
    /// (or none).
    pub async fn set_active_team(
        &self,
        caller: &ActiveSession,
        choice: TeamChoice,
    ) -> Flow<Option<Team>> {
        let session = &caller.session;
        let tx = self.active_change(caller).await?;
        let team_id = match choice {
            TeamChoice::Nothing => {
                if session.active_team_id.is_some() {
                    let org = session.active_organization_id.as_ref();
                    self.set_session_active(tx, caller, org, None).await?;
                }
                return Ok(None);
            }
            TeamChoice::Current => match &session.active_team_id {
                Some(id) => id.to_string(),
                None => return Ok(None),
            },
            TeamChoice::Id(id) => id,
        };
        let Some(org_id) = &session.active_organization_id else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let Some(team) = teams::find_in(&tx, org_id, &team_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        };
        if teams::member(&tx, &team.id, &caller.user.id)
            .await?
            .is_none()
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_TEAM,
            ));
        }
        self.set_session_active(tx, caller, Some(org_id), Some(&team.id))
            .await?;
        Ok(Some(team))
    }

    /// `organization/list-user-teams`: the caller's teams (in one organization, or all), or
    /// another member's teams for those who may update members.
    pub async fn list_user_teams(
        &self,
        caller: &ActiveSession,
        user_id: Option<&str>,
        organization_id: Option<&str>,
    ) -> Flow<Vec<Team>> {
        let conn = self.store().conn();
        let not_a_member =
            || OrganizationError::forbidden(OrgCode::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION);
        let other = user_id.filter(|id| !id.is_empty() && *id != caller.user.id.as_str());
        if let Some(other) = other {
            let (org_id, me) = self
                .team_organization(conn, caller, organization_id, not_a_member())
                .await?;
            if !me.role.allow(&PermissionRequest::one("member", "update")) {
                return refuse(OrganizationError::forbidden(
                    OrgCode::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER,
                ));
            }
            let other = UserId::unchecked(other);
            if members::find(conn, &org_id, &other).await?.is_none() {
                return refuse(OrganizationError::invalid(
                    OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
                ));
            }
            return Ok(teams::of_user(conn, &other, Some(&org_id)).await?);
        }
        match organization_id.filter(|id| !id.is_empty()) {
            Some(org_id) => {
                let org_id = OrganizationId::unchecked(org_id);
                if membership(conn, &org_id, caller).await?.is_none() {
                    return refuse(not_a_member());
                }
                Ok(teams::of_user(conn, &caller.user.id, Some(&org_id)).await?)
            }
            None => Ok(teams::of_user(conn, &caller.user.id, None).await?),
        }
    }

    /// `organization/list-team-members`: the members of a team the caller is in (by default
    /// the active team).
    pub async fn list_team_members(
        &self,
        caller: &ActiveSession,
        team_id: Option<&str>,
    ) -> Flow<Vec<TeamMember>> {
        let team_id = match team_id.filter(|id| !id.is_empty()) {
            Some(id) => id.to_owned(),
            None => match &caller.session.active_team_id {
                Some(id) => id.to_string(),
                None => {
                    return refuse(OrganizationError::invalid(
                        OrgCode::YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM,
                    ));
                }
            },
        };
        let conn = self.store().conn();
        let Some(team) = teams::find(conn, &team_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        };
        let not_in_team = || OrganizationError::invalid(OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_TEAM);
        if membership(conn, &team.organization_id, caller)
            .await?
            .is_none()
            || teams::member(conn, &team.id, &caller.user.id)
                .await?
                .is_none()
        {
            return refuse(not_in_team());
        }
        Ok(teams::members(conn, &team.id).await?)
    }

    /// `organization/add-team-member`: owners, admins and the team's admins add a member of
    /// the organization to a team (again: the membership as it is).
    pub async fn add_team_member(
        &self,
        caller: &ActiveSession,
        input: &TeamMembership,
    ) -> Flow<TeamMember> {
        let roles = team_roles(&input.role)?;
        let (tx, org_id) = self
            .team_change(
                caller,
                input,
                "update",
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER,
            )
            .await?;
        let team_id = TeamId::unchecked(&input.team_id);
        let user_id = UserId::unchecked(&input.user_id);
        if let Some(existing) = teams::member(&tx, &team_id, &user_id).await? {
            return Ok(existing);
        }
        let now = self.now();
        let joined = TeamMember {
            id: TeamMemberId::generate(),
            team_id,
            user_id,
            role: roles,
            audit: Audit::created(now, Some(caller.user.id.as_str())),
        };
        teams::insert_member(&tx, &joined).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&joined.user_id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        tracing::info!(organization_id = %org_id, team_id = %joined.team_id, "team member added");
        Ok(joined)
    }

    /// `organization/remove-team-member`: owners, admins and the team's admins take someone
    /// out of a team; a session acting in that team acts in none after.
    pub async fn remove_team_member(
        &self,
        caller: &ActiveSession,
        input: &TeamMembership,
    ) -> Flow<()> {
        let (tx, _) = self
            .team_change(
                caller,
                input,
                "delete",
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER,
            )
            .await?;
        let team_id = TeamId::unchecked(&input.team_id);
        let user_id = UserId::unchecked(&input.user_id);
        if !teams::remove_member(&tx, &team_id, &user_id).await? {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_TEAM,
            ));
        }
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&user_id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        Ok(())
    }

    /// `organization/update-team-member-role` (beep-iam): owners, admins and the team's
    /// admins set someone's roles within a team.
    pub async fn update_team_member_role(
        &self,
        caller: &ActiveSession,
        input: &TeamMembership,
    ) -> Flow<TeamMember> {
        if Roles::parse(input.role.iter().map(String::as_str)).is_empty() {
            return refuse(OrganizationError::invalid(OrgCode::ROLE_NOT_FOUND));
        }
        let roles = team_roles(&input.role)?;
        let (tx, _) = self
            .team_change(
                caller,
                input,
                "update",
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER,
            )
            .await?;
        let team_id = TeamId::unchecked(&input.team_id);
        let user_id = UserId::unchecked(&input.user_id);
        let Some(current) = teams::member(&tx, &team_id, &user_id).await? else {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_TEAM,
            ));
        };
        let now = self.now();
        teams::set_member_roles(&tx, &team_id, &user_id, &roles, &caller.user.id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TeamMember {
            role: roles,
            ..current
        })
    }

    /// The checks every change of a team's members makes, in better-auth's order, inside a
    /// transaction holding the organization's lock: the caller is a member; one of their
    /// roles (or their role in that team) allows `member:<action>`; the user is a member of
    /// the organization; the team is one of its teams.
    async fn team_change(
        &self,
        caller: &ActiveSession,
        input: &TeamMembership,
        action: &str,
        denied: OrgCode,
    ) -> Flow<(beep_store::WriteTx, OrganizationId)> {
        let Some(org_id) = named_or_active(input.organization_id.as_deref(), caller) else {
            return refuse(OrganizationError::invalid(OrgCode::NO_ACTIVE_ORGANIZATION));
        };
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let not_a_member =
            || OrganizationError::invalid(OrgCode::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION);
        let Some(me) = membership(&tx, &org_id, caller).await? else {
            return refuse(not_a_member());
        };
        let team_id = TeamId::unchecked(&input.team_id);
        let in_team = teams::member(&tx, &team_id, &caller.user.id).await?;
        if !may(
            &me,
            in_team.as_ref(),
            &PermissionRequest::one("member", action),
        ) {
            return refuse(OrganizationError::forbidden(denied));
        }
        let user_id = UserId::unchecked(&input.user_id);
        if members::find(&tx, &org_id, &user_id).await?.is_none() {
            return refuse(not_a_member());
        }
        if teams::find_in(&tx, &org_id, &input.team_id)
            .await?
            .is_none()
        {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        }
        Ok((tx, org_id))
    }
}

/// Team roles from a request: `member` when none are given; only team roles.
fn team_roles(values: &[String]) -> Flow<Roles> {
    let roles = Roles::parse(values.iter().map(String::as_str));
    if roles.is_empty() {
        return Ok(Roles::parse(["member"]));
    }
    let unknown = roles.unknown_in_team();
    if !unknown.is_empty() {
        return refuse(OrganizationError::unknown_roles(&unknown, true));
    }
    Ok(roles)
}
