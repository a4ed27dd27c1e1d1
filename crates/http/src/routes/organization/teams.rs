//! Teams and their members.

use super::requests::{
    CreateTeamBody, OrganizationIdQuery, RemoveTeamBody, SetActiveTeamBody, TeamMemberBody,
    TeamQuery, UpdateTeamBody, UserTeamsQuery,
};
use super::wire::{MessageJson, TeamJson, TeamMemberJson};
use super::{Missing, signed_in};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::organizations::{TeamChoice, TeamMembership};

/// `POST /organization/create-team`.
pub async fn create_team(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CreateTeamBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::EmptyBody)?;
    let team = state
        .auth
        .create_team(&caller, &body.name, body.organization_id.as_deref())
        .await?;
    Ok(Json(TeamJson::from(&team)).into_response())
}

/// `GET /organization/list-teams`.
pub async fn list_teams(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<OrganizationIdQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let teams = state
        .auth
        .list_teams(&caller, query.organization_id.as_deref())
        .await?;
    let body: Vec<TeamJson> = teams.iter().map(Into::into).collect();
    Ok(Json(body).into_response())
}

/// `POST /organization/update-team`.
pub async fn update_team(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateTeamBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let team = state
        .auth
        .update_team(
            &caller,
            &body.team_id,
            body.data.name.as_deref(),
            body.data.organization_id.as_deref(),
        )
        .await?;
    Ok(Json(TeamJson::from(&team)).into_response())
}

/// `POST /organization/remove-team`.
pub async fn remove_team(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<RemoveTeamBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::EmptyBody)?;
    state
        .auth
        .remove_team(&caller, &body.team_id, body.organization_id.as_deref())
        .await?;
    Ok(Json(MessageJson {
        message: "Team removed successfully.",
    })
    .into_response())
}

/// `POST /organization/set-active-team`.
pub async fn set_active_team(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<SetActiveTeamBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let choice = match body.team_id {
        Some(None) => TeamChoice::Nothing,
        Some(Some(id)) if !id.is_empty() => TeamChoice::Id(id),
        _ => TeamChoice::Current,
    };
    let team = state.auth.set_active_team(&caller, choice).await?;
    Ok(Json(team.as_ref().map(TeamJson::from)).into_response())
}

/// `GET /organization/list-user-teams`.
pub async fn list_user_teams(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<UserTeamsQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let teams = state
        .auth
        .list_user_teams(
            &caller,
            query.user_id.as_deref(),
            query.organization_id.as_deref(),
        )
        .await?;
    let body: Vec<TeamJson> = teams.iter().map(Into::into).collect();
    Ok(Json(body).into_response())
}

/// `GET /organization/list-team-members`.
pub async fn list_team_members(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<TeamQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let members = state
        .auth
        .list_team_members(&caller, query.team_id.as_deref())
        .await?;
    let body: Vec<TeamMemberJson> = members.iter().map(Into::into).collect();
    Ok(Json(body).into_response())
}

fn membership(body: TeamMemberBody) -> TeamMembership {
    TeamMembership {
        team_id: body.team_id,
        user_id: body.user_id,
        organization_id: body.organization_id,
        role: body.role.map(|r| r.into_vec()).unwrap_or_default(),
    }
}

/// `POST /organization/add-team-member`.
pub async fn add_team_member(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<TeamMemberBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let added = state
        .auth
        .add_team_member(&caller, &membership(body))
        .await?;
    Ok(Json(TeamMemberJson::from(&added)).into_response())
}

/// `POST /organization/remove-team-member`.
pub async fn remove_team_member(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<TeamMemberBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    state
        .auth
        .remove_team_member(&caller, &membership(body))
        .await?;
    Ok(Json(MessageJson {
        message: "Team member removed successfully.",
    })
    .into_response())
}

/// `POST /organization/update-team-member-role` (beep-iam: team-level roles).
pub async fn update_team_member_role(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<TeamMemberBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let updated = state
        .auth
        .update_team_member_role(&caller, &membership(body))
        .await?;
    Ok(Json(TeamMemberJson::from(&updated)).into_response())
}
