//! The SMTP transport: lettre's pooled async client over rustls (ring) with webpki roots.

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Open connections kept per server: as many as the outbox sends in one round.
const POOL_SIZE: u32 = 32;

use super::{SendError, TransportError, message};
use crate::Mail;

/// Sends mail over SMTP, reusing open connections between mails.
pub(super) struct SmtpTransport {
    client: AsyncSmtpTransport<Tokio1Executor>,
    redacted_url: String,
}

impl SmtpTransport {
    /// Parses `url` and sets up the connection pool; connects on the first mail.
    pub(super) fn new(url: &str, timeout: Duration) -> Result<Self, TransportError> {
        let redacted_url = redact_url(url);
        // The pool spawns its upkeep task right away, which panics outside a runtime.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TransportError::NoRuntime);
        }
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|error| {
            TransportError::InvalidSmtpUrl {
                url: redacted_url.clone(),
                reason: scrub(&error.to_string(), url),
            }
        })?;
        // lettre writes the end-of-data marker as its own small packet without TCP_NODELAY, so
        // every mail waits one delayed ACK (~40 ms on Linux). Enough pooled connections keep
        // that from limiting throughput: the outbox sends a whole round at once.
        let pool = PoolConfig::new().max_size(POOL_SIZE);
        let client = builder.timeout(Some(timeout)).pool_config(pool).build();
        Ok(SmtpTransport {
            client,
            redacted_url,
        })
    }

    /// The server URL without credentials.
    pub(super) fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// Sends one mail; `Ok` once the server answered 250 to its data.
    pub(super) async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let message = message::build(mail)?;
        match self.client.send(message).await {
            Ok(_) => Ok(()),
            // A 5xx reply is the server's final word on this mail (unknown recipient, rejected
            // content, failed authentication); everything else, 4xx included, may pass later.
            Err(error) if error.is_permanent() => Err(SendError::permanent(format!(
                "SMTP server {} rejected the mail: {error}",
                self.redacted_url
            ))),
            Err(error) => Err(SendError::transient(format!(
                "SMTP via {} failed: {error}",
                self.redacted_url
            ))),
        }
    }
}

/// The URL with everything between `://` and the host's `@` replaced by `[redacted]`. The user
/// name goes too: some providers take an API token as the user name.
pub(super) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        // Not URL-shaped: it may be anything, including a bare secret.
        return "[redacted]".to_owned();
    };
    let authority_start = scheme_end + 3;
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => format!(
            "{}[redacted]{}",
            &url[..authority_start],
            &url[authority_start + at..]
        ),
        None => url.to_owned(),
    }
}

/// `text` with the user name and password of `url` (raw and percent-decoded) replaced, in case
/// an error message ever quotes them.
fn scrub(text: &str, url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return text.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_len].rfind('@') else {
        return text.to_owned();
    };
    let mut scrubbed = text.to_owned();
    for secret in rest[..at].split(':').filter(|part| part.len() > 1) {
        scrubbed = scrubbed.replace(secret, "[redacted]");
        let decoded = percent_decode(secret);
        if decoded.len() > 1 {
            scrubbed = scrubbed.replace(&decoded, "[redacted]");
        }
    }
    scrubbed
}

/// Decodes `%XX` escapes; anything that is no valid escape stays as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{percent_decode, redact_url, scrub};

    #[test]
    fn credentials_are_redacted_from_urls() {
        assert_eq!(
            redact_url("smtp://user:hunter2@mail.test:587?tls=required"),
            "smtp://[redacted]@mail.test:587?tls=required"
        );
        assert_eq!(
            redact_url("smtps://p%40ss@mail.test"),
            "smtps://[redacted]@mail.test"
        );
        assert_eq!(redact_url("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert_eq!(redact_url("hunter2"), "[redacted]");
    }

    #[test]
    fn scrub_removes_raw_and_decoded_secrets() {
        let url = "smtp://me:p%40ss@mail.test";
        assert_eq!(
            scrub("bad p@ss and p%40ss for me", url),
            "bad [redacted] and [redacted] for [redacted]"
        );
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
    }
}
