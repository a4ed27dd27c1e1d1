//! Migrations on databases that already hold data. Migration 4: every member, invitation
//! and team member keeps its data, roles become text, and the new checks hold (on SQLite,
//! where the member and invitation tables are rebuilt, and on PostgreSQL). Migration 5:
//! users keep their rows, with two-factor off. Migration 6: passkeys, one per credential id.
//! Migration 7: JWT signing keys, by algorithm, with or without an expiry. Migration 8: API
//! keys, owned by exactly one user or organization, one per digest, gone with their owner.
//! Migration 9: users get the `user` role and no ban; impersonation sessions go with their
//! admin.

use beep_domain::{Email, InvitationId, OrganizationId, TeamId, UserId};
use beep_store::repos::{invitations, members, teams};
use beep_store::testing::{TestDb, count_rows};
use beep_store::{Backend, ConnectionTrait};

const NOW: &str = "2026-11-30T12:00:00Z";

async fn a_schema_3_database_keeps_its_organizations(backend: Backend) {
    let db = TestDb::at_version(backend, 3).await;
    let conn = db.store.conn();
    let (role, status, inv_status, kind, tier, sub) = if backend == Backend::Postgres {
        (
            "::member_role",
            "::member_status",
            "::invitation_status",
            "::organization_type",
            "::subscription_tier",
            "::subscription_status",
        )
    } else {
        ("", "", "", "", "", "")
    };
    for statement in [
        format!(
            "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_a', 'Ada', 'ada@example.com', true, '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO organization (id, name, slug, type, is_personal, subscription_tier, subscription_status, created_at, updated_at, version) VALUES ('org_a', 'Acme', 'acme', 'team'{kind}, false, 'free'{tier}, 'active'{sub}, '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO member (id, organization_id, user_id, role, status, created_at, updated_at, version) VALUES ('mem_a', 'org_a', 'user_a', 'owner'{role}, 'active'{status}, '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO invitation (id, organization_id, email, role, team_id, status, expires_at, inviter_id, created_at, updated_at, version) VALUES ('inv_a', 'org_a', 'grace@example.com', 'admin'{role}, 'team_a', 'pending'{inv_status}, '2026-12-02T12:00:00Z', 'user_a', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO team (id, name, organization_id, created_at, updated_at, version) VALUES ('team_a', 'Core', 'org_a', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO team_member (id, team_id, user_id, created_at, updated_at, version) VALUES ('tmem_a', 'team_a', 'user_a', '{NOW}', '{NOW}', 1)"
        ),
    ] {
        conn.execute_unprepared(&statement).await.expect(&statement);
    }

    db.store.migrate().await.unwrap();

    let org = OrganizationId::unchecked("org_a");
    let user = UserId::unchecked("user_a");
    let member = members::find(conn, &org, &user).await.unwrap().unwrap();
    assert_eq!(member.role.stored(), "owner");
    let invitation = invitations::find(conn, &InvitationId::unchecked("inv_a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invitation.role.stored(), "admin");
    assert_eq!(invitation.team_ids, [TeamId::unchecked("team_a")]);
    assert_eq!(invitation.email, Email::parse("grace@example.com").unwrap());
    let in_team = teams::member(conn, &TeamId::unchecked("team_a"), &user)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        in_team.role.stored(),
        "member",
        "team members start as members"
    );
    let several = conn
        .execute_unprepared("UPDATE member SET role = 'admin,member' WHERE id = 'mem_a'")
        .await;
    let blank = conn
        .execute_unprepared("UPDATE member SET role = '' WHERE id = 'mem_a'")
        .await;
    assert!(several.is_ok(), "several roles fit now");
    assert!(blank.is_err(), "no member without a role");
    let duplicate = conn
        .execute_unprepared(&format!(
            "INSERT INTO member (id, organization_id, user_id, role, status, created_at, updated_at, version) VALUES ('mem_b', 'org_a', 'user_a', 'member', 'active'{status}, '{NOW}', '{NOW}', 1)"
        ))
        .await;
    assert!(
        duplicate.is_err(),
        "one membership per user and organization, still"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_3_database_keeps_its_organizations() {
    a_schema_3_database_keeps_its_organizations(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_3_database_keeps_its_organizations() {
    a_schema_3_database_keeps_its_organizations(Backend::Postgres).await;
}

/// Migration 5 on a database with users: each keeps their row with two-factor off, and the
/// enrolment table takes one row per user only.
async fn a_schema_4_database_keeps_its_users_with_two_factor_off(backend: Backend) {
    let db = TestDb::at_version(backend, 4).await;
    let conn = db.store.conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_b', 'Bea', 'bea@example.com', true, '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();

    db.store.migrate().await.unwrap();

    let user = beep_store::repos::users::find_by_id(conn, &UserId::unchecked("user_b"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email, Email::parse("bea@example.com").unwrap());
    assert!(!user.two_factor_enabled);
    let enrolment = |id: &str| {
        format!(
            "INSERT INTO two_factor (id, user_id, secret, backup_codes, verified, failed_attempts, created_at, updated_at, version) VALUES ('{id}', 'user_b', 's', 'c', false, 0, '{NOW}', '{NOW}', 1)"
        )
    };
    assert!(conn.execute_unprepared(&enrolment("tfa_1")).await.is_ok());
    assert!(
        conn.execute_unprepared(&enrolment("tfa_2")).await.is_err(),
        "one enrolment per user"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_4_database_keeps_its_users_with_two_factor_off() {
    a_schema_4_database_keeps_its_users_with_two_factor_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_4_database_keeps_its_users_with_two_factor_off() {
    a_schema_4_database_keeps_its_users_with_two_factor_off(Backend::Postgres).await;
}

/// Migration 6 on a database with a user: passkeys can be added, a credential id belongs to
/// one passkey only, and a user's passkeys go with the user.
async fn a_schema_5_database_takes_passkeys(backend: Backend) {
    let db = TestDb::at_version(backend, 5).await;
    let conn = db.store.conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_p', 'Pia', 'pia@example.com', true, '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();

    db.store.migrate().await.unwrap();

    let passkey = |id: &str| {
        format!(
            "INSERT INTO passkey (id, user_id, credential_id, public_key, counter, device_type, backed_up, transports, created_at, updated_at, version) VALUES ('{id}', 'user_p', 'Y3JlZA', 'pQ==', 0, 'singleDevice', false, 'internal', '{NOW}', '{NOW}', 1)"
        )
    };
    assert!(conn.execute_unprepared(&passkey("pk_1")).await.is_ok());
    assert!(
        conn.execute_unprepared(&passkey("pk_2")).await.is_err(),
        "one passkey per credential id"
    );
    conn.execute_unprepared("DELETE FROM \"user\" WHERE id = 'user_p'")
        .await
        .unwrap();
    assert_eq!(count_rows(conn, "passkey").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_5_database_takes_passkeys() {
    a_schema_5_database_takes_passkeys(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_5_database_takes_passkeys() {
    a_schema_5_database_takes_passkeys(Backend::Postgres).await;
}

/// Migration 7 on a database with data: the `jwks` table takes keys with and without an
/// expiry, and the repository finds the newest that still signs.
async fn a_schema_6_database_takes_jwt_keys(backend: Backend) {
    let db = TestDb::at_version(backend, 6).await;
    let conn = db.store.conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_j', 'Jo', 'jo@example.com', true, '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();

    db.store.migrate().await.unwrap();

    let key = |id: &str, created: &str, expires: &str| {
        format!(
            "INSERT INTO jwks (id, alg, public_key, private_key, expires_at, created_at, updated_at, version) VALUES ('{id}', 'EdDSA', '{{}}', 'sealed', {expires}, '{created}', '{created}', 1)"
        )
    };
    conn.execute_unprepared(&key(
        "jwk_old",
        "2026-10-01T00:00:00Z",
        "'2026-11-10T00:00:00Z'",
    ))
    .await
    .unwrap();
    conn.execute_unprepared(&key("jwk_new", "2026-11-15T00:00:00Z", "NULL"))
        .await
        .unwrap();
    assert_eq!(count_rows(conn, "user").await, 1);
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let newest = beep_store::repos::jwks::newest_signing(conn, "EdDSA", now)
        .await
        .unwrap()
        .expect("a signing key");
    assert_eq!(newest.id.as_str(), "jwk_new");
    let published = beep_store::repos::jwks::published(conn, now, chrono::Duration::days(30))
        .await
        .unwrap();
    let ids: Vec<_> = published.iter().map(|k| k.id.as_str().to_owned()).collect();
    assert_eq!(
        ids,
        ["jwk_new", "jwk_old"],
        "the old key is within its grace period"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_6_database_takes_jwt_keys() {
    a_schema_6_database_takes_jwt_keys(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_6_database_takes_jwt_keys() {
    a_schema_6_database_takes_jwt_keys(Backend::Postgres).await;
}

/// Migration 8 on a database with data: a user's key is stored and found by its digest; a
/// row owned by nobody, or a second row with the same digest, is refused; the key goes with
/// its user.
async fn a_schema_7_database_takes_api_keys(backend: Backend) {
    let db = TestDb::at_version(backend, 7).await;
    let conn = db.store.conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_k', 'Kim', 'kim@example.com', true, '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();

    db.store.migrate().await.unwrap();

    let key = |id: &str, owner: &str, digest: &str| {
        format!(
            "INSERT INTO apikey (id, config_id, user_id, key_digest, enabled, rate_limit_enabled, rate_limit_time_window, rate_limit_max, request_count, created_at, updated_at, version) VALUES ('{id}', 'default', {owner}, '{digest}', true, true, 86400000, 10, 0, '{NOW}', '{NOW}', 1)"
        )
    };
    conn.execute_unprepared(&key("ak_one", "'user_k'", "digest-one"))
        .await
        .unwrap();
    let ownerless = conn
        .execute_unprepared(&key("ak_two", "NULL", "digest-two"))
        .await;
    let same_digest = conn
        .execute_unprepared(&key("ak_three", "'user_k'", "digest-one"))
        .await;
    let found = beep_store::repos::api_keys::find_by_digest(conn, "digest-one")
        .await
        .unwrap()
        .expect("the key by its digest");
    conn.execute_unprepared("DELETE FROM \"user\" WHERE id = 'user_k'")
        .await
        .unwrap();

    assert!(ownerless.is_err(), "a key with no owner was stored");
    assert!(same_digest.is_err(), "two keys share a digest");
    assert_eq!(found.id.as_str(), "ak_one");
    assert_eq!(
        count_rows(conn, "apikey").await,
        0,
        "the key outlived its user"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_7_database_takes_api_keys() {
    a_schema_7_database_takes_api_keys(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_7_database_takes_api_keys() {
    a_schema_7_database_takes_api_keys(Backend::Postgres).await;
}

/// Migration 9 on a database with a user and a session: the user gets the `user` role and
/// no ban, the session no impersonator, and an impersonation session goes with its admin.
async fn a_schema_8_database_takes_roles_and_bans(backend: Backend) {
    let db = TestDb::at_version(backend, 8).await;
    let conn = db.store.conn();
    for (id, email) in [
        ("user_r", "rae@example.com"),
        ("user_a", "root@example.com"),
    ] {
        conn.execute_unprepared(&format!(
            "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('{id}', 'R', '{email}', true, '{NOW}', '{NOW}', 1)"
        ))
        .await
        .unwrap();
    }

    db.store.migrate().await.unwrap();

    let user = beep_store::repos::users::find_by_id(conn, &UserId::unchecked("user_r"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, "user");
    assert!(!user.banned && user.ban_reason.is_none() && user.ban_expires.is_none());
    conn.execute_unprepared(&format!(
        "INSERT INTO session (id, token_digest, user_id, expires_at, ip_address, user_agent, remember_me, organization_context, impersonated_by, created_at, updated_at, version) VALUES ('sess_i', 'd', 'user_r', '{NOW}', '', '', false, '{{}}', 'user_a', '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();
    let unknown_admin = conn
        .execute_unprepared(&format!(
            "INSERT INTO session (id, token_digest, user_id, expires_at, ip_address, user_agent, remember_me, organization_context, impersonated_by, created_at, updated_at, version) VALUES ('sess_j', 'e', 'user_r', '{NOW}', '', '', false, '{{}}', 'user_nobody', '{NOW}', '{NOW}', 1)"
        ))
        .await;
    conn.execute_unprepared("DELETE FROM \"user\" WHERE id = 'user_a'")
        .await
        .unwrap();

    assert!(unknown_admin.is_err(), "an impersonator who is no user");
    assert_eq!(
        count_rows(conn, "session").await,
        0,
        "the impersonation outlived its admin"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_8_database_takes_roles_and_bans() {
    a_schema_8_database_takes_roles_and_bans(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_8_database_takes_roles_and_bans() {
    a_schema_8_database_takes_roles_and_bans(Backend::Postgres).await;
}

/// Migration 10 on a database with a user: OAuth clients and their tokens can be stored,
/// the checks keep unknown auth methods out, a session's end leaves its tokens without a
/// session, and a client's tokens (and the client) go with their owner.
async fn a_schema_9_database_takes_oauth_clients(backend: Backend) {
    let db = TestDb::at_version(backend, 9).await;
    let conn = db.store.conn();
    conn.execute_unprepared(&format!(
        "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_o', 'O', 'owner@example.com', true, '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();

    db.store.migrate_to(10).await.unwrap();

    let client = |id: &str, method: &str| {
        format!(
            "INSERT INTO oauth_client (id, client_id, client_credentials_scopes, user_id, redirect_uris, token_endpoint_auth_method, application_type, grant_types, response_types, created_at, updated_at, version) VALUES ('oac_{id}', '{id}', '[]', 'user_o', '[]', '{method}', 'web', '[\"client_credentials\"]', '[]', '{NOW}', '{NOW}', 1)"
        )
    };
    conn.execute_unprepared(&client("good", "client_secret_basic"))
        .await
        .unwrap();
    let bad_method = conn
        .execute_unprepared(&client("bad", "private_key_jwt"))
        .await;
    conn.execute_unprepared(&format!(
        "INSERT INTO session (id, token_digest, user_id, expires_at, ip_address, user_agent, remember_me, organization_context, created_at, updated_at, version) VALUES ('sess_o', 'd', 'user_o', '{NOW}', '', '', false, '{{}}', '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();
    conn.execute_unprepared(&format!(
        "INSERT INTO oauth_access_token (id, token_digest, client_id, user_id, session_id, scopes, expires_at, created_at, updated_at, version) VALUES ('oat_1', 't', 'good', 'user_o', 'sess_o', '[]', '{NOW}', '{NOW}', '{NOW}', 1)"
    ))
    .await
    .unwrap();
    let unknown_client = conn
        .execute_unprepared(&format!(
            "INSERT INTO oauth_access_token (id, token_digest, client_id, scopes, expires_at, created_at, updated_at, version) VALUES ('oat_2', 'u', 'nobody', '[]', '{NOW}', '{NOW}', '{NOW}', 1)"
        ))
        .await;
    conn.execute_unprepared("DELETE FROM session WHERE id = 'sess_o'")
        .await
        .unwrap();
    // Read by hand: the repository knows the schema of migration 11.
    let session_of_token = conn
        .query_one_raw(beep_store::sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT session_id FROM oauth_access_token WHERE id = 'oat_1'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<Option<String>>("", "session_id")
        .unwrap();

    assert!(
        bad_method.is_err(),
        "an auth method the server does not know"
    );
    assert!(unknown_client.is_err(), "a token of no client");
    assert!(
        session_of_token.is_none(),
        "the token kept its ended session"
    );
    conn.execute_unprepared("DELETE FROM \"user\" WHERE id = 'user_o'")
        .await
        .unwrap();
    assert_eq!(count_rows(conn, "oauth_client").await, 0);
    assert_eq!(count_rows(conn, "oauth_access_token").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_9_database_takes_oauth_clients() {
    a_schema_9_database_takes_oauth_clients(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_9_database_takes_oauth_clients() {
    a_schema_9_database_takes_oauth_clients(Backend::Postgres).await;
}

/// Migration 11 on a database with a client, a session and an access token of that session:
/// the token survives the rebuild, now ends with its session; grants, refresh tokens,
/// consents and device codes can be stored; a refresh token outlives the session but not its
/// grant; one consent per user and client; device statuses are checked.
async fn a_schema_10_database_takes_grants(backend: Backend) {
    let db = TestDb::at_version(backend, 10).await;
    let conn = db.store.conn();
    for statement in [
        format!(
            "INSERT INTO \"user\" (id, name, email, email_verified, created_at, updated_at, version) VALUES ('user_o', 'O', 'owner@example.com', true, '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO oauth_client (id, client_id, client_credentials_scopes, user_id, redirect_uris, token_endpoint_auth_method, application_type, grant_types, response_types, created_at, updated_at, version) VALUES ('oac_a', 'app', '[]', 'user_o', '[]', 'none', 'web', '[]', '[]', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO session (id, token_digest, user_id, expires_at, ip_address, user_agent, remember_me, organization_context, created_at, updated_at, version) VALUES ('sess_o', 'd', 'user_o', '{NOW}', '', '', false, '{{}}', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO oauth_access_token (id, token_digest, client_id, user_id, session_id, scopes, expires_at, created_at, updated_at, version) VALUES ('oat_1', 't', 'app', 'user_o', 'sess_o', '[]', '{NOW}', '{NOW}', '{NOW}', 1)"
        ),
    ] {
        conn.execute_unprepared(&statement).await.unwrap();
    }

    db.store.migrate().await.unwrap();

    let kept = beep_store::repos::oauth_access_tokens::find_by_digest(conn, "t")
        .await
        .unwrap()
        .expect("the token survived the migration");
    assert!(kept.grant_id.is_none());
    for statement in [
        format!(
            "INSERT INTO oauth_grant (id, code_digest, client_id, user_id, session_id, redirect_uri, scopes, auth_time, code_expires_at, created_at, updated_at, version) VALUES ('oag_1', 'c', 'app', 'user_o', 'sess_o', 'https://rp/cb', '[]', '{NOW}', '{NOW}', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO oauth_refresh_token (id, token_digest, grant_id, client_id, user_id, session_id, scopes, auth_time, expires_at, created_at, updated_at, version) VALUES ('oar_1', 'r', 'oag_1', 'app', 'user_o', 'sess_o', '[]', '{NOW}', '{NOW}', '{NOW}', '{NOW}', 1)"
        ),
        format!(
            "INSERT INTO oauth_consent (id, client_id, user_id, scopes, created_at, updated_at, version) VALUES ('ocn_1', 'app', 'user_o', '[]', '{NOW}', '{NOW}', 1)"
        ),
    ] {
        conn.execute_unprepared(&statement).await.unwrap();
    }
    let second_consent = conn
        .execute_unprepared(&format!("INSERT INTO oauth_consent (id, client_id, user_id, scopes, created_at, updated_at, version) VALUES ('ocn_2', 'app', 'user_o', '[]', '{NOW}', '{NOW}', 1)"))
        .await;
    let bad_status = conn
        .execute_unprepared(&format!("INSERT INTO device_code (id, device_code_digest, user_code_digest, client_id, status, scopes, expires_at, interval_secs, created_at, updated_at, version) VALUES ('dvc_1', 'd', 'u', 'app', 'expired', '[]', '{NOW}', 5, '{NOW}', '{NOW}', 1)"))
        .await;
    conn.execute_unprepared("DELETE FROM session WHERE id = 'sess_o'")
        .await
        .unwrap();

    assert!(second_consent.is_err(), "one consent per user and client");
    assert!(
        bad_status.is_err(),
        "a device status the server does not know"
    );
    assert_eq!(
        count_rows(conn, "oauth_access_token").await,
        0,
        "the token ended with its session"
    );
    assert_eq!(
        count_rows(conn, "oauth_refresh_token").await,
        1,
        "offline access outlives it"
    );
    conn.execute_unprepared("DELETE FROM oauth_grant WHERE id = 'oag_1'")
        .await
        .unwrap();
    assert_eq!(
        count_rows(conn, "oauth_refresh_token").await,
        0,
        "but not its grant"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_schema_10_database_takes_grants() {
    a_schema_10_database_takes_grants(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_schema_10_database_takes_grants() {
    a_schema_10_database_takes_grants(Backend::Postgres).await;
}
