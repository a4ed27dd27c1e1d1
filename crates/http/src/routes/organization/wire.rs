//! The JSON shapes of the organization routes, as better-auth's organization plugin sends
//! them: camelCase, ISO dates, roles comma-joined, an invitation's teams comma-joined.

use crate::wire::iso;
use beep_domain::{Invitation, Member, Organization, Team, TeamMember, User};
use serde::Serialize;
use utoipa::ToSchema;

/// An organization, its metadata as JSON text (list, get, get-full, set-active, delete).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationJson {
    /// `org_…`
    id: String,
    /// Display name.
    name: String,
    /// Unique URL name.
    slug: String,
    /// Logo URL, or `null`.
    #[schema(required = true)]
    logo: Option<String>,
    /// When it was created.
    #[schema(format = DateTime)]
    created_at: String,
    /// The metadata as JSON text, or `null` (better-auth sends it so from these routes).
    #[schema(required = true)]
    metadata: Option<String>,
}

impl From<&Organization> for OrganizationJson {
    fn from(org: &Organization) -> Self {
        Self {
            id: org.id.to_string(),
            name: org.name.clone(),
            slug: org.slug.clone(),
            logo: org.logo.clone(),
            created_at: iso(&org.audit.created_at),
            metadata: org.metadata.as_ref().map(ToString::to_string),
        }
    }
}

/// An organization, its metadata as a JSON object (create and update answer so).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationWithMetadata {
    /// `org_…`
    id: String,
    /// Display name.
    name: String,
    /// Unique URL name.
    slug: String,
    /// Logo URL, or `null`.
    #[schema(required = true)]
    logo: Option<String>,
    /// When it was created.
    #[schema(format = DateTime)]
    created_at: String,
    /// The metadata object (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    metadata: Option<serde_json::Value>,
}

impl From<&Organization> for OrganizationWithMetadata {
    fn from(org: &Organization) -> Self {
        Self {
            id: org.id.to_string(),
            name: org.name.clone(),
            slug: org.slug.clone(),
            logo: org.logo.clone(),
            created_at: iso(&org.audit.created_at),
            metadata: org.metadata.clone(),
        }
    }
}

/// A membership.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberJson {
    /// `mem_…`
    id: String,
    /// The organization.
    organization_id: String,
    /// The member.
    user_id: String,
    /// Roles, comma-joined (`admin,member`).
    role: String,
    /// When they joined.
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<&Member> for MemberJson {
    fn from(member: &Member) -> Self {
        Self {
            id: member.id.to_string(),
            organization_id: member.organization_id.to_string(),
            user_id: member.user_id.to_string(),
            role: member.role.stored(),
            created_at: iso(&member.audit.created_at),
        }
    }
}

/// The user of a membership, as much as other members see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberUser {
    /// `user_…`
    id: String,
    /// Display name.
    name: String,
    /// Email address.
    email: String,
    /// Avatar URL, or `null`.
    #[schema(required = true)]
    image: Option<String>,
}

/// A membership with its user.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberWithUser {
    #[serde(flatten)]
    member: MemberJson,
    /// The member's user.
    user: MemberUser,
}

impl From<&(Member, User)> for MemberWithUser {
    fn from((member, user): &(Member, User)) -> Self {
        Self {
            member: MemberJson::from(member),
            user: MemberUser {
                id: user.id.to_string(),
                name: user.name.clone(),
                email: user.email.to_string(),
                image: user.image.clone(),
            },
        }
    }
}

/// An invitation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationJson {
    /// `inv_…`
    id: String,
    /// The organization.
    organization_id: String,
    /// The invitee's address, lower-cased.
    email: String,
    /// Roles on joining, comma-joined.
    role: String,
    /// Teams on joining, comma-joined ids, or `null`.
    #[schema(required = true)]
    team_id: Option<String>,
    /// `pending`, `accepted`, `rejected` or `canceled`.
    status: String,
    /// When it can no longer be accepted.
    #[schema(format = DateTime)]
    expires_at: String,
    /// When it was made.
    #[schema(format = DateTime)]
    created_at: String,
    /// Who sent it.
    inviter_id: String,
}

impl From<&Invitation> for InvitationJson {
    fn from(inv: &Invitation) -> Self {
        let teams: Vec<&str> = inv.team_ids.iter().map(|t| t.as_str()).collect();
        Self {
            id: inv.id.to_string(),
            organization_id: inv.organization_id.to_string(),
            email: inv.email.to_string(),
            role: inv.role.stored(),
            team_id: (!teams.is_empty()).then(|| teams.join(",")),
            status: inv.status.as_str().to_owned(),
            expires_at: iso(&inv.expires_at),
            created_at: iso(&inv.audit.created_at),
            inviter_id: inv.inviter_id.to_string(),
        }
    }
}

