//! The values a template is filled with.

use std::fmt;

/// Values substituted into a template. `{{product}}` is always available besides these; a
/// value left `None` renders as "", except `name`, which falls back to "there" (so "Hi there,"),
/// and `inviter`, which falls back to "Someone".
#[derive(Clone, Default)]
pub struct Vars {
    /// The one-time link (`{{url}}`). A secret: `Debug` prints it as `[redacted]`.
    pub url: Option<String>,
    /// The user's display name (`{{name}}`).
    pub name: Option<String>,
    /// The address the mail is about (`{{email}}`).
    pub email: Option<String>,
    /// The requested new address of an email change (`{{new_email}}`).
    pub new_email: Option<String>,
    /// A one-time code (`{{code}}`). A secret: `Debug` prints it as `[redacted]`.
    pub code: Option<String>,
    /// The organization an invitation is for (`{{organization}}`).
    pub organization: Option<String>,
    /// Who sent an invitation (`{{inviter}}`).
    pub inviter: Option<String>,
}

/// Stands in for a secret value in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Prints everything but the link and the code, which would let a reader of the log act as
/// the recipient.
impl fmt::Debug for Vars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vars")
            .field("url", &self.url.as_ref().map(|_| Redacted))
            .field("name", &self.name)
            .field("email", &self.email)
            .field("new_email", &self.new_email)
            .field("code", &self.code.as_ref().map(|_| Redacted))
            .field("organization", &self.organization)
            .field("inviter", &self.inviter)
            .finish()
    }
}
