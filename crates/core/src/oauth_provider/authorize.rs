//! The authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2, with PKCE per
//! RFC 7636, S256 only): `/oauth2/authorize` checks the client and its redirect URI, then
//! sends the user where the request needs them next — the login page, the consent page, or
//! back to the client with a code. Every answer is a URL to redirect to.
//!
//! Until the client and its redirect URI are known good, errors go to the server's own error
//! page, never to the URI the request names (RFC 6749 §4.1.2.1), so the endpoint cannot be
//! turned into an open redirector. After that they go to the client, with `state` and `iss`.

use super::error::OAuthErrorCode;
use super::signed_query;
use super::{credential_digest, random_letters, scope_list, whole_seconds};
use crate::auth::Auth;
use crate::error::AuthError;
use crate::flows::ActiveSession;
use crate::mail::SealingKey;
use beep_domain::{Audit, GrantType, OAuthClient, OAuthGrant, OAuthGrantId};
use beep_store::repos::{oauth_clients, oauth_consents, oauth_grants};
use reqwest::Url;

/// Where in the flow a request is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizeStep {
    /// Straight from the client.
    Request,
    /// Handed back by the login page right after the user signed in: the fresh session is
    /// the login `prompt=login` and `max_age` asked for.
    AfterLogin,
}

/// The longest `state` or `nonce` accepted (they travel in URLs; a nonce is stored).
const MAX_ECHOED_LENGTH: usize = 1024;

/// An authorization request whose client and redirect URI are good.
#[derive(Debug)]
pub(super) struct AuthorizationRequest {
    pub(super) client: OAuthClient,
    pub(super) redirect_uri: String,
    pub(super) scopes: Vec<String>,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    pub(super) code_challenge: Option<String>,
    prompt: Prompt,
    max_age: Option<i64>,
    /// The parameters as sent, to hand on to the pages.
    params: Vec<(String, String)>,
}

/// The `prompt` values this server acts on (OpenID Connect Core §3.1.2.1, and `create`
/// from Initiating User Registration via OpenID Connect 1.0).
#[derive(Debug, Default, Clone, Copy)]
struct Prompt {
    none: bool,
    login: bool,
    /// Sign up (or in): the login page, like `login`.
    create: bool,
    consent: bool,
    select_account: bool,
}

/// How `/oauth2/continue` goes on with an authorization a page held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continuation {
    /// The user chose the signed-in account on the account-selection page.
    Selected,
    /// The user created their account on the sign-up page.
    Created,
    /// The operator's post-login page is done.
    PostLogin,
}

impl Continuation {
    /// The `prompt` value this continuation answers, if any.
    fn answers(self) -> Option<&'static str> {
        match self {
            Self::Selected => Some("select_account"),
            Self::Created => Some("create"),
            Self::PostLogin => None,
        }
    }
}

/// A request that cannot go on, as the URL the user is sent to.
pub(super) type Redirect = String;

impl Auth {
    /// `/oauth2/authorize` with `params` (the query, or the form of a POST) for the user of
    /// `session`, if any: the URL to send the user to next.
    pub async fn authorize(
        &self,
        params: Vec<(String, String)>,
        session: Option<&ActiveSession>,
        step: AuthorizeStep,
    ) -> Result<String, AuthError> {
        let request = match self.authorization_request(params).await? {
            Ok(request) => request,
            Err(redirect) => return Ok(redirect),
        };
        let now = self.now();
        let fresh_login_needed = step == AuthorizeStep::Request
            && (request.prompt.login
                || request.prompt.create
                || request.max_age.is_some_and(|max_age| {
                    session.is_some_and(|s| {
                        max_age == 0 || (now - s.session.audit.created_at).num_seconds() > max_age
                    })
                }));
        let Some(active) = session.filter(|_| !fresh_login_needed) else {
            if request.prompt.none {
                return Ok(self.to_client(
                    &request,
                    OAuthErrorCode::LoginRequired,
                    "authentication required",
                ));
            }
            return Ok(self.hand_off(&self.config().oauth_provider.login_page, &request.params));
        };
        if step == AuthorizeStep::Request && request.prompt.select_account {
            return Ok(self.hand_off(
                &self.config().oauth_provider.select_account_page,
                &request.params,
            ));
        }
        if request.prompt.consent {
            return Ok(self.hand_off(&self.config().oauth_provider.consent_page, &request.params));
        }
        if !request.client.skip_consent {
            let consent = oauth_consents::find(
                self.store().conn(),
                &request.client.client_id,
                &active.user.id,
            )
            .await?;
            if !consent.is_some_and(|c| c.covers(&request.scopes)) {
                if request.prompt.none {
                    return Ok(self.to_client(
                        &request,
                        OAuthErrorCode::ConsentRequired,
                        "End-User consent is required",
                    ));
                }
                return Ok(
                    self.hand_off(&self.config().oauth_provider.consent_page, &request.params)
                );
            }
        }
        self.issue_code(&request, &request.scopes, active).await
    }

