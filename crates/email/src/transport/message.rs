//! The RFC 5322 form of a [`Mail`], as SMTP sends it and the file transport stores it.

use lettre::{
    Message,
    message::{Mailbox, MultiPart},
};

use super::SendError;
use crate::Mail;

/// Checks what every transport needs from a mail: parseable sender and recipient, and a
/// message id that fits in a header. A mail that fails here fails the same way on every try.
pub(super) fn check(mail: &Mail) -> Result<(), SendError> {
    mailbox("sender", &mail.from)?;
    mailbox("recipient", &mail.to)?;
    let id = &mail.message_id;
    // Printable ASCII without spaces or angle brackets: it goes between `<` and `>` in the
    // Message-ID header and into an HTTP header as is.
    let fits = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    if !fits {
        return Err(SendError::permanent(format!(
            "invalid message id {id:?}: must be printable ASCII without spaces or angle brackets"
        )));
    }
    Ok(())
}

/// The subject as one header line: CR and LF become spaces, so no subject can add a header.
pub(super) fn subject_line(mail: &Mail) -> String {
    mail.subject.replace(['\r', '\n'], " ")
}

/// Builds the full message: From, To, Subject, Date, `Message-ID: <message_id>`, and a
/// multipart/alternative body with the text part first and the HTML part second (clients show
/// the last part they can display).
pub(super) fn build(mail: &Mail) -> Result<Message, SendError> {
    let from = mailbox("sender", &mail.from)?;
    let to = mailbox("recipient", &mail.to)?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject_line(mail))
        .message_id(Some(format!("<{}>", mail.message_id)))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|error| SendError::permanent(format!("cannot build the message: {error}")))
}

fn mailbox(role: &str, address: &str) -> Result<Mailbox, SendError> {
    address.parse().map_err(|error| {
        SendError::permanent(format!("malformed {role} address {address:?}: {error}"))
    })
}
