//! Starting a social sign-in (or a link of a provider to a signed-in user) and finishing it
//! when the provider sends the browser back.

use super::SocialError;
use super::client::TokenAnswer;
use super::profile::{self, Grant, Profile, ProfileError};
use super::state::{self, Challenge, PendingSignIn};
use crate::flows::{ClientInfo, SignedIn, validate_picture};
use crate::two_factor::SecondFactorChallenge;
use crate::{Auth, AuthError, hooks};
use beep_domain::uri::append_query;
use beep_domain::{
    Account, AccountId, Audit, Email, SealedProviderTokens, User, UserId, Verification,
    VerificationId,
};
use beep_store::StoreError;
use beep_store::repos::{accounts, users, verifications};
use chrono::{DateTime, Duration, Utc};
use subtle::ConstantTimeEq;

/// What a client asks for when it starts a sign-in (the edge has checked the URLs).
#[derive(Debug, Clone, Default)]
pub struct StartSocial {
    /// The provider's id.
    pub provider: String,
    /// Where to land after success (default `/`).
    pub callback_url: Option<String>,
    /// Where to land after a failure.
    pub error_url: Option<String>,
    /// Where a new user lands.
    pub new_user_url: Option<String>,
    /// Scopes asked for besides the configured ones.
    pub scopes: Vec<String>,
    /// Passed to the provider as `login_hint`.
    pub login_hint: Option<String>,
    /// The client asks for an account to be created if none exists.
    pub request_sign_up: bool,
    /// The browser's binding cookie, if it has a valid one.
    pub browser_binding: Option<String>,
    /// Set to link the provider to this signed-in user instead of signing in.
    pub link_user: Option<UserId>,
}

