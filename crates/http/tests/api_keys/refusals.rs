//! Each way a presented key is refused, in better-auth's codes: `KEY_EXPIRED`,
//! `USAGE_EXCEEDED` (and its refill), `RATE_LIMITED` with `tryAgainIn`, a missing
//! permission, `INVALID_API_KEY`; and uses racing on one quota, never overdrawn.

use crate::support::TestServer;
use crate::{create, key_with_limits, refusal, secret, stored_number, verify};
use beep_core::api_keys::ServerLimits;
use beep_store::Backend;
use chrono::Duration;
use serde_json::json;
use std::collections::BTreeMap;

crate::on_both!(
    a_key_past_its_expiry_is_key_expired => expired,
    a_spent_quota_is_usage_exceeded => usage_exceeded,
    a_quota_refills_after_its_interval => refills,
    the_eleventh_use_in_a_day_is_rate_limited => rate_limited,
    the_rate_limit_lets_uses_through_after_its_window => window_passes,
    a_key_without_a_rate_limit_is_never_rate_limited => unlimited,
    a_missing_permission_is_refused => missing_permission,
    an_unknown_key_is_invalid => unknown_key,
    racing_uses_never_overdraw_a_quota => racing_uses,
    a_hot_key_serves_every_racing_use => hot_key,
);

async fn expired(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("expired@example.com").await;
    let made = create(&server, &session, json!({ "expiresIn": 86400 })).await;
    let key = secret(&made.json);
    assert_eq!(refusal(&server, key).await, None);

    server
        .clock
        .advance(Duration::days(1) + Duration::seconds(1));

    assert_eq!(refusal(&server, key).await.as_deref(), Some("KEY_EXPIRED"));
}

async fn usage_exceeded(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("quota@example.com").await;
    let limits = ServerLimits {
        remaining: Some(2),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;

    let first = verify(&server, &key).await;
    let second = verify(&server, &key).await;
    let third = refusal(&server, &key).await;

    assert_eq!(first["key"]["remaining"], 1);
    assert_eq!(second["key"]["remaining"], 0);
    assert_eq!(third.as_deref(), Some("USAGE_EXCEEDED"));
    let id = first["key"]["id"].as_str().unwrap();
    assert_eq!(stored_number(&server, id, "remaining").await, Some(0));
}

async fn refills(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("refill@example.com").await;
    let limits = ServerLimits {
        remaining: Some(1),
        refill_amount: Some(3),
        refill_interval_ms: Some(60_000),
        rate_limit_enabled: Some(false),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;
    assert_eq!(refusal(&server, &key).await, None);
    assert_eq!(
        refusal(&server, &key).await.as_deref(),
        Some("USAGE_EXCEEDED")
    );

    server.clock.advance(Duration::seconds(61));

    let refilled = verify(&server, &key).await;
    assert_eq!(refilled["valid"], true, "{refilled}");
    assert_eq!(refilled["key"]["remaining"], 2);
    assert!(refilled["key"]["lastRefillAt"].is_string());
}

async fn rate_limited(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("limited@example.com").await;
    let made = create(&server, &session, json!({})).await;
    let key = secret(&made.json);
    for _ in 0..10 {
        assert_eq!(refusal(&server, key).await, None);
    }
    server.clock.advance(Duration::hours(1));

    let answer = verify(&server, key).await;

    assert_eq!(answer["valid"], false);
    assert_eq!(answer["error"]["code"], "RATE_LIMITED");
    let wait = answer["error"]["details"]["tryAgainIn"].as_i64().unwrap();
    assert_eq!(wait, Duration::hours(23).num_milliseconds());
    let id = made.json["id"].as_str().unwrap();
    assert_eq!(stored_number(&server, id, "request_count").await, Some(10));
}

async fn window_passes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("window@example.com").await;
    let limits = ServerLimits {
        rate_limit_max: Some(1),
        rate_limit_time_window_ms: Some(1000),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;
    assert_eq!(refusal(&server, &key).await, None);
    assert_eq!(
        refusal(&server, &key).await.as_deref(),
        Some("RATE_LIMITED")
    );

    server.clock.advance(Duration::milliseconds(1001));

    assert_eq!(refusal(&server, &key).await, None);
}

async fn unlimited(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("unlimited@example.com").await;
    let limits = ServerLimits {
        rate_limit_enabled: Some(false),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;

    for _ in 0..25 {
        assert_eq!(refusal(&server, &key).await, None);
    }
}

async fn missing_permission(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("perms@example.com").await;
    let limits = ServerLimits {
        permissions: Some(BTreeMap::from([(
            "files".to_owned(),
            vec!["read".to_owned()],
        )])),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;
    let check = |action: &'static str| json!({ "key": key, "permissions": { "files": [action] } });

    let granted = server.post("/api-key/verify", check("read"), None).await;
    let refused = server.post("/api-key/verify", check("write"), None).await;

    assert_eq!(granted.json["valid"], true, "{}", granted.text);
    assert_eq!(
        granted.json["key"]["permissions"],
        json!({ "files": ["read"] })
    );
    assert_eq!(refused.json["valid"], false);
    assert_eq!(refused.json["error"]["code"], "KEY_NOT_FOUND");
}

async fn unknown_key(backend: Backend) {
    let server = TestServer::start(backend).await;

    let well_formed = refusal(&server, &"x".repeat(64)).await;
    let short = refusal(&server, "abc").await;
    let injected = refusal(&server, &format!("' OR 1=1 --{}", "a".repeat(60))).await;

    assert_eq!(well_formed.as_deref(), Some("INVALID_API_KEY"));
    assert_eq!(short.as_deref(), Some("INVALID_API_KEY"));
    assert_eq!(injected.as_deref(), Some("INVALID_API_KEY"));
}

async fn racing_uses(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("race@example.com").await;
    let limits = ServerLimits {
        remaining: Some(3),
        rate_limit_enabled: Some(false),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;

    let uses = (0..10).map(|_| refusal(&server, &key));
    let outcomes = futures::future::join_all(uses).await;

    let passed = outcomes.iter().filter(|o| o.is_none()).count();
    assert_eq!(passed, 3, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .flatten()
            .all(|code| code == "USAGE_EXCEEDED"),
        "{outcomes:?}"
    );
}

async fn hot_key(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("hot@example.com").await;
    let limits = ServerLimits {
        rate_limit_max: Some(1_000_000),
        ..ServerLimits::default()
    };
    let key = key_with_limits(&server, &session, limits).await;
    let first = verify(&server, &key).await;
    let id = first["key"]["id"].as_str().unwrap().to_owned();

    let uses = (0..64).map(|_| refusal(&server, &key));
    let outcomes = futures::future::join_all(uses).await;

    assert!(outcomes.iter().all(Option::is_none), "{outcomes:?}");
    assert_eq!(stored_number(&server, &id, "request_count").await, Some(65));
}
