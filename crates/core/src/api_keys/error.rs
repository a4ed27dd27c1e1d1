//! How an API-key request is refused: better-auth's `API_KEY_ERROR_CODES`.

use beep_domain::ApiKeyRefusal;

/// An API-key request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    /// No key with that id belongs to the caller.
    #[error("API Key not found")]
    KeyNotFound,
    /// The presented key is not a key of this server.
    #[error("Invalid API key.")]
    InvalidApiKey,
    /// The key is turned off.
    #[error("API Key is disabled")]
    KeyDisabled,
    /// The key is past its expiry.
    #[error("API Key has expired")]
    KeyExpired,
    /// The key has no uses left.
    #[error("API Key has reached its usage limit")]
    UsageExceeded,
    /// The key's rate limit is reached.
    #[error("Rate limit exceeded.")]
    RateLimited {
        /// Milliseconds until a use is let through again.
        try_again_in_ms: i64,
    },
    /// The key lacks a permission the check asked for.
    #[error("API Key not found")]
    MissingPermission,
    /// The prefix is too short or too long.
    #[error("The prefix length is either too large or too small.")]
    InvalidPrefixLength,
    /// The name is too short or too long.
    #[error("The name length is either too large or too small.")]
    InvalidNameLength,
    /// A name is required and none was given.
    #[error("API Key name is required.")]
    NameRequired,
    /// `expiresIn` is below the shortest lifetime allowed.
    #[error("The expiresIn is smaller than the predefined minimum value.")]
    ExpiresInTooSmall,
    /// `expiresIn` is above the longest lifetime allowed.
    #[error("The expiresIn is larger than the predefined maximum value.")]
    ExpiresInTooLarge,
    /// Metadata was given but keys carry none here.
    #[error("Metadata is disabled.")]
    MetadataDisabled,
    /// Metadata that is not a JSON object.
    #[error("metadata must be an object or undefined")]
    InvalidMetadataType,
    /// An update that changes nothing.
    #[error("No values to update.")]
    NoValuesToUpdate,
    /// A setting only the server may choose, sent by a client.
    #[error(
        "The property you're trying to set can only be set from the server auth instance only."
    )]
    ServerOnlyProperty,
    /// A `refillAmount` without a `refillInterval`.
    #[error("refillAmount is required when refillInterval is provided")]
    RefillAmountWithoutInterval,
    /// A `refillInterval` without a `refillAmount`.
    #[error("refillInterval is required when refillAmount is provided")]
    RefillIntervalWithoutAmount,
    /// A quota or limit below zero.
    #[error("The remaining count is either too large or too small.")]
    InvalidRemaining,
    /// The caller is not a member of the organization.
    #[error("You are not a member of the organization that owns this API key.")]
    NotMemberOfOrganization,
    /// The caller is a member but not an owner of the organization.
    #[error("You do not have permission to perform this action on organization API keys.")]
    InsufficientPermissions,
    /// The key does not belong to a user, so it cannot stand for a session.
    #[error("The reference id from the API key is invalid.")]
    NotAUserKey,
}

impl ApiKeyError {
    /// better-auth's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::KeyNotFound | Self::MissingPermission => "KEY_NOT_FOUND",
            Self::InvalidApiKey => "INVALID_API_KEY",
            Self::KeyDisabled => "KEY_DISABLED",
            Self::KeyExpired => "KEY_EXPIRED",
            Self::UsageExceeded => "USAGE_EXCEEDED",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::InvalidPrefixLength => "INVALID_PREFIX_LENGTH",
            Self::InvalidNameLength => "INVALID_NAME_LENGTH",
            Self::NameRequired => "NAME_REQUIRED",
            Self::ExpiresInTooSmall => "EXPIRES_IN_IS_TOO_SMALL",
            Self::ExpiresInTooLarge => "EXPIRES_IN_IS_TOO_LARGE",
            Self::MetadataDisabled => "METADATA_DISABLED",
            Self::InvalidMetadataType => "INVALID_METADATA_TYPE",
            Self::NoValuesToUpdate => "NO_VALUES_TO_UPDATE",
            Self::ServerOnlyProperty => "SERVER_ONLY_PROPERTY",
            Self::RefillAmountWithoutInterval => "REFILL_AMOUNT_AND_INTERVAL_REQUIRED",
            Self::RefillIntervalWithoutAmount => "REFILL_INTERVAL_AND_AMOUNT_REQUIRED",
            Self::InvalidRemaining => "INVALID_REMAINING",
            Self::NotMemberOfOrganization => "USER_NOT_MEMBER_OF_ORGANIZATION",
            Self::InsufficientPermissions => "INSUFFICIENT_API_KEY_PERMISSIONS",
            Self::NotAUserKey => "INVALID_REFERENCE_ID_FROM_API_KEY",
        }
    }
}

impl From<ApiKeyRefusal> for ApiKeyError {
    fn from(refusal: ApiKeyRefusal) -> Self {
        match refusal {
            ApiKeyRefusal::Disabled => Self::KeyDisabled,
            ApiKeyRefusal::Expired => Self::KeyExpired,
            ApiKeyRefusal::UsageExceeded => Self::UsageExceeded,
            ApiKeyRefusal::RateLimited { try_again_in_ms } => Self::RateLimited { try_again_in_ms },
        }
    }
}
