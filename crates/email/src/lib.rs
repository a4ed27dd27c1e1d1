//! beep-iam transactional mail: the templates the server's mails are rendered from and the
//! transports that deliver them (log, file, SMTP, the Resend API).
//!
//! The flow is always the same: a caller fills [`Vars`], [`Templates::render`] turns a
//! [`Template`] into [`MailContent`], the caller wraps it in a [`Mail`] with sender, recipient
//! and a stable message id, and [`Transport::send`] delivers it. [`SendError`] says whether a
//! failed delivery is worth retrying, so an outbox worker can decide without knowing the
//! transport.
//!
//! Mails carry one-time links and codes, so nothing here prints them in `Debug`: only the log
//! transport shows a mail's text, because showing it is that transport's job in development.

mod mail;
mod templates;
mod transport;

pub use mail::Mail;
pub use templates::{MailContent, Template, TemplateError, Templates, Vars};
pub use transport::{SendError, Transport, TransportConfig, TransportError};

#[cfg(feature = "testing")]
pub mod testing;
