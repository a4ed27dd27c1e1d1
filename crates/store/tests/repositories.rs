//! Every repository behaviour, run against SQLite and PostgreSQL with one body each.

use beep_domain::*;
use beep_store::entities::enums::*;
use beep_store::repos::{accounts, members, organizations, sessions, users, verifications};
use beep_store::testing::TestDb;
use beep_store::{ConnectionTrait, MigrationState, StoreError, on_both_databases};
use chrono::{Duration, DurationRound, Utc};

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

fn new_user(email: &str) -> User {
    User {
        id: UserId::generate(),
        name: "Ada".into(),
        email: Email::parse(email).unwrap(),
        email_verified: false,
        image: None,
        two_factor_enabled: false,
        role: User::DEFAULT_ROLE.to_owned(),
        banned: false,
        ban_reason: None,
        ban_expires: None,
        audit: Audit::created(now(), None),
    }
}

fn new_session(user: &UserId, digest: &str, expires_in: Duration) -> Session {
    Session {
        id: SessionId::generate(),
        token_digest: digest.into(),
        user_id: user.clone(),
        expires_at: now() + expires_in,
        ip_address: "".into(),
        user_agent: "".into(),
        remember_me: true,
        active_organization_id: None,
        active_team_id: None,
        organization_context: serde_json::json!({}),
        impersonated_by: None,
        audit: Audit::created(now(), Some(user.as_str())),
    }
}

fn personal_org(owner: &UserId, slug: &str) -> Organization {
    Organization {
        id: OrganizationId::generate(),
        name: "Ada's Organization".into(),
        slug: slug.into(),
        logo: None,
        metadata: None,
        kind: OrganizationType::Individual,
        is_personal: true,
        owner_user_id: Some(owner.clone()),
        subscription_tier: SubscriptionTier::Free,
        subscription_status: SubscriptionStatus::Active,
        audit: Audit::created(now(), Some(owner.as_str())),
    }
}

fn owner_membership(org: &OrganizationId, user: &UserId) -> Member {
    Member {
        id: MemberId::generate(),
        organization_id: org.clone(),
        user_id: user.clone(),
        role: Roles::of(MemberRole::Owner),
        status: MemberStatus::Active,
        audit: Audit::created(now(), Some(user.as_str())),
    }
}

async fn a_user_is_found_by_email(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("ada@example.com");
    users::insert(conn, &user).await.unwrap();

    let found = users::find_by_email(conn, &Email::parse("ADA@example.com").unwrap())
        .await
        .unwrap();

    assert_eq!(found, Some(user));
}

async fn a_second_user_with_the_same_email_is_a_conflict(db: TestDb) {
    let conn = db.store.conn();
    users::insert(conn, &new_user("twin@example.com"))
        .await
        .unwrap();

    let second = users::insert(conn, &new_user("twin@example.com")).await;

    assert!(matches!(second, Err(StoreError::Conflict)));
    assert_eq!(users::count(conn).await.unwrap(), 1);
}

async fn a_profile_update_from_a_stale_version_fails(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("stale@example.com");
    users::insert(conn, &user).await.unwrap();
    let rename = |name: &str| users::ProfileChange {
        name: Some(name.into()),
        image: None,
    };
    users::update_profile(conn, &user.id, 1, &rename("First"), now())
        .await
        .unwrap();

    let late = users::update_profile(conn, &user.id, 1, &rename("Second"), now()).await;

    assert!(matches!(late, Err(StoreError::Stale)));
    let stored = users::find_by_id(conn, &user.id).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.audit.version), ("First", 2));
}

async fn a_session_is_found_with_its_user_by_token_digest(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("sess@example.com");
    users::insert(conn, &user).await.unwrap();
    let session = new_session(&user.id, "digest-1", Duration::days(1));
    sessions::insert(conn, &session).await.unwrap();

    let found = sessions::find_with_user(conn, "digest-1").await.unwrap();
    let missing = sessions::find_with_user(conn, "digest-2").await.unwrap();

    assert_eq!(found, Some((session, user)));
    assert_eq!(missing, None);
}

