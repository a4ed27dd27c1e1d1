//! A rendered mail, the unit every transport delivers.

use std::fmt;

/// A rendered mail, ready for a [`Transport`](crate::Transport).
#[derive(Clone)]
pub struct Mail {
    /// The sender: a bare address or a mailbox such as `beep-iam <no-reply@example.com>`.
    pub from: String,
    /// The one recipient address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// A stable id without angle brackets, such as `outbox_0193…@beep-iam`. It becomes the
    /// `Message-ID` header and Resend's `Idempotency-Key`, so a retried mail is recognisable as
    /// the same mail instead of arriving twice.
    pub message_id: String,
}

/// Shows the recipient, subject and id only: the two bodies hold one-time links and codes.
impl fmt::Debug for Mail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}
