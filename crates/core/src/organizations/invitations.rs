//! Invitations: sent by mail through the outbox in the same transaction as the invitation,
//! answered only by the invited, verified address, each answered once.

use super::orgs::visible_invitations;
use super::{
    Flow, OrgCode, OrganizationError, Refusal, Touched, membership, named_or_active, refuse,
};
use crate::{ActiveSession, Auth};
use beep_domain::{
    Audit, Email, Invitation, InvitationId, InvitationStatus, Member, MemberId, MemberStatus,
    Organization, PermissionRequest, Roles, TeamId, TeamMember, TeamMemberId, User,
};
use beep_email::{Template, Vars};
use beep_store::repos::{invitations, members, organizations, sessions, teams, users};
use beep_store::{ConnectionTrait, StoreError};

/// What invite-member asks for.
#[derive(Debug, Clone, Default)]
pub struct Invite {
    /// The invitee's address, any case.
    pub email: String,
    /// The roles they get (each value may itself be comma-joined).
    pub role: Vec<String>,
    /// Which organization (else the active one).
    pub organization_id: Option<String>,
    /// Send a pending invitation to this address again, with a new expiry.
    pub resend: bool,
    /// The teams they join on accepting.
    pub team_ids: Vec<String>,
}

/// An invitation as its recipient sees it.
#[derive(Debug, Clone)]
pub struct InvitationDetails {
    /// The invitation.
    pub invitation: Invitation,
    /// Its organization's name.
    pub organization_name: String,
    /// Its organization's slug.
    pub organization_slug: String,
    /// Who sent it.
    pub inviter_email: String,
}

fn recipient_check(invitation: &Invitation, user: &User) -> Flow<()> {
    if invitation.email != user.email {
        return refuse(OrganizationError::forbidden(
            OrgCode::YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION,
        ));
    }
    Ok(())
}

/// Only a verified address may answer an invitation: anyone can sign up with an address
/// they do not own, and must not join (or turn down) an organization in its name.
fn verified_check(user: &User, code: OrgCode) -> Flow<()> {
    if !user.email_verified {
        return refuse(OrganizationError::forbidden(code));
    }
    Ok(())
}

/// The teams an invitation names, checked against the organization: no commas in an id,
/// each a team of it, each once.
async fn invited_teams(
    conn: &impl ConnectionTrait,
    org: &Organization,
    raw: &[String],
) -> Flow<Vec<TeamId>> {
    let mut ids: Vec<TeamId> = Vec::new();
    for id in raw.iter().filter(|id| !id.is_empty()) {
        if id.contains(',') {
            return refuse(OrganizationError::invalid(OrgCode::INVALID_TEAM_ID));
        }
        let Some(team) = teams::find_in(conn, &org.id, id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
        };
        if !ids.contains(&team.id) {
            ids.push(team.id);
        }
    }
    Ok(ids)
}

