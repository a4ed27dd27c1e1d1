//! A mailed link proves the mailbox only: it never signs in a user with a second factor.

use crate::enrolled;
use crate::on_both;
use crate::support::{Options, TestServer};
use beep_email::testing::SmtpSink;
use beep_store::Backend;
use std::time::Duration;

on_both!(
    a_verification_link_does_not_sign_in_a_user_with_two_factor => verification_link,
);

async fn verification_link(backend: Backend) {
    let sink = SmtpSink::start();
    let options = Options {
        auto_sign_in_after_verification: true,
        ..Options::mailing_to(&sink)
    };
    let server = TestServer::with(backend, options).await;
    let user = enrolled(&server, "link@example.com").await;
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    let link = mails[0].first_link().expect("a verification link");

    let reply = server
        .send(server.http.get(&link).header("origin", &server.base))
        .await;

    assert!(reply.status < 400, "{} {}", reply.status, reply.text);
    assert!(!crate::signs_in(&server, &reply).await);
    let session = server.get("/get-session", Some(&user.session)).await;
    assert_eq!(session.json["user"]["emailVerified"], true);
}
