//! The OAuth / OpenID provider family (better-auth's `@better-auth/oauth-provider`, 1.7
//! shape): client management for signed-in owners under `/oauth2/*-client`, the token,
//! introspection and revocation endpoints (`endpoints.rs`), and the discovery documents
//! (`discovery.rs`). Request types are in `requests.rs`, answers in `wire.rs`, the OpenAPI
//! description (`openapi.rs`) derived from both.
//!
//! Client management speaks better-auth's `{message, code}` for bad bodies and
//! `{error, error_description}` for refusals; a client of another user is a 401 with an
//! empty body, as better-auth answers.

mod authorization;
mod consents;
mod device;
mod device_page;
mod discovery;
mod endpoints;
pub(crate) mod openapi;
mod pages;
mod requests;
mod second_factor_page;
mod wire;

use crate::current_session::CurrentSession;
use crate::error::ApiError;
use crate::query::Query;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use beep_core::oauth_provider::{OAuthError, OAuthErrorCode};
use beep_domain::User;
use beep_domain::admin_access::AdminReach;
use http::StatusCode;
use requests::*;
use wire::*;

pub(crate) use discovery::root_routes;

/// The routes of the family, relative to the base path.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/create-client", post(create_client))
        .route("/oauth2/get-client", get(get_client))
        .route("/oauth2/public-client", get(public_client))
        .route("/oauth2/get-clients", get(list_clients))
        .route("/oauth2/update-client", post(update_client))
        .route("/oauth2/client/rotate-secret", post(rotate_secret))
        .route("/oauth2/delete-client", post(delete_client))
        .route("/oauth2/register", post(register))
        .merge(endpoints::routes())
        .merge(authorization::routes())
        .merge(pages::routes())
        .merge(consents::routes())
        .merge(device::routes())
        .merge(device_page::routes())
        .merge(discovery::routes())
}

/// Every path of the family below the base path (the rate limiter counts each on its own).
pub const PATHS: &[&str] = &[
    "/oauth2/create-client",
    "/oauth2/get-client",
    "/oauth2/public-client",
    "/oauth2/get-clients",
    "/oauth2/update-client",
    "/oauth2/client/rotate-secret",
    "/oauth2/delete-client",
    "/oauth2/register",
    "/oauth2/get-consent",
    "/oauth2/get-consents",
    "/oauth2/update-consent",
    "/oauth2/delete-consent",
    "/oauth2/authorize",
    "/oauth2/consent",
    "/oauth2/continue",
    "/oauth2/userinfo",
    "/oauth2/end-session",
    "/oauth2/login-page",
    "/oauth2/consent-page",
    "/oauth2/device-page",
    "/device/code",
    "/device/token",
    "/device",
    "/device/approve",
    "/device/deny",
    "/oauth2/token",
    "/oauth2/introspect",
    "/oauth2/revoke",
    "/.well-known/openid-configuration",
    "/.well-known/oauth-authorization-server",
];

/// A refused provider request at the edge.
pub(crate) fn refusal(refused: OAuthError) -> ApiError {
    match refused {
        OAuthError::NotOwner => ApiError::Empty(StatusCode::UNAUTHORIZED),
        OAuthError::Protocol {
            code,
            description,
            unauthorized,
            basic_challenge,
        } => ApiError::OAuth {
            status: match code {
                OAuthErrorCode::NotFound => StatusCode::NOT_FOUND,
                OAuthErrorCode::AccessDenied => StatusCode::FORBIDDEN,
                _ if unauthorized => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            },
            error: code.as_str(),
            description,
            challenge: if basic_challenge {
                Some("Basic")
            } else if code == OAuthErrorCode::InvalidToken {
                Some("Bearer")
            } else {
                None
            },
        },
    }
}

fn signed_in(current: Option<CurrentSession>) -> Result<User, ApiError> {
    current
        .map(|c| c.active.user)
        .ok_or_else(ApiError::unauthorized)
}

fn is_admin(state: &AppState, user: &User) -> bool {
    state.auth.admin_reach(user) != AdminReach::None
}

