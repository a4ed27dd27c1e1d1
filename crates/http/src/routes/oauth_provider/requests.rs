//! What the client-management routes read (JSON, RFC 7591 field names), one type per body or
//! query, described in the OpenAPI document by its `ToSchema` derive.

use crate::typed_body::Checked;
use beep_core::oauth_provider::{ClientChanges, NewOAuthClient};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// `POST /oauth2/create-client` and `/oauth2/register`, and the `update` of update-client:
/// the client fields (RFC 7591 §2).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CreateClientBody {
    /// Where users are sent back with a code; matched exactly. Required with
    /// `authorization_code`.
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    /// Where users may be sent after signing out.
    #[serde(default)]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// The scopes the client may ask users for, space-separated (default: all).
    #[serde(default)]
    pub scope: Option<String>,
    /// A name to show users.
    #[serde(default)]
    pub client_name: Option<String>,
    /// The client's home page.
    #[serde(default)]
    pub client_uri: Option<String>,
    /// Its logo.
    #[serde(default)]
    pub logo_uri: Option<String>,
    /// People responsible for it.
    #[serde(default)]
    pub contacts: Option<Vec<String>>,
    /// Its terms of service.
    #[serde(default)]
    pub tos_uri: Option<String>,
    /// Its privacy policy.
    #[serde(default)]
    pub policy_uri: Option<String>,
    /// RFC 7591 `software_id`.
    #[serde(default)]
    pub software_id: Option<String>,
    /// RFC 7591 `software_version`.
    #[serde(default)]
    pub software_version: Option<String>,
    /// RFC 7591 `software_statement`.
    #[serde(default)]
    pub software_statement: Option<String>,
    /// `web` (default) or `native`.
    #[serde(default)]
    pub application_type: Option<String>,
    /// Of `authorization_code` (default), `client_credentials`, `refresh_token`.
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    /// `["code"]` with `authorization_code`.
    #[serde(default)]
    pub response_types: Option<Vec<String>>,
    /// Scopes the client may take for itself with `client_credentials` (admins only; never
    /// `openid`, `profile`, `email` or `offline_access`).
    #[serde(default)]
    pub client_credentials_scopes: Option<Vec<String>>,
    /// Users are not asked to consent: a first-party client (admins only).
    #[serde(default)]
    pub skip_consent: Option<bool>,
    /// The client may end its users' sessions at `/oauth2/end-session` (admins only).
    #[serde(default)]
    pub enable_end_session: Option<bool>,
    /// `client_secret_basic` (default), `client_secret_post`, or `none` (a public client,
    /// with no secret). Fixed at creation: update-client ignores it.
    #[serde(default)]
    pub token_endpoint_auth_method: Option<String>,
}

impl CreateClientBody {
    fn into_changes(self) -> ClientChanges {
        ClientChanges {
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            scope: self.scope,
            client_name: self.client_name,
            client_uri: self.client_uri,
            logo_uri: self.logo_uri,
            contacts: self.contacts,
            tos_uri: self.tos_uri,
            policy_uri: self.policy_uri,
            software_id: self.software_id,
            software_version: self.software_version,
            software_statement: self.software_statement,
            application_type: self.application_type,
            grant_types: self.grant_types,
            response_types: self.response_types,
            client_credentials_scopes: self.client_credentials_scopes,
            skip_consent: self.skip_consent,
            enable_end_session: self.enable_end_session,
        }
    }
}

impl Checked for CreateClientBody {}

impl CreateClientBody {
    /// The client as core takes it.
    pub fn into_new(mut self) -> NewOAuthClient {
        let token_endpoint_auth_method = self.token_endpoint_auth_method.take();
        NewOAuthClient {
            fields: self.into_changes(),
            token_endpoint_auth_method,
        }
    }
}

/// `POST /oauth2/update-client`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateClientBody {
    /// The client to change.
    pub client_id: String,
    /// The fields to change; absent ones stay.
    pub update: CreateClientBody,
}

