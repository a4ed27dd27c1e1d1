//! Invitations.

use super::requests::{
    InvitationIdBody, InvitationQuery, InviteMemberBody, OrganizationIdQuery, UserInvitationsQuery,
};
use super::wire::{
    AnsweredInvitation, InvitationDetailsJson, InvitationJson, MemberJson, UserInvitationJson,
};
use super::{Missing, signed_in};
use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use beep_core::organizations::Invite;
use http::StatusCode;

/// `POST /organization/invite-member`.
pub async fn invite_member(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<InviteMemberBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let input = Invite {
        email: body.email,
        role: body.role.into_vec(),
        organization_id: body.organization_id,
        resend: body.resend.unwrap_or(false),
        team_ids: body.team_id.map(|t| t.into_vec()).unwrap_or_default(),
    };
    let invitation = state.auth.invite_member(&caller, input).await?;
    Ok(Json(InvitationJson::from(&invitation)).into_response())
}

/// `POST /organization/accept-invitation`.
pub async fn accept_invitation(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<InvitationIdBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let (invitation, member) = state
        .auth
        .accept_invitation(&caller, &body.invitation_id)
        .await?;
    Ok(Json(AnsweredInvitation {
        invitation: (&invitation).into(),
        member: Some(MemberJson::from(&member)),
    })
    .into_response())
}

/// `POST /organization/reject-invitation`.
pub async fn reject_invitation(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<InvitationIdBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let invitation = state
        .auth
        .reject_invitation(&caller, &body.invitation_id)
        .await?;
    Ok(Json(AnsweredInvitation {
        invitation: (&invitation).into(),
        member: None,
    })
    .into_response())
}

/// `POST /organization/cancel-invitation`.
pub async fn cancel_invitation(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<InvitationIdBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let invitation = state
        .auth
        .cancel_invitation(&caller, &body.invitation_id)
        .await?;
    Ok(Json(InvitationJson::from(&invitation)).into_response())
}

/// `GET /organization/get-invitation?id`.
pub async fn get_invitation(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<InvitationQuery>,
) -> Result<Response, ApiError> {
    let Some(id) = query.id else {
        return Err(ApiError::validation(&[
            "[query.id] Invalid input: expected string, received undefined".to_owned(),
        ]));
    };
    let caller = signed_in(current, Missing::Message("Not authenticated"))?;
    let details = state.auth.get_invitation(&caller, &id).await?;
    Ok(Json(InvitationDetailsJson::from(&details)).into_response())
}

/// `GET /organization/list-invitations`.
pub async fn list_invitations(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<OrganizationIdQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let invitations = state
        .auth
        .list_invitations(&caller, query.organization_id.as_deref())
        .await?;
    let body: Vec<InvitationJson> = invitations.iter().map(Into::into).collect();
    Ok(Json(body).into_response())
}

/// `GET /organization/list-user-invitations`.
pub async fn list_user_invitations(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<UserInvitationsQuery>,
) -> Result<Response, ApiError> {
    if query.email.is_some() {
        return Err(ApiError::Message {
            status: StatusCode::BAD_REQUEST,
            message: "User email cannot be passed for client side API calls.".into(),
        });
    }
    let caller = signed_in(
        current,
        Missing::BadRequest("Missing session headers, or email query parameter."),
    )?;
    let found = state.auth.list_user_invitations(&caller).await?;
    let body: Vec<UserInvitationJson> = found
        .into_iter()
        .map(|(inv, org)| UserInvitationJson::new(&inv, org))
        .collect();
    Ok(Json(body).into_response())
}
