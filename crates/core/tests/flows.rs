//! The flows, without HTTP, on SQLite and PostgreSQL.

use beep_core::flows::{DeleteUser, SignIn, SignUp};
use beep_core::{
    Auth, AuthConfig, AuthError, ClientInfo, HashingConfig, ManualClock, SessionToken,
};
use beep_domain::*;
use beep_store::repos::{accounts, members, organizations, sessions, users};
use beep_store::testing::TestDb;
use beep_store::testing::count_rows as count;
use beep_store::{ConnectionTrait, on_both_databases};
use chrono::Duration;
use std::sync::Arc;

struct World {
    db: TestDb,
    auth: Auth,
    clock: Arc<ManualClock>,
}

impl World {
    /// Signs up `email` with the standard input.
    async fn sign_up(&self, email: &str) -> beep_core::SignedIn {
        self.auth
            .sign_up(sign_up_input(email), ClientInfo::default())
            .await
            .unwrap()
            .signed_in()
            .expect("signed in")
    }

    /// Signs in `email` with `password`.
    async fn sign_in(&self, email: &str, password: &str) -> Result<beep_core::SignedIn, AuthError> {
        match self
            .auth
            .sign_in_with_password(sign_in_input(email, password), ClientInfo::default())
            .await?
        {
            beep_core::flows::SignInOutcome::SignedIn(signed) => Ok(*signed),
            other => panic!("no second factor was expected: {other:?}"),
        }
    }

    /// Whether a token has a valid session now.
    async fn is_signed_in(&self, token: &SessionToken) -> bool {
        self.auth.authenticate(token, true).await.unwrap().is_some()
    }

    /// The valid session of a token (panics when there is none).
    async fn active(&self, token: &SessionToken) -> beep_core::ActiveSession {
        self.auth
            .authenticate(token, true)
            .await
            .unwrap()
            .expect("a valid session")
    }
}

/// Every table a user's rows live in.
const USER_TABLES: [&str; 7] = [
    "user",
    "account",
    "organization",
    "member",
    "session",
    "verification",
    "outbox_mail",
];

fn world(db: TestDb) -> World {
    let clock = Arc::new(ManualClock::starting_now());
    let config = AuthConfig {
        hashing: HashingConfig::minimal(),
        ..AuthConfig::default()
    };
    let auth = Auth::new(db.store.clone(), clock.clone(), config).unwrap();
    World { db, auth, clock }
}

fn sign_up_input(email: &str) -> SignUp {
    SignUp {
        name: "Grace Hopper".into(),
        email: email.into(),
        password: Secret::new("Compile-Bug-Moth-1947".into()),
        image: None,
        remember_me: true,
        callback_url: None,
    }
}

fn sign_in_input(email: &str, password: &str) -> SignIn {
    SignIn {
        email: email.into(),
        password: Secret::new(password.into()),
        remember_me: true,
        trusted_device: None,
    }
}

async fn sign_up_makes_a_user_with_a_personal_organization_and_session(db: TestDb) {
    let w = world(db);

    let signed = w.sign_up("Grace@Example.com").await;

    let conn = w.db.store.conn();
    assert_eq!(signed.user.email.as_str(), "grace@example.com");
    let orgs = organizations::personal_of(conn, &signed.user.id)
        .await
        .unwrap();
    assert_eq!(orgs.len(), 1);
    let org = &orgs[0];
    assert_eq!(org.name, "Grace Hopper's Organization");
    assert_eq!(
        org.slug,
        format!("grace-hopper-{}", signed.user.id.suffix(12))
    );
    assert_eq!(
        (org.kind, org.is_personal),
        (OrganizationType::Individual, true)
    );
    assert_eq!(
        (org.subscription_tier, org.subscription_status),
        (SubscriptionTier::Free, SubscriptionStatus::Active)
    );
    let memberships = members::memberships_of(conn, &signed.user.id)
        .await
        .unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(
        (memberships[0].role.stored(), memberships[0].status),
        ("owner".to_owned(), MemberStatus::Active)
    );
    assert_eq!(
        signed.session.active_organization_id.as_ref(),
        Some(&org.id)
    );
    assert_eq!(
        signed.session.organization_context,
        serde_json::json!({ org.id.as_str(): {
            "name": "Grace Hopper's Organization", "type": "individual", "role": "owner",
            "isPersonal": true, "subscriptionTier": "free"
        }})
    );
    let hash = accounts::find_credential(conn, &signed.user.id)
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(hash.expose().starts_with("$argon2id$"));
}

