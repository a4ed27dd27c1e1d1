//! Backup codes: each finishes one sign-in, once, however many requests race with it.

use crate::on_both;
use crate::support::{PASSWORD, TestServer};
use crate::{challenged, enrolled, post_with_cookie, signs_in};
use beep_store::Backend;
use serde_json::json;

on_both!(
    a_backup_code_finishes_a_sign_in_once => once,
    ten_racing_sign_ins_with_one_backup_code_open_one_session => racing,
    new_backup_codes_replace_the_old_ones => regenerate,
    generate_backup_codes_needs_two_factor_on => regenerate_needs_two_factor,
);

async fn once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "bk@example.com").await;
    let code = user.backup_codes[0].clone();
    let first = challenged(&server, &user.email).await;

    let used = post_with_cookie(
        &server,
        "/two-factor/verify-backup-code",
        json!({"code": code}),
        &first,
    )
    .await;
    let second = challenged(&server, &user.email).await;
    let again = post_with_cookie(
        &server,
        "/two-factor/verify-backup-code",
        json!({"code": code}),
        &second,
    )
    .await;

    assert_eq!(used.status, 200, "{}", used.text);
    assert!(signs_in(&server, &used).await);
    assert_eq!(again.error(), (401, "INVALID_BACKUP_CODE".into()));
    assert!(!signs_in(&server, &again).await);
}

async fn racing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "race@example.com").await;
    let code = user.backup_codes[4].clone();
    let mut challenges = Vec::new();
    for _ in 0..10 {
        challenges.push(challenged(&server, &user.email).await);
    }
    let sessions_before = server.rows("session").await;

    let replies = futures::future::join_all(challenges.iter().map(|challenge| {
        post_with_cookie(
            &server,
            "/two-factor/verify-backup-code",
            json!({"code": code}),
            challenge,
        )
    }))
    .await;

    let passed = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        passed,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(reply.error(), (401, "INVALID_BACKUP_CODE".into()));
    }
    assert_eq!(server.rows("session").await, sessions_before + 1);
}

async fn regenerate(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = enrolled(&server, "regen@example.com").await;

    let reply = server
        .post(
            "/two-factor/generate-backup-codes",
            json!({"password": PASSWORD}),
            Some(&user.session),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["status"], true);
    let fresh: Vec<String> = reply.json["backupCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fresh.len(), 10);
    let old = post_with_cookie(
        &server,
        "/two-factor/verify-backup-code",
        json!({"code": user.backup_codes[0]}),
        &challenged(&server, &user.email).await,
    )
    .await;
    let new = post_with_cookie(
        &server,
        "/two-factor/verify-backup-code",
        json!({"code": fresh[0]}),
        &challenged(&server, &user.email).await,
    )
    .await;
    assert_eq!(old.error(), (401, "INVALID_BACKUP_CODE".into()));
    assert_eq!(new.status, 200, "{}", new.text);
}

async fn regenerate_needs_two_factor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let session = server.sign_up("plain@example.com").await;

    let reply = server
        .post(
            "/two-factor/generate-backup-codes",
            json!({"password": PASSWORD}),
            Some(&session),
        )
        .await;

    assert_eq!(reply.error(), (400, "TWO_FACTOR_NOT_ENABLED".into()));
}