    /// After a sign-in that carried the login page's `oauth_query`: the URL the signed-in
    /// user goes to next.
    pub async fn continue_authorization(
        &self,
        oauth_query: &str,
        session: &ActiveSession,
    ) -> Result<String, AuthError> {
        let mut params = self.verified_hand_off(oauth_query)?;
        // The sign-in answered these; the pages after it must not ask again.
        for answered in ["login", "create", "select_account"] {
            params = without_prompt(params, answered);
        }
        self.authorize(params, Some(session), AuthorizeStep::AfterLogin)
            .await
    }

    /// `POST /oauth2/continue`: the authorization a page held goes on for the user of
    /// `session`, with the `prompt` value that page answered taken out.
    pub async fn continue_after_page(
        &self,
        oauth_query: &str,
        session: &ActiveSession,
        how: Continuation,
    ) -> Result<String, AuthError> {
        let mut params = self.verified_hand_off(oauth_query)?;
        if let Some(answered) = how.answers() {
            params = without_prompt(params, answered);
        }
        self.authorize(params, Some(session), AuthorizeStep::Request)
            .await
    }

    /// The parameters of a hand-off this server signed, if it has not expired.
    pub fn verified_hand_off(&self, oauth_query: &str) -> Result<Vec<(String, String)>, AuthError> {
        Ok(signed_query::verify(
            &self.hand_off_key(),
            oauth_query,
            self.now().timestamp(),
        )?)
    }

