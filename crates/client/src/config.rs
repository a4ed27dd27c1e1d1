//! What a [`crate::Verifier`] needs to know about the beep-iam server it trusts.

use std::time::Duration;

/// The server and what its tokens must say.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The server's public base URL (`BETTER_AUTH_URL`), e.g. `https://auth.example.com`.
    pub base_url: String,
    /// Where the routes live below it (`/api/auth`).
    pub base_path: String,
    /// The `iss` tokens must carry (the server's `JWT_ISSUER`; default the base URL).
    pub issuer: String,
    /// The `aud` tokens must carry (the server's `JWT_AUDIENCE`; default the base URL).
    pub audience: String,
    /// The algorithms accepted (the server signs with one; default all it can).
    pub algorithms: Vec<String>,
    /// How far the clocks may disagree on `exp` and `nbf`.
    pub leeway: Duration,
    /// The key set is fetched again for an unknown `kid` at most this often, so tokens naming
    /// made-up keys cannot make every request a round trip to the server.
    pub refetch_interval: Duration,
    /// How long a call to the server may take.
    pub timeout: Duration,
    /// The prefix of the server's organization ids (`org_`), which tells an organization's
    /// API key from a user's.
    pub organization_id_prefix: String,
}

impl VerifierConfig {
    /// The defaults for the server at `base_url`.
    pub fn for_server(base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/').to_owned();
        Self {
            base_url: base.clone(),
            base_path: "/api/auth".to_owned(),
            issuer: base.clone(),
            audience: base,
            algorithms: ["EdDSA", "ES256", "RS256"].map(str::to_owned).to_vec(),
            leeway: Duration::from_secs(60),
            refetch_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            organization_id_prefix: "org_".to_owned(),
        }
    }

    /// The URL of a route, e.g. `/jwks`.
    pub(crate) fn url(&self, route: &str) -> String {
        format!("{}{}{route}", self.base_url, self.base_path)
    }
}
