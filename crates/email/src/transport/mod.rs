//! Transports: how a rendered [`Mail`] leaves the server.

mod file;
mod log;
mod message;
mod resend;
mod smtp;

use std::{fmt, path::PathBuf, sync::Arc, time::Duration};

use crate::Mail;

/// The longest failure reason kept: enough for an SMTP reply line or an API error message,
/// short enough for a log line and an outbox column.
const MAX_REASON_CHARS: usize = 300;

/// Which transport to use, from config (`EMAIL_TRANSPORT` = `log` | `file` | `smtp` | `resend`).
#[derive(Clone)]
pub enum TransportConfig {
    /// Writes each mail, links included, to the log. The development default: nothing leaves
    /// the machine and the links are right there in the terminal.
    Log,
    /// Writes each mail as an `.eml` file into `dir` (created if missing).
    File {
        /// The folder the files go to.
        dir: PathBuf,
    },
    /// Sends over SMTP. `url` takes lettre's forms: `smtp://host:port` (plain, for a local
    /// relay), `smtps://host` (implicit TLS), `smtp://host:587?tls=required` (STARTTLS), with
    /// credentials as `smtp://user:pass@host` (percent-encoded).
    Smtp {
        /// The server URL, possibly with credentials.
        url: String,
        /// How long one connection attempt or command may take.
        timeout: Duration,
    },
    /// Sends through the Resend HTTP API.
    Resend {
        /// The API key, sent as a bearer token.
        api_key: String,
        /// The API's base URL, normally `https://api.resend.com`.
        base_url: String,
        /// How long one request may take, connecting included.
        timeout: Duration,
    },
}

/// Hides SMTP credentials and the API key, which would otherwise land in startup logs.
impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportConfig::Log => f.write_str("Log"),
            TransportConfig::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
            TransportConfig::Smtp { url, timeout } => f
                .debug_struct("Smtp")
                .field("url", &smtp::redact_url(url))
                .field("timeout", timeout)
                .finish(),
            TransportConfig::Resend {
                base_url, timeout, ..
            } => f
                .debug_struct("Resend")
                .field("api_key", &format_args!("[redacted]"))
                .field("base_url", base_url)
                .field("timeout", timeout)
                .finish(),
        }
    }
}

/// Why a transport could not be set up. The text never contains a password or API key.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The SMTP URL could not be used.
    #[error("invalid SMTP URL {url}: {reason}")]
    InvalidSmtpUrl {
        /// The URL with its credentials replaced by `[redacted]`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The SMTP transport keeps a connection pool whose upkeep runs as a Tokio task.
    #[error("the SMTP transport must be created inside a Tokio runtime")]
    NoRuntime,
    /// The mail folder could not be created or written to.
    #[error("cannot write mail files to {}: {source}", dir.display())]
    MailDir {
        /// The folder.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The Resend base URL is no http(s) URL.
    #[error("invalid Resend base URL {url:?}: {reason}")]
    InvalidResendUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The Resend API key is empty or cannot be sent in an HTTP header.
    #[error("invalid Resend API key: {reason}")]
    InvalidApiKey {
        /// What is wrong with it (never the key itself).
        reason: &'static str,
    },
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {reason}")]
    HttpClient {
        /// Why.
        reason: String,
    },
}

/// Why a mail was not delivered, and whether trying again later can help. Reasons are short
/// and never contain secrets or the mail's body.
#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// Worth retrying later: connection refused, reset or timed out, SMTP 4xx, HTTP 429 or
    /// 5xx, an I/O error on the mail file.
    Transient {
        /// What went wrong.
        reason: String,
        /// How long the far end asked us to wait, when it said so.
        retry_after: Option<Duration>,
    },
    /// Retrying will not help: SMTP 5xx, HTTP 4xx other than 408, 409 and 429, a malformed
    /// address.
    Permanent {
        /// What went wrong.
        reason: String,
    },
}

impl SendError {
    /// A transient error with no advice on when to retry.
    pub(crate) fn transient(reason: impl Into<String>) -> Self {
        SendError::Transient {
            reason: shorten(reason.into()),
            retry_after: None,
        }
    }

