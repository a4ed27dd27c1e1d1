//! Organizations, their members, invitations and teams: better-auth's organization plugin
//! with teams, as flows over the store, plus team-level roles.
//!
//! Every flow that changes memberships, teams or an organization's name runs in one write
//! transaction that first locks the organization's row ([`organizations::lock`]), so the
//! rules that count (the last owner, the limits) hold under concurrent requests. In the same
//! transaction it rewrites the organization context of every affected user's sessions
//! ([`Auth::refresh_organizations`]); after the commit it reports them
//! ([`Auth::user_changed`]), so caches and cookie caches made before are not believed.
//!
//! Where better-auth has quirks, the flows follow them when a client could depend on them
//! (metadata as text in some answers, a 401 for some denials), and consciously not where
//! they are bugs; the README lists each difference.

mod context;
mod error;
mod invitations;
mod members;
mod orgs;
mod teams;

pub use error::{Body, OrgCode, OrganizationError, Refusal};
pub use invitations::{InvitationDetails, Invite};
pub use members::{MemberList, MemberListQuery};
pub use orgs::{
    ActiveChoice, CreateOrganization, FullOrganization, OrganizationRef, OrganizationUpdate,
};
pub use teams::{TeamChoice, TeamMembership};

use crate::{ActiveSession, Auth, AuthError};
use beep_domain::{Member, OrganizationId, PermissionRequest, TeamMember, UserId};
use beep_store::ConnectionTrait;
use beep_store::repos::members as member_repo;

/// Shorthand for the results of these flows.
type Flow<T> = Result<T, AuthError>;

/// A refusal as the flows return it.
fn refuse<T>(error: OrganizationError) -> Flow<T> {
    Err(AuthError::Organization(error))
}

/// The organization a request names: its own `organizationId` when given and not empty,
/// else the session's active organization.
fn named_or_active(explicit: Option<&str>, caller: &ActiveSession) -> Option<OrganizationId> {
    match explicit.filter(|id| !id.is_empty()) {
        Some(id) => Some(OrganizationId::unchecked(id)),
        None => caller.session.active_organization_id.clone(),
    }
}

/// The caller's membership of the organization, if any.
async fn membership(
    conn: &impl ConnectionTrait,
    org: &OrganizationId,
    caller: &ActiveSession,
) -> Flow<Option<Member>> {
    Ok(member_repo::find(conn, org, &caller.user.id).await?)
}

/// Whether a member may do this: by one of their organization roles, or by their roles in the
/// team the action is about (`team`).
fn may(member: &Member, team: Option<&TeamMember>, request: &PermissionRequest) -> bool {
    member.role.allow(request) || team.is_some_and(|t| t.role.allow_in_team(request))
}

/// Users whose sessions a committed change rewrote; they are reported after the commit.
#[derive(Debug, Default)]
pub(crate) struct Touched(Vec<UserId>);

impl Touched {
    fn user(&mut self, user: &UserId) {
        if !self.0.contains(user) {
            self.0.push(user.clone());
        }
    }

    async fn announce(self, auth: &Auth) {
        for user in &self.0 {
            auth.user_changed(user).await;
        }
    }
}
