//! Sign-up with email and password: user, credential account, personal organization, owner
//! membership, first session and the verification mail, in one transaction.

use super::{ClientInfo, SignedIn};
use crate::{Auth, AuthError, hooks};
use beep_domain::{
    Account, AccountId, Audit, CREDENTIAL_PROVIDER, Email, PlainPassword, Secret, User, UserId,
};
use beep_email::{Template, Vars};
use beep_store::StoreError;
use beep_store::repos::{accounts, users};

/// Longest accepted display name, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest accepted avatar URL, in characters.
pub const MAX_IMAGE_CHARS: usize = 2048;

/// What a sign-up asks for.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Display name.
    pub name: String,
    /// Email address, any case.
    pub email: String,
    /// The chosen password (checked for length and strength).
    pub password: Secret<String>,
    /// Avatar URL.
    pub image: Option<String>,
    /// `false`: a one-day session that is never refreshed.
    pub remember_me: bool,
    /// Where the verification link leads after verifying (already checked by the caller).
    pub callback_url: Option<String>,
}

/// How a sign-up ended.
#[derive(Debug, Clone)]
pub enum SignUpOutcome {
    /// The user exists and is signed in.
    SignedIn(Box<SignedIn>),
    /// Verification is required before signing in: no session. When the address was taken
    /// already, this is a stand-in user that was never stored (the answer must not differ),
    /// and the owner of the address gets a mail about the attempt.
    AwaitingVerification(Box<User>),
}

impl SignUpOutcome {
    /// The new session, when the sign-up opened one.
    pub fn signed_in(self) -> Option<SignedIn> {
        match self {
            SignUpOutcome::SignedIn(signed) => Some(*signed),
            SignUpOutcome::AwaitingVerification(_) => None,
        }
    }

    /// The user (a stand-in for a taken address under required verification).
    pub fn user(&self) -> &User {
        match self {
            SignUpOutcome::SignedIn(signed) => &signed.user,
            SignUpOutcome::AwaitingVerification(user) => user,
        }
    }
}

impl Auth {
    /// Creates a user with a password and signs them in (or, when verification is required,
    /// leaves them to follow the mailed link).
    pub async fn sign_up(
        &self,
        input: SignUp,
        client: ClientInfo,
    ) -> Result<SignUpOutcome, AuthError> {
        if !self.config().sign_up_enabled {
            return Err(AuthError::SignUpDisabled);
        }
        let name = validate_name(&input.name)?;
        let image = validate_image(input.image)?;
        let email = Email::parse(&input.email)?;
        let policy = self.config().password_policy;
        policy.check_length(input.password.expose())?;
        let password = self.check_new_password(input.password.expose(), &email, &name)?;
        let require_verification = self.config().email.require_verification;
        // Cheap early answer; the unique index still decides a race.
        if let Some(owner) = users::find_by_email(self.store().conn(), &email).await? {
            if require_verification {
                return self.answer_taken_address(&owner, name, image).await;
            }
            return Err(AuthError::UserAlreadyExists);
        }
        let hash = self.hasher().hash(password).await?;

        let now = self.now();
        let user_id = UserId::generate();
        let user = User {
            id: user_id.clone(),
            name,
            email,
            email_verified: false,
            image,
            two_factor_enabled: false,
            role: User::DEFAULT_ROLE.to_owned(),
            banned: false,
            ban_reason: None,
            ban_expires: None,
            audit: Audit::created(now, Some(user_id.as_str())),
        };
        let account = Account {
            id: AccountId::generate(),
            account_id: user_id.to_string(),
            provider_id: CREDENTIAL_PROVIDER.to_owned(),
            user_id: user_id.clone(),
            password_hash: Some(Secret::new(hash)),
            scope: None,
            audit: Audit::created(now, Some(user_id.as_str())),
        };

        let tx = self.store().write().await?;
        match users::insert(&tx, &user).await {
            Err(StoreError::Conflict) => return Err(AuthError::UserAlreadyExists),
            other => other?,
        }
        accounts::insert(&tx, &account).await?;
        hooks::on_user_created(&tx, &user).await?;
        // A brand-new address has no mail to count against its limit.
        let mailed = self.config().email.send_verification_on_sign_up || require_verification;
        if mailed {
            self.queue_verification(&tx, &user, input.callback_url.as_deref())
                .await?;
        }
        let session = if require_verification {
            None
        } else {
            Some(
                self.create_session(&tx, &user, input.remember_me, &client)
                    .await?,
            )
        };
        if mailed {
            self.commit_with_mail(tx).await?;
        } else {
            tx.commit().await.map_err(StoreError::from)?;
        }
        tracing::info!(user_id = %user.id, "user signed up");
        Ok(match session {
            Some((session, token)) => SignUpOutcome::SignedIn(Box::new(SignedIn {
                user,
                session,
                token,
            })),
            None => SignUpOutcome::AwaitingVerification(Box::new(user)),
        })
    }