impl Checked for UpdateClientBody {}

impl UpdateClientBody {
    /// The changes as core takes them.
    pub fn changes(self) -> (String, ClientChanges) {
        (self.client_id, self.update.into_changes())
    }
}

/// `POST /oauth2/delete-client` and `POST /oauth2/client/rotate-secret`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClientIdBody {
    /// The client.
    pub client_id: String,
}

impl Checked for ClientIdBody {}

/// `GET /oauth2/get-client` and `GET /oauth2/public-client`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientIdQuery {
    /// The client.
    pub client_id: String,
}

/// `POST /oauth2/token` (form-encoded). The client authenticates with `Authorization: Basic`
/// or with `client_id` and `client_secret` here, whichever it registered.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Read by hand (repeats are refused); this type describes it.
pub struct TokenForm {
    /// `client_credentials` (the grant built so far).
    pub grant_type: String,
    /// The client, for `client_secret_post`.
    pub client_id: Option<String>,
    /// Its secret, for `client_secret_post`.
    pub client_secret: Option<String>,
    /// Space-separated scopes; absent: every scope the client may take.
    pub scope: Option<String>,
}

/// `POST /oauth2/introspect` and `POST /oauth2/revoke` (form-encoded).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Read by hand (repeats are refused); this type describes it.
pub struct TokenRequestForm {
    /// The token.
    pub token: String,
    /// `access_token` or `refresh_token`; other values are ignored.
    pub token_type_hint: Option<String>,
    /// The client, for `client_secret_post` (or alone, for a public client revoking).
    pub client_id: Option<String>,
    /// Its secret, for `client_secret_post`.
    pub client_secret: Option<String>,
}

/// `GET /oauth2/authorize` (or the same as a POST form): an authorization request (RFC 6749
/// §4.1.1, OpenID Connect Core §3.1.2.1).
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[schema(as = OAuthAuthorizationRequest)]
#[allow(dead_code)] // Read by hand (repeats are refused); this type describes it.
pub struct AuthorizeQuery {
    /// `code`, the only response type.
    pub response_type: String,
    /// The client.
    pub client_id: String,
    /// One of the client's redirect URIs, exactly.
    pub redirect_uri: String,
    /// Space-separated scopes; absent: every scope the client may ask for.
    pub scope: Option<String>,
    /// Echoed back to the client.
    pub state: Option<String>,
    /// Echoed in the ID token.
    pub nonce: Option<String>,
    /// The PKCE challenge (required of public clients and of `require_pkce` clients).
    pub code_challenge: Option<String>,
    /// `S256`, the only method.
    pub code_challenge_method: Option<String>,
    /// `none`, or any of `login`, `consent`, `create`, `select_account`.
    pub prompt: Option<String>,
    /// Seconds since the user's sign-in beyond which they sign in again.
    pub max_age: Option<i64>,
}

/// `POST /oauth2/consent`: the user's answer on the consent page.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthConsentAnswer)]
#[allow(dead_code)] // Read by hand (a form sends `accept` as text); this type describes it.
pub struct ConsentBody {
    /// Whether the user accepts.
    pub accept: bool,
    /// The scopes accepted, space-separated, when fewer than were asked for.
    pub scope: Option<String>,
    /// The consent page's query string, as the authorize step signed it.
    pub oauth_query: String,
}

/// `POST /oauth2/continue`: the page that held the authorization is done. The first of
/// `selected`, `created`, `postLogin` that is true says which page.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthContinueRequest)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Read by hand (a form sends the flags as text); this type describes it.
pub struct ContinueBody {
    /// The user chose the signed-in account (`prompt=select_account` is answered).
    pub selected: Option<bool>,
    /// The user created their account (`prompt=create` is answered).
    pub created: Option<bool>,
    /// The post-login page is done.
    pub post_login: Option<bool>,
    /// The page's query, as the authorize step signed it.
    #[serde(rename = "oauth_query")]
    pub oauth_query: String,
}

