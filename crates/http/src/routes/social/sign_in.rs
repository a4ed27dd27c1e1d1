//! `POST /sign-in/social`, `POST /link-social` and the provider's way back,
//! `GET|POST /callback/{providerId}`.

use super::requests::{CallbackQuery, SignInSocialBody};
use super::wire::SocialRedirectJson;
use super::{BINDING_COOKIE, BINDING_MAX_AGE_SECS, check_urls};
use crate::current_session::{CurrentSession, issue_session};
use crate::error::ApiError;
use crate::query::Query;
use crate::routes::RequestClient;
use crate::state::AppState;
use crate::typed_body::Typed;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use beep_core::social::{ProviderReturn, StartSocial};
use beep_domain::UserId;
use beep_domain::uri::append_query;
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// Starts a sign-in: `{url, redirect}`, a `Location` header and the browser-binding cookie.
pub async fn sign_in_social(
    State(state): State<AppState>,
    headers: HeaderMap,
    Typed(body): Typed<SignInSocialBody>,
) -> Result<Response, ApiError> {
    start(&state, &headers, body, None).await
}

/// Starts linking a provider to the signed-in user; the callback adds the account.
pub async fn link_social(
    State(state): State<AppState>,
    headers: HeaderMap,
    current: Option<CurrentSession>,
    Typed(body): Typed<SignInSocialBody>,
) -> Result<Response, ApiError> {
    let caller = current.ok_or_else(ApiError::unauthorized)?.active;
    start(&state, &headers, body, Some(caller.user.id)).await
}

async fn start(
    state: &AppState,
    headers: &HeaderMap,
    body: SignInSocialBody,
    link_user: Option<UserId>,
) -> Result<Response, ApiError> {
    if body.id_token.is_some() {
        return Err(ApiError::coded(
            StatusCode::NOT_FOUND,
            "ID_TOKEN_NOT_SUPPORTED",
            "id token not supported",
        ));
    }
    check_urls(state, &body)?;
    let started = state
        .auth
        .start_social_sign_in(StartSocial {
            provider: body.provider,
            callback_url: body.callback_url,
            error_url: body.error_callback_url,
            new_user_url: body.new_user_callback_url,
            scopes: body.scopes.unwrap_or_default(),
            login_hint: body.login_hint,
            request_sign_up: body.request_sign_up.unwrap_or(false),
            browser_binding: state.jar().read_signed(headers, BINDING_COOKIE),
            link_user,
        })
        .await?;
    let redirect = !body.disable_redirect.unwrap_or(false);
    let mut response = Json(SocialRedirectJson {
        url: started.url.clone(),
        redirect,
    })
    .into_response();
    let jar = state.jar();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        jar.set(
            BINDING_COOKIE,
            &jar.sign(&started.browser_binding),
            Some(BINDING_MAX_AGE_SECS),
        ),
    );
    if let Ok(location) = HeaderValue::from_str(&started.url) {
        headers.insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The provider's way back: finishes the sign-in and sends the browser on, signed in, or
/// to the error URL with `?error=<code>`. Always a 302.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let back = ProviderReturn {
        provider,
        code: query.code,
        state: query.state,
        error: query.error,
        iss: query.iss,
        browser_binding: state.jar().read_signed(&headers, BINDING_COOKIE),
        trusted_device: crate::routes::two_factor::trusted_device(&state, &headers),
    };
    match state.auth.finish_social_sign_in(back, client).await {
        Ok(landing) => {
            let mut response = found(&landing.redirect_to);
            if let Some(challenge) = &landing.second_factor {
                crate::routes::two_factor::set_challenge_cookie(
                    &state,
                    response.headers_mut(),
                    challenge,
                );
            }
            if let Some(signed) = &landing.signed_in {
                issue_session(
                    &state,
                    response.headers_mut(),
                    &signed.token,
                    &signed.session,
                    &signed.user,
                );
            }
            response
        }
        Err(failure) => {
            let target = failure
                .error_url
                .unwrap_or_else(|| format!("{}/api/auth/error", state.settings.base_url));
            found(&append_query(&target, "error", failure.code))
        }
    }
}

/// A provider's `response_mode=form_post` return: sent on to the GET form, where the
/// browser's `SameSite=Lax` binding cookie travels again.
pub async fn callback_form_post(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    body: Bytes,
) -> Response {
    let fields: CallbackQuery = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut url = format!(
        "{}/api/auth/callback/{}",
        state.settings.base_url,
        beep_domain::uri::encode_uri_component(&provider)
    );
    let pairs = [
        ("code", fields.code),
        ("state", fields.state),
        ("error", fields.error),
        ("error_description", fields.error_description),
        ("iss", fields.iss),
    ];
    for (name, value) in pairs {
        if let Some(value) = value {
            url = append_query(&url, name, &value);
        }
    }
    found(&url)
}

/// A 302 to `location`, never cached.
fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    let location =
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
