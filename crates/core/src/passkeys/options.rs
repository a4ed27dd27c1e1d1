//! The options a ceremony starts with: what the browser passes to the authenticator
//! (`PublicKeyCredentialCreationOptions`, `…RequestOptions`). The HTTP layer writes them
//! in the JSON shape @simplewebauthn/server gives better-auth's clients.

/// COSE algorithms accepted, in better-auth's order: EdDSA, ES256, RS256.
pub const ALGORITHMS: [i64; 3] = [-8, -7, -257];
/// How long the browser waits for the user, in milliseconds.
pub const TIMEOUT_MS: u32 = 60_000;

/// What `GET /passkey/generate-register-options` may ask.
#[derive(Debug, Clone, Default)]
pub struct RegistrationQuery {
    /// `platform` or `cross-platform`.
    pub authenticator_attachment: Option<String>,
    /// The account name the authenticator shows (default: the email).
    pub name: Option<String>,
}

/// Options of a registration.
#[derive(Debug, Clone)]
pub struct CreationOptions {
    /// The challenge, base64url.
    pub challenge: String,
    /// This server.
    pub rp: RelyingParty,
    /// The account the passkey is for.
    pub user: UserEntity,
    /// Key types accepted.
    pub pub_key_cred_params: Vec<CredentialParameter>,
    /// Milliseconds.
    pub timeout: u32,
    /// Always `none`: the server does not judge authenticator models.
    pub attestation: &'static str,
    /// The user's passkeys, so an authenticator does not register twice.
    pub exclude_credentials: Vec<CredentialDescriptor>,
    /// Discoverable credential and user verification preferred.
    pub authenticator_selection: AuthenticatorSelection,
}

/// The relying party.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    /// Display name.
    pub name: String,
    /// The host name.
    pub id: String,
}

/// The account, as the authenticator stores it.
#[derive(Debug, Clone)]
pub struct UserEntity {
    /// A random handle, base64url (never the user's id).
    pub id: String,
    /// Account name.
    pub name: String,
    /// Display name.
    pub display_name: String,
}

/// A key type.
#[derive(Debug, Clone)]
pub struct CredentialParameter {
    /// COSE algorithm.
    pub alg: i64,
    /// `public-key`.
    pub kind: &'static str,
}

/// A credential named in the options.
#[derive(Debug, Clone)]
pub struct CredentialDescriptor {
    /// The credential id, base64url.
    pub id: String,
    /// `public-key`.
    pub kind: &'static str,
    /// How the browser may reach it.
    pub transports: Option<Vec<String>>,
}

/// What kind of authenticator is wanted.
#[derive(Debug, Clone)]
pub struct AuthenticatorSelection {
    /// `platform` or `cross-platform`, when the caller asked.
    pub authenticator_attachment: Option<String>,
    /// `preferred`.
    pub resident_key: &'static str,
    /// `preferred`.
    pub user_verification: &'static str,
    /// `false` (only `residentKey: required` would make it true).
    pub require_resident_key: bool,
}

/// Options of an authentication.
#[derive(Debug, Clone)]
pub struct RequestOptions {
    /// The relying party id.
    pub rp_id: String,
    /// The challenge, base64url.
    pub challenge: String,
    /// The passkeys of the signed-in (or half-signed-in) user; absent for a username-less
    /// sign-in, where the authenticator offers what it has for this site.
    pub allow_credentials: Option<Vec<CredentialDescriptor>>,
    /// Milliseconds.
    pub timeout: u32,
    /// `preferred`.
    pub user_verification: &'static str,
}

impl CredentialDescriptor {
    /// The descriptor of a stored passkey.
    pub fn of(passkey: &beep_domain::Passkey) -> Self {
        let transports: Vec<String> = passkey
            .transports
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        Self {
            id: passkey.credential_id.clone(),
            kind: "public-key",
            transports: Some(transports),
        }
    }
}