    /// The same error, with the far end's advice on when to retry if it is transient.
    pub(crate) fn with_retry_after(self, after: Option<Duration>) -> Self {
        match self {
            SendError::Transient { reason, .. } => SendError::Transient {
                reason,
                retry_after: after,
            },
            permanent => permanent,
        }
    }

    /// A permanent error.
    pub(crate) fn permanent(reason: impl Into<String>) -> Self {
        SendError::Permanent {
            reason: shorten(reason.into()),
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Transient {
                reason,
                retry_after: Some(after),
            } => write!(f, "{reason} (retry after {after:?})"),
            SendError::Transient { reason, .. } | SendError::Permanent { reason } => {
                f.write_str(reason)
            }
        }
    }
}

impl std::error::Error for SendError {}

/// Cuts `reason` to [`MAX_REASON_CHARS`] characters.
fn shorten(mut reason: String) -> String {
    if let Some((cut, _)) = reason.char_indices().nth(MAX_REASON_CHARS) {
        reason.truncate(cut);
        reason.push('…');
    }
    reason
}

/// `error` and its sources, joined with ": ", for a reason that says what actually failed
/// (an HTTP client's own message is often just "error sending request").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The transport of the server: cheap to clone, shared by every sender.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

enum Inner {
    Log,
    File(file::FileTransport),
    Smtp(smtp::SmtpTransport),
    Resend(resend::ResendTransport),
}

impl Transport {
    /// Sets up the transport `config` describes: parses the SMTP URL (the SMTP transport must
    /// be created inside a Tokio runtime), creates and probes the mail folder, builds the HTTP
    /// client. Nothing is sent yet.
    pub fn new(config: TransportConfig) -> Result<Self, TransportError> {
        let inner = match config {
            TransportConfig::Log => Inner::Log,
            TransportConfig::File { dir } => Inner::File(file::FileTransport::new(dir)?),
            TransportConfig::Smtp { url, timeout } => {
                Inner::Smtp(smtp::SmtpTransport::new(&url, timeout)?)
            }
            TransportConfig::Resend {
                api_key,
                base_url,
                timeout,
            } => Inner::Resend(resend::ResendTransport::new(&api_key, &base_url, timeout)?),
        };
        Ok(Transport {
            inner: Arc::new(inner),
        })
    }

    /// Which transport this is: `"log"`, `"file"`, `"smtp"` or `"resend"`.
    pub fn kind(&self) -> &'static str {
        match *self.inner {
            Inner::Log => "log",
            Inner::File(_) => "file",
            Inner::Smtp(_) => "smtp",
            Inner::Resend(_) => "resend",
        }
    }

    /// Delivers one mail. `Ok` means the far end took it: the SMTP server answered 250 to the
    /// message, Resend answered 2xx, the file was written and renamed, the log line printed.
    ///
    /// Addresses and the message id are checked first, on every transport, so a mail that no
    /// real transport would take fails in development too.
    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        message::check(mail)?;
        match &*self.inner {
            Inner::Log => {
                log::send(mail);
                Ok(())
            }
            Inner::File(file) => file.send(mail).await,
            Inner::Smtp(smtp) => smtp.send(mail).await,
            Inner::Resend(resend) => resend.send(mail).await,
        }
    }
}

/// Shows the kind and where mail goes, without credentials.
impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Transport");
        out.field("kind", &self.kind());
        match &*self.inner {
            Inner::Log => {}
            Inner::File(file) => {
                out.field("dir", &file.dir());
            }
            Inner::Smtp(smtp) => {
                out.field("url", &smtp.redacted_url());
            }
            Inner::Resend(resend) => {
                out.field("endpoint", &resend.endpoint());
            }
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_REASON_CHARS, shorten};

    #[test]
    fn long_reasons_are_cut_on_a_character_boundary() {
        let cut = shorten("é".repeat(MAX_REASON_CHARS + 10));
        assert_eq!(cut.chars().count(), MAX_REASON_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(shorten("short".to_owned()), "short");
    }
}
