//! Who the provider says the user is: the verified ID token of an OpenID Connect provider,
//! or the documented profile calls of GitHub, Discord and Twitter, mapped to one shape.

use super::client::{ProviderCallError, ProviderClient};
use super::config::ProviderKind;
use super::id_token::{Expected, IdTokenError, UnverifiedIdToken, check_claims};
use super::provider::{Provider, truthy};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The user as a provider describes them.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The provider's stable id for the user (`sub`, GitHub's numeric id, …).
    pub id: String,
    /// Their address, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
    /// Display name.
    pub name: String,
    /// Avatar URL.
    pub image: Option<String>,
    /// What the provider sent, for `account-info`.
    pub raw: Value,
}

/// Why no profile could be had.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The ID token was refused.
    #[error(transparent)]
    IdToken(#[from] IdTokenError),
    /// An OpenID Connect provider sent no ID token.
    #[error("no ID token")]
    MissingIdToken,
    /// The provider could not be asked, or answered nonsense.
    #[error(transparent)]
    Call(#[from] ProviderCallError),
    /// The profile has no usable id.
    #[error("profile without an id")]
    NoId,
}

/// What a token exchange gave that the profile is read from.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'a> {
    /// The access token.
    pub access_token: &'a str,
    /// The ID token, if any.
    pub id_token: Option<&'a str>,
    /// The nonce the sign-in sent (OpenID Connect).
    pub nonce: Option<&'a str>,
}

/// Reads the user's profile after a code exchange.
pub async fn fetch(
    provider: &Provider,
    client: &ProviderClient,
    grant: Grant<'_>,
    now: DateTime<Utc>,
) -> Result<Profile, ProfileError> {
    match provider.settings.kind {
        kind if kind.is_openid() => from_openid(provider, client, grant, now).await,
        ProviderKind::GitHub => github(provider, client, grant.access_token).await,
        ProviderKind::Discord => discord(provider, client, grant.access_token).await,
        _ => twitter(provider, client, grant.access_token).await,
    }
}

/// Reads the profile again with a stored access token (for `account-info`), without an ID
/// token: from the user-info endpoint.
pub async fn fetch_with_access_token(
    provider: &Provider,
    client: &ProviderClient,
    access_token: &str,
) -> Result<Profile, ProfileError> {
    match provider.settings.kind {
        kind if kind.is_openid() => {
            let url = userinfo_url(provider, client).await?;
            let claims = client.get_json(&url, Some(access_token)).await?;
            openid_profile(provider.settings.kind, claims)
        }
        ProviderKind::GitHub => github(provider, client, access_token).await,
        ProviderKind::Discord => discord(provider, client, access_token).await,
        _ => twitter(provider, client, access_token).await,
    }
}

async fn userinfo_url(
    provider: &Provider,
    client: &ProviderClient,
) -> Result<String, ProfileError> {
    provider
        .endpoints(client)
        .await?
        .userinfo
        .clone()
        .ok_or(ProfileError::Call(ProviderCallError::BadAnswer(
            "no userinfo endpoint",
        )))
}

async fn from_openid(
    provider: &Provider,
    client: &ProviderClient,
    grant: Grant<'_>,
    now: DateTime<Utc>,
) -> Result<Profile, ProfileError> {
    let token = grant.id_token.ok_or(ProfileError::MissingIdToken)?;
    let unverified = UnverifiedIdToken::parse(token).map_err(IdTokenError::from)?;
    let keys = provider.keys_for(client, unverified.kid()).await?;
    let tenant = unverified.unverified_claims()["tid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let claims = unverified
        .verify_signature(&keys)
        .map_err(IdTokenError::from)?;
    let announced = provider
        .endpoints(client)
        .await?
        .issuer
        .clone()
        .unwrap_or_default();
    // Microsoft's multi-tenant issuer names the tenant of each token.
    let issuer = announced.replace("{tenantid}", &tenant);
    check_claims(
        &claims,
        &Expected {
            issuer: &issuer,
            client_id: &provider.settings.client_id,
            nonce: grant.nonce,
            now,
        },
    )?;
    let mut profile = openid_profile(provider.settings.kind, claims)?;
    // An ID token without the address: ask the user-info endpoint, for the same subject.
    if profile.email.is_none()
        && let Ok(url) = userinfo_url(provider, client).await
    {
        let info = client.get_json(&url, Some(grant.access_token)).await?;
        if info["sub"].as_str() == Some(profile.id.as_str()) {
            let extra = openid_profile(provider.settings.kind, info)?;
            profile.email = extra.email;
            profile.email_verified = extra.email_verified;
        }
    }
    Ok(profile)
}

fn openid_profile(kind: ProviderKind, claims: Value) -> Result<Profile, ProfileError> {
    let id = claims["sub"].as_str().ok_or(ProfileError::NoId)?.to_owned();
    let mut email = claims["email"].as_str().map(str::to_owned);
    // Microsoft asserts no `email_verified`: its `email` is whatever the tenant typed in
    // (the "nOAuth" takeover), so it is never taken as verified here.
    let email_verified = kind != ProviderKind::Microsoft && truthy(&claims["email_verified"]);
    if kind == ProviderKind::Microsoft && email.is_none() {
        email = claims["preferred_username"]
            .as_str()
            .filter(|u| u.contains('@'))
            .map(str::to_owned);
    }
    let name = claims["name"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            let given = claims["given_name"].as_str().unwrap_or_default();
            let family = claims["family_name"].as_str().unwrap_or_default();
            let joined = format!("{given} {family}").trim().to_owned();
            (!joined.is_empty()).then_some(joined)
        })
        .unwrap_or_default();
    Ok(Profile {
        id,
        email,
        email_verified,
        name,
        image: claims["picture"].as_str().map(str::to_owned),
        raw: claims,
    })
}

