//! The SMTP transport against a real SMTP server (aiosmtpd, via `beep_email::testing`), and
//! its error mapping against a scripted one.

use std::time::Duration;

use beep_email::{
    Mail, SendError, Template, Templates, Transport, TransportConfig, Vars, testing::SmtpSink,
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

const WAIT: Duration = Duration::from_secs(10);
const URL: &str = "https://id.acme.test/reset?token=tok_smtp_1";

fn reset_mail(message_id: &str) -> Mail {
    let content = Templates::builtin("Acme ID").render(
        Template::ResetPassword,
        &Vars {
            url: Some(URL.to_owned()),
            name: Some("Zoë <Z>".to_owned()),
            email: Some("zoe@example.com".to_owned()),
            ..Vars::default()
        },
    );
    Mail {
        from: "Acme ID <no-reply@acme.test>".to_owned(),
        to: "zoe@example.com".to_owned(),
        subject: format!("{} – jetzt", content.subject),
        text: content.text,
        html: content.html,
        message_id: message_id.to_owned(),
    }
}

fn smtp(url: String) -> Transport {
    Transport::new(TransportConfig::Smtp {
        url,
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

#[tokio::test]
async fn headers_and_both_parts_arrive() {
    let sink = SmtpSink::start();
    let transport = smtp(sink.url());
    let mail = reset_mail("outbox_smtp_1@beep-iam");
    transport.send(&mail).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.mail_from, "no-reply@acme.test");
    assert_eq!(got.rcpt_tos, vec!["zoe@example.com".to_owned()]);
    assert_eq!(got.from, "Acme ID <no-reply@acme.test>");
    assert_eq!(got.to, "zoe@example.com");
    assert_eq!(got.subject, mail.subject);
    assert_eq!(got.message_id, "outbox_smtp_1@beep-iam");
    assert_eq!(got.text.trim_end(), mail.text.trim_end());
    assert_eq!(got.html.trim_end(), mail.html.trim_end());
    assert!(got.html.contains("Zoë &lt;Z&gt;"));
    assert_eq!(got.first_link().as_deref(), Some(URL));
}

#[tokio::test]
async fn a_stopped_server_is_transient_and_a_restarted_one_works_again() {
    let mut sink = SmtpSink::start();
    let transport = smtp(sink.url());
    transport
        .send(&reset_mail("outbox_smtp_2@beep-iam"))
        .await
        .unwrap();
    sink.wait_for(1, WAIT).await;

    // The pooled connection dies with the server; the reconnect is refused.
    sink.stop();
    let error = transport
        .send(&reset_mail("outbox_smtp_3@beep-iam"))
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient { .. }), "{error:?}");

    // A transport that never reached the server fails the same way.
    let fresh = smtp(sink.url());
    let error = fresh
        .send(&reset_mail("outbox_smtp_3@beep-iam"))
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient { .. }), "{error:?}");

    let restarted = SmtpSink::start_on(sink.port(), sink.dir());
    transport
        .send(&reset_mail("outbox_smtp_3@beep-iam"))
        .await
        .unwrap();
    let ids: Vec<String> = restarted
        .wait_for(2, WAIT)
        .await
        .into_iter()
        .map(|mail| mail.message_id)
        .collect();
    assert_eq!(ids, ["outbox_smtp_2@beep-iam", "outbox_smtp_3@beep-iam"]);
}

/// A scripted SMTP server that answers `RCPT TO` with `rcpt_reply` and everything else with
/// success. Returns its URL.
async fn scripted_server(rcpt_reply: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 scripted ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply = if command.starts_with("RCPT") {
                        rcpt_reply
                    } else if command.starts_with("QUIT") {
                        "221 bye\r\n"
                    } else {
                        "250 ok\r\n"
                    };
                    if write.write_all(reply.as_bytes()).await.is_err() || reply.starts_with("221")
                    {
                        break;
                    }
                }
            });
        }
    });
    format!("smtp://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_5xx_reply_is_permanent_and_a_4xx_reply_transient() {
    let rejecting = smtp(scripted_server("550 5.1.1 No such user here\r\n").await);
    let error = rejecting
        .send(&reset_mail("outbox_smtp_4@beep-iam"))
        .await
        .unwrap_err();
    match &error {
        SendError::Permanent { reason } => {
            assert!(reason.contains("550"), "{reason}");
            assert!(!reason.contains("tok_smtp_1"), "{reason}");
        }
        other => panic!("expected Permanent, got {other:?}"),
    }

    let deferring = smtp(scripted_server("451 4.3.0 Try again later\r\n").await);
    let error = deferring
        .send(&reset_mail("outbox_smtp_5@beep-iam"))
        .await
        .unwrap_err();
    match &error {
        SendError::Transient { reason, .. } => assert!(reason.contains("451"), "{reason}"),
        other => panic!("expected Transient, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_mails_all_arrive_once() {
    const COUNT: usize = 300;
    let sink = SmtpSink::start();
    let transport = smtp(sink.url());
    let started = std::time::Instant::now();
    let sends = (0..COUNT).map(|i| {
        let transport = transport.clone();
        tokio::spawn(async move {
            transport
                .send(&reset_mail(&format!("outbox_many_{i:04}@beep-iam")))
                .await
        })
    });
    for send in join_all(sends).await {
        send.unwrap();
    }
    let received = sink.wait_for(COUNT, WAIT).await;
    eprintln!("{COUNT} mails sent and received in {:?}", started.elapsed());
    let mut ids: Vec<String> = received.into_iter().map(|mail| mail.message_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), COUNT);
}

/// Awaits every task in order (no extra dependency for `join_all`).
async fn join_all<T>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let tasks: Vec<_> = tasks.collect();
    let mut results = Vec::with_capacity(tasks.len());
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}
