//! Errors at the edge, in better-auth's shapes: `{message, code}` with a status, a few with
//! only `message`, and some with no body at all.

use axum::Json;
use axum::response::{IntoResponse, Response};
use beep_core::AuthError;
use beep_domain::{EmailError, PasswordRejection};
use http::StatusCode;
use serde_json::json;
use std::borrow::Cow;

/// An error response.
#[derive(Debug)]
pub enum ApiError {
    /// `{message, code}` with a status.
    Coded {
        /// HTTP status.
        status: StatusCode,
        /// Machine-readable code.
        code: &'static str,
        /// Human-readable message.
        message: String,
    },
    /// `{message}` only.
    Message {
        /// HTTP status.
        status: StatusCode,
        /// Human-readable message.
        message: Cow<'static, str>,
    },
    /// `{message, code, details}` with a status.
    Detailed {
        /// HTTP status.
        status: StatusCode,
        /// Machine-readable code.
        code: &'static str,
        /// Human-readable message.
        message: String,
        /// What the client needs to act on it (`{tryAgainIn}`).
        details: serde_json::Value,
    },
    /// An OAuth error (RFC 6749 §5.2): `{error, error_description}` with a status, and a
    /// `WWW-Authenticate` challenge (`Basic` after a failed Basic attempt, `Bearer` when a
    /// bearer credential is missing).
    OAuth {
        /// HTTP status.
        status: StatusCode,
        /// `error`.
        error: &'static str,
        /// `error_description`.
        description: String,
        /// The `WWW-Authenticate` scheme to challenge with.
        challenge: Option<&'static str>,
    },
    /// A status with an empty body.
    Empty(StatusCode),
    /// 429 with `X-Retry-After`, in better-auth's words (no code), for the rate limiter and
    /// the per-account throttle alike so the two cannot be told apart.
    TooManyRequests {
        /// Seconds until the client may try again.
        retry_after_secs: u64,
    },
}

