//! The organization family in the OpenAPI document: each operation's body, query and answer
//! come from the request and answer types themselves; the text here gives the summaries and
//! the error codes each status can carry.

use super::members::ListMembersQuery;
use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{
    BAD_QUERY, Op, bad_request, collect, empty, error, forbidden, message_error, ok_json,
    schema_ref,
};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "Organizations",
    "better-auth's organization plugin with teams: organizations, members and their roles \
     (`owner`, `admin`, `member`, several at once), invitations by mail, teams with team \
     roles (`admin`, `member`), and permission checks. `organizationId` defaults to the \
     session's active organization where it is optional.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<CreateOrganizationBody>(&mut all);
    collect::<CheckSlugBody>(&mut all);
    collect::<UpdateOrganizationBody>(&mut all);
    collect::<OrganizationIdBody>(&mut all);
    collect::<SetActiveBody>(&mut all);
    collect::<InviteMemberBody>(&mut all);
    collect::<InvitationIdBody>(&mut all);
    collect::<RemoveMemberBody>(&mut all);
    collect::<UpdateMemberRoleBody>(&mut all);
    collect::<HasPermissionBody>(&mut all);
    collect::<CreateTeamBody>(&mut all);
    collect::<UpdateTeamBody>(&mut all);
    collect::<RemoveTeamBody>(&mut all);
    collect::<SetActiveTeamBody>(&mut all);
    collect::<TeamMemberBody>(&mut all);
    collect::<OrganizationJson>(&mut all);
    collect::<CreatedOrganization>(&mut all);
    collect::<OrganizationWithMetadata>(&mut all);
    collect::<FullOrganizationJson>(&mut all);
    collect::<MemberJson>(&mut all);
    collect::<MemberWithUser>(&mut all);
    collect::<MemberPageJson>(&mut all);
    collect::<RemovedMember>(&mut all);
    collect::<InvitationJson>(&mut all);
    collect::<AnsweredInvitation>(&mut all);
    collect::<InvitationDetailsJson>(&mut all);
    collect::<UserInvitationJson>(&mut all);
    collect::<RoleJson>(&mut all);
    collect::<PermissionJson>(&mut all);
    collect::<TeamJson>(&mut all);
    collect::<TeamMemberJson>(&mut all);
    collect::<MessageJson>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

fn post(path: &'static str, id: &str, summary: &str) -> Op {
    Op::post(path, id, TAG.0, summary)
}

fn get(path: &'static str, id: &str, summary: &str) -> Op {
    Op::get(path, id, TAG.0, summary)
}

