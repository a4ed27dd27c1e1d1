//! What a user's authorization of a client leaves behind: the grant the authorization code
//! stands for ([`OAuthGrant`]), the refresh tokens that keep it going ([`OAuthRefreshToken`]),
//! and the user's standing consent to the client's scopes ([`OAuthConsent`]).
//!
//! Every access and refresh token a code leads to carries the grant's id, so the grant is
//! also the token family: a replayed code or a reused refresh token revokes it whole
//! (RFC 6749 §4.1.2, OAuth 2.1 §4.3.1). Codes and tokens are stored as digests only.

use crate::{Audit, OAuthConsentId, OAuthGrantId, OAuthRefreshTokenId, SessionId, UserId};
use chrono::{DateTime, Utc};

/// One authorization of a client by a user, made at `/oauth2/authorize` or on consent.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthGrant {
    /// The grant's id, which every token of its family carries.
    pub id: OAuthGrantId,
    /// base64url SHA-256 of the authorization code (unique).
    pub code_digest: String,
    /// The `client_id` it authorizes.
    pub client_id: String,
    /// The user who authorized it.
    pub user_id: UserId,
    /// The session the user authorized from, while that session lasts.
    pub session_id: Option<SessionId>,
    /// The `redirect_uri` of the request, which the token request must repeat exactly.
    pub redirect_uri: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// The request's `nonce`, echoed in the ID token.
    pub nonce: Option<String>,
    /// The PKCE `code_challenge` (S256), if the request had one.
    pub code_challenge: Option<String>,
    /// When the user last authenticated (the ID token's `auth_time`).
    pub auth_time: DateTime<Utc>,
    /// When the code stops being redeemable (10 minutes after it was made).
    pub code_expires_at: DateTime<Utc>,
    /// When the code was redeemed; a code is redeemed once.
    pub redeemed_at: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for OAuthGrant {
    // The code digest and the PKCE challenge stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthGrant")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .field("scopes", &self.scopes)
            .field("redeemed_at", &self.redeemed_at)
            .finish_non_exhaustive()
    }
}

/// A refresh token (issued with `offline_access`), rotated on every use.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthRefreshToken {
    /// The row's id.
    pub id: OAuthRefreshTokenId,
    /// base64url SHA-256 of the token (unique).
    pub token_digest: String,
    /// The grant (token family) it belongs to.
    pub grant_id: OAuthGrantId,
    /// The `client_id` it was issued to.
    pub client_id: String,
    /// The user it acts for.
    pub user_id: UserId,
    /// The session the grant was made from, while that session lasts.
    pub session_id: Option<SessionId>,
    /// What it may be exchanged for.
    pub scopes: Vec<String>,
    /// When the user authenticated for the grant.
    pub auth_time: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used (rotated) or revoked; a revoked token presented again is reuse.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for OAuthRefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthRefreshToken")
            .field("id", &self.id)
            .field("grant_id", &self.grant_id)
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

/// A user's standing consent to a client's scopes, so the next authorization asking no more
/// than these goes through without the consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConsent {
    /// The row's id.
    pub id: OAuthConsentId,
    /// The `client_id` consented to.
    pub client_id: String,
    /// The user who consented.
    pub user_id: UserId,
    /// The scopes consented to.
    pub scopes: Vec<String>,
    /// Audit fields.
    pub audit: Audit,
}

impl OAuthConsent {
    /// Whether every one of `scopes` is consented to.
    pub fn covers(&self, scopes: &[String]) -> bool {
        scopes.iter().all(|s| self.scopes.contains(s))
    }
}
