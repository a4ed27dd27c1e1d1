//! Debug output never shows links, codes, passwords or API keys.

use std::time::Duration;

use beep_email::{Mail, MailContent, Transport, TransportConfig, TransportError, Vars};

const TOKEN: &str = "tok_SECRET_42";

#[test]
fn mail_debug_hides_both_bodies() {
    let mail = Mail {
        from: "beep-iam <no-reply@example.com>".to_owned(),
        to: "ann@example.com".to_owned(),
        subject: "Confirm".to_owned(),
        text: format!("https://x.test/v?token={TOKEN}"),
        html: format!("<a href=\"https://x.test/v?token={TOKEN}\">"),
        message_id: "outbox_1@beep-iam".to_owned(),
    };
    let debug = format!("{mail:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("ann@example.com") && debug.contains("outbox_1@beep-iam"));
    assert!(debug.contains("Confirm"));

    let content = MailContent {
        subject: "Confirm".to_owned(),
        text: mail.text.clone(),
        html: mail.html.clone(),
    };
    let debug = format!("{content:?}");
    assert!(
        !debug.contains(TOKEN) && debug.contains("Confirm"),
        "{debug}"
    );
}

#[test]
fn vars_debug_hides_url_and_code() {
    let vars = Vars {
        url: Some(format!("https://x.test/v?token={TOKEN}")),
        code: Some("918273".to_owned()),
        name: Some("Ann".to_owned()),
        ..Vars::default()
    };
    let debug = format!("{vars:?}");
    assert!(
        !debug.contains(TOKEN) && !debug.contains("918273"),
        "{debug}"
    );
    assert!(
        debug.contains("[redacted]") && debug.contains("Ann"),
        "{debug}"
    );
    assert!(format!("{:?}", Vars::default()).contains("url: None"));
}

#[test]
fn transport_config_debug_hides_credentials() {
    let smtp = TransportConfig::Smtp {
        url: "smtp://apikey-user:hunter2@smtp.example.com:587?tls=required".to_owned(),
        timeout: Duration::from_secs(10),
    };
    let debug = format!("{smtp:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("apikey-user"),
        "{debug}"
    );
    assert!(debug.contains("smtp.example.com:587"), "{debug}");

    let resend = TransportConfig::Resend {
        api_key: "re_SECRET_key".to_owned(),
        base_url: "https://api.resend.com".to_owned(),
        timeout: Duration::from_secs(10),
    };
    let debug = format!("{resend:?}");
    assert!(!debug.contains("re_SECRET_key"), "{debug}");
    assert!(debug.contains("api.resend.com"), "{debug}");
}

#[tokio::test]
async fn transports_and_their_errors_hide_credentials() {
    let smtp = Transport::new(TransportConfig::Smtp {
        url: "smtp://user:hunter2@smtp.example.com:587?tls=required".to_owned(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    assert_eq!(smtp.kind(), "smtp");
    let debug = format!("{smtp:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("user:"),
        "{debug}"
    );

    let resend = Transport::new(TransportConfig::Resend {
        api_key: "re_SECRET_key".to_owned(),
        base_url: "https://api.resend.com/".to_owned(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    assert_eq!(resend.kind(), "resend");
    let debug = format!("{resend:?}");
    assert!(!debug.contains("re_SECRET_key"), "{debug}");
    assert!(debug.contains("https://api.resend.com/emails"), "{debug}");

    for url in [
        "smtp://user:hunter2@smtp.example.com:587?tls=sometimes",
        "ftp://user:hunter2@smtp.example.com",
        "smtp://user:hunter2@",
        "user:hunter2",
    ] {
        let error = Transport::new(TransportConfig::Smtp {
            url: url.to_owned(),
            timeout: Duration::from_secs(10),
        })
        .unwrap_err();
        assert!(
            matches!(error, TransportError::InvalidSmtpUrl { .. }),
            "{url}: {error:?}"
        );
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains("hunter2"), "{url}: {shown}");
        }
    }

    let error = Transport::new(TransportConfig::Resend {
        api_key: "re_bad\nkey".to_owned(),
        base_url: "https://api.resend.com".to_owned(),
        timeout: Duration::from_secs(10),
    })
    .unwrap_err();
    assert!(!error.to_string().contains("re_bad"), "{error}");
}

#[test]
fn smtp_transport_outside_a_runtime_is_an_error() {
    let error = Transport::new(TransportConfig::Smtp {
        url: "smtp://127.0.0.1:2525".to_owned(),
        timeout: Duration::from_secs(1),
    })
    .unwrap_err();
    assert!(matches!(error, TransportError::NoRuntime), "{error:?}");
}
