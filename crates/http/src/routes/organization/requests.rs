//! What the organization routes read: one type per body or query string, read by serde and
//! described in the OpenAPI document by its `ToSchema` derive. Unknown fields are ignored,
//! as better-auth's zod objects strip them.

use crate::typed_body::{Checked, OneOrMany, one_permission_set, present, too_short};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// `POST /organization/create`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationBody {
    /// Display name (at least one character).
    pub name: String,
    /// Unique URL name (at least one character, no spaces; case-sensitive).
    pub slug: String,
    /// Logo URL.
    #[serde(default)]
    pub logo: Option<String>,
    /// Free-form JSON object, returned as given.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// `true` leaves the session's active organization and team as they are.
    #[serde(default)]
    pub keep_current_active_organization: Option<bool>,
}

impl Checked for CreateOrganizationBody {
    fn check(&self) -> Vec<String> {
        let mut issues = Vec::new();
        if self.name.is_empty() {
            issues.push(too_short("name"));
        }
        if self.slug.is_empty() {
            issues.push(too_short("slug"));
        }
        issues
    }
}

/// `POST /organization/check-slug`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckSlugBody {
    /// The slug to check.
    pub slug: String,
}

impl Checked for CheckSlugBody {}

/// The fields `POST /organization/update` may change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganizationChanges {
    /// New name (at least one character).
    #[serde(default)]
    pub name: Option<String>,
    /// New slug (at least one character).
    #[serde(default)]
    pub slug: Option<String>,
    /// New logo URL; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub logo: Option<Option<String>>,
    /// New metadata.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /organization/update`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrganizationBody {
    /// What to change.
    pub data: OrganizationChanges,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl Checked for UpdateOrganizationBody {
    fn check(&self) -> Vec<String> {
        let mut issues = Vec::new();
        if self.data.name.as_deref() == Some("") {
            issues.push(too_short("data.name"));
        }
        if self.data.slug.as_deref() == Some("") {
            issues.push(too_short("data.slug"));
        }
        issues
    }
}

/// A body naming one organization, required (`delete`, `leave`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationIdBody {
    /// The organization.
    pub organization_id: String,
}

impl Checked for OrganizationIdBody {}

/// `POST /organization/set-active`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetActiveBody {
    /// The organization to act in; `null` for none. Without it (and without a slug) the
    /// active one is checked again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub organization_id: Option<Option<String>>,
    /// The organization to act in, by slug (the id wins when both are given).
    #[serde(default)]
    pub organization_slug: Option<String>,
}

impl Checked for SetActiveBody {}

/// The query naming an organization to read: slug, else id, else the active one.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    /// The organization's id (default: the active one).
    pub organization_id: Option<String>,
    /// The organization's slug (wins over the id).
    pub organization_slug: Option<String>,
}

/// `GET /organization/get-full-organization`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct FullOrganizationQuery {
    /// The organization's id (default: the active one).
    pub organization_id: Option<String>,
    /// The organization's slug (wins over the id).
    pub organization_slug: Option<String>,
    /// At most this many members (default: the membership limit, 100).
    pub members_limit: Option<u64>,
}

/// `POST /organization/invite-member`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteMemberBody {
    /// The invitee's address.
    pub email: String,
    /// Their role or roles: `owner`, `admin`, `member` (only owners invite owners).
    pub role: OneOrMany,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Send the pending invitation to this address again, with a new expiry.
    #[serde(default)]
    pub resend: Option<bool>,
    /// The team or teams they join on accepting.
    #[serde(default)]
    pub team_id: Option<OneOrMany>,
}

impl Checked for InviteMemberBody {}

/// A body naming one invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationIdBody {
    /// The invitation.
    pub invitation_id: String,
}

impl Checked for InvitationIdBody {}

/// `GET /organization/get-invitation`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationQuery {
    /// The invitation.
    pub id: Option<String>,
}

/// A query naming an organization by id only.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrganizationIdQuery {
    /// The organization (default: the active one).
    pub organization_id: Option<String>,
}

/// `GET /organization/list-user-invitations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserInvitationsQuery {
    /// For server calls only; a client may not name an address.
    pub email: Option<String>,
}

/// `POST /organization/remove-member`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoveMemberBody {
    /// The member's id, or their user's email.
    pub member_id_or_email: String,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl Checked for RemoveMemberBody {}

/// `POST /organization/update-member-role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMemberRoleBody {
    /// The new role or roles.
    pub role: OneOrMany,
    /// The member.
    pub member_id: String,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl Checked for UpdateMemberRoleBody {}

/// `GET /organization/get-active-member-role`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MemberRoleQuery {
    /// Another member's user id (default: the caller).
    pub user_id: Option<String>,
    /// The organization's id (default: the active one).
    pub organization_id: Option<String>,
    /// The organization's slug (wins over the id).
    pub organization_slug: Option<String>,
}

/// `POST /organization/has-permission`: `permissions` (or better-auth's older
/// `permission`), not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HasPermissionBody {
    /// Resources and the actions wanted on each, e.g. `{"member": ["create"]}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permissions: Option<BTreeMap<String, Vec<String>>>,
    /// The same, under better-auth's older name.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub permission: Option<BTreeMap<String, Vec<String>>>,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// A team of it: the caller's roles in that team count too (beep-iam).
    #[serde(default)]
    pub team_id: Option<String>,
}

impl Checked for HasPermissionBody {
    fn check(&self) -> Vec<String> {
        one_permission_set(self.permissions.as_ref(), self.permission.as_ref())
    }
}

/// `POST /organization/create-team`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamBody {
    /// The team's name (at least one character).
    pub name: String,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl Checked for CreateTeamBody {
    fn check(&self) -> Vec<String> {
        if self.name.is_empty() {
            vec![too_short("name")]
        } else {
            Vec::new()
        }
    }
}

/// What `POST /organization/update-team` changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamChanges {
    /// New name (at least one character).
    #[serde(default)]
    pub name: Option<String>,
    /// Which organization the team is in (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

/// `POST /organization/update-team`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTeamBody {
    /// The team.
    pub team_id: String,
    /// What to change.
    pub data: TeamChanges,
}

impl Checked for UpdateTeamBody {
    fn check(&self) -> Vec<String> {
        if self.data.name.as_deref() == Some("") {
            vec![too_short("data.name")]
        } else {
            Vec::new()
        }
    }
}

/// `POST /organization/remove-team`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemoveTeamBody {
    /// The team.
    pub team_id: String,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl Checked for RemoveTeamBody {}

/// `POST /organization/set-active-team`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetActiveTeamBody {
    /// A team of the active organization the caller is in; `null` for none. Without it the
    /// active one is checked again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub team_id: Option<Option<String>>,
}

impl Checked for SetActiveTeamBody {}

/// `GET /organization/list-user-teams`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UserTeamsQuery {
    /// Another member's user id (default: the caller).
    pub user_id: Option<String>,
    /// Only teams of this organization.
    pub organization_id: Option<String>,
}

/// `GET /organization/list-team-members`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// The team (default: the active one).
    pub team_id: Option<String>,
}

/// `POST /organization/add-team-member`, `remove-team-member` and
/// `update-team-member-role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamMemberBody {
    /// The team.
    pub team_id: String,
    /// The user (a member of the organization).
    pub user_id: String,
    /// Which organization (default: the active one).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Their roles in the team, `admin` or `member` (beep-iam; default `member`).
    #[serde(default)]
    pub role: Option<OneOrMany>,
}

impl Checked for TeamMemberBody {}
