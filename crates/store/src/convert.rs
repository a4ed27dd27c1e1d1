//! Rows to domain entities and back. The database only holds what the domain wrote, so ids
//! and emails are wrapped without re-validation.

use crate::entities::{
    account, api_key, invitation, jwks, member, organization, outbox_mail, passkey, session, team,
    team_member, trusted_device, two_factor, user,
};
use beep_domain::{
    Account, AccountId, ApiKey, ApiKeyId, ApiKeyOwner, Audit, Email, Invitation, InvitationId,
    JsonWebKey, JsonWebKeyId, Member, MemberId, Organization, OrganizationId, OutboxMail,
    OutboxMailId, Passkey, PasskeyDeviceType, PasskeyId, Roles, Secret, Session, SessionId, Team,
    TeamId, TeamMember, TeamMemberId, TrustedDevice, TrustedDeviceId, TwoFactor, TwoFactorId, User,
    UserId,
};

macro_rules! audit_of {
    ($row:expr) => {
        Audit {
            created_at: $row.created_at,
            updated_at: $row.updated_at,
            created_by: $row.created_by,
            updated_by: $row.updated_by,
            version: $row.version,
        }
    };
}
pub(crate) use audit_of;

impl From<user::Model> for User {
    fn from(row: user::Model) -> Self {
        User {
            id: UserId::from_trusted(row.id),
            name: row.name,
            email: Email::from_trusted(row.email),
            email_verified: row.email_verified,
            image: row.image,
            two_factor_enabled: row.two_factor_enabled,
            role: row.role,
            banned: row.banned,
            ban_reason: row.ban_reason,
            ban_expires: row.ban_expires,
            audit: audit_of!(row),
        }
    }
}

impl From<two_factor::Model> for TwoFactor {
    fn from(row: two_factor::Model) -> Self {
        TwoFactor {
            id: TwoFactorId::from_trusted(row.id),
            user_id: UserId::from_trusted(row.user_id),
            sealed_secret: row.secret,
            sealed_backup_codes: row.backup_codes,
            verified: row.verified,
            last_totp_step: row.last_totp_step,
            failed_attempts: row.failed_attempts,
            locked_until: row.locked_until,
            audit: audit_of!(row),
        }
    }
}

impl From<trusted_device::Model> for TrustedDevice {
    fn from(row: trusted_device::Model) -> Self {
        TrustedDevice {
            id: TrustedDeviceId::from_trusted(row.id),
            user_id: UserId::from_trusted(row.user_id),
            token_digest: row.token_digest,
            expires_at: row.expires_at,
            user_agent: row.user_agent,
            audit: audit_of!(row),
        }
    }
}

impl From<jwks::Model> for JsonWebKey {
    fn from(row: jwks::Model) -> Self {
        JsonWebKey {
            id: JsonWebKeyId::from_trusted(row.id),
            algorithm: row.alg,
            public_jwk: row.public_key,
            sealed_private_key: row.private_key,
            expires_at: row.expires_at,
            audit: audit_of!(row),
        }
    }
}

impl From<api_key::Model> for ApiKey {
    fn from(row: api_key::Model) -> Self {
        // The migration's check keeps exactly one owner column set.
        let owner = match (row.user_id, row.organization_id) {
            (Some(user), _) => ApiKeyOwner::User(UserId::from_trusted(user)),
            (None, Some(org)) => ApiKeyOwner::Organization(OrganizationId::from_trusted(org)),
            (None, None) => ApiKeyOwner::User(UserId::from_trusted(String::new())),
        };
        ApiKey {
            id: ApiKeyId::from_trusted(row.id),
            config_id: row.config_id,
            name: row.name,
            start: row.start,
            prefix: row.prefix,
            owner,
            key_digest: row.key_digest,
            enabled: row.enabled,
            expires_at: row.expires_at,
            remaining: row.remaining,
            refill_interval_ms: row.refill_interval,
            refill_amount: row.refill_amount,
            last_refill_at: row.last_refill_at,
            rate_limit_enabled: row.rate_limit_enabled,
            rate_limit_time_window_ms: row.rate_limit_time_window,
            rate_limit_max: row.rate_limit_max,
            request_count: row.request_count,
            last_request: row.last_request,
            permissions: row.permissions,
            metadata: row.metadata,
            audit: audit_of!(row),
        }
    }
}

