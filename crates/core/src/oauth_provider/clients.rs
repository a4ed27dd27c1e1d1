//! Clients managed by the users who registered them: create, read, list, change, rotate the
//! secret, delete (`/oauth2/create-client` and its siblings). Every write is checked as a
//! whole against the client rules (redirect URIs, grants, scopes) before it is stored.

use super::error::{OAuthError, OAuthErrorCode};
use super::{STANDARD_SCOPES, credential_digest, random_letters, redirect_uris, scope_list};
use crate::auth::Auth;
use crate::error::AuthError;
use beep_domain::admin_access::AdminReach;
use beep_domain::{
    ApplicationType, Audit, ClientAuthMethod, ClientMetadata, GrantType, OAuthClient,
    OAuthClientId, Secret, User,
};
use beep_store::repos::oauth_clients;

/// Longest text a client field may hold.
const MAX_FIELD_CHARS: usize = 2048;
/// Most entries a list field may hold.
const MAX_LIST_ENTRIES: usize = 32;

/// The client fields a request sets; `None` leaves a field as it is (or at its default).
#[derive(Debug, Clone, Default)]
pub struct ClientChanges {
    /// `redirect_uris`.
    pub redirect_uris: Option<Vec<String>>,
    /// `post_logout_redirect_uris`.
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// `scope`, space-separated.
    pub scope: Option<String>,
    /// `client_name`.
    pub client_name: Option<String>,
    /// `client_uri`.
    pub client_uri: Option<String>,
    /// `logo_uri`.
    pub logo_uri: Option<String>,
    /// `contacts`.
    pub contacts: Option<Vec<String>>,
    /// `tos_uri`.
    pub tos_uri: Option<String>,
    /// `policy_uri`.
    pub policy_uri: Option<String>,
    /// `software_id`.
    pub software_id: Option<String>,
    /// `software_version`.
    pub software_version: Option<String>,
    /// `software_statement`.
    pub software_statement: Option<String>,
    /// `application_type`.
    pub application_type: Option<String>,
    /// `grant_types`.
    pub grant_types: Option<Vec<String>>,
    /// `response_types`.
    pub response_types: Option<Vec<String>>,
    /// `client_credentials_scopes` (admins only).
    pub client_credentials_scopes: Option<Vec<String>>,
    /// `skip_consent`: users are not asked (a first-party client; admins only).
    pub skip_consent: Option<bool>,
    /// `enable_end_session`: the client may end its users' sessions (admins only).
    pub enable_end_session: Option<bool>,
}

impl ClientChanges {
    /// Whether the changes set anything only an admin may set.
    fn privileged(&self) -> Option<&'static str> {
        if self
            .client_credentials_scopes
            .as_ref()
            .is_some_and(|scopes| !scopes.is_empty())
        {
            Some("client_credentials_scopes")
        } else if self.skip_consent == Some(true) {
            Some("skip_consent")
        } else if self.enable_end_session == Some(true) {
            Some("enable_end_session")
        } else {
            None
        }
    }
}

/// A client to register.
#[derive(Debug, Clone, Default)]
pub struct NewOAuthClient {
    /// Its fields.
    pub fields: ClientChanges,
    /// `token_endpoint_auth_method` (default `client_secret_basic`); fixed for good.
    pub token_endpoint_auth_method: Option<String>,
}

/// A client with its secret in the clear, the only time it is shown.
#[derive(Debug)]
pub struct CreatedOAuthClient {
    /// The stored client.
    pub client: OAuthClient,
    /// The secret; `None` for a public client.
    pub secret: Option<Secret<String>>,
}

impl Auth {
    /// `POST /oauth2/create-client`: registers a client owned by `owner`.
    pub async fn create_oauth_client(
        &self,
        owner: &User,
        new: NewOAuthClient,
    ) -> Result<CreatedOAuthClient, AuthError> {
        self.refuse_unless_admin_for(owner, &new.fields)?;
        self.store_new_client(Some(owner), new).await
    }

