//! The IAM entities, as the seed models them. Field names follow better-auth's columns, plus
//! the seed's extras (organization type, subscription, member status) and audit fields.

use crate::{
    AccountId, InvitationId, JsonWebKeyId, MemberId, OrganizationId, OutboxMailId, PasskeyId,
    SessionId, TeamId, TeamMemberId, TrustedDeviceId, TwoFactorId, UserId, VerificationId,
};
use crate::{
    Audit, Email, InvitationStatus, MemberStatus, OrganizationType, OutboxStatus, Roles, Secret,
    SubscriptionStatus, SubscriptionTier,
};
use chrono::{DateTime, Utc};

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Lower-cased, unique email address.
    pub email: Email,
    /// Whether the address has been proven.
    pub email_verified: bool,
    /// Avatar URL.
    pub image: Option<String>,
    /// Whether a second factor is required after every first factor.
    pub two_factor_enabled: bool,
    /// The user's roles, comma-separated as better-auth stores them (`"user"`, `"admin"`).
    pub role: String,
    /// Whether the user is banned (see [`User::is_banned_at`]: a ban can run out).
    pub banned: bool,
    /// Why the user was banned.
    pub ban_reason: Option<String>,
    /// When the ban ends by itself; `None` while banned: never.
    pub ban_expires: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

impl User {
    /// The role every new user gets.
    pub const DEFAULT_ROLE: &'static str = "user";

    /// The user's roles, one by one.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.role
            .split(',')
            .map(str::trim)
            .filter(|role| !role.is_empty())
    }

    /// Whether the user is banned at `now` (an expired ban no longer counts).
    pub fn is_banned_at(&self, now: DateTime<Utc>) -> bool {
        self.banned && self.ban_expires.is_none_or(|ends| ends > now)
    }
}

/// One signed-in device or client. The secret token is stored only as a SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session's id, also its public handle (the JSON `token`).
    pub id: SessionId,
    /// SHA-256 of the secret token, hex.
    pub token_digest: String,
    /// Whose session it is.
    pub user_id: UserId,
    /// When it stops being valid (moves forward on sliding refresh).
    pub expires_at: DateTime<Utc>,
    /// Client address seen at creation, `""` when unknown.
    pub ip_address: String,
    /// Client user agent seen at creation, `""` when unknown.
    pub user_agent: String,
    /// `false` for a "don't remember me" session: 1 day, never refreshed.
    pub remember_me: bool,
    /// The organization the session acts in.
    pub active_organization_id: Option<OrganizationId>,
    /// The team the session acts in.
    pub active_team_id: Option<TeamId>,
    /// `{orgId: {name, type, role, isPersonal, subscriptionTier}}` for every active
    /// membership, personal organization first (the seed's session hook).
    pub organization_context: serde_json::Value,
    /// The admin acting as the user in this session (impersonation), if any.
    pub impersonated_by: Option<UserId>,
    /// Audit fields.
    pub audit: Audit,
}

/// A way to sign in: the `credential` provider holds a password hash; OAuth providers (later)
/// hold tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's id.
    pub id: AccountId,
    /// The provider's id for the user (`credential`: the user id).
    pub account_id: String,
    /// `credential`, `google`, `github`, …
    pub provider_id: String,
    /// Whose account it is.
    pub user_id: UserId,
    /// PHC-format argon2id hash, or a legacy better-auth scrypt `salt:key`.
    pub password_hash: Option<Secret<String>>,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
    /// Audit fields.
    pub audit: Audit,
}

/// The provider id of password accounts.
pub const CREDENTIAL_PROVIDER: &str = "credential";

/// What a linked OAuth account holds from its provider. The three tokens are sealed
/// (encrypted under a key derived from the server secret) before they reach this type, so a
/// database dump hands nobody a provider token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SealedProviderTokens {
    /// The sealed access token.
    pub access_token: Option<String>,
    /// The sealed refresh token.
    pub refresh_token: Option<String>,
    /// The sealed OpenID Connect ID token.
    pub id_token: Option<String>,
    /// When the access token lapses, if the provider said.
    pub access_token_expires_at: Option<DateTime<Utc>>,
    /// When the refresh token lapses, if the provider said.
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
}