    /// Checks `params`: the request, or where the user goes instead when it cannot go on.
    pub(super) async fn authorization_request(
        &self,
        params: Vec<(String, String)>,
    ) -> Result<Result<AuthorizationRequest, Redirect>, AuthError> {
        // PostgreSQL text cannot hold a NUL, and no parameter has one.
        if params
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Ok(Err(self.error_page(
                OAuthErrorCode::InvalidRequest,
                "parameters must not contain NUL characters",
            )));
        }
        let one = |name: &str| -> Result<Option<String>, ()> { single(&params, name) };
        let (Ok(client_id), Ok(redirect_uri)) = (one("client_id"), one("redirect_uri")) else {
            return Ok(Err(self.error_page(
                OAuthErrorCode::InvalidRequest,
                "client_id and redirect_uri must not be repeated",
            )));
        };
        let client = match client_id {
            Some(id) => oauth_clients::find(self.store().conn(), &id).await?,
            None => None,
        };
        let Some(client) = client else {
            return Ok(Err(self.error_page(
                OAuthErrorCode::InvalidClient,
                "client_id is required",
            )));
        };
        if client.disabled {
            return Ok(Err(
                self.error_page(OAuthErrorCode::ClientDisabled, "client is disabled")
            ));
        }
        if !client.allows(GrantType::AuthorizationCode) {
            return Ok(Err(self.error_page(
                OAuthErrorCode::UnauthorizedClient,
                "client is not authorized to use the authorization_code grant",
            )));
        }
        let Some(redirect_uri) =
            redirect_uri.filter(|uri| client.metadata.redirect_uris.contains(uri))
        else {
            return Ok(Err(self.error_page(
                OAuthErrorCode::InvalidRedirect,
                "invalid redirect uri",
            )));
        };
        // From here on the client's own redirect URI is known good: errors go there.
        let state = one("state").ok().flatten();
        let mut request = AuthorizationRequest {
            client,
            redirect_uri,
            scopes: Vec::new(),
            state,
            nonce: None,
            code_challenge: None,
            prompt: Prompt::default(),
            max_age: None,
            params: Vec::new(),
        };
        match self.read_parameters(&mut request, &params) {
            Ok(()) => {
                request.params = params;
                Ok(Ok(request))
            }
            Err((code, description)) => Ok(Err(self.to_client(&request, code, &description))),
        }
    }

    /// Fills `request` from `params`, or says why it cannot be served.
    fn read_parameters(
        &self,
        request: &mut AuthorizationRequest,
        params: &[(String, String)],
    ) -> Result<(), (OAuthErrorCode, String)> {
        let invalid = |description: &str| (OAuthErrorCode::InvalidRequest, description.to_owned());
        let mut names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(invalid(&format!("{} must not be repeated", pair[0])));
        }
        let one = |name: &str| single(params, name).ok().flatten();
        if one("request").is_some() {
            return Err((
                OAuthErrorCode::RequestNotSupported,
                "request object not supported".to_owned(),
            ));
        }
        if one("request_uri").is_some() {
            return Err((
                OAuthErrorCode::RequestUriNotSupported,
                "request_uri not supported".to_owned(),
            ));
        }
        match one("response_type").as_deref() {
            Some("code") => {}
            None => return Err(invalid("response_type is required")),
            Some(_) => {
                return Err((
                    OAuthErrorCode::UnsupportedResponseType,
                    "unsupported response type".to_owned(),
                ));
            }
        }
        if one("response_mode").is_some_and(|mode| mode != "query") {
            return Err(invalid("only the query response mode is supported"));
        }
        request.scopes = self.requested_scopes(&request.client, one("scope").as_deref())?;
        request.prompt = parse_prompt(one("prompt").as_deref()).map_err(|d| invalid(&d))?;
        request.max_age = match one("max_age") {
            None => None,
            Some(text) => Some(
                text.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| invalid("max_age must be a non-negative integer"))?,
            ),
        };
        request.nonce = one("nonce");
        let too_long = |v: &Option<String>| v.as_ref().is_some_and(|v| v.len() > MAX_ECHOED_LENGTH);
        if too_long(&request.nonce) || too_long(&request.state) {
            return Err(invalid("state and nonce must be at most 1024 characters"));
        }
        request.code_challenge = pkce_challenge(
            &request.client,
            one("code_challenge"),
            one("code_challenge_method"),
        )
        .map_err(|d| invalid(&d))?;
        Ok(())
    }

    /// The scopes asked for, all allowed to the client; the client's (or the server's)
    /// scopes when the request names none.
    pub(super) fn requested_scopes(
        &self,
        client: &OAuthClient,
        scope: Option<&str>,
    ) -> Result<Vec<String>, (OAuthErrorCode, String)> {
        let allowed = client
            .scopes
            .as_ref()
            .unwrap_or(&self.config().oauth_provider.scopes);
        let Some(scope) = scope else {
            return Ok(allowed.clone());
        };
        let mut requested: Vec<String> = scope_list(scope)
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        requested.dedup();
        let invalid: Vec<&str> = requested
            .iter()
            .filter(|s| !allowed.contains(s) || !self.config().oauth_provider.scopes.contains(s))
            .map(String::as_str)
            .collect();
        if !invalid.is_empty() {
            return Err((
                OAuthErrorCode::InvalidScope,
                format!("The following scopes are invalid: {}", invalid.join(", ")),
            ));
        }
        Ok(requested)
    }

    /// Makes the grant and its code for `request`, limited to `scopes`, for the user of
    /// `active`: the client's redirect URI with `code`, `state` and `iss`.
    pub(super) async fn issue_code(
        &self,
        request: &AuthorizationRequest,
        scopes: &[String],
        active: &ActiveSession,
    ) -> Result<String, AuthError> {
        let now = whole_seconds(self.now());
        let code = random_letters();
        let grant = OAuthGrant {
            id: OAuthGrantId::generate(),
            code_digest: credential_digest(&code),
            client_id: request.client.client_id.clone(),
            user_id: active.user.id.clone(),
            session_id: Some(active.session.id.clone()),
            redirect_uri: request.redirect_uri.clone(),
            scopes: scopes.to_vec(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: whole_seconds(active.session.audit.created_at),
            code_expires_at: now + self.config().oauth_provider.code_expires_in,
            redeemed_at: None,
            audit: Audit::created(now, Some(active.user.id.as_str())),
        };
        oauth_grants::insert(self.store().conn(), &grant).await?;
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = &request.state {
            pairs.push(("state", state));
        }
        let issuer = self.config().oauth_provider.issuer.clone();
        pairs.push(("iss", &issuer));
        Ok(
            with_query(&request.redirect_uri, &pairs).unwrap_or_else(|| {
                self.error_page(OAuthErrorCode::InvalidRedirect, "invalid redirect uri")
            }),
        )
    }

    /// The client's redirect URI with `error`, `error_description`, `state` and `iss`.
    pub(super) fn to_client(
        &self,
        request: &AuthorizationRequest,
        code: OAuthErrorCode,
        description: &str,
    ) -> String {
        let mut pairs = vec![("error", code.as_str()), ("error_description", description)];
        if let Some(state) = &request.state {
            pairs.push(("state", state));
        }
        let issuer = self.config().oauth_provider.issuer.clone();
        pairs.push(("iss", &issuer));
        with_query(&request.redirect_uri, &pairs)
            .unwrap_or_else(|| self.error_page(code, description))
    }

    /// The server's error page for an error that must not go to the client.
    fn error_page(&self, code: OAuthErrorCode, description: &str) -> String {
        let page = format!("{}/error", self.config().oauth_provider.issuer);
        with_query(
            &page,
            &[("error", code.as_str()), ("error_description", description)],
        )
        .unwrap_or(page)
    }

    /// `page` with the signed request as its query.
    fn hand_off(&self, page: &str, params: &[(String, String)]) -> String {
        let now = self.now();
        let expires_at = (now + self.config().oauth_provider.code_expires_in).timestamp();
        let query = signed_query::sign(
            &self.hand_off_key(),
            params,
            now.timestamp_millis(),
            expires_at,
        );
        let separator = if page.contains('?') { '&' } else { '?' };
        format!("{page}{separator}{query}")
    }

    fn hand_off_key(&self) -> SealingKey {
        SealingKey::derive(self.config().secret.expose(), signed_query::PURPOSE)
    }
}