impl ApiError {
    /// `{message, code}` with a status.
    pub fn coded(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Coded {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401 `UNAUTHORIZED`.
    pub fn unauthorized() -> Self {
        Self::coded(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Unauthorized")
    }

    /// 400 `VALIDATION_ERROR` from zod-style issues.
    pub fn validation(issues: &[String]) -> Self {
        Self::coded(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            issues.join("; "),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Coded {
                status,
                code,
                message,
            } => (status, Json(json!({ "message": message, "code": code }))).into_response(),
            ApiError::Message { status, message } => {
                (status, Json(json!({ "message": message }))).into_response()
            }
            ApiError::Detailed {
                status,
                code,
                message,
                details,
            } => (
                status,
                Json(json!({ "message": message, "code": code, "details": details })),
            )
                .into_response(),
            ApiError::OAuth {
                status,
                error,
                description,
                challenge,
            } => {
                let mut response = (
                    status,
                    Json(json!({ "error": error, "error_description": description })),
                )
                    .into_response();
                if let Some(scheme) = challenge {
                    response.headers_mut().insert(
                        http::header::WWW_AUTHENTICATE,
                        http::HeaderValue::from_static(scheme),
                    );
                }
                response
            }
            ApiError::Empty(status) => status.into_response(),
            ApiError::TooManyRequests { retry_after_secs } => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(json!({ "message": "Too many requests. Please try again later." })),
                )
                    .into_response();
                response
                    .headers_mut()
                    .insert("x-retry-after", http::HeaderValue::from(retry_after_secs));
                response
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        use StatusCode as S;
        match err {
            AuthError::InvalidEmail(EmailError::Invalid) => {
                ApiError::coded(S::BAD_REQUEST, "INVALID_EMAIL", "Invalid email")
            }
            AuthError::Password(rejection) => password_error(rejection),
            AuthError::InvalidField { field, reason } => {
                ApiError::validation(&[format!("[body.{field}] {reason}")])
            }
            AuthError::InvalidParameter { parameter, reason } => {
                ApiError::validation(&[format!("[query.{parameter}] {reason}")])
            }
            AuthError::Organization(refused) => crate::routes::organization::refusal(refused),
            AuthError::Social(refused) => social_error(refused),
            AuthError::TwoFactor(refused) => two_factor_error(refused),
            AuthError::Passkey(refused) => passkey_error(refused),
            AuthError::ApiKey(refused) => refused.into(),
            AuthError::Admin(refused) => crate::routes::admin::refusal(refused),
            AuthError::OAuth(refused) => crate::routes::oauth_provider::refusal(refused),
            AuthError::UserAlreadyExists => ApiError::coded(
                S::UNPROCESSABLE_ENTITY,
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                "User already exists. Use another email.",
            ),
            AuthError::InvalidEmailOrPassword => ApiError::coded(
                S::UNAUTHORIZED,
                "INVALID_EMAIL_OR_PASSWORD",
                "Invalid email or password",
            ),
            AuthError::InvalidPassword => {
                ApiError::coded(S::BAD_REQUEST, "INVALID_PASSWORD", "Invalid password")
            }
            AuthError::CredentialAccountNotFound => ApiError::coded(
                S::BAD_REQUEST,
                "CREDENTIAL_ACCOUNT_NOT_FOUND",
                "Credential account not found",
            ),
            AuthError::SignUpDisabled => ApiError::coded(
                S::BAD_REQUEST,
                "EMAIL_PASSWORD_SIGN_UP_DISABLED",
                "Email and password sign up is not enabled",
            ),
            AuthError::DeleteUserDisabled => ApiError::Empty(S::NOT_FOUND),
            AuthError::SessionExpired => ApiError::coded(
                S::BAD_REQUEST,
                "SESSION_EXPIRED",
                "Session expired. Re-authenticate to perform this action.",
            ),
            AuthError::SessionNotFresh => {
                ApiError::coded(S::FORBIDDEN, "SESSION_NOT_FRESH", "Session is not fresh")
            }
            AuthError::TooManyAttempts { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            AuthError::InvalidToken => {
                ApiError::coded(S::BAD_REQUEST, "INVALID_TOKEN", "Invalid token")
            }
            AuthError::TokenExpired => {
                ApiError::coded(S::BAD_REQUEST, "TOKEN_EXPIRED", "Token expired")
            }
            AuthError::UserNotFound => {
                ApiError::coded(S::BAD_REQUEST, "USER_NOT_FOUND", "User not found")
            }
            AuthError::EmailMismatch => {
                ApiError::coded(S::BAD_REQUEST, "EMAIL_MISMATCH", "Email mismatch")
            }
            AuthError::EmailAlreadyVerified => ApiError::coded(
                S::BAD_REQUEST,
                "EMAIL_ALREADY_VERIFIED",
                "Email is already verified",
            ),
            AuthError::EmailNotVerified => {
                ApiError::coded(S::FORBIDDEN, "EMAIL_NOT_VERIFIED", "Email not verified")
            }
            AuthError::EmailIsTheSame => ApiError::Message {
                status: S::BAD_REQUEST,
                message: "Email is the same".into(),
            },
            AuthError::ChangeEmailDisabled => ApiError::coded(
                S::BAD_REQUEST,
                "CHANGE_EMAIL_DISABLED",
                "Change email is disabled",
            ),
            AuthError::Conflict => ApiError::coded(
                S::CONFLICT,
                "CONFLICT",
                "The resource was changed concurrently; retry",
            ),
            AuthError::Unavailable => ApiError::coded(
                S::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "Service temporarily unavailable",
            ),
            AuthError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::coded(
                    S::INTERNAL_SERVER_ERROR,
                    "INTERNAL_SERVER_ERROR",
                    "Internal server error",
                )
            }
        }
    }
}

fn password_error(rejection: PasswordRejection) -> ApiError {
    ApiError::coded(
        StatusCode::BAD_REQUEST,
        rejection.code(),
        rejection.to_string(),
    )
}

fn social_error(refused: beep_core::social::SocialError) -> ApiError {
    use beep_core::social::SocialError as E;
    let status = match refused {
        E::ProviderNotFound => StatusCode::NOT_FOUND,
        E::ProviderUnavailable => StatusCode::BAD_GATEWAY,
        E::UserInfoUnavailable => StatusCode::UNAUTHORIZED,
        E::AlreadyLinked => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::coded(status, refused.code(), refused.to_string())
}

fn two_factor_error(refused: beep_core::two_factor::TwoFactorError) -> ApiError {
    use beep_core::two_factor::TwoFactorError as E;
    let status = match refused {
        E::InvalidCode | E::InvalidTwoFactorCookie | E::InvalidBackupCode => {
            StatusCode::UNAUTHORIZED
        }
        E::AccountLocked => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::coded(status, refused.code(), refused.to_string())
}

fn passkey_error(refused: beep_core::passkeys::PasskeyError) -> ApiError {
    use beep_core::passkeys::PasskeyError as E;
    let status = match refused {
        E::NotAllowedToRegister | E::UnknownCredential | E::AuthenticationFailed => {
            StatusCode::UNAUTHORIZED
        }
        E::PasskeyNotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::coded(status, refused.code(), refused.to_string())
}

impl From<beep_core::api_keys::ApiKeyError> for ApiError {
    fn from(refused: beep_core::api_keys::ApiKeyError) -> Self {
        use beep_core::api_keys::ApiKeyError as E;
        let status = match refused {
            E::KeyNotFound => StatusCode::NOT_FOUND,
            E::InvalidApiKey
            | E::KeyDisabled
            | E::KeyExpired
            | E::MissingPermission
            | E::NotAUserKey => StatusCode::UNAUTHORIZED,
            E::UsageExceeded => StatusCode::TOO_MANY_REQUESTS,
            E::RateLimited { try_again_in_ms } => {
                return ApiError::Detailed {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    code: refused.code(),
                    message: refused.to_string(),
                    details: json!({ "tryAgainIn": try_again_in_ms }),
                };
            }
            E::NotMemberOfOrganization | E::InsufficientPermissions => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::coded(status, refused.code(), refused.to_string())
    }
}