    /// A sign-up for a taken address while verification is required: the caller sees what a
    /// new user would see; the owner gets a mail saying someone tried to register.
    async fn answer_taken_address(
        &self,
        owner: &User,
        name: String,
        image: Option<String>,
    ) -> Result<SignUpOutcome, AuthError> {
        let tx = self.store().write().await?;
        if self
            .may_mail(&tx, &owner.email, &[Template::SignUpAttempt])
            .await?
        {
            let vars = Vars {
                url: Some(self.config().email.links_base.clone()),
                name: Some(owner.name.clone()),
                ..Vars::default()
            };
            self.queue_mail(&tx, Template::SignUpAttempt, &owner.email, vars, None)
                .await?;
            self.commit_with_mail(tx).await?;
        }
        let now = self.now();
        let stand_in = UserId::generate();
        Ok(SignUpOutcome::AwaitingVerification(Box::new(User {
            audit: Audit::created(now, Some(stand_in.as_str())),
            id: stand_in,
            name,
            email: owner.email.clone(),
            email_verified: false,
            image,
            two_factor_enabled: false,
            role: User::DEFAULT_ROLE.to_owned(),
            banned: false,
            ban_reason: None,
            ban_expires: None,
        })))
    }
}

impl Auth {
    /// Checks a new password for `email`/`name`: length, common lists, the user's own
    /// details and the product's name (with and without punctuation).
    pub(crate) fn check_new_password(
        &self,
        raw: &str,
        email: &Email,
        name: &str,
    ) -> Result<PlainPassword, AuthError> {
        let app = &self.config().app_name;
        let compact: String = app.chars().filter(char::is_ascii_alphanumeric).collect();
        let personal = [email.local_part(), name];
        let product = [app.as_str(), compact.as_str()];
        Ok(self
            .config()
            .password_policy
            .check_new(raw, &personal, &product)?)
    }
}

/// Trims nothing (names are the user's own), but refuses control characters and huge input.
pub(crate) fn validate_name(name: &str) -> Result<String, AuthError> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AuthError::InvalidField {
            field: "name",
            reason: "is too long",
        });
    }
    if name.chars().any(char::is_control) {
        return Err(AuthError::InvalidField {
            field: "name",
            reason: "contains control characters",
        });
    }
    Ok(name.to_owned())
}

pub(crate) fn validate_image(image: Option<String>) -> Result<Option<String>, AuthError> {
    validate_picture("image", image)
}

/// An avatar or logo URL named `field`: at most [`MAX_IMAGE_CHARS`], no control characters.
pub(crate) fn validate_picture(
    field: &'static str,
    url: Option<String>,
) -> Result<Option<String>, AuthError> {
    match url {
        Some(url) if url.chars().count() > MAX_IMAGE_CHARS => Err(AuthError::InvalidField {
            field,
            reason: "is too long",
        }),
        Some(url) if url.chars().any(char::is_control) => Err(AuthError::InvalidField {
            field,
            reason: "contains control characters",
        }),
        other => Ok(other),
    }
}