/// The 401 of the routes that answer it with no body.
fn empty_401(op: Op) -> Op {
    op.session_answering("401", empty("No session (better-auth sends no body here)"))
}

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    let org = "org_0190b0b0b0b07000800000000000000a";
    vec![
        empty_401(post("/organization/create", "createOrganization", "Create an organization"))
            .description(
                "The caller becomes its owner; a team of the organization's name is made with \
                 the caller in it, and the session acts in both unless \
                 `keepCurrentActiveOrganization`.",
            )
            .body_of::<CreateOrganizationBody>(json!({"name": "Acme", "slug": "acme"}))
            .ok_of::<CreatedOrganization>("The organization (metadata as an object) and its owner")
            .error("400", &bad_request("`ORGANIZATION_ALREADY_EXISTS` (the slug is taken)"))
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION`, \
                     `YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS`",
                ),
            ),
        post("/organization/check-slug", "checkOrganizationSlug", "Is a slug free?")
            .session()
            .body_of::<CheckSlugBody>(json!({"slug": "acme"}))
            .reply("200", ok_json("`{status: true}`", schema_ref("Status")))
            .error("400", &bad_request("`ORGANIZATION_SLUG_ALREADY_TAKEN`"))
            .error("403", &forbidden("")),
        post("/organization/update", "updateOrganization", "Update an organization")
            .session_answering("401", message_error("No session: `{message: \"User not found\"}`"))
            .body_of::<UpdateOrganizationBody>(json!({"data": {"name": "Acme Inc."}}))
            .ok_of::<OrganizationWithMetadata>("The organization (metadata as an object)")
            .error(
                "400",
                &bad_request(
                    "`ORGANIZATION_NOT_FOUND`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`, \
                     `ORGANIZATION_SLUG_ALREADY_TAKEN`",
                ),
            )
            .error(
                "403",
                &forbidden("`YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION`"),
            ),
        empty_401(post("/organization/delete", "deleteOrganization", "Delete an organization"))
            .description(
                "Owners only. Its members, invitations, teams and team members go with it, in \
                 one transaction; members' sessions act in their personal organization after. \
                 A personal organization cannot be deleted.",
            )
            .body_of::<OrganizationIdBody>(json!({"organizationId": org}))
            .ok_of::<OrganizationJson>("The deleted organization")
            .reply(
                "400",
                message_error(&bad_request(
                    "`ORGANIZATION_NOT_FOUND`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`",
                )),
            )
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION`, \
                     `PERSONAL_ORGANIZATION_CANNOT_BE_DELETED`",
                ),
            )
            .error("404", "`ORGANIZATION_DELETION_DISABLED`"),
        post("/organization/set-active", "setActiveOrganization", "Choose the active organization")
            .description("Re-issues the session cookies. `organizationId: null` clears it.")
            .session()
            .body_of::<SetActiveBody>(json!({"organizationId": org}))
            .ok_or_null_of::<OrganizationJson>("The organization, or `null` for none")
            .error("400", &bad_request("`ORGANIZATION_NOT_FOUND`"))
            .error(
                "403",
                &forbidden("`USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`"),
            ),
        get("/organization/get-organization", "getOrganization", "One organization")
            .session()
            .params_of::<OrganizationQuery>()
            .ok_or_null_of::<OrganizationJson>("The organization, or `null` when none is named or active")
            .error("400", &format!("{BAD_QUERY}; `ORGANIZATION_NOT_FOUND`"))
            .error("403", "`USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`"),
        get(
            "/organization/get-full-organization",
            "getFullOrganization",
            "One organization with its members, invitations and teams",
        )
        .session()
        .params_of::<FullOrganizationQuery>()
        .ok_or_null_of::<FullOrganizationJson>("The organization, or `null` when none is named or active")
        .error("400", &format!("{BAD_QUERY}; `ORGANIZATION_NOT_FOUND`"))
        .error("403", "`USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`"),
        get("/organization/list", "listOrganizations", "The caller's organizations")
            .session()
            .ok_list_of::<OrganizationJson>("Every organization the caller is a member of"),
        post("/organization/invite-member", "inviteMember", "Invite someone by mail")
            .description(
                "Owners and admins invite; only owners invite owners. The invitation and its \
                 mail are written in one transaction. It lasts 48 hours; `resend` renews a \
                 pending one and mails it again.",
            )
            .session()
            .body_of::<InviteMemberBody>(json!({"email": "grace@example.com", "role": "member"}))
            .ok_of::<InvitationJson>("The invitation")
            .reply(
                "400",
                message_error(&bad_request(
                    "`ORGANIZATION_NOT_FOUND`, `INVALID_EMAIL`, `MEMBER_NOT_FOUND`, \
                     `ROLE_NOT_FOUND` (unknown roles: `{message: \"ROLE_NOT_FOUND: …\"}` \
                     without a code), `USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION`, \
                     `USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION`, `INVALID_TEAM_ID`, \
                     `TEAM_NOT_FOUND`",
                )),
            )
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION`, \
                     `YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE`, \
                     `INVITATION_LIMIT_REACHED`",
                ),
            ),
        post("/organization/accept-invitation", "acceptInvitation", "Accept an invitation")
            .description(
                "Only by the invited address, verified. Joins with the invited roles and \
                 teams, once; the session acts in the organization (and in the team, when the \
                 invitation named one).",
            )
            .session()
            .body_of::<InvitationIdBody>(json!({"invitationId": "inv_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<AnsweredInvitation>("The accepted invitation and the membership")
            .error(
                "400",
                &bad_request(
                    "`INVITATION_NOT_FOUND` (also expired or answered), \
                     `ORGANIZATION_NOT_FOUND`, `USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION`, \
                     `TEAM_NOT_FOUND`",
                ),
            )
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION`, \
                     `EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION`, \
                     `ORGANIZATION_MEMBERSHIP_LIMIT_REACHED`",
                ),
            ),
        post("/organization/reject-invitation", "rejectInvitation", "Turn an invitation down")
            .session()
            .body_of::<InvitationIdBody>(json!({"invitationId": "inv_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<AnsweredInvitation>("The rejected invitation, `member: null`")
            .error(
                "400",
                &bad_request("`INVITATION_NOT_FOUND` (\"Invitation not found!\"), `ORGANIZATION_NOT_FOUND`"),
            )
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION`, \
                     `EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION`",
                ),
            ),
        post("/organization/cancel-invitation", "cancelInvitation", "Withdraw an invitation")
            .session()
            .body_of::<InvitationIdBody>(json!({"invitationId": "inv_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<InvitationJson>("The invitation, canceled")
            .error(
                "400",
                &bad_request("`INVITATION_NOT_FOUND` (also when no longer pending), `MEMBER_NOT_FOUND`"),
            )
            .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION`")),
        get("/organization/get-invitation", "getInvitation", "One invitation, for its recipient")
            .session_answering("401", message_error("No session: `{message: \"Not authenticated\"}`"))
            .params_of::<InvitationQuery>()
            .ok_of::<InvitationDetailsJson>("The invitation with its organization and inviter")
            .error(
                "400",
                "`VALIDATION_ERROR` (no `id`, or a parameter given twice); \
                 `INVITATION_NOT_FOUND`, `ORGANIZATION_NOT_FOUND`, \
                 `INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION`",
            )
            .error(
                "403",
                "`YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION`, \
                 `EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION`",
            ),
        get("/organization/list-invitations", "listInvitations", "An organization's invitations")
            .session()
            .params_of::<OrganizationIdQuery>()
            .ok_list_of::<InvitationJson>("Every invitation, in every status (as owner only for owners)")
            .reply("400", message_error(&format!("{BAD_QUERY}; `{{message: \"Organization ID is required\"}}`")))
            .reply(
                "403",
                message_error(
                    "`YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS`; a non-member gets \
                     `{message: \"You are not a member of this organization\"}`",
                ),
            ),
        get("/organization/list-user-invitations", "listUserInvitations", "Invitations to the caller")
            .session_answering(
                "400",
                message_error(
                    "No session, or an `email` given: `{message}` only. A parameter given \
                     twice: `VALIDATION_ERROR`",
                ),
            )
            .params_of::<UserInvitationsQuery>()
            .ok_list_of::<UserInvitationJson>("Pending, unexpired invitations to the caller's address")
            .error("403", "`EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION`"),
        get("/organization/list-members", "listMembers", "A page of members")
            .session()
            .params_of::<ListMembersQuery>()
            .ok_of::<MemberPageJson>("Members with their users, and the filtered total")
            .error(
                "400",
                "`VALIDATION_ERROR` (an unknown field or operator, a non-number page, a \
                 parameter other than `filterValue` given twice); `ORGANIZATION_NOT_FOUND`, \
                 `NO_ACTIVE_ORGANIZATION`",
            )
            .error("403", "`YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION`"),
        post("/organization/remove-member", "removeMember", "Remove a member")
            .description("Owners are removed only by owners, and never the last one.")
            .session_answering(
                "401",
                error("`UNAUTHORIZED` (no session) or `YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER`"),
            )
            .body_of::<RemoveMemberBody>(json!({"memberIdOrEmail": "grace@example.com"}))
            .ok_of::<RemovedMember>("The membership that ended")
            .error(
                "400",
                &bad_request(
                    "`NO_ACTIVE_ORGANIZATION`, `MEMBER_NOT_FOUND`, \
                     `YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER`, \
                     `PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER`, `ORGANIZATION_NOT_FOUND`",
                ),
            )
            .error("403", &forbidden("")),
        post("/organization/update-member-role", "updateMemberRole", "Change a member's roles")
            .session()
            .body_of::<UpdateMemberRoleBody>(json!({"memberId": "mem_0190b0b0b0b07000800000000000000a", "role": "admin"}))
            .ok_of::<MemberJson>("The membership with its new roles")
            .reply(
                "400",
                message_error(&bad_request(
                    "`ROLE_NOT_FOUND` (also an empty role), `NO_ACTIVE_ORGANIZATION`, `MEMBER_NOT_FOUND`, \
                     `YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER`, \
                     `PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER`",
                )),
            )
            .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER`")),
        post("/organization/leave", "leaveOrganization", "Leave an organization")
            .session()
            .body_of::<OrganizationIdBody>(json!({"organizationId": org}))
            .ok_of::<MemberWithUser>("The membership that ended")
            .error(
                "400",
                &bad_request(
                    "`MEMBER_NOT_FOUND`, `YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER`, \
                     `PERSONAL_ORGANIZATION_KEEPS_ITS_OWNER`",
                ),
            )
            .error("403", &forbidden("")),
        get("/organization/get-active-member", "getActiveMember", "The caller's active membership")
            .session()
            .ok_of::<MemberWithUser>("The membership with its user")
            .error("400", "`NO_ACTIVE_ORGANIZATION`, `MEMBER_NOT_FOUND`"),
        get("/organization/get-active-member-role", "getActiveMemberRole", "A member's roles")
            .session()
            .params_of::<MemberRoleQuery>()
            .ok_of::<RoleJson>("`{role}`, comma-joined")
            .error("400", &format!("{BAD_QUERY}; `ORGANIZATION_NOT_FOUND`, `NO_ACTIVE_ORGANIZATION`"))
            .error("403", "`YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION`"),
        post("/organization/has-permission", "hasPermission", "Does the caller have a permission?")
            .description(
                "Granted when one of the caller's roles allows every action asked for; with \
                 `teamId`, the caller's roles in that team count too.",
            )
            .session_answering(
                "401",
                error("`UNAUTHORIZED` (no session) or `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`"),
            )
            .body_of::<HasPermissionBody>(json!({"permissions": {"member": ["create"]}}))
            .ok_of::<PermissionJson>("`{error: null, success}`")
            .error("400", &bad_request("`NO_ACTIVE_ORGANIZATION`, `TEAM_NOT_FOUND`"))
            .error("403", &forbidden("")),
        empty_401(post("/organization/create-team", "createTeam", "Create a team"))
            .body_of::<CreateTeamBody>(json!({"name": "Platform"}))
            .ok_of::<TeamJson>("The team")
            .error("400", &bad_request("`NO_ACTIVE_ORGANIZATION`"))
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION` (not a \
                     member), `YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION`",
                ),
            ),
        get("/organization/list-teams", "listTeams", "An organization's teams")
            .session()
            .params_of::<OrganizationIdQuery>()
            .ok_list_of::<TeamJson>("Its teams")
            .error("400", &format!("{BAD_QUERY}; `NO_ACTIVE_ORGANIZATION`"))
            .error("403", "`YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION`"),
        post("/organization/update-team", "updateTeam", "Rename a team")
            .session()
            .body_of::<UpdateTeamBody>(json!({"teamId": "team_0190b0b0b0b07000800000000000000a", "data": {"name": "Core"}}))
            .ok_of::<TeamJson>("The team")
            .error("400", &bad_request("`NO_ACTIVE_ORGANIZATION`, `TEAM_NOT_FOUND`"))
            .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM`")),
        empty_401(post("/organization/remove-team", "removeTeam", "Remove a team"))
            .body_of::<RemoveTeamBody>(json!({"teamId": "team_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<MessageJson>("`{message: \"Team removed successfully.\"}`")
            .error(
                "400",
                &bad_request("`NO_ACTIVE_ORGANIZATION`, `TEAM_NOT_FOUND`, `UNABLE_TO_REMOVE_LAST_TEAM`"),
            )
            .error(
                "403",
                &forbidden(
                    "`YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM` (also the caller's active \
                     team), `YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION`",
                ),
            ),
        post("/organization/set-active-team", "setActiveTeam", "Choose the active team")
            .description("Re-issues the session cookies. `teamId: null` clears it.")
            .session()
            .body_of::<SetActiveTeamBody>(json!({"teamId": null}))
            .ok_or_null_of::<TeamJson>("The team, or `null` for none")
            .error("400", &bad_request("`NO_ACTIVE_ORGANIZATION`, `TEAM_NOT_FOUND`"))
            .error("403", &forbidden("`USER_IS_NOT_A_MEMBER_OF_THE_TEAM`")),
        get("/organization/list-user-teams", "listUserTeams", "A member's teams")
            .session()
            .params_of::<UserTeamsQuery>()
            .ok_list_of::<TeamJson>("The teams")
            .error(
                "400",
                &format!("{BAD_QUERY}; `NO_ACTIVE_ORGANIZATION`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`"),
            )
            .error(
                "403",
                "`YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION`, \
                 `YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER`",
            ),
        get("/organization/list-team-members", "listTeamMembers", "A team's members")
            .session()
            .params_of::<TeamQuery>()
            .ok_list_of::<TeamMemberJson>("Its members, with their team roles")
            .error(
                "400",
                &format!(
                    "{BAD_QUERY}; `YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM`, `TEAM_NOT_FOUND`, \
                     `USER_IS_NOT_A_MEMBER_OF_THE_TEAM` (the caller must be in the team)"
                ),
            ),
        post("/organization/add-team-member", "addTeamMember", "Put a member in a team")
            .session()
            .body_of::<TeamMemberBody>(json!({"teamId": "team_0190b0b0b0b07000800000000000000a", "userId": "user_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<TeamMemberJson>("The team membership (the existing one when they are in it)")
            .error(
                "400",
                &bad_request(
                    "`NO_ACTIVE_ORGANIZATION`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`, \
                     `TEAM_NOT_FOUND`, `ROLE_NOT_FOUND`",
                ),
            )
            .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER`")),
        post("/organization/remove-team-member", "removeTeamMember", "Take a member out of a team")
            .session()
            .body_of::<TeamMemberBody>(json!({"teamId": "team_0190b0b0b0b07000800000000000000a", "userId": "user_0190b0b0b0b07000800000000000000a"}))
            .ok_of::<MessageJson>("`{message: \"Team member removed successfully.\"}`")
            .error(
                "400",
                &bad_request(
                    "`NO_ACTIVE_ORGANIZATION`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`, \
                     `TEAM_NOT_FOUND`, `USER_IS_NOT_A_MEMBER_OF_THE_TEAM`",
                ),
            )
            .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER`")),
        post(
            "/organization/update-team-member-role",
            "updateTeamMemberRole",
            "Change a member's roles in a team (beep-iam)",
        )
        .description(
            "Team roles: `admin` may rename the team and manage its members; `member` nothing \
             more than membership. Owners, admins and the team's admins may change them.",
        )
        .session()
        .body_of::<TeamMemberBody>(json!({"teamId": "team_0190b0b0b0b07000800000000000000a", "userId": "user_0190b0b0b0b07000800000000000000a", "role": "admin"}))
        .ok_of::<TeamMemberJson>("The team membership with its new roles")
        .error(
            "400",
            &bad_request(
                "`NO_ACTIVE_ORGANIZATION`, `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`, \
                 `TEAM_NOT_FOUND`, `ROLE_NOT_FOUND`, `USER_IS_NOT_A_MEMBER_OF_THE_TEAM`",
            ),
        )
        .error("403", &forbidden("`YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER`")),
    ]
}