/// `POST /oauth2/create-client`: 201 with the client and, for a confidential client, its
/// secret (the only time it is shown).
async fn create_client(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<CreateClientBody>,
) -> Result<Response, ApiError> {
    let owner = signed_in(current)?;
    let created = state
        .auth
        .create_oauth_client(&owner, body.into_new())
        .await?;
    let json = OAuthClientJson::of(
        &created.client,
        created.secret.as_ref().map(|s| s.expose().as_str()),
        is_admin(&state, &owner),
    );
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// `POST /oauth2/register` (RFC 7591): 201 with the client and its secret. A body that does
/// not fit answers in RFC 7591's shape (`invalid_client_metadata`, or `invalid_redirect_uri`
/// for a redirect URI field), not better-auth's `{message, code}`.
async fn register(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    let object = crate::body::read(req, &state, false).await?.into_object();
    let body: CreateClientBody = match crate::typed_body::parse(object) {
        Ok(body) => body,
        Err(ApiError::Coded { message, .. }) => {
            let code = if message.contains("redirect_uris") {
                OAuthErrorCode::InvalidRedirectUri
            } else {
                OAuthErrorCode::InvalidClientMetadata
            };
            return Err(refusal(OAuthError::bad(code, message)));
        }
        Err(other) => return Err(other),
    };
    let owner = current.map(|c| c.active.user);
    let created = state
        .auth
        .register_oauth_client(owner.as_ref(), body.into_new())
        .await?;
    let json = OAuthClientJson::of(
        &created.client,
        created.secret.as_ref().map(|s| s.expose().as_str()),
        false,
    );
    Ok((StatusCode::CREATED, Json(json)).into_response())
}

/// `GET /oauth2/get-client?client_id=`: one of the caller's clients, without its secret.
async fn get_client(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<ClientIdQuery>,
) -> Result<Json<OAuthClientJson>, ApiError> {
    let owner = signed_in(current)?;
    let client = state
        .auth
        .get_oauth_client(&owner, &query.client_id)
        .await?;
    Ok(Json(OAuthClientJson::of(
        &client,
        None,
        is_admin(&state, &owner),
    )))
}

/// `GET /oauth2/public-client?client_id=`: a client's name and links, for any signed-in user.
async fn public_client(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Query(query): Query<ClientIdQuery>,
) -> Result<Json<PublicClientJson>, ApiError> {
    signed_in(current)?;
    let client = state.auth.public_oauth_client(&query.client_id).await?;
    Ok(Json(PublicClientJson::from(&client)))
}

/// `GET /oauth2/get-clients`: the caller's clients, oldest first.
async fn list_clients(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
) -> Result<Json<Vec<OAuthClientJson>>, ApiError> {
    let owner = signed_in(current)?;
    let admin = is_admin(&state, &owner);
    let clients = state.auth.list_oauth_clients(&owner).await?;
    Ok(Json(
        clients
            .iter()
            .map(|client| OAuthClientJson::of(client, None, admin))
            .collect(),
    ))
}

/// `POST /oauth2/update-client`: the client as it is now, without its secret.
async fn update_client(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<UpdateClientBody>,
) -> Result<Json<OAuthClientJson>, ApiError> {
    let owner = signed_in(current)?;
    let (client_id, changes) = body.changes();
    let client = state
        .auth
        .update_oauth_client(&owner, &client_id, changes)
        .await?;
    Ok(Json(OAuthClientJson::of(
        &client,
        None,
        is_admin(&state, &owner),
    )))
}

/// `POST /oauth2/client/rotate-secret`: the client with its new secret.
async fn rotate_secret(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<ClientIdBody>,
) -> Result<Json<OAuthClientJson>, ApiError> {
    let owner = signed_in(current)?;
    let rotated = state
        .auth
        .rotate_oauth_client_secret(&owner, &body.client_id)
        .await?;
    Ok(Json(OAuthClientJson::of(
        &rotated.client,
        rotated.secret.as_ref().map(|s| s.expose().as_str()),
        is_admin(&state, &owner),
    )))
}

/// `POST /oauth2/delete-client`: 200 with an empty body; the client's tokens go with it.
async fn delete_client(
    State(state): State<AppState>,
    current: Option<CurrentSession>,
    Typed(body): Typed<ClientIdBody>,
) -> Result<StatusCode, ApiError> {
    let owner = signed_in(current)?;
    state
        .auth
        .delete_oauth_client(&owner, &body.client_id)
        .await?;
    Ok(StatusCode::OK)
}