/// The one value of `name` (empty counts as absent); `Err` when it is repeated.
fn single(params: &[(String, String)], name: &str) -> Result<Option<String>, ()> {
    let mut values = params
        .iter()
        .filter(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.clone());
    let first = values.next();
    match values.next() {
        Some(_) => Err(()),
        None => Ok(first),
    }
}

impl AuthorizationRequest {
    /// Whether the page may offer to go on as the signed-in user: the request asked to
    /// choose an account, and not for a fresh sign-in.
    pub(super) fn offers_account_choice(&self) -> bool {
        self.prompt.select_account && !self.prompt.login && !self.prompt.create
    }
}

/// `params` with `value` taken out of `prompt` (and `prompt` gone when nothing is left).
fn without_prompt(params: Vec<(String, String)>, value: &str) -> Vec<(String, String)> {
    params
        .into_iter()
        .filter_map(|(name, text)| {
            if name != "prompt" {
                return Some((name, text));
            }
            let rest: Vec<&str> = text
                .split(' ')
                .filter(|v| !v.is_empty() && *v != value)
                .collect();
            (!rest.is_empty()).then(|| (name, rest.join(" ")))
        })
        .collect()
}

/// `prompt`: space-separated `none`, `login`, `create`, `consent` or `select_account`;
/// `none` stands alone.
fn parse_prompt(prompt: Option<&str>) -> Result<Prompt, String> {
    let mut parsed = Prompt::default();
    let Some(prompt) = prompt else {
        return Ok(parsed);
    };
    let values: Vec<&str> = prompt.split(' ').filter(|v| !v.is_empty()).collect();
    for value in &values {
        match *value {
            "none" => parsed.none = true,
            "login" => parsed.login = true,
            "create" => parsed.create = true,
            "consent" => parsed.consent = true,
            "select_account" => parsed.select_account = true,
            other => return Err(format!("unsupported prompt value {other}")),
        }
    }
    if parsed.none && values.len() > 1 {
        return Err("prompt none must not be combined with other values".to_owned());
    }
    Ok(parsed)
}

/// The PKCE challenge of a request (RFC 7636 §4.3): S256 only, 43 to 128 unreserved
/// characters, required of public clients and of clients that registered `require_pkce`.
fn pkce_challenge(
    client: &OAuthClient,
    challenge: Option<String>,
    method: Option<String>,
) -> Result<Option<String>, String> {
    let required = client.require_pkce || !client.auth_method.has_secret();
    match (challenge, method) {
        (None, None) if required => Err("pkce is required for this client".to_owned()),
        (None, None) => Ok(None),
        (Some(challenge), Some(method)) => {
            if method != "S256" {
                return Err("invalid code_challenge method, only S256 is supported".to_owned());
            }
            if !is_pkce_text(&challenge) {
                return Err("code_challenge must be 43 to 128 unreserved characters".to_owned());
            }
            Ok(Some(challenge))
        }
        _ => Err("code_challenge and code_challenge_method must both be provided".to_owned()),
    }
}

/// Whether `text` is 43 to 128 characters of `[A-Za-z0-9-._~]` (a verifier or challenge).
pub(super) fn is_pkce_text(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `uri` with `pairs` added to its query; `None` if it is not a URL.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = Url::parse(uri).ok()?;
    url.query_pairs_mut().extend_pairs(pairs);
    Some(url.to_string())
}
