//! Who is calling, as a verified credential says.

use beep_domain::UserId;
use serde_json::{Map, Value};

/// The kind of credential that proved the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A beep-iam JWT, verified offline.
    Jwt,
    /// A session bearer token, checked with the server.
    SessionBearer,
    /// Session cookies, checked with the server.
    SessionCookie,
    /// A user's API key (`x-api-key`), checked with the server.
    ApiKey,
}

/// A caller whose credential verified.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user_id: UserId,
    /// The user's email address, as the credential states it.
    pub email: Option<String>,
    /// The user's display name.
    pub name: Option<String>,
    /// The session, for a session credential (a JWT or an API key names none).
    pub session_id: Option<String>,
    /// How the caller proved who they are.
    pub credential: CredentialKind,
    /// Everything the credential said about the user: the JWT's claims, or get-session's
    /// `user`.
    pub claims: Map<String, Value>,
}

impl Caller {
    /// A caller from the user object of a JWT or of get-session; `None` without an id.
    pub(crate) fn from_user(
        user: Map<String, Value>,
        id_claim: &str,
        session_id: Option<String>,
        credential: CredentialKind,
    ) -> Option<Self> {
        let id = user.get(id_claim)?.as_str()?.to_owned();
        let text = |name: &str| user.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            user_id: UserId::from_trusted(id),
            email: text("email"),
            name: text("name"),
            session_id,
            credential,
            claims: user,
        })
    }
}
