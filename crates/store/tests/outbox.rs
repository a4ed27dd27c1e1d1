//! The mail outbox on both databases: queueing, leases that never let two nodes hold one
//! mail, expiry of a dead node's lease, and the recorded attempts.

use beep_domain::*;
use beep_store::on_both_databases;
use beep_store::repos::outbox::{self, Attempt, AttemptOutcome};
use beep_store::testing::TestDb;
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::collections::HashSet;

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

fn queued_mail(to: &str, at: DateTime<Utc>) -> OutboxMail {
    OutboxMail {
        id: OutboxMailId::generate(),
        template: "verify-email".into(),
        recipient: to.into(),
        subject: "Verify your email".into(),
        sealed_body: Some("sealed".into()),
        status: OutboxStatus::Pending,
        attempts: 0,
        next_attempt_at: at,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        sent_at: None,
        audit: Audit::created(at, None),
    }
}

async fn queue(db: &TestDb, count: usize, at: DateTime<Utc>) -> Vec<OutboxMailId> {
    let mut ids = Vec::new();
    for i in 0..count {
        let mail = queued_mail(&format!("user{i}@example.com"), at);
        outbox::insert(db.store.conn(), &mail).await.unwrap();
        ids.push(mail.id);
    }
    ids
}

async fn claim(db: &TestDb, node: &str, at: DateTime<Utc>, limit: u64) -> Vec<OutboxMail> {
    outbox::claim_due(
        db.store.conn(),
        db.store.backend(),
        node,
        at,
        at + Duration::seconds(60),
        limit,
    )
    .await
    .unwrap()
}

/// Records `node-a`'s attempt on `mail` (claimed by it), ended at `at`; whether the lease held.
async fn finish_as_node_a(
    db: &TestDb,
    mail: &OutboxMail,
    at: DateTime<Utc>,
    outcome: &AttemptOutcome,
) -> bool {
    outbox::finish_attempt(
        db.store.conn(),
        &Attempt {
            mail_id: &mail.id,
            number: mail.attempts,
            node: "node-a",
            started_at: at,
            finished_at: at,
            outcome,
        },
    )
    .await
    .unwrap()
}

on_both_databases!(
    due_mails_are_claimed_once_and_counted => due_mails_are_claimed_once_and_counted,
    concurrent_claimers_never_share_a_mail => concurrent_claimers_never_share_a_mail,
    a_dead_nodes_lease_runs_out => a_dead_nodes_lease_runs_out,
    sending_clears_the_body_and_records_the_attempt => sending_clears_the_body_and_records_the_attempt,
    a_retry_waits_and_a_lost_lease_is_reported => a_retry_waits_and_a_lost_lease_is_reported,
    recent_mails_are_counted_per_recipient => recent_mails_are_counted_per_recipient,
    old_finished_mail_is_swept_and_pending_mail_kept => old_finished_mail_is_swept_and_pending_mail_kept,
);

async fn due_mails_are_claimed_once_and_counted(db: TestDb) {
    let t = now();
    queue(&db, 3, t).await;
    queue(&db, 1, t + Duration::minutes(5)).await;

    let first = claim(&db, "node-a", t, 10).await;
    let second = claim(&db, "node-b", t, 10).await;

    assert_eq!(first.len(), 3, "the mail due later is not claimed yet");
    assert!(first.iter().all(|m| m.attempts == 1));
    assert!(
        first
            .iter()
            .all(|m| m.lease_owner.as_deref() == Some("node-a"))
    );
    assert!(second.is_empty(), "a leased mail is not claimed again");
    assert_eq!(
        outbox::next_due_at(db.store.conn()).await.unwrap(),
        Some(t),
        "leased mails are still pending"
    );
}

async fn concurrent_claimers_never_share_a_mail(db: TestDb) {
    let t = now();
    let ids = queue(&db, 60, t).await;

    let mut claimers = Vec::new();
    for node in 0..6 {
        let store = db.store.clone();
        claimers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = outbox::claim_due(
                    store.conn(),
                    store.backend(),
                    &format!("node-{node}"),
                    t,
                    t + Duration::seconds(60),
                    4,
                )
                .await
                .unwrap();
                assert!(
                    batch.len() <= 4,
                    "a claim took {} mails, more than asked",
                    batch.len()
                );
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|m| m.id.to_string()));
            }
        }));
    }
    let mut seen = Vec::new();
    for claimer in claimers {
        seen.extend(claimer.await.unwrap());
    }

    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), ids.len(), "every mail claimed exactly once");
    assert_eq!(unique.len(), ids.len());
}