async fn listing_sessions_skips_expired_ones(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("list@example.com");
    users::insert(conn, &user).await.unwrap();
    let live = new_session(&user.id, "live", Duration::days(1));
    sessions::insert(conn, &live).await.unwrap();
    sessions::insert(conn, &new_session(&user.id, "dead", Duration::seconds(-1)))
        .await
        .unwrap();

    let listed = sessions::list_active(conn, &user.id, now()).await.unwrap();

    assert_eq!(listed, vec![live]);
}

async fn a_user_cannot_delete_another_users_session(db: TestDb) {
    let conn = db.store.conn();
    let (alice, bob) = (new_user("alice@example.com"), new_user("bob@example.com"));
    users::insert(conn, &alice).await.unwrap();
    users::insert(conn, &bob).await.unwrap();
    let bobs = new_session(&bob.id, "bobs", Duration::days(1));
    sessions::insert(conn, &bobs).await.unwrap();

    let deleted = sessions::delete_owned(conn, &alice.id, bobs.id.as_str())
        .await
        .unwrap();

    assert!(!deleted);
    assert!(
        sessions::find_with_user(conn, "bobs")
            .await
            .unwrap()
            .is_some()
    );
}

async fn revoking_other_sessions_keeps_the_current_one(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("others@example.com");
    users::insert(conn, &user).await.unwrap();
    let current = new_session(&user.id, "current", Duration::days(1));
    sessions::insert(conn, &current).await.unwrap();
    sessions::insert(conn, &new_session(&user.id, "other-1", Duration::days(1)))
        .await
        .unwrap();
    sessions::insert(conn, &new_session(&user.id, "other-2", Duration::days(1)))
        .await
        .unwrap();

    let removed = sessions::delete_all_for_user(conn, &user.id, Some(&current.id))
        .await
        .unwrap();

    assert_eq!(removed, 2);
    assert_eq!(
        sessions::list_active(conn, &user.id, now()).await.unwrap(),
        vec![current]
    );
}

