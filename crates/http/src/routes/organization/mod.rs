//! The organization family under `/organization/*`: better-auth's organization plugin with
//! teams, plus team-level roles. Each file holds one concern; the request types
//! (`requests.rs`) and answer types (`wire.rs`) are what the handlers read and write and what
//! the OpenAPI description (`openapi.rs`) is derived from.
//!
//! Every route needs a session. A request body or query is checked before the session, as
//! better-auth does, and a missing session is answered in better-auth's shape for that route
//! ([`Missing`]). Routes that change the caller's session (set-active, accept, create, …) get
//! fresh cookies from `reissue_session_cookies`, like every other change.

mod invitations;
mod members;
pub(crate) mod openapi;
mod orgs;
mod requests;
mod teams;
mod wire;

use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use beep_core::ActiveSession;
use beep_core::organizations::{Body, OrganizationError, Refusal};
use http::StatusCode;

/// Reads a JSON body as the request type of one of the family's POST routes (`route`
/// picks it, modulo their number), for the fuzz targets.
#[doc(hidden)]
pub fn parse_any_request(route: u8, body: serde_json::Value) -> Result<(), ApiError> {
    use crate::typed_body::parse;
    use requests::*;
    match route % 15 {
        0 => parse::<CreateOrganizationBody>(body).map(drop),
        1 => parse::<CheckSlugBody>(body).map(drop),
        2 => parse::<UpdateOrganizationBody>(body).map(drop),
        3 => parse::<OrganizationIdBody>(body).map(drop),
        4 => parse::<SetActiveBody>(body).map(drop),
        5 => parse::<InviteMemberBody>(body).map(drop),
        6 => parse::<InvitationIdBody>(body).map(drop),
        7 => parse::<RemoveMemberBody>(body).map(drop),
        8 => parse::<UpdateMemberRoleBody>(body).map(drop),
        9 => parse::<HasPermissionBody>(body).map(drop),
        10 => parse::<CreateTeamBody>(body).map(drop),
        11 => parse::<UpdateTeamBody>(body).map(drop),
        12 => parse::<RemoveTeamBody>(body).map(drop),
        13 => parse::<SetActiveTeamBody>(body).map(drop),
        _ => parse::<TeamMemberBody>(body).map(drop),
    }
}

/// Reads a list-members query string, for the fuzz targets.
#[doc(hidden)]
pub fn parse_list_members_query(query: &str) -> Result<(), ApiError> {
    members::ListMembersQuery::parse(query).map(drop)
}

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    use self::{invitations as inv, members as mem, orgs as org, teams as team};
    Router::new()
        .route("/organization/create", post(org::create))
        .route("/organization/check-slug", post(org::check_slug))
        .route("/organization/update", post(org::update))
        .route("/organization/delete", post(org::delete))
        .route("/organization/set-active", post(org::set_active))
        .route("/organization/get-organization", get(org::get_organization))
        .route(
            "/organization/get-full-organization",
            get(org::get_full_organization),
        )
        .route("/organization/list", get(org::list))
        .route("/organization/invite-member", post(inv::invite_member))
        .route(
            "/organization/accept-invitation",
            post(inv::accept_invitation),
        )
        .route(
            "/organization/reject-invitation",
            post(inv::reject_invitation),
        )
        .route(
            "/organization/cancel-invitation",
            post(inv::cancel_invitation),
        )
        .route("/organization/get-invitation", get(inv::get_invitation))
        .route("/organization/list-invitations", get(inv::list_invitations))
        .route(
            "/organization/list-user-invitations",
            get(inv::list_user_invitations),
        )
        .route("/organization/list-members", get(mem::list_members))
        .route("/organization/remove-member", post(mem::remove_member))
        .route(
            "/organization/update-member-role",
            post(mem::update_member_role),
        )
        .route("/organization/leave", post(mem::leave))
        .route(
            "/organization/get-active-member",
            get(mem::get_active_member),
        )
        .route(
            "/organization/get-active-member-role",
            get(mem::get_active_member_role),
        )
        .route("/organization/has-permission", post(mem::has_permission))
        .route("/organization/create-team", post(team::create_team))
        .route("/organization/list-teams", get(team::list_teams))
        .route("/organization/update-team", post(team::update_team))
        .route("/organization/remove-team", post(team::remove_team))
        .route("/organization/set-active-team", post(team::set_active_team))
        .route("/organization/list-user-teams", get(team::list_user_teams))
        .route(
            "/organization/list-team-members",
            get(team::list_team_members),
        )
        .route("/organization/add-team-member", post(team::add_team_member))
        .route(
            "/organization/remove-team-member",
            post(team::remove_team_member),
        )
        .route(
            "/organization/update-team-member-role",
            post(team::update_team_member_role),
        )
}

/// Every path of the family (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/organization/create",
    "/organization/check-slug",
    "/organization/update",
    "/organization/delete",
    "/organization/set-active",
    "/organization/get-organization",
    "/organization/get-full-organization",
    "/organization/list",
    "/organization/invite-member",
    "/organization/accept-invitation",
    "/organization/reject-invitation",
    "/organization/cancel-invitation",
    "/organization/get-invitation",
    "/organization/list-invitations",
    "/organization/list-user-invitations",
    "/organization/list-members",
    "/organization/remove-member",
    "/organization/update-member-role",
    "/organization/leave",
    "/organization/get-active-member",
    "/organization/get-active-member-role",
    "/organization/has-permission",
    "/organization/create-team",
    "/organization/list-teams",
    "/organization/update-team",
    "/organization/remove-team",
    "/organization/set-active-team",
    "/organization/list-user-teams",
    "/organization/list-team-members",
    "/organization/add-team-member",
    "/organization/remove-team-member",
    "/organization/update-team-member-role",
];

/// How a route answers a request without a session (better-auth differs by route).
#[derive(Debug, Clone, Copy)]
enum Missing {
    /// 401 `{message: "Unauthorized", code: "UNAUTHORIZED"}`.
    Unauthorized,
    /// 401 with no body.
    EmptyBody,
    /// 401 `{message}`.
    Message(&'static str),
    /// 400 `{message}`.
    BadRequest(&'static str),
}

/// The caller's session, or the route's answer for its absence.
fn signed_in(current: Option<CurrentSession>, missing: Missing) -> Result<ActiveSession, ApiError> {
    match (current, missing) {
        (Some(current), _) => Ok(current.active),
        (None, Missing::Unauthorized) => Err(ApiError::unauthorized()),
        (None, Missing::EmptyBody) => Err(ApiError::Empty(StatusCode::UNAUTHORIZED)),
        (None, Missing::Message(message)) => Err(ApiError::Message {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
        }),
        (None, Missing::BadRequest(message)) => Err(ApiError::Message {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }),
    }
}

/// An organization flow's refusal, in better-auth's shape.
pub(crate) fn refusal(refused: OrganizationError) -> ApiError {
    let status = match refused.refusal {
        Refusal::Invalid => StatusCode::BAD_REQUEST,
        Refusal::Unauthenticated => StatusCode::UNAUTHORIZED,
        Refusal::Forbidden => StatusCode::FORBIDDEN,
        Refusal::Disabled => StatusCode::NOT_FOUND,
    };
    match refused.body {
        Body::Coded(code) => ApiError::coded(status, code.code(), code.message()),
        Body::CodedWith(code, message) => ApiError::coded(status, code.code(), message),
        Body::Message(message) => ApiError::Message {
            status,
            message: message.into(),
        },
        Body::Empty => ApiError::Empty(status),
    }
}