async fn a_nameless_user_gets_a_user_organization(db: TestDb) {
    let w = world(db);
    let mut input = sign_up_input("nameless@example.com");
    input.name = "".into();

    let signed = w
        .auth
        .sign_up(input, ClientInfo::default())
        .await
        .unwrap()
        .signed_in()
        .unwrap();

    let orgs = organizations::personal_of(w.db.store.conn(), &signed.user.id)
        .await
        .unwrap();
    assert_eq!(orgs[0].name, "User's Organization");
    assert!(orgs[0].slug.starts_with("user-"));
}

async fn a_failure_late_in_sign_up_leaves_no_rows(db: TestDb) {
    let w = world(db);
    let conn = w.db.store.conn();
    let sabotage = match w.db.backend() {
        beep_store::Backend::Sqlite => vec![
            "CREATE TRIGGER sabotage BEFORE INSERT ON session BEGIN SELECT RAISE(ABORT, 'sabotage'); END",
        ],
        beep_store::Backend::Postgres => vec![
            "CREATE FUNCTION sabotage() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'sabotage'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER sabotage BEFORE INSERT ON session FOR EACH ROW EXECUTE FUNCTION sabotage()",
        ],
    };
    for sql in sabotage {
        conn.execute_unprepared(sql).await.unwrap();
    }

    let result = w
        .auth
        .sign_up(sign_up_input("doomed@example.com"), ClientInfo::default())
        .await;

    assert!(matches!(result, Err(AuthError::Internal(_))));
    for table in USER_TABLES {
        assert_eq!(
            count(conn, table).await,
            0,
            "{table} has a half-written row"
        );
    }
}

async fn a_taken_email_is_refused_whatever_its_case(db: TestDb) {
    let w = world(db);
    w.sign_up("taken@example.com").await;

    let again = w
        .auth
        .sign_up(sign_up_input("TAKEN@example.com"), ClientInfo::default())
        .await;

    assert!(matches!(again, Err(AuthError::UserAlreadyExists)));
    assert_eq!(users::count(w.db.store.conn()).await.unwrap(), 1);
}

async fn a_weak_password_is_refused_with_its_reason(db: TestDb) {
    let w = world(db);
    let mut input = sign_up_input("weak@example.com");
    input.password = Secret::new("password1".into());

    let result = w.auth.sign_up(input, ClientInfo::default()).await;

    assert!(matches!(
        result,
        Err(AuthError::Password(PasswordRejection::TooCommon))
    ));
    assert_eq!(users::count(w.db.store.conn()).await.unwrap(), 0);
}

async fn wrong_password_and_unknown_email_fail_alike(db: TestDb) {
    let w = world(db);
    w.sign_up("known@example.com").await;

    let wrong = w.sign_in("known@example.com", "Not-The-Password-1").await;
    let unknown = w
        .sign_in("nobody@example.com", "Compile-Bug-Moth-1947")
        .await;

    assert!(matches!(wrong, Err(AuthError::InvalidEmailOrPassword)));
    assert!(matches!(unknown, Err(AuthError::InvalidEmailOrPassword)));
}

async fn signing_in_opens_a_new_session_with_the_organization_context(db: TestDb) {
    let w = world(db);
    let first = w.sign_up("two@example.com").await;

    let second = w
        .sign_in("TWO@example.com", "Compile-Bug-Moth-1947")
        .await
        .unwrap();

    assert_ne!(first.session.id, second.session.id);
    assert_ne!(first.token.expose(), second.token.expose());
    assert_eq!(
        second.session.organization_context,
        first.session.organization_context
    );
}

