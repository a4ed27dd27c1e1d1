//! The JWT family's answers.

use serde::Serialize;
use utoipa::ToSchema;

/// `{token}`: the answer of `GET /token`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = JwtToken)]
pub struct TokenJson {
    /// A compact JWS: header `{alg, kid}`, claims the session's user plus `sub`, `iat`,
    /// `exp`, `iss` and `aud`.
    pub token: String,
}