impl From<passkey::Model> for Passkey {
    fn from(row: passkey::Model) -> Self {
        Passkey {
            id: PasskeyId::from_trusted(row.id),
            name: row.name,
            user_id: UserId::from_trusted(row.user_id),
            credential_id: row.credential_id,
            public_key: row.public_key,
            counter: row.counter,
            device_type: PasskeyDeviceType::parse(&row.device_type),
            backed_up: row.backed_up,
            transports: row.transports,
            aaguid: row.aaguid,
            audit: audit_of!(row),
        }
    }
}

impl From<session::Model> for Session {
    fn from(row: session::Model) -> Self {
        Session {
            id: SessionId::from_trusted(row.id),
            token_digest: row.token_digest,
            user_id: UserId::from_trusted(row.user_id),
            expires_at: row.expires_at,
            ip_address: row.ip_address,
            user_agent: row.user_agent,
            remember_me: row.remember_me,
            active_organization_id: row.active_organization_id.map(OrganizationId::from_trusted),
            active_team_id: row.active_team_id.map(TeamId::from_trusted),
            organization_context: row.organization_context,
            impersonated_by: row.impersonated_by.map(UserId::from_trusted),
            audit: audit_of!(row),
        }
    }
}

impl From<account::Model> for Account {
    fn from(row: account::Model) -> Self {
        Account {
            id: AccountId::from_trusted(row.id),
            account_id: row.account_id,
            provider_id: row.provider_id,
            user_id: UserId::from_trusted(row.user_id),
            password_hash: row.password_hash.map(Secret::new),
            scope: row.scope,
            audit: audit_of!(row),
        }
    }
}

impl From<organization::Model> for Organization {
    fn from(row: organization::Model) -> Self {
        Organization {
            id: OrganizationId::from_trusted(row.id),
            name: row.name,
            slug: row.slug,
            logo: row.logo,
            metadata: row.metadata,
            kind: row.kind.into(),
            is_personal: row.is_personal,
            owner_user_id: row.owner_user_id.map(UserId::from_trusted),
            subscription_tier: row.subscription_tier.into(),
            subscription_status: row.subscription_status.into(),
            audit: audit_of!(row),
        }
    }
}

impl From<member::Model> for Member {
    fn from(row: member::Model) -> Self {
        Member {
            id: MemberId::from_trusted(row.id),
            organization_id: OrganizationId::from_trusted(row.organization_id),
            user_id: UserId::from_trusted(row.user_id),
            role: Roles::from_stored(&row.role),
            status: row.status.into(),
            audit: audit_of!(row),
        }
    }
}

impl From<team::Model> for Team {
    fn from(row: team::Model) -> Self {
        Team {
            id: TeamId::from_trusted(row.id),
            name: row.name,
            organization_id: OrganizationId::from_trusted(row.organization_id),
            audit: audit_of!(row),
        }
    }
}

impl From<team_member::Model> for TeamMember {
    fn from(row: team_member::Model) -> Self {
        TeamMember {
            id: TeamMemberId::from_trusted(row.id),
            team_id: TeamId::from_trusted(row.team_id),
            user_id: UserId::from_trusted(row.user_id),
            role: Roles::from_stored(&row.role),
            audit: audit_of!(row),
        }
    }
}

impl From<invitation::Model> for Invitation {
    fn from(row: invitation::Model) -> Self {
        Invitation {
            id: InvitationId::from_trusted(row.id),
            organization_id: OrganizationId::from_trusted(row.organization_id),
            email: Email::from_trusted(row.email),
            role: Roles::from_stored(&row.role),
            team_ids: team_ids_from_stored(row.team_id.as_deref()),
            status: row.status.into(),
            expires_at: row.expires_at,
            inviter_id: UserId::from_trusted(row.inviter_id),
            audit: audit_of!(row),
        }
    }
}

/// Team ids as stored on an invitation: comma-joined, or `NULL` for none.
pub(crate) fn team_ids_from_stored(value: Option<&str>) -> Vec<TeamId> {
    value
        .unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| TeamId::from_trusted(id.to_owned()))
        .collect()
}

/// The stored form of an invitation's team ids.
pub(crate) fn team_ids_to_stored(ids: &[TeamId]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.iter().map(TeamId::as_str).collect::<Vec<_>>().join(","))
}

impl From<outbox_mail::Model> for OutboxMail {
    fn from(row: outbox_mail::Model) -> Self {
        OutboxMail {
            id: OutboxMailId::from_trusted(row.id),
            template: row.template,
            recipient: row.recipient,
            subject: row.subject,
            sealed_body: row.sealed_body,
            status: row.status.into(),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            lease_owner: row.lease_owner,
            lease_until: row.lease_until,
            last_error: row.last_error,
            sent_at: row.sent_at,
            audit: audit_of!(row),
        }
    }
}