/// GitHub: `/user`, then `/user/emails` for the primary address and whether it is verified
/// (a private address is absent from `/user`).
async fn github(
    provider: &Provider,
    client: &ProviderClient,
    access_token: &str,
) -> Result<Profile, ProfileError> {
    let endpoints = provider.endpoints(client).await?;
    let user_url = endpoints.userinfo.clone().unwrap_or_default();
    let user = client.get_json(&user_url, Some(access_token)).await?;
    let id = match &user["id"] {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.is_empty() => s.clone(),
        _ => return Err(ProfileError::NoId),
    };
    let mut email = user["email"].as_str().map(str::to_owned);
    let mut email_verified = false;
    if let Some(url) = &endpoints.emails {
        let emails = client.get_json(url, Some(access_token)).await?;
        let list = emails.as_array().cloned().unwrap_or_default();
        let primary = list
            .iter()
            .find(|e| e["primary"] == Value::Bool(true))
            .or_else(|| list.first());
        if let Some(primary) = primary {
            email = primary["email"].as_str().map(str::to_owned);
            email_verified = primary["verified"] == Value::Bool(true);
        }
    }
    let name = user["name"]
        .as_str()
        .or_else(|| user["login"].as_str())
        .unwrap_or_default()
        .to_owned();
    Ok(Profile {
        id,
        email,
        email_verified,
        name,
        image: user["avatar_url"].as_str().map(str::to_owned),
        raw: user,
    })
}

/// Discord: `/users/@me`; the avatar is a hash turned into a CDN URL.
async fn discord(
    provider: &Provider,
    client: &ProviderClient,
    access_token: &str,
) -> Result<Profile, ProfileError> {
    let url = userinfo_url(provider, client).await?;
    let user = client.get_json(&url, Some(access_token)).await?;
    let id = user["id"].as_str().ok_or(ProfileError::NoId)?.to_owned();
    let image = user["avatar"]
        .as_str()
        .map(|hash| format!("https://cdn.discordapp.com/avatars/{id}/{hash}.png"));
    let name = user["global_name"]
        .as_str()
        .or_else(|| user["username"].as_str())
        .unwrap_or_default()
        .to_owned();
    Ok(Profile {
        email: user["email"].as_str().map(str::to_owned),
        email_verified: user["verified"] == Value::Bool(true),
        id,
        name,
        image,
        raw: user,
    })
}

/// Twitter / X: `/2/users/me`; an address only when the app may read it
/// (`confirmed_email`), and then it is confirmed by X.
async fn twitter(
    provider: &Provider,
    client: &ProviderClient,
    access_token: &str,
) -> Result<Profile, ProfileError> {
    let url = userinfo_url(provider, client).await?;
    let answer = client.get_json(&url, Some(access_token)).await?;
    let user = &answer["data"];
    let id = user["id"].as_str().ok_or(ProfileError::NoId)?.to_owned();
    let email = user["confirmed_email"].as_str().map(str::to_owned);
    Ok(Profile {
        email_verified: email.is_some(),
        email,
        id,
        name: user["name"].as_str().unwrap_or_default().to_owned(),
        image: user["profile_image_url"].as_str().map(str::to_owned),
        raw: answer.clone(),
    })
}
