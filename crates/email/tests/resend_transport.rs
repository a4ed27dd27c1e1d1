//! The Resend transport against a local HTTP server that plays Resend.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use beep_email::{Mail, SendError, Transport, TransportConfig};

const API_KEY: &str = "re_test_key_123";

/// One request as the fake Resend saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: serde_json::Value,
}

#[derive(Clone)]
struct Fake {
    status: StatusCode,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn answer(
    State(fake): State<Fake>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fake.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().to_owned(),
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    });
    let mut response = (fake.status, fake.body).into_response();
    for (name, value) in fake.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Starts a fake Resend that answers every request with `status`, `headers` and `body`.
/// Returns its base URL and the requests it saw.
async fn fake_resend(
    status: StatusCode,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fake = Fake {
        status,
        headers,
        body,
        seen: Arc::clone(&seen),
    };
    let app = Router::new().fallback(answer).with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base_url, seen)
}

fn resend(base_url: String) -> Transport {
    Transport::new(TransportConfig::Resend {
        api_key: API_KEY.to_owned(),
        base_url,
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

fn mail() -> Mail {
    Mail {
        from: "Acme ID <no-reply@acme.test>".to_owned(),
        to: "zoe@example.com".to_owned(),
        subject: "Confirm your email address for Acme ID".to_owned(),
        text: "Open https://id.acme.test/v?token=tok_1".to_owned(),
        html: "<a href=\"https://id.acme.test/v?token=tok_1\">Confirm</a>".to_owned(),
        message_id: "outbox_resend_1@beep-iam".to_owned(),
    }
}

#[tokio::test]
async fn a_2xx_answer_is_delivery_and_the_request_has_resends_shape() {
    let (base_url, seen) = fake_resend(StatusCode::OK, vec![], r#"{"id":"re_msg_1"}"#).await;
    let transport = resend(format!("{base_url}/"));
    transport.send(&mail()).await.unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/emails");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("authorization"), format!("Bearer {API_KEY}"));
    assert_eq!(header("idempotency-key"), "outbox_resend_1@beep-iam");
    assert!(header("content-type").starts_with("application/json"));
    assert_eq!(
        request.body,
        serde_json::json!({
            "from": "Acme ID <no-reply@acme.test>",
            "to": ["zoe@example.com"],
            "subject": "Confirm your email address for Acme ID",
            "html": "<a href=\"https://id.acme.test/v?token=tok_1\">Confirm</a>",
            "text": "Open https://id.acme.test/v?token=tok_1",
            "headers": {"Message-ID": "<outbox_resend_1@beep-iam>"},
        })
    );
}

#[tokio::test]
async fn a_429_is_transient_with_the_advised_wait() {
    let (base_url, _) = fake_resend(
        StatusCode::TOO_MANY_REQUESTS,
        vec![("retry-after", "7")],
        r#"{"statusCode":429,"name":"rate_limit_exceeded","message":"Too many requests"}"#,
    )
    .await;
    let error = resend(base_url).send(&mail()).await.unwrap_err();
    match error {
        SendError::Transient {
            reason,
            retry_after,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert!(reason.contains("429"), "{reason}");
        }
        other => panic!("expected Transient, got {other:?}"),
    }
}

#[tokio::test]
async fn a_5xx_is_transient() {
    let (base_url, _) = fake_resend(StatusCode::INTERNAL_SERVER_ERROR, vec![], "oops").await;
    let error = resend(base_url).send(&mail()).await.unwrap_err();
    assert_eq!(
        error,
        SendError::Transient {
            reason: "Resend answered 500 Internal Server Error".to_owned(),
            retry_after: None,
        }
    );
}

#[tokio::test]
async fn a_422_is_permanent_and_quotes_resend() {
    let (base_url, _) = fake_resend(
        StatusCode::UNPROCESSABLE_ENTITY,
        vec![("content-type", "application/json")],
        r#"{"statusCode":422,"name":"validation_error","message":"Invalid `from` field."}"#,
    )
    .await;
    let error = resend(base_url).send(&mail()).await.unwrap_err();
    match error {
        SendError::Permanent { reason } => {
            assert!(reason.contains("422"), "{reason}");
            assert!(reason.contains("Invalid `from` field."), "{reason}");
            assert!(
                !reason.contains(API_KEY) && !reason.contains("tok_1"),
                "{reason}"
            );
        }
        other => panic!("expected Permanent, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_listening_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = resend(base_url).send(&mail()).await.unwrap_err();
    match error {
        SendError::Transient { reason, .. } => {
            assert!(!reason.contains(API_KEY), "{reason}");
        }
        other => panic!("expected Transient, got {other:?}"),
    }
}