async fn a_better_auth_scrypt_hash_signs_in_and_becomes_argon2id(db: TestDb) {
    let w = world(db);
    let signed = w.sign_up("legacy@example.com").await;
    let conn = w.db.store.conn();
    let account = accounts::find_credential(conn, &signed.user.id)
        .await
        .unwrap()
        .unwrap();
    // Made by better-auth 1.7.25's hashPassword("better-auth-legacy-pw").
    let legacy = include_str!("fixtures/better-auth-scrypt-hash.txt").trim();
    accounts::set_password_hash(
        conn,
        &account.id,
        account.audit.version,
        legacy,
        &signed.user.id,
        w.auth.now(),
    )
    .await
    .unwrap();

    w.sign_in("legacy@example.com", "better-auth-legacy-pw")
        .await
        .unwrap();

    let upgraded = accounts::find_credential(conn, &signed.user.id)
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    assert!(upgraded.expose().starts_with("$argon2id$"));
    w.sign_in("legacy@example.com", "better-auth-legacy-pw")
        .await
        .unwrap();
}

async fn a_session_slides_forward_once_a_day_and_dies_when_unused(db: TestDb) {
    let w = world(db);
    let signed = w.sign_up("slide@example.com").await;
    let created_expiry = signed.session.expires_at;

    w.clock.advance(Duration::hours(12));
    let same_day = w.active(&signed.token).await;
    assert!(!same_day.refreshed);
    assert_eq!(same_day.session.expires_at, created_expiry);

    w.clock.advance(Duration::hours(13));
    let next_day = w.active(&signed.token).await;
    assert!(next_day.refreshed);
    assert_eq!(
        next_day.session.expires_at,
        w.auth.now() + Duration::days(30)
    );

    w.clock.advance(Duration::days(31));
    assert!(!w.is_signed_in(&signed.token).await);
    assert_eq!(count(w.db.store.conn(), "session").await, 0);
}

async fn sliding_refresh_never_passes_the_absolute_lifetime(db: TestDb) {
    let w = world(db);
    let signed = w.sign_up("cap@example.com").await;

    for _ in 0..95 {
        w.clock.advance(Duration::days(1));
        if !w.is_signed_in(&signed.token).await {
            break;
        }
    }

    let age = w.auth.now() - signed.session.audit.created_at;
    assert!(age <= Duration::days(91), "session lived {age}");
    assert!(!w.is_signed_in(&signed.token).await);
}

async fn a_dont_remember_session_lasts_a_day_and_never_refreshes(db: TestDb) {
    let w = world(db);
    let mut input = sign_up_input("brief@example.com");
    input.remember_me = false;
    let signed = w
        .auth
        .sign_up(input, ClientInfo::default())
        .await
        .unwrap()
        .signed_in()
        .unwrap();
    assert_eq!(
        signed.session.expires_at,
        signed.session.audit.created_at + Duration::days(1)
    );

    w.clock.advance(Duration::hours(23));
    let active = w.active(&signed.token).await;
    assert!(!active.refreshed);

    w.clock.advance(Duration::hours(2));
    assert!(!w.is_signed_in(&signed.token).await);
}

async fn an_unknown_token_has_no_session(db: TestDb) {
    let w = world(db);
    assert!(
        w.auth
            .authenticate(&SessionToken::generate(), true)
            .await
            .unwrap()
            .is_none()
    );
}