async fn deleting_a_user_removes_sessions_accounts_and_memberships(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("gone@example.com");
    users::insert(conn, &user).await.unwrap();
    sessions::insert(conn, &new_session(&user.id, "gone", Duration::days(1)))
        .await
        .unwrap();
    let account = Account {
        id: AccountId::generate(),
        account_id: user.id.to_string(),
        provider_id: CREDENTIAL_PROVIDER.into(),
        user_id: user.id.clone(),
        password_hash: Some(Secret::new("$argon2id$x".into())),
        scope: None,
        audit: Audit::created(now(), None),
    };
    accounts::insert(conn, &account).await.unwrap();
    let org = personal_org(&user.id, "gone-org");
    organizations::insert(conn, &org).await.unwrap();
    members::insert(conn, &owner_membership(&org.id, &user.id))
        .await
        .unwrap();

    assert!(users::delete(conn, &user.id).await.unwrap());

    assert!(
        sessions::find_with_user(conn, "gone")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::find_credential(conn, &user.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        members::memberships_of(conn, &user.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn memberships_list_the_personal_organization_first(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("orgs@example.com");
    users::insert(conn, &user).await.unwrap();
    let mut team_org = personal_org(&user.id, "team-org");
    team_org.is_personal = false;
    team_org.kind = OrganizationType::Team;
    organizations::insert(conn, &team_org).await.unwrap();
    let personal = personal_org(&user.id, "personal-org");
    organizations::insert(conn, &personal).await.unwrap();
    members::insert(conn, &owner_membership(&team_org.id, &user.id))
        .await
        .unwrap();
    members::insert(conn, &owner_membership(&personal.id, &user.id))
        .await
        .unwrap();

    let listed = members::active_memberships(conn, &user.id).await.unwrap();

    let ids: Vec<_> = listed.iter().map(|(_, org)| org.id.clone()).collect();
    assert_eq!(ids, vec![personal.id.clone(), team_org.id.clone()]);
    assert_eq!(listed[0].1, personal);
}

async fn a_taken_slug_is_a_conflict(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("slug@example.com");
    users::insert(conn, &user).await.unwrap();
    organizations::insert(conn, &personal_org(&user.id, "same-slug"))
        .await
        .unwrap();

    let second = organizations::insert(conn, &personal_org(&user.id, "same-slug")).await;

    assert!(matches!(second, Err(StoreError::Conflict)));
}

async fn a_verification_is_consumed_once(db: TestDb) {
    let conn = db.store.conn();
    let row = Verification {
        id: VerificationId::generate(),
        identifier: "reset-password:abc".into(),
        value: "user_x".into(),
        expires_at: now() + Duration::hours(1),
        audit: Audit::created(now(), None),
    };
    verifications::insert(conn, &row).await.unwrap();

    let first = verifications::consume(conn, "reset-password:abc", now())
        .await
        .unwrap();
    let second = verifications::consume(conn, "reset-password:abc", now())
        .await
        .unwrap();

    assert_eq!(first.map(|v| v.value), Some("user_x".to_owned()));
    assert!(second.is_none());
}

async fn an_expired_verification_is_refused_and_removed(db: TestDb) {
    let conn = db.store.conn();
    let row = Verification {
        id: VerificationId::generate(),
        identifier: "reset-password:old".into(),
        value: "user_x".into(),
        expires_at: now() - Duration::seconds(1),
        audit: Audit::created(now(), None),
    };
    verifications::insert(conn, &row).await.unwrap();

    assert!(
        verifications::consume(conn, "reset-password:old", now())
            .await
            .unwrap()
            .is_none()
    );
    verifications::insert(conn, &row).await.unwrap();
}

async fn database_enums_hold_exactly_the_rust_variants(db: TestDb) {
    use beep_store::enum_variants_in_database as in_db;
    fn names<T: Copy + std::fmt::Display>(all: &[T]) -> Vec<String> {
        all.iter().map(ToString::to_string).collect()
    }
    if let Some(labels) = in_db::<DbMemberStatus>(&db.store).await.unwrap() {
        assert_eq!(labels, names(MemberStatus::ALL));
        assert_eq!(
            in_db::<DbInvitationStatus>(&db.store)
                .await
                .unwrap()
                .unwrap(),
            names(InvitationStatus::ALL)
        );
        assert_eq!(
            in_db::<DbOrganizationType>(&db.store)
                .await
                .unwrap()
                .unwrap(),
            names(OrganizationType::ALL)
        );
        assert_eq!(
            in_db::<DbSubscriptionTier>(&db.store)
                .await
                .unwrap()
                .unwrap(),
            names(SubscriptionTier::ALL)
        );
        assert_eq!(
            in_db::<DbSubscriptionStatus>(&db.store)
                .await
                .unwrap()
                .unwrap(),
            names(SubscriptionStatus::ALL)
        );
        assert_eq!(
            in_db::<DbOutboxStatus>(&db.store).await.unwrap().unwrap(),
            names(OutboxStatus::ALL)
        );
    }
    // Both databases: every Rust variant is accepted, and nothing else.
    let conn = db.store.conn();
    let user = new_user("enum@example.com");
    users::insert(conn, &user).await.unwrap();
    let org = personal_org(&user.id, "enum-org");
    organizations::insert(conn, &org).await.unwrap();
    for (i, status) in MemberStatus::ALL.iter().enumerate() {
        let other = new_user(&format!("enum{i}@example.com"));
        users::insert(conn, &other).await.unwrap();
        let mut member = owner_membership(&org.id, &other.id);
        member.status = *status;
        members::insert(conn, &member).await.unwrap();
    }
    let cast = if db.store.backend() == beep_store::Backend::Postgres {
        "::member_status"
    } else {
        ""
    };
    let bogus = conn
        .execute_unprepared(&format!(
            "INSERT INTO member (id, organization_id, user_id, role, status, created_at, updated_at, version) \
             VALUES ('mem_bogus', '{}', '{}', 'owner', 'banished'{cast}, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1)",
            org.id, user.id,
        ))
        .await;
    assert!(
        bogus.is_err(),
        "the database accepted a status that is not a Rust variant"
    );
}

async fn a_member_holds_several_roles_and_never_none(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("roles@example.com");
    users::insert(conn, &user).await.unwrap();
    let org = personal_org(&user.id, "roles-org");
    organizations::insert(conn, &org).await.unwrap();
    let mut member = owner_membership(&org.id, &user.id);
    member.role = Roles::parse(["admin, member"]);
    members::insert(conn, &member).await.unwrap();

    let stored = members::find(conn, &org.id, &user.id)
        .await
        .unwrap()
        .unwrap();
    let blank = conn
        .execute_unprepared(&format!(
            "UPDATE member SET role = '' WHERE id = '{}'",
            member.id
        ))
        .await;

    assert_eq!(stored.role.stored(), "admin,member");
    assert!(
        blank.is_err(),
        "the database accepted a member without a role"
    );
}

async fn migrating_twice_changes_nothing_and_reports_current(db: TestDb) {
    db.store.migrate().await.unwrap();
    assert_eq!(
        db.store.migration_state().await.unwrap(),
        MigrationState::Current
    );
}

async fn a_schema_newer_than_the_binary_is_refused(db: TestDb) {
    db.store
        .conn()
        .execute_unprepared(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (999, CURRENT_TIMESTAMP)",
        )
        .await
        .unwrap();

    assert_eq!(
        db.store.migration_state().await.unwrap(),
        MigrationState::Ahead { applied: 999 }
    );
    assert!(matches!(
        db.store.migrate().await,
        Err(StoreError::Schema(_))
    ));
}

async fn an_account_changed_since_it_was_read_cannot_be_locked(db: TestDb) {
    let conn = db.store.conn();
    let user = new_user("lock@example.com");
    users::insert(conn, &user).await.unwrap();
    let account = Account {
        id: AccountId::generate(),
        account_id: user.id.to_string(),
        provider_id: CREDENTIAL_PROVIDER.into(),
        user_id: user.id.clone(),
        password_hash: Some(Secret::new("$argon2id$old".into())),
        scope: None,
        audit: Audit::created(now(), None),
    };
    accounts::insert(conn, &account).await.unwrap();
    assert!(
        accounts::lock_if_unchanged(conn, &account.id, 1)
            .await
            .unwrap()
    );

    accounts::set_password_hash(conn, &account.id, 1, "$argon2id$new", &user.id, now())
        .await
        .unwrap();

    assert!(
        !accounts::lock_if_unchanged(conn, &account.id, 1)
            .await
            .unwrap()
    );
    assert!(
        accounts::lock_if_unchanged(conn, &account.id, 2)
            .await
            .unwrap()
    );
}

on_both_databases!(
    account_lock => an_account_changed_since_it_was_read_cannot_be_locked,
    user_by_email => a_user_is_found_by_email,
    duplicate_email => a_second_user_with_the_same_email_is_a_conflict,
    stale_profile_update => a_profile_update_from_a_stale_version_fails,
    session_by_digest => a_session_is_found_with_its_user_by_token_digest,
    list_skips_expired => listing_sessions_skips_expired_ones,
    foreign_session_delete => a_user_cannot_delete_another_users_session,
    revoke_others => revoking_other_sessions_keeps_the_current_one,
    delete_user_cascades => deleting_a_user_removes_sessions_accounts_and_memberships,
    personal_first => memberships_list_the_personal_organization_first,
    slug_conflict => a_taken_slug_is_a_conflict,
    verification_once => a_verification_is_consumed_once,
    verification_expired => an_expired_verification_is_refused_and_removed,
    enums_match => database_enums_hold_exactly_the_rust_variants,
    several_roles => a_member_holds_several_roles_and_never_none,
    migrate_twice => migrating_twice_changes_nothing_and_reports_current,
    newer_schema => a_schema_newer_than_the_binary_is_refused,
);
