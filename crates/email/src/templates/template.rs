//! Which mails the server sends, and the built-in text of each.

/// The mails the server sends. [`Template::name`] gives the file stem used for overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// `verify-email`: a link to confirm the address. Vars: url, name, email.
    VerifyEmail,
    /// `reset-password`: a link to choose a new password. Vars: url, name, email.
    ResetPassword,
    /// `change-email-verify`: sent to the new address; its link confirms the change.
    /// Vars: url, name, email, new_email.
    ChangeEmailVerify,
    /// `change-email-notice`: sent to the old address, says a change to `new_email` was
    /// requested. No link. Vars: name, email, new_email.
    ChangeEmailNotice,
    /// `password-changed`: tells the user the password was changed or reset. Vars: name, email.
    PasswordChanged,
    /// `sign-up-attempt`: someone tried to register with this address; the link leads to sign
    /// in or reset the password. Vars: url, name, email.
    SignUpAttempt,
    /// `invitation`: an invitation to join an organization. Vars: url, email, organization,
    /// inviter.
    Invitation,
    /// `one-time-code`: a code to type in. Vars: code, email.
    OneTimeCode,
}

/// The three parts of one template, as source text.
pub(super) struct Sources {
    pub(super) subject: &'static str,
    pub(super) text: &'static str,
    pub(super) html: &'static str,
}

/// Includes the three built-in files of one template. They live in `crates/email/templates/`
/// as plain files so that they double as examples for overrides.
macro_rules! builtin {
    ($name:literal) => {
        Sources {
            subject: include_str!(concat!("../../templates/", $name, ".subject.txt")),
            text: include_str!(concat!("../../templates/", $name, ".txt")),
            html: include_str!(concat!("../../templates/", $name, ".html")),
        }
    };
}

impl Template {
    /// Every template, in a fixed order.
    pub const ALL: [Template; 8] = [
        Template::VerifyEmail,
        Template::ResetPassword,
        Template::ChangeEmailVerify,
        Template::ChangeEmailNotice,
        Template::PasswordChanged,
        Template::SignUpAttempt,
        Template::Invitation,
        Template::OneTimeCode,
    ];

    /// The file stem of this template: overrides are `<name>.subject.txt`, `<name>.txt` and
    /// `<name>.html`.
    pub fn name(self) -> &'static str {
        match self {
            Template::VerifyEmail => "verify-email",
            Template::ResetPassword => "reset-password",
            Template::ChangeEmailVerify => "change-email-verify",
            Template::ChangeEmailNotice => "change-email-notice",
            Template::PasswordChanged => "password-changed",
            Template::SignUpAttempt => "sign-up-attempt",
            Template::Invitation => "invitation",
            Template::OneTimeCode => "one-time-code",
        }
    }

    /// The position of this template in [`Template::ALL`], used to index per-template arrays.
    pub(super) fn index(self) -> usize {
        match self {
            Template::VerifyEmail => 0,
            Template::ResetPassword => 1,
            Template::ChangeEmailVerify => 2,
            Template::ChangeEmailNotice => 3,
            Template::PasswordChanged => 4,
            Template::SignUpAttempt => 5,
            Template::Invitation => 6,
            Template::OneTimeCode => 7,
        }
    }

    /// The built-in source text of this template.
    pub(super) fn builtin(self) -> Sources {
        match self {
            Template::VerifyEmail => builtin!("verify-email"),
            Template::ResetPassword => builtin!("reset-password"),
            Template::ChangeEmailVerify => builtin!("change-email-verify"),
            Template::ChangeEmailNotice => builtin!("change-email-notice"),
            Template::PasswordChanged => builtin!("password-changed"),
            Template::SignUpAttempt => builtin!("sign-up-attempt"),
            Template::Invitation => builtin!("invitation"),
            Template::OneTimeCode => builtin!("one-time-code"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    #[test]
    fn index_matches_the_position_in_all() {
        for (position, template) in Template::ALL.into_iter().enumerate() {
            assert_eq!(template.index(), position, "{template:?}");
        }
    }
}