async fn changing_the_password_with_revocation_ends_every_other_session(db: TestDb) {
    let w = world(db);
    let first = w.sign_up("change@example.com").await;
    let other = w
        .sign_in("change@example.com", "Compile-Bug-Moth-1947")
        .await
        .unwrap();
    let current = w.active(&first.token).await;

    let renewed = w
        .auth
        .change_password(
            &current,
            &Secret::new("Compile-Bug-Moth-1947".into()),
            &Secret::new("Nanosecond-Wire-Length".into()),
            true,
            ClientInfo::default(),
        )
        .await
        .unwrap()
        .unwrap();

    assert!(!w.is_signed_in(&first.token).await);
    assert!(!w.is_signed_in(&other.token).await);
    assert!(w.is_signed_in(&renewed.token).await);
    assert!(
        w.sign_in("change@example.com", "Compile-Bug-Moth-1947")
            .await
            .is_err()
    );
    assert!(
        w.sign_in("change@example.com", "Nanosecond-Wire-Length")
            .await
            .is_ok()
    );
}

async fn a_wrong_current_password_changes_nothing(db: TestDb) {
    let w = world(db);
    let first = w.sign_up("keep@example.com").await;
    let current = w.active(&first.token).await;

    let result = w
        .auth
        .change_password(
            &current,
            &Secret::new("Wrong-Password-Here".into()),
            &Secret::new("Nanosecond-Wire-Length".into()),
            true,
            ClientInfo::default(),
        )
        .await;

    assert!(matches!(result, Err(AuthError::InvalidPassword)));
    assert!(w.is_signed_in(&first.token).await);
}

async fn deleting_a_user_removes_their_personal_organization(db: TestDb) {
    let w = world(db);
    let signed = w.sign_up("leaving@example.com").await;
    let current = w.active(&signed.token).await;

    let refused = w
        .auth
        .delete_user(
            &current,
            DeleteUser {
                password: Some(Secret::new("Wrong-Password-Here".into())),
            },
        )
        .await;
    assert!(matches!(refused, Err(AuthError::InvalidPassword)));

    w.auth
        .delete_user(
            &current,
            DeleteUser {
                password: Some(Secret::new("Compile-Bug-Moth-1947".into())),
            },
        )
        .await
        .unwrap();

    let conn = w.db.store.conn();
    for table in USER_TABLES {
        assert_eq!(count(conn, table).await, 0, "{table} kept a row");
    }
}

async fn revoking_another_users_session_does_nothing(db: TestDb) {
    let w = world(db);
    let alice = w.sign_up("alice@example.com").await;
    let bob = w.sign_up("bob@example.com").await;

    let revoked = w
        .auth
        .revoke_session(&alice.user.id, bob.session.id.as_str())
        .await
        .unwrap();

    assert!(!revoked);
    assert!(w.is_signed_in(&bob.token).await);
    assert!(
        sessions::list_active(w.db.store.conn(), &bob.user.id, w.auth.now())
            .await
            .unwrap()
            .len()
            == 1
    );
}

on_both_databases!(
    sign_up_hooks => sign_up_makes_a_user_with_a_personal_organization_and_session,
    nameless_user => a_nameless_user_gets_a_user_organization,
    sign_up_atomic => a_failure_late_in_sign_up_leaves_no_rows,
    taken_email => a_taken_email_is_refused_whatever_its_case,
    weak_password => a_weak_password_is_refused_with_its_reason,
    sign_in_failures_alike => wrong_password_and_unknown_email_fail_alike,
    sign_in_context => signing_in_opens_a_new_session_with_the_organization_context,
    legacy_scrypt => a_better_auth_scrypt_hash_signs_in_and_becomes_argon2id,
    sliding_refresh => a_session_slides_forward_once_a_day_and_dies_when_unused,
    absolute_lifetime => sliding_refresh_never_passes_the_absolute_lifetime,
    dont_remember => a_dont_remember_session_lasts_a_day_and_never_refreshes,
    unknown_token => an_unknown_token_has_no_session,
    change_password_revokes => changing_the_password_with_revocation_ends_every_other_session,
    change_password_wrong => a_wrong_current_password_changes_nothing,
    delete_user => deleting_a_user_removes_their_personal_organization,
    foreign_revoke => revoking_another_users_session_does_nothing,
);
