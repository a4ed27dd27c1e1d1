//! Mail in the HTTP tests: a server whose outbox delivers to a real SMTP sink (aiosmtpd),
//! and the mails and links it received.

use super::{Options, Reply, Session, TestServer};
use beep_email::testing::{ReceivedMail, SmtpSink};
use beep_store::Backend;
use std::time::Duration;

/// How long a test waits for a mail.
pub const WAIT: Duration = Duration::from_secs(10);

/// A server whose outbox delivers to a fresh SMTP sink.
pub async fn mailing_server(
    backend: Backend,
    options: impl FnOnce(&mut Options),
) -> (TestServer, SmtpSink) {
    let sink = SmtpSink::start();
    let mut chosen = Options::mailing_to(&sink);
    options(&mut chosen);
    (TestServer::with(backend, chosen).await, sink)
}

/// The mails to `to` so far, waiting until there are `count`.
pub async fn mails_to(sink: &SmtpSink, to: &str, count: usize) -> Vec<ReceivedMail> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mails: Vec<ReceivedMail> = sink
            .received()
            .into_iter()
            .filter(|m| m.rcpt_tos.iter().any(|r| r == to))
            .collect();
        if mails.len() >= count || tokio::time::Instant::now() > deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The link of the newest of `count` mails to `to` whose link contains `kind` (mails sent
/// concurrently may arrive in either order, so the kind picks, not the position).
pub async fn link_in_mail(sink: &SmtpSink, to: &str, count: usize, kind: &str) -> String {
    let mails = mails_to(sink, to, count).await;
    assert_eq!(mails.len(), count, "mails to {to}: {mails:?}");
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.first_link().is_some_and(|link| link.contains(kind)))
        .unwrap_or_else(|| panic!("no mail to {to} with a {kind} link: {mails:?}"));
    let link = mail.first_link().expect("a link in the text part");
    assert!(
        mail.html.contains(&link.replace('&', "&amp;")),
        "the HTML part carries the link too"
    );
    link
}

/// Follows a mailed link from a client without cookies (another device).
pub async fn follow(server: &TestServer, link: &str) -> Reply {
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    server.send(stranger.get(link)).await
}

/// Follows a mailed link in the client that holds `session` (the same browser).
pub async fn follow_as(server: &TestServer, link: &str, session: &Session) -> Reply {
    let request = server
        .http
        .get(link)
        .header("cookie", session.cookie_header());
    server.send(request).await
}