/// A team.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamJson {
    /// `team_…`
    id: String,
    /// Display name.
    name: String,
    /// The organization.
    organization_id: String,
    /// When it was made.
    #[schema(format = DateTime)]
    created_at: String,
    /// When it last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

impl From<&Team> for TeamJson {
    fn from(team: &Team) -> Self {
        Self {
            id: team.id.to_string(),
            name: team.name.clone(),
            organization_id: team.organization_id.to_string(),
            created_at: iso(&team.audit.created_at),
            updated_at: iso(&team.audit.updated_at),
        }
    }
}

/// A team membership.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamMemberJson {
    /// `tmem_…`
    id: String,
    /// The team.
    team_id: String,
    /// The member.
    user_id: String,
    /// Roles within the team, comma-joined (beep-iam's team roles).
    role: String,
    /// When they joined.
    #[schema(format = DateTime)]
    created_at: String,
}

impl From<&TeamMember> for TeamMemberJson {
    fn from(m: &TeamMember) -> Self {
        Self {
            id: m.id.to_string(),
            team_id: m.team_id.to_string(),
            user_id: m.user_id.to_string(),
            role: m.role.stored(),
            created_at: iso(&m.audit.created_at),
        }
    }
}

/// `create`: the organization and its first member.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedOrganization {
    #[serde(flatten)]
    organization: OrganizationWithMetadata,
    /// The owner's membership.
    members: Vec<MemberJson>,
}

impl CreatedOrganization {
    /// The answer to create.
    pub fn new(org: &Organization, owner: &Member) -> Self {
        Self {
            organization: org.into(),
            members: vec![owner.into()],
        }
    }
}

/// `get-full-organization`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FullOrganizationJson {
    #[serde(flatten)]
    organization: OrganizationJson,
    /// Invitations in every status (empty for those who may not invite).
    invitations: Vec<InvitationJson>,
    /// Members with their users.
    members: Vec<MemberWithUser>,
    /// Teams.
    teams: Vec<TeamJson>,
}

impl From<&beep_core::organizations::FullOrganization> for FullOrganizationJson {
    fn from(full: &beep_core::organizations::FullOrganization) -> Self {
        Self {
            organization: (&full.organization).into(),
            invitations: full.invitations.iter().map(Into::into).collect(),
            members: full.members.iter().map(Into::into).collect(),
            teams: full.teams.iter().map(Into::into).collect(),
        }
    }
}

/// `list-members`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberPageJson {
    /// This page.
    pub members: Vec<MemberWithUser>,
    /// How many members the filter keeps in all.
    pub total: u64,
}

/// `{member}` (remove-member).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemovedMember {
    /// The membership that ended.
    pub member: MemberWithUser,
}

/// `{invitation, member}` (accept and reject).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnsweredInvitation {
    /// The invitation, answered.
    pub invitation: InvitationJson,
    /// The new membership (`null` after a rejection).
    #[schema(required = true)]
    pub member: Option<MemberJson>,
}

/// An invitation as its recipient sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationDetailsJson {
    #[serde(flatten)]
    invitation: InvitationJson,
    /// The organization's name.
    organization_name: String,
    /// The organization's slug.
    organization_slug: String,
    /// The inviter's address.
    inviter_email: String,
}

impl From<&beep_core::organizations::InvitationDetails> for InvitationDetailsJson {
    fn from(d: &beep_core::organizations::InvitationDetails) -> Self {
        Self {
            invitation: (&d.invitation).into(),
            organization_name: d.organization_name.clone(),
            organization_slug: d.organization_slug.clone(),
            inviter_email: d.inviter_email.clone(),
        }
    }
}

/// An invitation to the caller, with its organization's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserInvitationJson {
    #[serde(flatten)]
    invitation: InvitationJson,
    /// The organization's name (absent if it is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_name: Option<String>,
}

impl UserInvitationJson {
    /// One entry of list-user-invitations.
    pub fn new(inv: &Invitation, organization_name: Option<String>) -> Self {
        Self {
            invitation: inv.into(),
            organization_name,
        }
    }
}

/// `{role}` (get-active-member-role).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleJson {
    /// Roles, comma-joined.
    pub role: String,
}

/// `{error: null, success}` (has-permission).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PermissionJson {
    /// Always `null`.
    #[schema(value_type = Option<String>, required = true)]
    pub error: Option<()>,
    /// Whether the permission is granted.
    pub success: bool,
}

/// `{message}` (remove-team, remove-team-member).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageJson {
    /// What happened.
    pub message: &'static str,
}