impl std::fmt::Debug for SealedProviderTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedProviderTokens")
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A single-use proof (email verification, password reset, …), stored by digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The row's id.
    pub id: VerificationId,
    /// `purpose:` plus a digest of the token.
    pub identifier: String,
    /// What the proof grants (for example a user id).
    pub value: String,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
    /// Audit fields.
    pub audit: Audit,
}

/// A tenant: a person's own organization, a team or a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// The organization's id.
    pub id: OrganizationId,
    /// Display name.
    pub name: String,
    /// Unique URL name.
    pub slug: String,
    /// Logo URL.
    pub logo: Option<String>,
    /// Free-form JSON metadata.
    pub metadata: Option<serde_json::Value>,
    /// What kind of organization it is.
    pub kind: OrganizationType,
    /// Made for one user at sign-up.
    pub is_personal: bool,
    /// The user that owns it.
    pub owner_user_id: Option<UserId>,
    /// Plan.
    pub subscription_tier: SubscriptionTier,
    /// Plan standing.
    pub subscription_status: SubscriptionStatus,
    /// Audit fields.
    pub audit: Audit,
}

/// A user's membership of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The membership's id.
    pub id: MemberId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The member.
    pub user_id: UserId,
    /// The member's roles (built-in `owner`, `admin`, `member`).
    pub role: Roles,
    /// Whether the membership is in force.
    pub status: MemberStatus,
    /// Audit fields.
    pub audit: Audit,
}

/// A group inside an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// Display name.
    pub name: String,
    /// The organization it belongs to.
    pub organization_id: OrganizationId,
    /// Audit fields.
    pub audit: Audit,
}

/// A user's membership of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    /// The row's id.
    pub id: TeamMemberId,
    /// The team.
    pub team_id: TeamId,
    /// The member.
    pub user_id: UserId,
    /// The member's roles within the team (`admin`, `member`).
    pub role: Roles,
    /// Audit fields.
    pub audit: Audit,
}

/// An offer to join an organization, sent to an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The invitation's id.
    pub id: InvitationId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The invitee's address.
    pub email: Email,
    /// The roles the invitee gets.
    pub role: Roles,
    /// The teams the invitee joins (none, one or several).
    pub team_ids: Vec<TeamId>,
    /// Where it stands.
    pub status: InvitationStatus,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
    /// Who sent it.
    pub inviter_id: UserId,
    /// Audit fields.
    pub audit: Audit,
}

/// A mail in the outbox: written in the transaction of the flow that sends it, delivered
/// afterwards by the outbox worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    /// The mail's id; also its `Message-ID` and idempotency key.
    pub id: OutboxMailId,
    /// Which template made it (`verify-email`, `reset-password`, …).
    pub template: String,
    /// The one recipient address.
    pub recipient: String,
    /// The subject line (never holds a secret).
    pub subject: String,
    /// The sealed text and HTML parts (they hold one-time links); `None` once delivered or
    /// given up, so no link outlives its mail.
    pub sealed_body: Option<String>,
    /// Where the mail stands.
    pub status: OutboxStatus,
    /// Delivery attempts started so far.
    pub attempts: i32,
    /// Not to be tried before this time.
    pub next_attempt_at: DateTime<Utc>,
    /// The node delivering it now, if any.
    pub lease_owner: Option<String>,
    /// Until when that node's claim holds.
    pub lease_until: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the transport accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

/// A user's TOTP enrolment and backup codes. Both secrets are sealed (encrypted under a key
/// derived from the server secret) before they reach this type.
#[derive(Clone, PartialEq, Eq)]
pub struct TwoFactor {
    /// The enrolment's id.
    pub id: TwoFactorId,
    /// Whose it is (one per user).
    pub user_id: UserId,
    /// The sealed TOTP secret.
    pub sealed_secret: String,
    /// The sealed JSON list of unused backup codes.
    pub sealed_backup_codes: String,
    /// Whether a code from the authenticator has confirmed the enrolment.
    pub verified: bool,
    /// The last TOTP time step accepted (a code is good once).
    pub last_totp_step: Option<i64>,
    /// Wrong codes in a row.
    pub failed_attempts: i32,
    /// Until when every code is refused after too many wrong ones.
    pub locked_until: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

impl TwoFactor {
    /// Whether it holds a TOTP secret (a user with codes by mail only has an enrolment
    /// without one, which keeps their wrong-code count).
    pub fn has_totp(&self) -> bool {
        !self.sealed_secret.is_empty()
    }
}

impl std::fmt::Debug for TwoFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactor")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("verified", &self.verified)
            .field("failed_attempts", &self.failed_attempts)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

/// A device that may skip the second factor until `expires_at`: the cookie holds a token,
/// the row its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDevice {
    /// The device's id.
    pub id: TrustedDeviceId,
    /// Whose device it is.
    pub user_id: UserId,
    /// SHA-256 of the cookie's token, hex.
    pub token_digest: String,
    /// When the trust ends.
    pub expires_at: DateTime<Utc>,
    /// The user agent that asked to be trusted.
    pub user_agent: String,
    /// Audit fields.
    pub audit: Audit,
}

