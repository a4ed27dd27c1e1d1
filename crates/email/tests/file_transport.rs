//! The file transport writes complete RFC 5322 messages, one file per mail.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use beep_email::{Mail, SendError, Template, Templates, Transport, TransportConfig, Vars};

fn temp_dir(label: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("beep-email-{label}-{}-{nanos}", std::process::id()))
}

fn verify_mail() -> Mail {
    let content = Templates::builtin("Acme ID").render(
        Template::VerifyEmail,
        &Vars {
            url: Some("https://id.acme.test/verify?token=tok_abc".to_owned()),
            name: Some("Zoë".to_owned()),
            email: Some("zoe@example.com".to_owned()),
            ..Vars::default()
        },
    );
    Mail {
        from: "Acme ID <no-reply@acme.test>".to_owned(),
        to: "zoe@example.com".to_owned(),
        subject: format!("{} – bestätigen", content.subject),
        text: content.text,
        html: content.html,
        message_id: "outbox_0193abc@beep-iam".to_owned(),
    }
}

/// The Python the test helpers use; its standard `email` package is the independent parser.
fn python() -> PathBuf {
    std::env::var_os("BEEP_IAM_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"))
}

/// Parses an .eml file with Python's `email` package and returns its headers and parts.
fn parse_eml(path: &Path) -> serde_json::Value {
    const PARSER: &str = r#"
import email, email.policy, json, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
part = lambda t: (m.get_body((t,)) or None) and m.get_body((t,)).get_content().replace("\r\n", "\n")
print(json.dumps({
    "from": str(m["from"]), "to": str(m["to"]), "subject": str(m["subject"]),
    "message_id": str(m["message-id"]), "date": str(m["date"]),
    "content_type": m.get_content_type(), "defects": len(m.defects),
    "part_types": [p.get_content_type() for p in m.iter_parts()],
    "text": part("plain"), "html": part("html"),
}))
"#;
    let output = Command::new(python())
        .arg("-c")
        .arg(PARSER)
        .arg(path)
        .output()
        .expect("run python (scripts/python-env.sh creates .venv)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn writes_one_parseable_eml_per_mail() {
    let root = temp_dir("file");
    let dir = root.join("nested").join("mail");
    let transport = Transport::new(TransportConfig::File { dir: dir.clone() }).unwrap();
    assert_eq!(transport.kind(), "file");
    let mail = verify_mail();
    transport.send(&mail).await.unwrap();

    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let (millis, rest) = names[0].split_once('-').unwrap();
    assert!(
        millis.parse::<u64>().unwrap() > 1_700_000_000_000,
        "{names:?}"
    );
    assert_eq!(rest, "outbox_0193abc@beep-iam.eml");

    let raw = std::fs::read_to_string(dir.join(&names[0])).unwrap();
    assert!(
        raw.contains("Message-ID: <outbox_0193abc@beep-iam>\r\n"),
        "{raw}"
    );
    assert!(raw.contains("\r\nDate: "), "{raw}");

    let parsed = parse_eml(&dir.join(&names[0]));
    assert_eq!(parsed["defects"], 0);
    assert_eq!(parsed["content_type"], "multipart/alternative");
    assert_eq!(
        parsed["part_types"],
        serde_json::json!(["text/plain", "text/html"])
    );
    assert_eq!(parsed["from"], "Acme ID <no-reply@acme.test>");
    assert_eq!(parsed["to"], "zoe@example.com");
    assert_eq!(parsed["subject"], mail.subject.as_str());
    assert_eq!(parsed["message_id"], "<outbox_0193abc@beep-iam>");
    assert!(!parsed["date"].as_str().unwrap().is_empty());
    assert_eq!(
        parsed["text"].as_str().unwrap().trim_end(),
        mail.text.trim_end()
    );
    assert_eq!(
        parsed["html"].as_str().unwrap().trim_end(),
        mail.html.trim_end()
    );

    // A second mail is a second file.
    let second = Mail {
        message_id: "outbox_0193abd@beep-iam".to_owned(),
        ..mail
    };
    transport.send(&second).await.unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn malformed_addresses_and_ids_fail_permanently() {
    let root = temp_dir("file-bad");
    let transport = Transport::new(TransportConfig::File { dir: root.clone() }).unwrap();
    let bad_to = Mail {
        to: "not an address".to_owned(),
        ..verify_mail()
    };
    let error = transport.send(&bad_to).await.unwrap_err();
    assert!(matches!(error, SendError::Permanent { .. }), "{error:?}");
    let bad_id = Mail {
        message_id: "a\r\nBcc: x@example.com".to_owned(),
        ..verify_mail()
    };
    let error = transport.send(&bad_id).await.unwrap_err();
    assert!(matches!(error, SendError::Permanent { .. }), "{error:?}");
    // The log transport checks the same, so development catches what production would reject.
    let log = Transport::new(TransportConfig::Log).unwrap();
    assert!(log.send(&verify_mail()).await.is_ok());
    assert!(matches!(
        log.send(&bad_to).await,
        Err(SendError::Permanent { .. })
    ));
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn an_unusable_folder_is_an_error_at_setup() {
    let root = temp_dir("file-unusable");
    std::fs::create_dir_all(&root).unwrap();
    let blocker = root.join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let error = Transport::new(TransportConfig::File {
        dir: blocker.join("mail"),
    })
    .unwrap_err();
    assert!(error.to_string().contains("a-file"), "{error}");
    std::fs::remove_dir_all(&root).unwrap();
}
