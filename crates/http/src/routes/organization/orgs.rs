//! Organizations themselves.

use super::requests::{
    CheckSlugBody, CreateOrganizationBody, FullOrganizationQuery, OrganizationIdBody,
    OrganizationQuery, SetActiveBody, UpdateOrganizationBody,
};
use super::wire::{
    CreatedOrganization, FullOrganizationJson, OrganizationJson, OrganizationWithMetadata,
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
use beep_core::organizations::{
    ActiveChoice, CreateOrganization, OrganizationRef, OrganizationUpdate,
};
use serde_json::{Value, json};

/// `POST /organization/create`.
pub async fn create(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CreateOrganizationBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::EmptyBody)?;
    let input = CreateOrganization {
        name: body.name,
        slug: body.slug,
        logo: body.logo,
        metadata: body.metadata.map(Value::Object),
        keep_current_active: body.keep_current_active_organization.unwrap_or(false),
    };
    let (org, owner) = state.auth.create_organization(&caller, input).await?;
    Ok(Json(CreatedOrganization::new(&org, &owner)).into_response())
}

/// `POST /organization/check-slug`.
pub async fn check_slug(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CheckSlugBody>,
) -> Result<Response, ApiError> {
    signed_in(current, Missing::Unauthorized)?;
    state.auth.check_organization_slug(&body.slug).await?;
    Ok(Json(json!({ "status": true })).into_response())
}

/// `POST /organization/update`.
pub async fn update(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateOrganizationBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Message("User not found"))?;
    let change = OrganizationUpdate {
        name: body.data.name,
        slug: body.data.slug,
        logo: body.data.logo,
        metadata: body.data.metadata.map(Value::Object),
    };
    let org = state
        .auth
        .update_organization(&caller, body.organization_id.as_deref(), change)
        .await?;
    Ok(Json(OrganizationWithMetadata::from(&org)).into_response())
}

/// `POST /organization/delete`.
pub async fn delete(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<OrganizationIdBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::EmptyBody)?;
    let org = state
        .auth
        .delete_organization(&caller, &body.organization_id)
        .await?;
    Ok(Json(OrganizationJson::from(&org)).into_response())
}

/// `POST /organization/set-active`.
pub async fn set_active(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<SetActiveBody>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let slug = body.organization_slug.filter(|s| !s.is_empty());
    let choice = match (body.organization_id, slug) {
        (Some(None), _) => ActiveChoice::Nothing,
        (Some(Some(id)), _) if !id.is_empty() => ActiveChoice::Id(id),
        (_, Some(slug)) => ActiveChoice::Slug(slug),
        _ => ActiveChoice::Current,
    };
    let org = state.auth.set_active_organization(&caller, choice).await?;
    Ok(Json(org.as_ref().map(OrganizationJson::from)).into_response())
}

fn reference(id: Option<String>, slug: Option<String>) -> OrganizationRef {
    OrganizationRef { id, slug }
}

/// `GET /organization/get-organization`.
pub async fn get_organization(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<OrganizationQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let which = reference(query.organization_id, query.organization_slug);
    let org = state.auth.get_organization(&caller, &which).await?;
    Ok(Json(org.as_ref().map(OrganizationJson::from)).into_response())
}

/// `GET /organization/get-full-organization`.
pub async fn get_full_organization(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<FullOrganizationQuery>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let which = reference(query.organization_id, query.organization_slug);
    let full = state
        .auth
        .get_full_organization(&caller, &which, query.members_limit)
        .await?;
    Ok(Json(full.as_ref().map(FullOrganizationJson::from)).into_response())
}

/// `GET /organization/list`.
pub async fn list(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Response, ApiError> {
    let caller = signed_in(current, Missing::Unauthorized)?;
    let orgs = state.auth.list_organizations(&caller).await?;
    let body: Vec<OrganizationJson> = orgs.iter().map(Into::into).collect();
    Ok(Json(body).into_response())
}