/// A WebAuthn credential (passkey) registered by a user: what a sign-in with it is checked
/// against. Nothing here is secret: the private key never leaves the authenticator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passkey {
    /// The passkey's id.
    pub id: PasskeyId,
    /// The name the user gave it.
    pub name: Option<String>,
    /// Whose it is.
    pub user_id: UserId,
    /// The credential id the authenticator chose, base64url without padding (unique).
    pub credential_id: String,
    /// The public key as the authenticator sent it (COSE_Key), standard base64.
    pub public_key: String,
    /// The last signature counter seen (0 when the authenticator does not count).
    pub counter: i64,
    /// Whether the credential may be synced across devices.
    pub device_type: PasskeyDeviceType,
    /// Whether it was backed up when last seen.
    pub backed_up: bool,
    /// How the browser can reach the authenticator (`internal,hybrid`), comma-separated.
    pub transports: String,
    /// The authenticator model, a UUID (all zeros when not disclosed).
    pub aaguid: Option<String>,
    /// Audit fields.
    pub audit: Audit,
}

/// Whether a passkey lives on one device or is synced (WebAuthn's backup eligibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyDeviceType {
    /// Bound to one authenticator.
    SingleDevice,
    /// May be synced to other devices.
    MultiDevice,
}

impl PasskeyDeviceType {
    /// better-auth's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleDevice => "singleDevice",
            Self::MultiDevice => "multiDevice",
        }
    }

    /// Reads better-auth's spelling; anything else is a single-device passkey.
    pub fn parse(value: &str) -> Self {
        if value == "multiDevice" {
            Self::MultiDevice
        } else {
            Self::SingleDevice
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_tokens_and_second_factor_secrets_never_print() {
        let tokens = SealedProviderTokens {
            access_token: Some("sealed-access".into()),
            refresh_token: Some("sealed-refresh".into()),
            id_token: Some("sealed-id".into()),
            ..SealedProviderTokens::default()
        };
        let now = chrono::Utc::now();
        let enrolment = TwoFactor {
            id: TwoFactorId::generate(),
            user_id: UserId::generate(),
            sealed_secret: "sealed-secret".into(),
            sealed_backup_codes: "sealed-codes".into(),
            verified: true,
            last_totp_step: None,
            failed_attempts: 0,
            locked_until: None,
            audit: Audit::created(now, None),
        };

        let printed = format!("{tokens:?} {enrolment:?}");

        for secret in [
            "sealed-access",
            "sealed-refresh",
            "sealed-id",
            "sealed-secret",
            "sealed-codes",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}

/// A key pair the server signs JWTs with. The public half is published in the JWKS; the
/// private half is sealed (encrypted under a key derived from the server secret).
#[derive(Clone, PartialEq, Eq)]
pub struct JsonWebKey {
    /// The key's id, the `kid` of the tokens it signs.
    pub id: JsonWebKeyId,
    /// The JWS algorithm (`EdDSA`, `ES256`, `RS256`).
    pub algorithm: String,
    /// The public key as a JWK (JSON text, without `kid` and `alg`).
    pub public_jwk: String,
    /// The sealed PKCS#8 private key.
    pub sealed_private_key: String,
    /// When the key stops signing (it stays published for a grace period after); `None` for
    /// a key that is never rotated.
    pub expires_at: Option<DateTime<Utc>>,
    /// Audit fields.
    pub audit: Audit,
}

impl std::fmt::Debug for JsonWebKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonWebKey")
            .field("id", &self.id)
            .field("algorithm", &self.algorithm)
            .field("public_jwk", &self.public_jwk)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
