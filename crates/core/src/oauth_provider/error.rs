//! OAuth protocol errors (RFC 6749 §5.2, RFC 7591 §3.2.2): `{error, error_description}`.

/// The `error` of an OAuth error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorCode {
    /// A parameter is missing, repeated or malformed.
    InvalidRequest,
    /// The client is unknown, disabled, or failed to authenticate.
    InvalidClient,
    /// The code, refresh token or device code is not valid.
    InvalidGrant,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// The server does not know the grant.
    UnsupportedGrantType,
    /// A requested scope is not allowed.
    InvalidScope,
    /// A redirect URI of a client is not acceptable.
    InvalidRedirectUri,
    /// Other client metadata is not acceptable.
    InvalidClientMetadata,
    /// No client has that id (client management).
    NotFound,
    /// The operation is switched off.
    AccessDenied,
    /// The token kind cannot be revoked.
    UnsupportedTokenType,
    /// A bearer credential is missing or not valid (RFC 6750 §3.1).
    InvalidToken,
    /// `prompt=none`, and the user is not signed in.
    LoginRequired,
    /// `prompt=none`, and the user has not consented.
    ConsentRequired,
    /// The client is disabled (authorization error page).
    ClientDisabled,
    /// The redirect URI is not one of the client's (authorization error page).
    InvalidRedirect,
    /// The `request` parameter (a request object) is not supported.
    RequestNotSupported,
    /// The `request_uri` parameter is not supported.
    RequestUriNotSupported,
    /// Only `response_type=code` is supported.
    UnsupportedResponseType,
    /// The user has not answered the device authorization yet (RFC 8628 §3.5).
    AuthorizationPending,
    /// The device polls faster than its interval.
    SlowDown,
    /// The device code expired.
    ExpiredToken,
    /// The user denied the device (RFC 8628 §3.5: `access_denied`, a 400).
    DeviceDenied,
}

impl OAuthErrorCode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidRedirectUri => "invalid_redirect_uri",
            Self::InvalidClientMetadata => "invalid_client_metadata",
            Self::NotFound => "not_found",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidToken => "invalid_token",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::ClientDisabled => "client_disabled",
            Self::InvalidRedirect => "invalid_redirect",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::DeviceDenied => "access_denied",
        }
    }
}

/// A refused OAuth request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// `{error, error_description}`, with 400 unless the code says otherwise.
    #[error("{}: {description}", code.as_str())]
    Protocol {
        /// `error`.
        code: OAuthErrorCode,
        /// `error_description`.
        description: String,
        /// Answer 401 (a client that failed to authenticate).
        unauthorized: bool,
        /// Add `WWW-Authenticate: Basic` (the client tried `Authorization: Basic`).
        basic_challenge: bool,
    },
    /// The caller does not own the client: 401 with an empty body, as better-auth answers.
    #[error("the client belongs to another user")]
    NotOwner,
}

impl OAuthError {
    /// A 400 with `code` and `description`.
    pub fn bad(code: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self::Protocol {
            code,
            description: description.into(),
            unauthorized: false,
            basic_challenge: false,
        }
    }

    /// `invalid_request` (400).
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::bad(OAuthErrorCode::InvalidRequest, description)
    }

    /// `invalid_client`: 401 with a Basic challenge when the client used Basic, else 400.
    pub fn invalid_client(description: impl Into<String>, used_basic: bool) -> Self {
        Self::Protocol {
            code: OAuthErrorCode::InvalidClient,
            description: description.into(),
            unauthorized: used_basic,
            basic_challenge: used_basic,
        }
    }

    /// `invalid_client` with 401 and no challenge (no credentials at all).
    pub fn missing_credentials() -> Self {
        Self::Protocol {
            code: OAuthErrorCode::InvalidClient,
            description: "missing required credentials".to_owned(),
            unauthorized: true,
            basic_challenge: false,
        }
    }

    /// `invalid_token` (401, with a Bearer challenge at the edge): a missing or dead bearer
    /// credential (RFC 6750 §3.1).
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::Protocol {
            code: OAuthErrorCode::InvalidToken,
            description: description.into(),
            unauthorized: true,
            basic_challenge: false,
        }
    }

    /// `not_found` (404 at the edge): no such client.
    pub fn client_not_found() -> Self {
        Self::bad(OAuthErrorCode::NotFound, "client not found")
    }
}
