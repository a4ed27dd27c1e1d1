//! The provider's form-encoded endpoints: `/oauth2/token` (RFC 6749 §3.2), `/oauth2/introspect`
//! (RFC 7662) and `/oauth2/revoke` (RFC 7009). Each reads a form body only, refuses a
//! repeated parameter, and authenticates the client before anything else is looked at.
//! Their answers are never cached (`Cache-Control: no-store`, `Pragma: no-cache`).

use super::refusal;
use super::wire::{IntrospectionJson, TokenJson};
use crate::body::read_form_pairs;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use beep_core::oauth_provider::{
    CodeExchange, DEVICE_CODE_GRANT, Introspection, IssuedTokens, OAuthError, OAuthErrorCode,
    PresentedClient, PresentedMethod, TokenHint,
};
use beep_domain::OAuthClient;
use http::{HeaderValue, StatusCode, header};

/// The endpoints' routes, relative to the base path.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/oauth2/introspect", post(introspect))
        .route("/oauth2/revoke", post(revoke))
}

/// A form body's parameters.
struct OAuthForm(Vec<(String, String)>);

impl OAuthForm {
    async fn read(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let pairs = read_form_pairs(req, state).await?;
        // PostgreSQL cannot hold a NUL in text; no OAuth parameter has one.
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(refusal(OAuthError::invalid_request(
                "parameters must not contain NUL characters",
            )));
        }
        Ok(Self(pairs))
    }

    /// The parameter `name`: absent or empty is `None`; more than once is refused.
    fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self
            .0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(refusal(OAuthError::invalid_request(format!(
                "{name} must not be repeated"
            ))));
        }
        Ok(first)
    }

    /// The parameter `name`, which must be there.
    fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.one(name)?
            .ok_or_else(|| refusal(OAuthError::invalid_request(format!("{name} is required"))))
    }

    /// `scope`: `None` when absent; `Some("")` when sent empty, which no client may be given.
    fn scope(&self) -> Result<Option<&str>, ApiError> {
        let sent_empty = self.0.iter().any(|(k, v)| k == "scope" && v.is_empty());
        Ok(self.one("scope")?.or(sent_empty.then_some("")))
    }

    /// The client the request names, from `Authorization` or the body.
    fn client(&self, req_authorization: Option<&str>) -> Result<Option<PresentedClient>, ApiError> {
        PresentedClient::from_request(
            req_authorization,
            self.one("client_id")?,
            self.one("client_secret")?,
        )
        .map_err(refusal)
    }
}

fn authorization(req: &Request) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `no-store` is set for every route under the base path; `Pragma` is the token endpoints'.
fn uncached(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /oauth2/token`.
async fn token(State(state): State<AppState>, req: Request) -> Response {
    uncached(match grant(&state, req).await {
        Ok(json) => Json(json).into_response(),
        Err(err) => err.into_response(),
    })
}

async fn grant(state: &AppState, req: Request) -> Result<TokenJson, ApiError> {
    let header = authorization(&req);
    let form = OAuthForm::read(req, state).await?;
    let grant_type = form.required("grant_type")?;
    if !matches!(
        grant_type,
        "client_credentials" | "authorization_code" | "refresh_token" | DEVICE_CODE_GRANT
    ) {
        return Err(refusal(OAuthError::bad(
            OAuthErrorCode::UnsupportedGrantType,
            format!("unsupported grant_type {grant_type}"),
        )));
    }
    let presented = form
        .client(header.as_deref())?
        .ok_or_else(|| refusal(OAuthError::invalid_request("Missing required client_id")))?;
    let client = state.auth.authenticate_oauth_client(&presented).await?;
    let issued = match grant_type {
        "authorization_code" => {
            let exchange = CodeExchange {
                code: form.one("code")?,
                redirect_uri: form.one("redirect_uri")?,
                code_verifier: form.one("code_verifier")?,
            };
            state
                .auth
                .grant_authorization_code(&client, exchange)
                .await?
        }
        DEVICE_CODE_GRANT => {
            state
                .auth
                .grant_device_code(&client, form.one("device_code")?)
                .await?
        }
        "refresh_token" => {
            state
                .auth
                .grant_refresh_token(&client, form.one("refresh_token")?, form.scope()?)
                .await?
        }
        _ => IssuedTokens {
            access: state
                .auth
                .grant_client_credentials(&client, form.scope()?)
                .await?,
            refresh_token: None,
            id_token: None,
        },
    };
    let access = issued.access;
    Ok(TokenJson {
        access_token: access.token.expose().clone(),
        expires_in: (access.expires_at - access.issued_at).num_seconds(),
        expires_at: access.expires_at.timestamp(),
        token_type: "Bearer",
        scope: access.scopes.join(" "),
        refresh_token: issued.refresh_token.map(|t| t.expose().clone()),
        id_token: issued.id_token,
    })
}

/// The client of an introspection or revocation request. `secret_needed`: introspection
/// serves confidential clients only.
async fn calling_client(
    state: &AppState,
    form: &OAuthForm,
    header: Option<&str>,
    secret_needed: bool,
) -> Result<OAuthClient, ApiError> {
    let presented = form
        .client(header)?
        .filter(|p| !secret_needed || p.method != PresentedMethod::None)
        .ok_or_else(|| refusal(OAuthError::missing_credentials()))?;
    Ok(state.auth.authenticate_oauth_client(&presented).await?)
}

/// `POST /oauth2/introspect`: `{"active": false}` or the token's claims.
async fn introspect(State(state): State<AppState>, req: Request) -> Response {
    uncached(match introspection(&state, req).await {
        Ok(json) => Json(json).into_response(),
        Err(err) => err.into_response(),
    })
}

async fn introspection(state: &AppState, req: Request) -> Result<IntrospectionJson, ApiError> {
    let header = authorization(&req);
    let form = OAuthForm::read(req, state).await?;
    let token = form.required("token")?;
    let client = calling_client(state, &form, header.as_deref(), true).await?;
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let hint = TokenHint::parse(form.one("token_type_hint")?);
    Ok(
        match state.auth.introspect_token(&client, token, hint).await? {
            Introspection::Inactive => IntrospectionJson::inactive(),
            Introspection::Active(found) => {
                let found = *found;
                IntrospectionJson {
                    active: true,
                    iss: Some(state.auth.config().oauth_provider.issuer.clone()),
                    client_id: Some(found.client_id.clone()),
                    azp: Some(found.client_id),
                    sub: found.user_id.map(|u| u.to_string()),
                    sid: found.session_id.map(|s| s.to_string()),
                    exp: Some(found.expires_at.timestamp()),
                    iat: Some(found.issued_at.timestamp()),
                    scope: Some(found.scopes.join(" ")),
                    token_type: Some(if found.refresh {
                        "refresh_token"
                    } else {
                        "Bearer"
                    }),
                }
            }
        },
    )
}

/// `POST /oauth2/revoke`: 200 with an empty body, whether or not the token was known.
async fn revoke(State(state): State<AppState>, req: Request) -> Response {
    uncached(match revocation(&state, req).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(err) => err.into_response(),
    })
}

async fn revocation(state: &AppState, req: Request) -> Result<(), ApiError> {
    let header = authorization(&req);
    let form = OAuthForm::read(req, state).await?;
    let token = form.required("token")?;
    let client = calling_client(state, &form, header.as_deref(), false).await?;
    let hint = TokenHint::parse(form.one("token_type_hint")?);
    state.auth.revoke_token(&client, token, hint).await?;
    Ok(())
}
