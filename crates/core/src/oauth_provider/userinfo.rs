//! What the provider tells a client about its user (OpenID Connect Core §5.3, §5.4): `sub`
//! always, the `profile` claims and the `email` claims only under those scopes, and, under
//! the `organization` scope (when the operator offers it), `organizations`: the seed's
//! organization context, read fresh. The same claims go into ID tokens and answer
//! `/oauth2/userinfo`.

use super::credential_digest;
use super::error::OAuthError;
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::User;
use beep_store::repos::{oauth_access_tokens, users};
use serde_json::{Map, Value, json};

impl Auth {
    /// `/oauth2/userinfo` for the bearer `token`: the user's claims under the token's scopes.
    /// A token that is unknown, expired, a client's own, or without `openid` is refused as
    /// `invalid_token` (RFC 6750 §3.1).
    pub async fn userinfo(&self, token: &str) -> Result<Map<String, Value>, AuthError> {
        let refuse = |description: &str| AuthError::from(OAuthError::invalid_token(description));
        let conn = self.store().conn();
        let now = self.now();
        let Some(found) = oauth_access_tokens::find_by_digest(conn, &credential_digest(token))
            .await?
            .filter(|t| t.expires_at > now)
        else {
            return Err(refuse("token is not active"));
        };
        let Some(user_id) = &found.user_id else {
            return Err(refuse("the token has no user"));
        };
        if !found.scopes.iter().any(|s| s == "openid") {
            return Err(refuse("Missing required scope"));
        }
        let Some(user) = users::find_by_id(conn, user_id)
            .await?
            .filter(|u| !u.is_banned_at(now))
        else {
            return Err(refuse("token is not active"));
        };
        self.user_claims(&user, &found.scopes).await
    }

    /// `sub`, plus the claims of `user` that `scopes` release.
    pub(super) async fn user_claims(
        &self,
        user: &User,
        scopes: &[String],
    ) -> Result<Map<String, Value>, AuthError> {
        let mut claims = standard_claims(user, scopes);
        if scopes.iter().any(|s| s == ORGANIZATION_SCOPE) {
            let (context, _) = crate::hooks::on_session_created(self.store().conn(), user).await?;
            claims.insert("organizations".to_owned(), context);
        }
        Ok(claims)
    }
}

/// The scope that releases the user's organizations (`{orgId: {name, type, role,
/// isPersonal, subscriptionTier}}`), when the operator lists it in `OIDC_PROVIDER_SCOPES`.
pub const ORGANIZATION_SCOPE: &str = "organization";

/// `sub`, plus the OpenID standard claims of `user` that `scopes` release.
fn standard_claims(user: &User, scopes: &[String]) -> Map<String, Value> {
    let has = |scope: &str| scopes.iter().any(|s| s == scope);
    let mut claims = Map::new();
    claims.insert("sub".to_owned(), json!(user.id.as_str()));
    if has("profile") {
        claims.insert("name".to_owned(), json!(user.name));
        if let Some(image) = &user.image {
            claims.insert("picture".to_owned(), json!(image));
        }
        let mut parts = user.name.splitn(2, ' ');
        if let (Some(given), Some(family)) = (parts.next(), parts.next()) {
            claims.insert("given_name".to_owned(), json!(given));
            claims.insert("family_name".to_owned(), json!(family));
        }
    }
    if has("email") {
        claims.insert("email".to_owned(), json!(user.email.as_str()));
        claims.insert("email_verified".to_owned(), json!(user.email_verified));
    }
    claims
}
