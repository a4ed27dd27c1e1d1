//! The log transport: mails are written to the log instead of being sent.

use crate::Mail;

/// Logs the mail with its text part, links included. This is the development default: the
/// developer clicks the verification link in the terminal. Never configure it in production,
/// where the log would then hold every one-time link.
pub(super) fn send(mail: &Mail) {
    tracing::info!(
        to = %mail.to,
        subject = %mail.subject,
        message_id = %mail.message_id,
        "mail not sent (EMAIL_TRANSPORT=log); its text:\n{}",
        mail.text
    );
}