impl Auth {
    /// `organization/invite-member`: owners and admins invite; only owners invite owners.
    /// The invitation and its mail are written in one transaction.
    pub async fn invite_member(&self, caller: &ActiveSession, input: Invite) -> Flow<Invitation> {
        let Some(org_id) = named_or_active(input.organization_id.as_deref(), caller) else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        let email = Email::parse(&input.email)?;
        let tx = self.store().write().await?;
        organizations::lock(&tx, &org_id).await?;
        let Some(me) = membership(&tx, &org_id, caller).await? else {
            return refuse(OrganizationError::invalid(OrgCode::MEMBER_NOT_FOUND));
        };
        if !me
            .role
            .allow(&PermissionRequest::one("invitation", "create"))
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION,
            ));
        }
        let roles = Roles::parse(input.role.iter().map(String::as_str));
        if roles.is_empty() {
            return refuse(OrganizationError::invalid(OrgCode::ROLE_NOT_FOUND));
        }
        let unknown = roles.unknown();
        if !unknown.is_empty() {
            return refuse(OrganizationError::unknown_roles(&unknown, false));
        }
        let may_not_make = || {
            OrganizationError::forbidden(OrgCode::YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE)
        };
        if roles.is_owner() && !me.role.is_owner() {
            return refuse(may_not_make());
        }
        if members::find_by_email(&tx, &org_id, email.as_str())
            .await?
            .is_some()
        {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
            ));
        }
        let now = self.now();
        let pending = invitations::pending_for(&tx, &org_id, &email, now).await?;
        if !pending.is_empty() && !input.resend {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION,
            ));
        }
        let Some(org) = organizations::find(&tx, &org_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        let expires_at = now + self.config().organization.invitation_expires_in;
        if let Some(existing) = pending.into_iter().next() {
            // A resend renews the invitation as it was made; the request's roles and teams
            // do not change it (as in better-auth).
            if existing.role.is_owner() && !me.role.is_owner() {
                return refuse(may_not_make());
            }
            invitations::extend(&tx, &existing.id, expires_at, &caller.user.id, now).await?;
            let invitation = Invitation {
                expires_at,
                ..existing
            };
            if self.may_mail(&tx, &email, &[Template::Invitation]).await? {
                self.queue_invitation(&tx, &invitation, &org, &caller.user)
                    .await?;
            }
            self.commit_with_mail(tx).await?;
            return Ok(invitation);
        }
        if invitations::count_pending(&tx, &org_id, now).await?
            >= self.config().organization.invitation_limit
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::INVITATION_LIMIT_REACHED,
            ));
        }
        let team_ids = invited_teams(&tx, &org, &input.team_ids).await?;
        // No invitation without its mail: past the per-recipient mail limit, none is made.
        if !self.may_mail(&tx, &email, &[Template::Invitation]).await? {
            let window = self.config().email.recipient_window.num_seconds();
            return Err(crate::AuthError::TooManyAttempts {
                retry_after_secs: u64::try_from(window).unwrap_or(600),
            });
        }
        let invitation = Invitation {
            id: InvitationId::generate(),
            organization_id: org.id.clone(),
            email,
            role: roles,
            team_ids,
            status: InvitationStatus::Pending,
            expires_at,
            inviter_id: caller.user.id.clone(),
            audit: Audit::created(now, Some(caller.user.id.as_str())),
        };
        invitations::insert(&tx, &invitation).await?;
        self.queue_invitation(&tx, &invitation, &org, &caller.user)
            .await?;
        self.commit_with_mail(tx).await?;
        tracing::info!(organization_id = %org.id, invitation_id = %invitation.id, "member invited");
        Ok(invitation)
    }

    /// Queues the invitation mail in `conn`'s transaction.
    async fn queue_invitation(
        &self,
        conn: &impl ConnectionTrait,
        invitation: &Invitation,
        org: &Organization,
        inviter: &User,
    ) -> Result<(), StoreError> {
        let url = self
            .config()
            .organization
            .invitation_url
            .replace("{id}", invitation.id.as_str());
        let vars = Vars {
            url: Some(url),
            organization: Some(org.name.clone()),
            inviter: Some(format!("{} ({})", inviter.name, inviter.email)),
            ..Vars::default()
        };
        self.queue_mail(
            conn,
            Template::Invitation,
            &invitation.email,
            vars,
            Some(&inviter.id),
        )
        .await
    }

    /// The pending, unexpired invitation with this id.
    async fn open_invitation(&self, id: &str) -> Flow<Invitation> {
        let found = invitations::find(self.store().conn(), &InvitationId::unchecked(id)).await?;
        match found {
            Some(inv) if inv.status == InvitationStatus::Pending && inv.expires_at > self.now() => {
                Ok(inv)
            }
            _ => refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND)),
        }
    }

    /// `organization/accept-invitation`: the invited, verified user joins with the invited
    /// roles and teams, once, and their session acts in the organization.
    pub async fn accept_invitation(
        &self,
        caller: &ActiveSession,
        invitation_id: &str,
    ) -> Flow<(Invitation, Member)> {
        let invitation = self.open_invitation(invitation_id).await?;
        recipient_check(&invitation, &caller.user)?;
        verified_check(
            &caller.user,
            OrgCode::EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION,
        )?;
        let user = &caller.user;
        let tx = self.store().write().await?;
        if !organizations::lock(&tx, &invitation.organization_id).await? {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        }
        users::lock(&tx, &user.id).await?;
        // Read again under the lock: what was read before may have been answered, or lost a
        // team, meanwhile.
        let invitation = match invitations::find(&tx, &invitation.id).await? {
            Some(inv) if inv.status == InvitationStatus::Pending => inv,
            _ => return refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND)),
        };
        let org_id = &invitation.organization_id;
        // An invitation is only as good as its inviter's standing.
        if members::find(&tx, org_id, &invitation.inviter_id)
            .await?
            .is_none()
        {
            return refuse(OrganizationError::invalid(
                OrgCode::INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        }
        if members::find(&tx, org_id, &user.id).await?.is_some() {
            return refuse(OrganizationError::invalid(
                OrgCode::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
            ));
        }
        if members::count(&tx, org_id).await? >= self.config().organization.membership_limit {
            return refuse(OrganizationError::forbidden(
                OrgCode::ORGANIZATION_MEMBERSHIP_LIMIT_REACHED,
            ));
        }
        let now = self.now();
        if !invitations::answer(
            &tx,
            &invitation.id,
            InvitationStatus::Accepted,
            &user.id,
            now,
        )
        .await?
        {
            return refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND));
        }
        let actor = Some(user.id.as_str());
        for team_id in &invitation.team_ids {
            if teams::find_in(&tx, org_id, team_id.as_str())
                .await?
                .is_none()
            {
                return refuse(OrganizationError::invalid(OrgCode::TEAM_NOT_FOUND));
            }
            if teams::member(&tx, team_id, &user.id).await?.is_none() {
                let joined = TeamMember {
                    id: TeamMemberId::generate(),
                    team_id: team_id.clone(),
                    user_id: user.id.clone(),
                    role: Roles::parse(["member"]),
                    audit: Audit::created(now, actor),
                };
                teams::insert_member(&tx, &joined).await?;
            }
        }
        let member = Member {
            id: MemberId::generate(),
            organization_id: org_id.clone(),
            user_id: user.id.clone(),
            role: invitation.role.clone(),
            status: MemberStatus::Active,
            audit: Audit::created(now, actor),
        };
        members::insert(&tx, &member).await?;
        let team = match invitation.team_ids.as_slice() {
            [only] => Some(only),
            _ => None,
        };
        sessions::set_active(&tx, &caller.session.id, Some(org_id), team, now).await?;
        let mut touched = Touched::default();
        self.refresh_all(&tx, std::slice::from_ref(&user.id), &mut touched)
            .await?;
        self.commit_and_announce(tx, touched).await?;
        tracing::info!(organization_id = %org_id, user_id = %user.id, "invitation accepted");
        let accepted = Invitation {
            status: InvitationStatus::Accepted,
            ..invitation
        };
        Ok((accepted, member))
    }

    /// `organization/reject-invitation`: the invited, verified user declines.
    pub async fn reject_invitation(
        &self,
        caller: &ActiveSession,
        invitation_id: &str,
    ) -> Flow<Invitation> {
        let conn = self.store().conn();
        let not_found = || OrganizationError {
            refusal: Refusal::Invalid,
            body: super::Body::CodedWith(
                OrgCode::INVITATION_NOT_FOUND,
                "Invitation not found!".to_owned(),
            ),
        };
        let invitation =
            match invitations::find(conn, &InvitationId::unchecked(invitation_id)).await? {
                Some(inv) if inv.status == InvitationStatus::Pending => inv,
                _ => return refuse(not_found()),
            };
        recipient_check(&invitation, &caller.user)?;
        verified_check(
            &caller.user,
            OrgCode::EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION,
        )?;
        if organizations::find(conn, &invitation.organization_id)
            .await?
            .is_none()
        {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        }
        let now = self.now();
        let rejected = InvitationStatus::Rejected;
        if !invitations::answer(conn, &invitation.id, rejected, &caller.user.id, now).await? {
            return refuse(not_found());
        }
        Ok(Invitation {
            status: rejected,
            ..invitation
        })
    }

    /// `organization/cancel-invitation`: owners and admins withdraw a pending invitation.
    pub async fn cancel_invitation(
        &self,
        caller: &ActiveSession,
        invitation_id: &str,
    ) -> Flow<Invitation> {
        let conn = self.store().conn();
        let Some(invitation) =
            invitations::find(conn, &InvitationId::unchecked(invitation_id)).await?
        else {
            return refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND));
        };
        // To someone outside its organization, an invitation is not there at all
        // (better-auth: MEMBER_NOT_FOUND, which tells existing ids from others).
        let Some(me) = membership(conn, &invitation.organization_id, caller).await? else {
            return refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND));
        };
        if !me
            .role
            .allow(&PermissionRequest::one("invitation", "cancel"))
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION,
            ));
        }
        let canceled = InvitationStatus::Canceled;
        let now = self.now();
        if !invitations::answer(conn, &invitation.id, canceled, &caller.user.id, now).await? {
            return refuse(OrganizationError::invalid(OrgCode::INVITATION_NOT_FOUND));
        }
        Ok(Invitation {
            status: canceled,
            ..invitation
        })
    }

    /// `organization/get-invitation`: a pending invitation, for its verified recipient.
    pub async fn get_invitation(
        &self,
        caller: &ActiveSession,
        invitation_id: &str,
    ) -> Flow<InvitationDetails> {
        let invitation = self.open_invitation(invitation_id).await?;
        recipient_check(&invitation, &caller.user)?;
        verified_check(
            &caller.user,
            OrgCode::EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION,
        )?;
        let conn = self.store().conn();
        let Some(org) = organizations::find(conn, &invitation.organization_id).await? else {
            return refuse(OrganizationError::invalid(OrgCode::ORGANIZATION_NOT_FOUND));
        };
        let inviter_member = members::find(conn, &org.id, &invitation.inviter_id).await?;
        let inviter = users::find_by_id(conn, &invitation.inviter_id).await?;
        let (Some(_), Some(inviter)) = (inviter_member, inviter) else {
            return refuse(OrganizationError::invalid(
                OrgCode::INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        };
        Ok(InvitationDetails {
            invitation,
            organization_name: org.name,
            organization_slug: org.slug,
            inviter_email: inviter.email.to_string(),
        })
    }

    /// `organization/list-invitations`: every invitation of the organization, for those who
    /// may invite (invitations as owner only for owners).
    pub async fn list_invitations(
        &self,
        caller: &ActiveSession,
        organization_id: Option<&str>,
    ) -> Flow<Vec<Invitation>> {
        let Some(org_id) = named_or_active(organization_id, caller) else {
            return refuse(OrganizationError::message(
                Refusal::Invalid,
                "Organization ID is required",
            ));
        };
        let conn = self.store().conn();
        let Some(me) = membership(conn, &org_id, caller).await? else {
            return refuse(OrganizationError::message(
                Refusal::Forbidden,
                "You are not a member of this organization",
            ));
        };
        if !me
            .role
            .allow(&PermissionRequest::one("invitation", "create"))
        {
            return refuse(OrganizationError::forbidden(
                OrgCode::YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS,
            ));
        }
        let all = invitations::list_for_organization(conn, &org_id).await?;
        Ok(visible_invitations(&me, all))
    }

    /// `organization/list-user-invitations`: the pending, unexpired invitations to the
    /// caller's verified address, with each organization's name.
    pub async fn list_user_invitations(
        &self,
        caller: &ActiveSession,
    ) -> Flow<Vec<(Invitation, Option<String>)>> {
        verified_check(
            &caller.user,
            OrgCode::EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION,
        )?;
        let found =
            invitations::pending_for_email(self.store().conn(), &caller.user.email, self.now())
                .await?;
        Ok(found
            .into_iter()
            .map(|(inv, org)| (inv, org.map(|o| o.name)))
            .collect())
    }
}