    /// `POST /oauth2/register` (RFC 7591 dynamic registration), when the operator allows
    /// it: by a signed-in `owner`, or by anyone when unauthenticated registration is on. A
    /// client registered so takes no `client_credentials` scopes, and one registered
    /// without a session may not even ask for that grant.
    pub async fn register_oauth_client(
        &self,
        owner: Option<&User>,
        new: NewOAuthClient,
    ) -> Result<CreatedOAuthClient, AuthError> {
        let config = &self.config().oauth_provider;
        if !config.dynamic_registration {
            return Err(OAuthError::bad(
                OAuthErrorCode::AccessDenied,
                "Client registration is disabled",
            )
            .into());
        }
        if owner.is_none() && !config.unauthenticated_registration {
            return Err(OAuthError::invalid_token(
                "Authentication required for client registration",
            )
            .into());
        }
        if let Some(field) = new.fields.privileged() {
            return Err(metadata_error(format!(
                "{field} cannot be set during dynamic client registration"
            ))
            .into());
        }
        let asks_client_credentials = new
            .fields
            .grant_types
            .as_ref()
            .is_some_and(|grants| grants.iter().any(|g| g == "client_credentials"));
        if owner.is_none() && asks_client_credentials {
            return Err(metadata_error(
                "client_credentials grant requires authenticated registration",
            )
            .into());
        }
        self.store_new_client(owner, new).await
    }

    /// Checks and stores a new client of `owner` (none: registered anonymously).
    async fn store_new_client(
        &self,
        owner: Option<&User>,
        new: NewOAuthClient,
    ) -> Result<CreatedOAuthClient, AuthError> {
        let auth_method = match new.token_endpoint_auth_method.as_deref() {
            None => ClientAuthMethod::ClientSecretBasic,
            Some(name) => ClientAuthMethod::parse(name.trim()).ok_or_else(|| {
                metadata_error(format!("unsupported token_endpoint_auth_method {name}"))
            })?,
        };
        let skip_consent = new.fields.skip_consent.unwrap_or(false);
        let enable_end_session = new.fields.enable_end_session.unwrap_or(false);
        let settled = self.settle(new.fields, None, auth_method)?;
        let secret = auth_method
            .has_secret()
            .then(|| Secret::new(random_letters()));
        let now = self.now();
        let owner_id = owner.map(|user| user.id.clone());
        let client = OAuthClient {
            id: OAuthClientId::generate(),
            client_id: random_letters(),
            secret_digest: secret.as_ref().map(|s| credential_digest(s.expose())),
            auth_method,
            disabled: false,
            skip_consent,
            enable_end_session,
            require_pkce: true,
            scopes: settled.scopes,
            client_credentials_scopes: settled.client_credentials_scopes,
            audit: Audit::created(whole_seconds(now), owner_id.as_ref().map(|id| id.as_str())),
            owner: owner_id,
            metadata: settled.metadata,
        };
        oauth_clients::insert(self.store().conn(), &client).await?;
        tracing::info!(target: "audit", client_id = %client.client_id, owner = ?client.owner, "oauth client created");
        Ok(CreatedOAuthClient { client, secret })
    }

    /// `GET /oauth2/get-client`: one of `owner`'s clients.
    pub async fn get_oauth_client(
        &self,
        owner: &User,
        client_id: &str,
    ) -> Result<OAuthClient, AuthError> {
        self.owned_client(owner, client_id).await
    }

    /// `GET /oauth2/public-client`: what any signed-in user may see of a client (its name
    /// and links), to show on a consent page. A disabled client is not found.
    pub async fn public_oauth_client(&self, client_id: &str) -> Result<OAuthClient, AuthError> {
        match oauth_clients::find(self.store().conn(), client_id).await? {
            Some(client) if !client.disabled => Ok(client),
            _ => Err(OAuthError::client_not_found().into()),
        }
    }

    /// `GET /oauth2/get-clients`: `owner`'s clients, oldest first.
    pub async fn list_oauth_clients(&self, owner: &User) -> Result<Vec<OAuthClient>, AuthError> {
        Ok(oauth_clients::list_owned_by(self.store().conn(), &owner.id).await?)
    }

