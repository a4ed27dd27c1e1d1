//! The user's answer on the consent page (`POST /oauth2/consent`), and the consents they
//! gave, which they can list, narrow and withdraw. Accepting stores the consent and sends
//! the user back to the client with a code; denying sends them back with `access_denied`.

use super::error::{OAuthError, OAuthErrorCode};
use super::scope_list;
use crate::auth::Auth;
use crate::error::AuthError;
use crate::flows::ActiveSession;
use beep_domain::{Audit, OAuthConsent, OAuthConsentId, User};
use beep_store::StoreError;
use beep_store::repos::{oauth_consents, oauth_grants};

/// What the user answered.
#[derive(Debug, Clone)]
pub struct ConsentAnswer {
    /// Whether they accepted.
    pub accept: bool,
    /// The scopes they accepted, when fewer than were asked for.
    pub scope: Option<String>,
    /// The consent page's query, as the authorize step signed it.
    pub oauth_query: String,
}

/// What a consent or login page shows of the request it was handed.
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    /// The client's name (its `client_id` when it gave none).
    pub client_name: String,
    /// The client's home page, if it gave one.
    pub client_uri: Option<String>,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The origin the user is sent back to (`https://rp.example.com`), for the page's
    /// `form-action`.
    pub redirect_origin: String,
    /// Whether the request asked to choose an account (`prompt=select_account`) and not
    /// for a fresh sign-in, so the page may offer to go on as the signed-in user.
    pub offers_account_choice: bool,
}

impl Auth {
    /// The request behind a hand-off this server signed, for a page to show; `None` when it
    /// does not verify or its client can no longer be served.
    pub async fn pending_authorization(
        &self,
        oauth_query: &str,
    ) -> Result<Option<PendingAuthorization>, AuthError> {
        let Ok(params) = self.verified_hand_off(oauth_query) else {
            return Ok(None);
        };
        let Ok(request) = self.authorization_request(params).await? else {
            return Ok(None);
        };
        let redirect_origin = reqwest::Url::parse(&request.redirect_uri)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        Ok(Some(PendingAuthorization {
            offers_account_choice: request.offers_account_choice(),
            client_name: request
                .client
                .metadata
                .name
                .clone()
                .unwrap_or_else(|| request.client.client_id.clone()),
            client_uri: request.client.metadata.uri.clone(),
            scopes: request.scopes,
            redirect_origin,
        }))
    }

    /// `POST /oauth2/consent` by the user of `active`: the URL to send them to.
    pub async fn answer_consent(
        &self,
        active: &ActiveSession,
        answer: ConsentAnswer,
    ) -> Result<String, AuthError> {
        let params = self.verified_hand_off(&answer.oauth_query)?;
        let request = match self.authorization_request(params).await? {
            Ok(request) => request,
            Err(redirect) => return Ok(redirect),
        };
        if !answer.accept {
            return Ok(self.to_client(
                &request,
                OAuthErrorCode::AccessDenied,
                "User denied access",
            ));
        }
        let scopes = match answer.scope.as_deref() {
            None => request.scopes.clone(),
            Some(scope) => {
                let accepted: Vec<String> = scope_list(scope)
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(extra) = accepted.iter().find(|s| !request.scopes.contains(s)) {
                    return Err(OAuthError::bad(
                        OAuthErrorCode::InvalidScope,
                        format!("Scope {extra} was not requested"),
                    )
                    .into());
                }
                accepted
            }
        };
        let now = self.now();
        let consent = OAuthConsent {
            id: OAuthConsentId::generate(),
            client_id: request.client.client_id.clone(),
            user_id: active.user.id.clone(),
            scopes: scopes.clone(),
            audit: Audit::created(now, Some(active.user.id.as_str())),
        };
        oauth_consents::upsert(self.store().conn(), &consent).await?;
        tracing::info!(target: "audit", client_id = %request.client.client_id, user_id = %active.user.id, "oauth consent given");
        self.issue_code(&request, &scopes, active).await
    }

    /// Every consent `user` gave, oldest first.
    pub async fn list_oauth_consents(&self, user: &User) -> Result<Vec<OAuthConsent>, AuthError> {
        Ok(oauth_consents::list_of(self.store().conn(), &user.id).await?)
    }

    /// `user`'s consent named by `which` (its id, or the client's id): 404 when there is
    /// none, 401 (no body) when it is another user's.
    pub async fn get_oauth_consent(
        &self,
        user: &User,
        which: &ConsentRef,
    ) -> Result<OAuthConsent, AuthError> {
        let conn = self.store().conn();
        let found = match which {
            ConsentRef::Id(id) => oauth_consents::find_by_id(conn, id).await?,
            ConsentRef::Client(client_id) => {
                oauth_consents::find(conn, client_id, &user.id).await?
            }
        };
        let consent = found.ok_or_else(consent_not_found)?;
        if consent.user_id != user.id {
            return Err(OAuthError::NotOwner.into());
        }
        Ok(consent)
    }

    /// Narrows `user`'s consent to `scopes` (a subset of what it holds). The client's grants
    /// and tokens for the user end with it, so none outlives the narrower consent.
    pub async fn update_oauth_consent(
        &self,
        user: &User,
        which: &ConsentRef,
        scopes: Vec<String>,
    ) -> Result<OAuthConsent, AuthError> {
        let consent = self.get_oauth_consent(user, which).await?;
        if let Some(extra) = scopes.iter().find(|s| !consent.scopes.contains(s)) {
            return Err(OAuthError::bad(
                OAuthErrorCode::InvalidScope,
                format!("Scope {extra} was not consented to"),
            )
            .into());
        }
        let narrowed = scopes.len() < consent.scopes.len();
        let updated = OAuthConsent {
            scopes,
            audit: consent.audit.touched(self.now(), Some(user.id.as_str())),
            ..consent
        };
        let tx = self.store().write().await?;
        oauth_consents::upsert(&tx, &updated).await?;
        if narrowed {
            oauth_grants::delete_of(&tx, &updated.client_id, &user.id).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(target: "audit", client_id = %updated.client_id, user_id = %user.id, "oauth consent changed");
        Ok(updated)
    }

    /// Withdraws `user`'s consent, and with it every grant and token the client holds for
    /// them.
    pub async fn delete_oauth_consent(
        &self,
        user: &User,
        which: &ConsentRef,
    ) -> Result<(), AuthError> {
        let consent = self.get_oauth_consent(user, which).await?;
        let tx = self.store().write().await?;
        oauth_consents::delete(&tx, &consent.id, &user.id).await?;
        oauth_grants::delete_of(&tx, &consent.client_id, &user.id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(target: "audit", client_id = %consent.client_id, user_id = %user.id, "oauth consent withdrawn");
        Ok(())
    }
}

/// Which consent a request names.
#[derive(Debug, Clone)]
pub enum ConsentRef {
    /// By its id.
    Id(String),
    /// By the client's `client_id` (the caller's consent to it).
    Client(String),
}

fn consent_not_found() -> OAuthError {
    OAuthError::bad(OAuthErrorCode::NotFound, "no consent found")
}