/// A started sign-in: where to send the browser, and the binding cookie to set.
#[derive(Debug, Clone)]
pub struct StartedSocial {
    /// The provider's authorization URL.
    pub url: String,
    /// The binding cookie's value (the one the browser had, or a new one).
    pub browser_binding: String,
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, Default)]
pub struct ProviderReturn {
    /// The provider named in the path.
    pub provider: String,
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`, when the provider refused.
    pub error: Option<String>,
    /// `iss` (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
    /// The browser's binding cookie.
    pub browser_binding: Option<String>,
    /// The device's trust token (the `trust_device` cookie), if it has one.
    pub trusted_device: Option<String>,
}

/// Where a finished sign-in lands.
#[derive(Debug, Clone)]
pub struct SocialLanding {
    /// The new session, unless this was a link or a second factor is required.
    pub signed_in: Option<SignedIn>,
    /// The challenge to answer first, when the user has a second factor.
    pub second_factor: Option<SecondFactorChallenge>,
    /// Where to send the browser.
    pub redirect_to: String,
}

/// A failed finish: the code for `?error=` and where to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackFailure {
    /// better-auth's error code (`state_mismatch`, `account_not_linked`, …).
    pub code: &'static str,
    /// The sign-in's error URL, when its state was found (else the server's error page).
    pub error_url: Option<String>,
}

impl CallbackFailure {
    fn before_state(code: &'static str) -> Self {
        Self {
            code,
            error_url: None,
        }
    }
}

impl Auth {
    /// Starts a sign-in with `input.provider`: a pending sign-in is stored, and the URL to
    /// send the browser to is returned.
    pub async fn start_social_sign_in(
        &self,
        input: StartSocial,
    ) -> Result<StartedSocial, AuthError> {
        let social = self.social();
        let provider = social.provider(&input.provider)?;
        let endpoints = provider.endpoints(&social.client).await.map_err(|err| {
            tracing::warn!(provider = %input.provider, %err, "provider discovery failed");
            SocialError::ProviderUnavailable
        })?;
        let challenge = Challenge::generate();
        let binding = input
            .browser_binding
            .filter(|b| b.len() == 32)
            .unwrap_or_else(state::new_binding);
        let pending = PendingSignIn {
            provider: input.provider.clone(),
            code_verifier: challenge.code_verifier.clone(),
            nonce: challenge.nonce.clone(),
            callback_url: input.callback_url.unwrap_or_else(|| "/".to_owned()),
            error_url: input.error_url,
            new_user_url: input.new_user_url,
            link_user_id: input.link_user.map(|u| u.to_string()),
            browser: state::binding_digest(&binding),
            request_sign_up: input.request_sign_up,
        };
        let now = self.now();
        let row = Verification {
            id: VerificationId::generate(),
            identifier: state::identifier(&challenge.state),
            value: state::seal(&social.state_key, &pending),
            expires_at: now + social.config.state_lifetime,
            audit: Audit::created(now, pending.link_user_id.as_deref()),
        };
        verifications::insert(self.store().conn(), &row).await?;

        let settings = &provider.settings;
        let scopes = settings.scopes_with(&input.scopes).join(" ");
        let mut url = endpoints.authorization.clone();
        for (name, value) in [
            ("response_type", "code"),
            ("client_id", settings.client_id.as_str()),
            ("redirect_uri", &social.redirect_uri(provider.id())),
            ("scope", &scopes),
            ("state", &challenge.state),
            ("code_challenge", &challenge.code_challenge),
            ("code_challenge_method", "S256"),
        ] {
            url = append_query(&url, name, value);
        }
        if settings.kind.is_openid() {
            url = append_query(&url, "nonce", &challenge.nonce);
        }
        if let Some(hint) = &input.login_hint {
            url = append_query(&url, "login_hint", hint);
        }
        Ok(StartedSocial {
            url,
            browser_binding: binding,
        })
    }

    /// Finishes a sign-in the provider sent back: the state is consumed (once), checked
    /// against the browser, the code exchanged, the profile read, and the user found,
    /// linked or created with a session, in one transaction.
    pub async fn finish_social_sign_in(
        &self,
        back: ProviderReturn,
        client: ClientInfo,
    ) -> Result<SocialLanding, CallbackFailure> {
        let pending = self.take_pending(&back).await?;
        let fail = |code: &'static str| CallbackFailure {
            code,
            error_url: pending.error_url.clone(),
        };
        if back.error.is_some() {
            // The provider's own code is not passed on: it is the provider's text.
            return Err(fail("access_denied"));
        }
        let social = self.social();
        let provider = social
            .provider(&back.provider)
            .map_err(|_| fail("provider_not_found"))?;
        let endpoints = provider
            .endpoints(&social.client)
            .await
            .map_err(|_| fail("provider_unavailable"))?;
        // RFC 9207: a provider that names itself must name the one this sign-in went to.
        if let (Some(iss), Some(expected)) = (&back.iss, &endpoints.issuer)
            && !expected.contains("{tenantid}")
            && iss.trim_end_matches('/') != expected.trim_end_matches('/')
        {
            return Err(fail("issuer_mismatch"));
        }
        let code = back
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(fail("no_code"))?;
        let settings = &provider.settings;
        let redirect_uri = social.redirect_uri(provider.id());
        let answer = social
            .client
            .post_form(
                &endpoints.token,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", &redirect_uri),
                    ("code_verifier", &pending.code_verifier),
                ],
                &settings.client_id,
                settings.client_secret.expose(),
                provider.token_auth(),
            )
            .await
            .map_err(|err| {
                tracing::info!(provider = %back.provider, %err, "code exchange failed");
                fail("invalid_code")
            })?;
        let tokens = TokenAnswer::from_json(&answer).ok_or(fail("invalid_code"))?;
        let grant = Grant {
            access_token: &tokens.access_token,
            id_token: tokens.id_token.as_deref(),
            nonce: Some(&pending.nonce),
        };
        let profile = profile::fetch(provider, &social.client, grant, self.now())
            .await
            .map_err(|err| {
                tracing::info!(provider = %back.provider, %err, "provider profile refused");
                fail(match err {
                    ProfileError::IdToken(_) | ProfileError::MissingIdToken => "invalid_id_token",
                    ProfileError::Call(_) | ProfileError::NoId => "user_info_failed",
                })
            })?;
        let sealed = self.seal_answer(&tokens, settings.scopes_with(&[]));
        let outcome = self
            .land(
                &pending,
                &profile,
                &sealed,
                &client,
                back.trusted_device.as_deref(),
            )
            .await
            .map_err(|refusal| match refusal {
                Landing::Refused(code) => fail(code),
                Landing::Failed(err) => {
                    tracing::error!(%err, "social sign-in failed");
                    fail("internal_server_error")
                }
            })?;
        Ok(outcome)
    }

    /// Consumes the pending sign-in a return names, if this browser started it.
    async fn take_pending(&self, back: &ProviderReturn) -> Result<PendingSignIn, CallbackFailure> {
        let state_param = back
            .state
            .as_deref()
            .ok_or(CallbackFailure::before_state("state_not_found"))?;
        if !state::plausible(state_param) {
            return Err(CallbackFailure::before_state("state_mismatch"));
        }
        let consumed = verifications::consume(
            self.store().conn(),
            &state::identifier(state_param),
            self.now(),
        )
        .await
        .map_err(|_| CallbackFailure::before_state("internal_server_error"))?;
        let pending = consumed
            .and_then(|row| state::open(&self.social().state_key, &row.value))
            .ok_or(CallbackFailure::before_state("state_mismatch"))?;
        let presented = back
            .browser_binding
            .as_deref()
            .map(state::binding_digest)
            .unwrap_or_default();
        let same_browser = bool::from(presented.as_bytes().ct_eq(pending.browser.as_bytes()));
        if !same_browser || pending.provider != back.provider {
            return Err(CallbackFailure {
                code: "state_mismatch",
                error_url: pending.error_url,
            });
        }
        Ok(pending)
    }

    /// The provider's tokens, sealed, with their lifetimes on this server's clock.
    pub(super) fn seal_answer(
        &self,
        tokens: &TokenAnswer,
        asked: Vec<String>,
    ) -> SealedProviderTokens {
        let social = self.social();
        let now = self.now();
        let scope = tokens
            .scope
            .as_deref()
            .map(|s| {
                s.split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_else(|| asked.join(","));
        SealedProviderTokens {
            access_token: social.seal_token(Some(&tokens.access_token)),
            refresh_token: social.seal_token(tokens.refresh_token.as_deref()),
            id_token: social.seal_token(tokens.id_token.as_deref()),
            access_token_expires_at: tokens.expires_in.map(|s| now + Duration::seconds(s)),
            refresh_token_expires_at: tokens
                .refresh_token_expires_in
                .map(|s| now + Duration::seconds(s)),
            scope: Some(scope),
        }
    }

    /// Finds, links or creates the user and opens the session. A first sign-in racing
    /// another for the same new user is tried once more, and then finds the account.
    async fn land(
        &self,
        pending: &PendingSignIn,
        profile: &Profile,
        tokens: &SealedProviderTokens,
        client: &ClientInfo,
        trusted_device: Option<&str>,
    ) -> Result<SocialLanding, Landing> {
        match self
            .land_once(pending, profile, tokens, client, trusted_device)
            .await
        {
            Err(Landing::Failed(StoreError::Conflict)) => {
                self.land_once(pending, profile, tokens, client, trusted_device)
                    .await
            }
            other => other,
        }
    }

    async fn land_once(
        &self,
        pending: &PendingSignIn,
        profile: &Profile,
        tokens: &SealedProviderTokens,
        client: &ClientInfo,
        trusted_device: Option<&str>,
    ) -> Result<SocialLanding, Landing> {
        let provider = self
            .social()
            .provider(&pending.provider)
            .map_err(|_| Landing::Refused("provider_not_found"))?;
        let now = self.now();
        let tx = self.store().write().await?;
        let existing = accounts::find_by_provider(&tx, &pending.provider, &profile.id).await?;
        let link_user = pending.link_user_id.as_deref().map(UserId::unchecked);
        let (user, is_new) = match (existing, &link_user) {
            (Some(account), Some(linker)) if &account.user_id != linker => {
                return Err(Landing::Refused("account_already_linked_to_different_user"));
            }
            (Some(account), _) => {
                accounts::set_tokens(&tx, &account.id, account.audit.version, tokens, now).await?;
                let user = users::find_by_id(&tx, &account.user_id)
                    .await?
                    .ok_or(Landing::Refused("user_not_found"))?;
                (user, false)
            }
            (None, Some(linker)) => {
                let user = users::find_by_id(&tx, linker)
                    .await?
                    .ok_or(Landing::Refused("user_not_found"))?;
                let email = profile_email(profile)?;
                if email != user.email {
                    return Err(Landing::Refused("email_doesn't_match"));
                }
                insert_account(&tx, &user.id, pending, profile, tokens, now).await?;
                (user, false)
            }
            (None, None) => {
                let email = profile_email(profile)?;
                match users::find_by_email(&tx, &email).await? {
                    Some(user) => {
                        // Link on the address only when the provider vouches for it, and
                        // never onto an unproven local account (a squatter's password
                        // would then open the victim's account).
                        let vouched =
                            profile.email_verified && provider.settings.trust_email_verified;
                        if !vouched || !user.email_verified {
                            return Err(Landing::Refused("account_not_linked"));
                        }
                        insert_account(&tx, &user.id, pending, profile, tokens, now).await?;
                        (user, false)
                    }
                    None => {
                        if !provider.settings.sign_up_enabled || !self.config().sign_up_enabled {
                            return Err(Landing::Refused("signup_disabled"));
                        }
                        let user = new_user(profile, email, now);
                        users::insert(&tx, &user).await?;
                        insert_account(&tx, &user.id, pending, profile, tokens, now).await?;
                        hooks::on_user_created(&tx, &user).await?;
                        (user, true)
                    }
                }
            }
        };
        if link_user.is_some() {
            tx.commit().await.map_err(StoreError::from)?;
            tracing::info!(user_id = %user.id, provider = %pending.provider, "account linked");
            return Ok(SocialLanding {
                signed_in: None,
                second_factor: None,
                redirect_to: pending.callback_url.clone(),
            });
        }
        // One policy for every first factor: a user with a second factor presents it here
        // too (better-auth asks only after a password).
        if self.needs_second_factor(&tx, &user, trusted_device).await? {
            let challenge = self.open_challenge(&tx, &user, true).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(SocialLanding {
                signed_in: None,
                second_factor: Some(challenge),
                redirect_to: append_query(&pending.callback_url, "twoFactorRedirect", "true"),
            });
        }
        let (session, token) = self
            .create_session(&tx, &user, true, client)
            .await
            .map_err(Landing::of_session_refusal)?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(user_id = %user.id, provider = %pending.provider, is_new, "social sign-in");
        let redirect_to = match (&pending.new_user_url, is_new) {
            (Some(url), true) => url.clone(),
            _ => pending.callback_url.clone(),
        };
        Ok(SocialLanding {
            signed_in: Some(SignedIn {
                user,
                session,
                token,
            }),
            second_factor: None,
            redirect_to,
        })
    }
}

/// Why landing failed: a refusal with its code, or the database.
enum Landing {
    Refused(&'static str),
    Failed(StoreError),
}

impl Landing {
    /// A session that could not open: a banned user lands on the error page with `banned`.
    fn of_session_refusal(err: AuthError) -> Self {
        match err {
            AuthError::Admin(crate::admin::AdminError::BannedUser) => Landing::Refused("banned"),
            AuthError::Unavailable => Landing::Failed(StoreError::Unavailable),
            other => Landing::Failed(StoreError::Database(other.to_string())),
        }
    }
}

impl From<StoreError> for Landing {
    fn from(err: StoreError) -> Self {
        Landing::Failed(err)
    }
}

fn profile_email(profile: &Profile) -> Result<Email, Landing> {
    profile
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .ok_or(Landing::Refused("email_not_found"))
}

fn new_user(profile: &Profile, email: Email, now: DateTime<Utc>) -> User {
    let id = UserId::generate();
    let name: String = profile
        .name
        .chars()
        .filter(|c| !c.is_control())
        .take(crate::flows::MAX_NAME_CHARS)
        .collect();
    User {
        audit: Audit::created(now, Some(id.as_str())),
        id,
        name,
        email,
        email_verified: profile.email_verified,
        image: validate_picture("image", profile.image.clone()).unwrap_or(None),
        two_factor_enabled: false,
        role: User::DEFAULT_ROLE.to_owned(),
        banned: false,
        ban_reason: None,
        ban_expires: None,
    }
}

async fn insert_account(
    conn: &impl beep_store::ConnectionTrait,
    user: &UserId,
    pending: &PendingSignIn,
    profile: &Profile,
    tokens: &SealedProviderTokens,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let account = Account {
        id: AccountId::generate(),
        account_id: profile.id.clone(),
        provider_id: pending.provider.clone(),
        user_id: user.clone(),
        password_hash: None,
        scope: None,
        audit: Audit::created(now, Some(user.as_str())),
    };
    accounts::insert_with_tokens(conn, &account, tokens).await
}