    /// `POST /oauth2/update-client`: changes the fields `changes` sets; the client as a whole
    /// must still follow the rules.
    pub async fn update_oauth_client(
        &self,
        owner: &User,
        client_id: &str,
        changes: ClientChanges,
    ) -> Result<OAuthClient, AuthError> {
        self.refuse_unless_admin_for(owner, &changes)?;
        let mut client = self.owned_client(owner, client_id).await?;
        client.skip_consent = changes.skip_consent.unwrap_or(client.skip_consent);
        client.enable_end_session = changes
            .enable_end_session
            .unwrap_or(client.enable_end_session);
        let settled = self.settle(changes, Some(&client), client.auth_method)?;
        client.metadata = settled.metadata;
        client.scopes = settled.scopes;
        client.client_credentials_scopes = settled.client_credentials_scopes;
        client.audit = client
            .audit
            .touched(whole_seconds(self.now()), Some(owner.id.as_str()));
        oauth_clients::update(self.store().conn(), &client).await?;
        tracing::info!(target: "audit", client_id = %client.client_id, owner = %owner.id, "oauth client changed");
        Ok(client)
    }

    /// `POST /oauth2/client/rotate-secret`: a new secret; the old one stops working at once.
    pub async fn rotate_oauth_client_secret(
        &self,
        owner: &User,
        client_id: &str,
    ) -> Result<CreatedOAuthClient, AuthError> {
        let mut client = self.owned_client(owner, client_id).await?;
        if !client.auth_method.has_secret() || client.secret_digest.is_none() {
            return Err(OAuthError::bad(
                OAuthErrorCode::InvalidClient,
                "secret rotation is only available for clients using client_secret authentication",
            )
            .into());
        }
        let secret = Secret::new(random_letters());
        client.secret_digest = Some(credential_digest(secret.expose()));
        client.audit = client
            .audit
            .touched(whole_seconds(self.now()), Some(owner.id.as_str()));
        oauth_clients::update(self.store().conn(), &client).await?;
        tracing::info!(target: "audit", client_id = %client.client_id, owner = %owner.id, "oauth client secret rotated");
        Ok(CreatedOAuthClient {
            client,
            secret: Some(secret),
        })
    }

    /// `POST /oauth2/delete-client`: the client and every token issued to it.
    pub async fn delete_oauth_client(
        &self,
        owner: &User,
        client_id: &str,
    ) -> Result<(), AuthError> {
        let client = self.owned_client(owner, client_id).await?;
        oauth_clients::delete(self.store().conn(), &client.client_id).await?;
        tracing::info!(target: "audit", client_id = %client.client_id, owner = %owner.id, "oauth client deleted");
        Ok(())
    }

    /// The client `client_id` if `owner` registered it: 404 when there is none, 401 when it
    /// is someone else's.
    async fn owned_client(&self, owner: &User, client_id: &str) -> Result<OAuthClient, AuthError> {
        let client = oauth_clients::find(self.store().conn(), client_id)
            .await?
            .ok_or_else(OAuthError::client_not_found)?;
        if client.owner.as_ref() == Some(&owner.id) {
            Ok(client)
        } else {
            Err(OAuthError::NotOwner.into())
        }
    }

    /// `client_credentials_scopes` let a client act on its own, `skip_consent` and
    /// `enable_end_session` let it act for its users unasked: only an admin sets them.
    fn refuse_unless_admin_for(
        &self,
        user: &User,
        changes: &ClientChanges,
    ) -> Result<(), AuthError> {
        if let Some(field) = changes.privileged()
            && self.admin_reach(user) == AdminReach::None
        {
            return Err(OAuthError::bad(
                OAuthErrorCode::AccessDenied,
                format!("only an admin may set {field}"),
            )
            .into());
        }
        Ok(())
    }