/// `POST /oauth2/login-page`: the hosted login form, its second-factor step, or its
/// "continue as" choice.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthLoginForm)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct LoginPageForm {
    /// `password` (the default): `email` and `password`; `code`: the second factor's
    /// `code`; `send_otp`: mail a code instead.
    pub step: Option<String>,
    /// The account's email.
    pub email: Option<String>,
    /// Its password.
    pub password: Option<String>,
    /// The authenticator app's code, a backup code, or the mailed code.
    pub code: Option<String>,
    /// `totp` (the app's code or a backup code) or `otp` (the mailed code).
    pub method: Option<String>,
    /// The login page's query, as the authorize step signed it.
    pub oauth_query: String,
}

/// `POST /device/code`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DeviceCodeRequest)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct DeviceCodeBody {
    /// A registered, enabled client.
    pub client_id: String,
    /// Space-separated scopes; absent: every scope the client may ask for.
    pub scope: Option<String>,
}

/// `POST /device/token`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DeviceTokenRequest)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct DeviceTokenBody {
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    pub grant_type: String,
    /// The device code.
    pub device_code: String,
    /// The client that asked for it.
    pub client_id: String,
}

/// `POST /device/approve` and `/device/deny`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DeviceAnswer)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct DeviceAnswerBody {
    /// The code the device shows.
    pub user_code: String,
}

/// `POST /oauth2/device-page`: the hosted device page's forms.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = DevicePageForm)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct DevicePageForm {
    /// `sign-in`, `code` or `send_otp` (the second factor, after a password), `approve` or
    /// `deny`.
    pub step: String,
    /// The code the device shows.
    pub user_code: String,
    /// For `sign-in`.
    pub email: Option<String>,
    /// For `sign-in`.
    pub password: Option<String>,
    /// For `code`: the authenticator app's code, a backup code, or the mailed code.
    pub code: Option<String>,
    /// For `code`: `totp` (the app's code or a backup code) or `otp` (the mailed code).
    pub method: Option<String>,
}

/// `GET /oauth2/device-page`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct DevicePageQuery {
    /// The code the device shows, when the user arrives with it filled in.
    pub user_code: Option<String>,
}

/// `/oauth2/end-session` (a query, or a POST form).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthEndSession)]
#[allow(dead_code)] // Read by hand; this type describes it.
pub struct EndSessionForm {
    /// An ID token this server gave the client.
    pub id_token_hint: String,
    /// The client (the token's audience).
    pub client_id: Option<String>,
    /// One of the client's `post_logout_redirect_uris`, exactly.
    pub post_logout_redirect_uri: Option<String>,
    /// Echoed to that URI.
    pub state: Option<String>,
}

/// Which consent: by `id`, or by the `client_id` it was given to.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[schema(as = OAuthConsentRef)]
pub struct ConsentRefBody {
    /// The consent's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Or the client it was given to.
    #[serde(default)]
    pub client_id: Option<String>,
}

impl Checked for ConsentRefBody {}

impl ConsentRefBody {
    /// The consent named, if any is.
    pub fn named(self) -> Option<beep_core::oauth_provider::ConsentRef> {
        use beep_core::oauth_provider::ConsentRef;
        match (self.id, self.client_id) {
            (Some(id), _) if !id.is_empty() => Some(ConsentRef::Id(id)),
            (_, Some(client)) if !client.is_empty() => Some(ConsentRef::Client(client)),
            _ => None,
        }
    }
}

/// `POST /oauth2/update-consent`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthConsentUpdate)]
pub struct UpdateConsentBody {
    /// The consent's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Or the client it was given to.
    #[serde(default)]
    pub client_id: Option<String>,
    /// What changes.
    pub update: ConsentChanges,
}

/// The changes of update-consent.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = OAuthConsentChanges)]
pub struct ConsentChanges {
    /// The scopes that stay consented to (fewer than before, or the same).
    pub scopes: Vec<String>,
}

impl Checked for UpdateConsentBody {}
