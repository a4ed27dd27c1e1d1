//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): a client that may
//! (`enable_end_session`, set by an admin) sends the user here with the ID token it was
//! given; the session that token names ends, and the user goes back to one of the client's
//! registered `post_logout_redirect_uris`, matched exactly, or sees a signed-out page.

use super::error::{OAuthError, OAuthErrorCode};
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::{SessionId, UserId};
use beep_store::repos::{oauth_clients, sessions};
use reqwest::Url;
use serde_json::Value;

/// What the client sent.
#[derive(Debug, Clone, Default)]
pub struct EndSessionRequest {
    /// An ID token this server issued to the client (expired ones are accepted).
    pub id_token_hint: Option<String>,
    /// The client, which must be the token's audience when given.
    pub client_id: Option<String>,
    /// Where to send the user afterwards; one of the client's, exactly.
    pub post_logout_redirect_uri: Option<String>,
    /// Echoed to that URI.
    pub state: Option<String>,
}

/// Where the user goes after the logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndSessionOutcome {
    /// Back to the client.
    Redirect(String),
    /// Nowhere asked for: the server's signed-out page.
    SignedOut,
}

impl Auth {
    /// `/oauth2/end-session`: ends the session the hint names.
    pub async fn end_session(
        &self,
        request: EndSessionRequest,
    ) -> Result<EndSessionOutcome, AuthError> {
        let hint = request
            .id_token_hint
            .as_deref()
            .ok_or_else(|| OAuthError::invalid_request("id_token_hint is required"))?;
        let claims = self
            .verified_own_jwt(hint)
            .await?
            .filter(|c| {
                c.get("iss").and_then(Value::as_str)
                    == Some(self.config().oauth_provider.issuer.as_str())
            })
            .ok_or_else(|| OAuthError::invalid_request("invalid id_token_hint"))?;
        let audience = claims
            .get("aud")
            .and_then(Value::as_str)
            .ok_or_else(|| OAuthError::invalid_request("invalid id_token_hint"))?;
        if request
            .client_id
            .as_deref()
            .is_some_and(|id| id != audience)
        {
            return Err(
                OAuthError::invalid_request("client_id does not match the id_token_hint").into(),
            );
        }
        let client = oauth_clients::find(self.store().conn(), audience)
            .await?
            .filter(|c| !c.disabled)
            .ok_or_else(|| OAuthError::invalid_client("client not found", false))?;
        if !client.enable_end_session {
            return Err(OAuthError::Protocol {
                code: OAuthErrorCode::InvalidClient,
                description: "The client is not allowed to initiate logout".to_owned(),
                unauthorized: true,
                basic_challenge: false,
            }
            .into());
        }
        let back = match &request.post_logout_redirect_uri {
            None => None,
            Some(uri) => {
                let registered = client
                    .metadata
                    .post_logout_redirect_uris
                    .as_ref()
                    .is_some_and(|uris| uris.contains(uri));
                let mut url = Url::parse(uri).ok().filter(|_| registered).ok_or_else(|| {
                    OAuthError::invalid_request("invalid post_logout_redirect_uri")
                })?;
                if let Some(state) = &request.state {
                    url.query_pairs_mut().append_pair("state", state);
                }
                Some(url.to_string())
            }
        };
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .and_then(|s| UserId::parse(s).ok());
        let session = claims
            .get("sid")
            .and_then(Value::as_str)
            .and_then(|s| SessionId::parse(s).ok());
        if let (Some(user), Some(session)) = (subject, session)
            && sessions::delete_owned(self.store().conn(), &user, session.as_str()).await?
        {
            self.session_changed(&session, &user).await;
            tracing::info!(target: "audit", client_id = %client.client_id, user_id = %user, "session ended by the client (RP-initiated logout)");
        }
        Ok(back.map_or(EndSessionOutcome::SignedOut, EndSessionOutcome::Redirect))
    }
}