    /// `changes` applied over `base` (or over the defaults), checked as a whole.
    fn settle(
        &self,
        changes: ClientChanges,
        base: Option<&OAuthClient>,
        auth_method: ClientAuthMethod,
    ) -> Result<Settled, OAuthError> {
        check_lengths(&changes)?;
        let base_meta = base.map(|client| &client.metadata);
        let application_type = match changes.application_type.as_deref() {
            Some(name) => ApplicationType::parse(name).ok_or_else(|| {
                metadata_error(format!(
                    "application_type must be one of: web, native (got {name})"
                ))
            })?,
            None => base_meta.map_or(ApplicationType::Web, |m| m.application_type),
        };
        let grant_types = match &changes.grant_types {
            Some(names) => names
                .iter()
                .map(|name| {
                    GrantType::parse(name)
                        .ok_or_else(|| metadata_error(format!("unsupported grant_type {name}")))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => base_meta.map_or(vec![GrantType::AuthorizationCode], |m| {
                m.grant_types.clone()
            }),
        };
        let uses_code = grant_types.contains(&GrantType::AuthorizationCode);
        let response_types = match &changes.response_types {
            Some(types) => types.clone(),
            None if changes.grant_types.is_some() || base.is_none() => {
                if uses_code {
                    vec!["code".to_owned()]
                } else {
                    Vec::new()
                }
            }
            None => base_meta.map_or_else(Vec::new, |m| m.response_types.clone()),
        };
        if let Some(other) = response_types.iter().find(|t| *t != "code") {
            return Err(metadata_error(format!("unsupported response_type {other}")));
        }
        let has_code_response = response_types.iter().any(|t| t == "code");
        if uses_code && !has_code_response {
            return Err(metadata_error(
                "When 'authorization_code' grant type is used, 'code' response type must be included",
            ));
        }
        if has_code_response && !uses_code {
            return Err(metadata_error(
                "When 'code' response type is used, 'authorization_code' grant type must be included",
            ));
        }
        let redirect_uris = changes
            .redirect_uris
            .or_else(|| base_meta.map(|m| m.redirect_uris.clone()))
            .unwrap_or_default();
        if uses_code && redirect_uris.is_empty() {
            return Err(OAuthError::bad(
                OAuthErrorCode::InvalidRedirectUri,
                "Redirect URIs are required for authorization_code and implicit grant types",
            ));
        }
        check_uris("redirect_uris", &redirect_uris, application_type)?;
        let post_logout_redirect_uris = changes
            .post_logout_redirect_uris
            .or_else(|| base_meta.and_then(|m| m.post_logout_redirect_uris.clone()));
        if let Some(uris) = &post_logout_redirect_uris {
            check_uris("post_logout_redirect_uris", uris, application_type)?;
        }
        let scopes = match &changes.scope {
            Some(scope) => {
                let requested = scope_list(scope);
                if let Some(unknown) = requested.iter().find(|s| !self.offers_scope(s)) {
                    return Err(OAuthError::bad(
                        OAuthErrorCode::InvalidScope,
                        format!("cannot request scope {unknown}"),
                    ));
                }
                Some(requested)
            }
            None => base.and_then(|client| client.scopes.clone()),
        };
        let client_credentials_scopes = self.settle_client_credentials_scopes(
            changes.client_credentials_scopes,
            base,
            &grant_types,
            auth_method,
        )?;
        let contacts = changes
            .contacts
            .or_else(|| base_meta.and_then(|m| m.contacts.clone()));
        let pick = |new: Option<String>, old: Option<&Option<String>>| {
            new.or_else(|| old.cloned().flatten())
        };
        Ok(Settled {
            metadata: ClientMetadata {
                name: pick(changes.client_name, base_meta.map(|m| &m.name)),
                uri: pick(changes.client_uri, base_meta.map(|m| &m.uri)),
                icon: pick(changes.logo_uri, base_meta.map(|m| &m.icon)),
                contacts,
                tos: pick(changes.tos_uri, base_meta.map(|m| &m.tos)),
                policy: pick(changes.policy_uri, base_meta.map(|m| &m.policy)),
                software_id: pick(changes.software_id, base_meta.map(|m| &m.software_id)),
                software_version: pick(
                    changes.software_version,
                    base_meta.map(|m| &m.software_version),
                ),
                software_statement: pick(
                    changes.software_statement,
                    base_meta.map(|m| &m.software_statement),
                ),
                redirect_uris,
                post_logout_redirect_uris,
                application_type,
                grant_types,
                response_types,
            },
            scopes,
            client_credentials_scopes,
        })
    }

    /// The scopes the client may take with `client_credentials`: none unless it may use that
    /// grant with a secret, and never a user scope (`openid`, `profile`, …).
    fn settle_client_credentials_scopes(
        &self,
        requested: Option<Vec<String>>,
        base: Option<&OAuthClient>,
        grant_types: &[GrantType],
        auth_method: ClientAuthMethod,
    ) -> Result<Vec<String>, OAuthError> {
        let usable =
            grant_types.contains(&GrantType::ClientCredentials) && auth_method.has_secret();
        let Some(requested) = requested.filter(|scopes| !scopes.is_empty()) else {
            let kept = base
                .map(|c| c.client_credentials_scopes.clone())
                .unwrap_or_default();
            return Ok(if usable { kept } else { Vec::new() });
        };
        if !grant_types.contains(&GrantType::ClientCredentials) {
            return Err(metadata_error(
                "client_credentials_scopes requires the client_credentials grant",
            ));
        }
        if !auth_method.has_secret() {
            return Err(metadata_error(
                "public clients cannot be assigned client_credentials scopes",
            ));
        }
        let mut scopes: Vec<String> = Vec::new();
        for scope in requested.iter().map(|s| s.trim().to_owned()) {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        let invalid: Vec<&str> = scopes
            .iter()
            .filter(|s| !self.offers_scope(s) || STANDARD_SCOPES.contains(&s.as_str()))
            .map(String::as_str)
            .collect();
        if !invalid.is_empty() {
            return Err(OAuthError::bad(
                OAuthErrorCode::InvalidScope,
                format!(
                    "The following client_credentials scopes are invalid: {}",
                    invalid.join(", ")
                ),
            ));
        }
        Ok(scopes)
    }

    /// Whether the server offers `scope` at all.
    pub(super) fn offers_scope(&self, scope: &str) -> bool {
        self.config()
            .oauth_provider
            .scopes
            .iter()
            .any(|s| s == scope)
    }
}

/// A client's fields after a change, checked.
struct Settled {
    metadata: ClientMetadata,
    scopes: Option<Vec<String>>,
    client_credentials_scopes: Vec<String>,
}

fn metadata_error(description: impl Into<String>) -> OAuthError {
    OAuthError::bad(OAuthErrorCode::InvalidClientMetadata, description)
}

fn check_uris(field: &str, uris: &[String], kind: ApplicationType) -> Result<(), OAuthError> {
    for (i, uri) in uris.iter().enumerate() {
        if let Some(reason) = redirect_uris::refusal(uri, kind) {
            return Err(OAuthError::bad(
                OAuthErrorCode::InvalidRedirectUri,
                format!("{field}[{i}] {reason}"),
            ));
        }
    }
    Ok(())
}

/// Refuses over-long text and lists before anything else looks at them.
fn check_lengths(changes: &ClientChanges) -> Result<(), OAuthError> {
    let texts = [
        ("scope", &changes.scope),
        ("client_name", &changes.client_name),
        ("client_uri", &changes.client_uri),
        ("logo_uri", &changes.logo_uri),
        ("tos_uri", &changes.tos_uri),
        ("policy_uri", &changes.policy_uri),
        ("software_id", &changes.software_id),
        ("software_version", &changes.software_version),
        ("software_statement", &changes.software_statement),
    ];
    for (field, text) in texts {
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_FIELD_CHARS)
        {
            return Err(metadata_error(format!(
                "{field} is longer than {MAX_FIELD_CHARS} characters"
            )));
        }
    }
    let lists = [
        ("redirect_uris", &changes.redirect_uris),
        (
            "post_logout_redirect_uris",
            &changes.post_logout_redirect_uris,
        ),
        ("contacts", &changes.contacts),
        ("grant_types", &changes.grant_types),
        ("response_types", &changes.response_types),
        (
            "client_credentials_scopes",
            &changes.client_credentials_scopes,
        ),
    ];
    for (field, list) in lists {
        let Some(list) = list else { continue };
        if list.len() > MAX_LIST_ENTRIES {
            return Err(metadata_error(format!(
                "{field} has more than {MAX_LIST_ENTRIES} entries"
            )));
        }
        if list.iter().any(|t| t.chars().count() > MAX_FIELD_CHARS) {
            return Err(metadata_error(format!(
                "an entry of {field} is longer than {MAX_FIELD_CHARS} characters"
            )));
        }
    }
    Ok(())
}

/// better-auth keeps client times to whole seconds (`client_id_issued_at`).
fn whole_seconds(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}