async fn a_dead_nodes_lease_runs_out(db: TestDb) {
    let t = now();
    queue(&db, 1, t).await;
    let taken = claim(&db, "dead-node", t, 10).await;

    let before_expiry = claim(&db, "node-b", t + Duration::seconds(59), 10).await;
    let after_expiry = claim(&db, "node-b", t + Duration::seconds(61), 10).await;

    assert!(before_expiry.is_empty());
    assert_eq!(after_expiry.len(), 1);
    assert_eq!(after_expiry[0].id, taken[0].id);
    assert_eq!(after_expiry[0].attempts, 2);
}

async fn sending_clears_the_body_and_records_the_attempt(db: TestDb) {
    let t = now();
    let ids = queue(&db, 1, t).await;
    let mail = claim(&db, "node-a", t, 10).await.remove(0);

    let kept = finish_as_node_a(
        &db,
        &mail,
        t + Duration::milliseconds(20),
        &AttemptOutcome::Sent,
    )
    .await;

    assert!(kept);
    let stored = outbox::find(db.store.conn(), &ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OutboxStatus::Sent);
    assert_eq!(
        stored.sealed_body, None,
        "no one-time link outlives its mail"
    );
    assert_eq!(stored.sent_at, Some(t + Duration::milliseconds(20)));
    assert_eq!(stored.lease_owner, None);
    assert_eq!(outbox::next_due_at(db.store.conn()).await.unwrap(), None);
    let attempts = outbox::attempts_of(db.store.conn(), &ids[0]).await.unwrap();
    assert_eq!(attempts, vec![(1, "sent".to_owned(), None)]);
    assert!(
        claim(&db, "node-b", t + Duration::hours(1), 10)
            .await
            .is_empty()
    );
}

async fn a_retry_waits_and_a_lost_lease_is_reported(db: TestDb) {
    let t = now();
    queue(&db, 1, t).await;
    let mail = claim(&db, "node-a", t, 10).await.remove(0);
    let retry = AttemptOutcome::Retry {
        at: t + Duration::seconds(30),
        error: "connection refused".into(),
    };

    let kept = finish_as_node_a(&db, &mail, t, &retry).await;
    let too_early = claim(&db, "node-b", t + Duration::seconds(29), 10).await;
    let due = claim(&db, "node-b", t + Duration::seconds(30), 10).await;
    let stale = finish_as_node_a(&db, &mail, t, &AttemptOutcome::Sent).await;

    assert!(kept);
    assert!(too_early.is_empty());
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].last_error.as_deref(), Some("connection refused"));
    assert!(!stale, "node-a no longer holds the lease");
    let stored = outbox::find(db.store.conn(), &mail.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.status,
        OutboxStatus::Pending,
        "node-b's delivery decides"
    );
}

async fn recent_mails_are_counted_per_recipient(db: TestDb) {
    let t = now();
    let conn = db.store.conn();
    for _ in 0..3 {
        outbox::insert(conn, &queued_mail("ada@example.com", t))
            .await
            .unwrap();
    }
    outbox::insert(conn, &queued_mail("bob@example.com", t))
        .await
        .unwrap();
    let mut reset = queued_mail("ada@example.com", t);
    reset.template = "reset-password".into();
    outbox::insert(conn, &reset).await.unwrap();

    let verify = outbox::count_recent(
        conn,
        "ada@example.com",
        &["verify-email"],
        t - Duration::minutes(1),
    )
    .await
    .unwrap();
    let both = outbox::count_recent(
        conn,
        "ada@example.com",
        &["verify-email", "reset-password"],
        t - Duration::minutes(1),
    )
    .await
    .unwrap();
    let later = outbox::count_recent(conn, "ada@example.com", &["verify-email"], t)
        .await
        .unwrap();

    assert_eq!(verify, 3);
    assert_eq!(both, 4);
    assert_eq!(later, 0);
}

async fn old_finished_mail_is_swept_and_pending_mail_kept(db: TestDb) {
    let t = now();
    let conn = db.store.conn();
    let old = t - Duration::days(40);
    queue(&db, 2, old).await;
    let sent = claim(&db, "node-a", old, 1).await.remove(0);
    finish_as_node_a(&db, &sent, old, &AttemptOutcome::Sent).await;

    let removed = outbox::delete_finished_before(conn, t - Duration::days(30))
        .await
        .unwrap();

    assert_eq!(removed, 1, "the old pending mail stays");
    assert!(outbox::find(conn, &sent.id).await.unwrap().is_none());
    assert!(
        outbox::attempts_of(conn, &sent.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        beep_store::testing::count_rows(conn, "outbox_mail").await,
        1
    );
}
