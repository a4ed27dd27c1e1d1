//! Forward-only, transactional migrations, recorded in `schema_migrations`.
//!
//! Migrations 1 and 4 to 12 are explicit SQL, one file per database (`migrations/`). Migration 2 is
//! still derived from its entities (the outbox's); it must be frozen the same way before
//! those entities change. Migration 3 is PostgreSQL triggers.

use crate::db::{Backend, Store};
use crate::entities::{self, enums};
use crate::error::StoreError;
use sea_orm::sea_query::{Expr, ExprTrait, TableCreateStatement};
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseTransaction, EntityTrait, Iterable, Schema, Statement,
};

/// The schema version this binary writes and expects.
pub const SCHEMA_VERSION: i64 = 12;

/// How the database's schema compares with this binary's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationState {
    /// Every migration is applied.
    Current,
    /// Some migrations are missing (run `beep-iam migrate`).
    Behind {
        /// The version the database is at.
        applied: i64,
    },
    /// The database was migrated by a newer beep-iam; this binary must not touch it.
    Ahead {
        /// The version the database is at.
        applied: i64,
    },
}

impl Store {
    /// Applies every missing migration, each in its own transaction.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_until(SCHEMA_VERSION).await
    }

    /// Applies the missing migrations up to `version` only (tests of a migration start from
    /// the schema before it).
    #[cfg(feature = "testing")]
    pub async fn migrate_to(&self, version: i64) -> Result<(), StoreError> {
        self.migrate_until(Ord::min(version, SCHEMA_VERSION)).await
    }

    async fn migrate_until(&self, target: i64) -> Result<(), StoreError> {
        self.ensure_migrations_table().await?;
        loop {
            let tx = self.write().await?;
            if self.backend() == Backend::Postgres {
                // Two nodes starting at once: the second waits, then sees the work done.
                tx.execute_unprepared("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                    .await?;
            }
            let applied = applied_version(&tx).await?;
            if applied > SCHEMA_VERSION {
                return Err(StoreError::Schema(format!(
                    "database schema version {applied} is newer than this binary's {SCHEMA_VERSION}"
                )));
            }
            if applied >= target {
                return Ok(());
            }
            let next = applied + 1;
            apply(next, self.backend(), &tx).await?;
            let record = Statement::from_sql_and_values(
                tx.get_database_backend(),
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                [next.into(), chrono::Utc::now().into()],
            );
            tx.execute_raw(record).await?;
            tx.commit().await?;
            tracing::info!(version = next, "applied migration");
        }
    }

    /// Compares the database's schema version with this binary's.
    pub async fn migration_state(&self) -> Result<MigrationState, StoreError> {
        self.ensure_migrations_table().await?;
        let applied = applied_version(self.conn()).await?;
        Ok(match applied.cmp(&SCHEMA_VERSION) {
            std::cmp::Ordering::Equal => MigrationState::Current,
            std::cmp::Ordering::Less => MigrationState::Behind { applied },
            std::cmp::Ordering::Greater => MigrationState::Ahead { applied },
        })
    }

    async fn ensure_migrations_table(&self) -> Result<(), StoreError> {
        self.conn()
            .execute_unprepared(
                "CREATE TABLE IF NOT EXISTS schema_migrations (\
                 version BIGINT PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)",
            )
            .await?;
        Ok(())
    }
}

async fn applied_version(conn: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "version")?,
        None => 0,
    })
}

async fn apply(version: i64, backend: Backend, tx: &DatabaseTransaction) -> Result<(), StoreError> {
    match version {
        1 => run_script(tx, backend, INITIAL_POSTGRES, INITIAL_SQLITE).await,
        2 => mail_outbox(backend, tx).await,
        3 => session_change_notices(backend, tx).await,
        4 => run_script(tx, backend, ORGANIZATIONS_POSTGRES, ORGANIZATIONS_SQLITE).await,
        5 => run_script(tx, backend, TWO_FACTOR_POSTGRES, TWO_FACTOR_SQLITE).await,
        6 => run_script(tx, backend, PASSKEYS_POSTGRES, PASSKEYS_SQLITE).await,
        7 => run_script(tx, backend, JWKS_POSTGRES, JWKS_SQLITE).await,
        8 => run_script(tx, backend, API_KEYS_POSTGRES, API_KEYS_SQLITE).await,
        9 => run_script(tx, backend, ADMIN_POSTGRES, ADMIN_SQLITE).await,
        10 => run_script(tx, backend, OAUTH_PROVIDER_POSTGRES, OAUTH_PROVIDER_SQLITE).await,
        11 => run_script(tx, backend, OAUTH_GRANTS_POSTGRES, OAUTH_GRANTS_SQLITE).await,
        12 => run_script(tx, backend, AUDIT_POSTGRES, AUDIT_SQLITE).await,
        other => Err(StoreError::Schema(format!("no migration {other}"))),
    }
}

/// Migration 1: every table of the foundation, with native enums on PostgreSQL.
const INITIAL_POSTGRES: &str = include_str!("migrations/0001_initial.postgres.sql");
/// See [`INITIAL_POSTGRES`].
const INITIAL_SQLITE: &str = include_str!("migrations/0001_initial.sqlite.sql");
/// Migration 4: several roles per member, team roles, invitations to several teams.
const ORGANIZATIONS_POSTGRES: &str = include_str!("migrations/0004_organizations.postgres.sql");
/// See [`ORGANIZATIONS_POSTGRES`].
const ORGANIZATIONS_SQLITE: &str = include_str!("migrations/0004_organizations.sqlite.sql");

/// Migration 5: `user.two_factor_enabled`, TOTP enrolments and trusted devices.
const TWO_FACTOR_POSTGRES: &str = include_str!("migrations/0005_two_factor.postgres.sql");
/// See [`TWO_FACTOR_POSTGRES`].
const TWO_FACTOR_SQLITE: &str = include_str!("migrations/0005_two_factor.sqlite.sql");

/// Migration 6: the `passkey` table.
const PASSKEYS_POSTGRES: &str = include_str!("migrations/0006_passkeys.postgres.sql");
/// See [`PASSKEYS_POSTGRES`].
const PASSKEYS_SQLITE: &str = include_str!("migrations/0006_passkeys.sqlite.sql");

/// Migration 7: the `jwks` table of JWT signing keys.
const JWKS_POSTGRES: &str = include_str!("migrations/0007_jwks.postgres.sql");
/// See [`JWKS_POSTGRES`].
const JWKS_SQLITE: &str = include_str!("migrations/0007_jwks.sqlite.sql");

/// Migration 8: the `apikey` table.
const API_KEYS_POSTGRES: &str = include_str!("migrations/0008_api_keys.postgres.sql");
/// See [`API_KEYS_POSTGRES`].
const API_KEYS_SQLITE: &str = include_str!("migrations/0008_api_keys.sqlite.sql");

/// Migration 9: user roles and bans, impersonation sessions.
const ADMIN_POSTGRES: &str = include_str!("migrations/0009_admin.postgres.sql");
/// See [`ADMIN_POSTGRES`].
const ADMIN_SQLITE: &str = include_str!("migrations/0009_admin.sqlite.sql");

/// Migration 10: OAuth clients and the access tokens issued to them.
const OAUTH_PROVIDER_POSTGRES: &str = include_str!("migrations/0010_oauth_provider.postgres.sql");
/// See [`OAUTH_PROVIDER_POSTGRES`].
const OAUTH_PROVIDER_SQLITE: &str = include_str!("migrations/0010_oauth_provider.sqlite.sql");

/// Migration 11: OAuth grants (authorization codes and token families), refresh tokens,
/// consents, device codes.
const OAUTH_GRANTS_POSTGRES: &str = include_str!("migrations/0011_oauth_grants.postgres.sql");
/// See [`OAUTH_GRANTS_POSTGRES`].
const OAUTH_GRANTS_SQLITE: &str = include_str!("migrations/0011_oauth_grants.sqlite.sql");

/// Migration 12: the audit log and the webhook outbox.
const AUDIT_POSTGRES: &str = include_str!("migrations/0012_audit.postgres.sql");
/// See [`AUDIT_POSTGRES`].
const AUDIT_SQLITE: &str = include_str!("migrations/0012_audit.sqlite.sql");

/// Runs a migration script, statement by statement (`;` at the end of a line ends one;
/// `--` lines are comments).
async fn run_script(
    tx: &DatabaseTransaction,
    backend: Backend,
    postgres: &str,
    sqlite: &str,
) -> Result<(), StoreError> {
    let script = match backend {
        Backend::Postgres => postgres,
        Backend::Sqlite => sqlite,
    };
    let mut statement = String::new();
    for line in script.lines().filter(|l| !l.trim_start().starts_with("--")) {
        statement.push_str(line);
        statement.push('\n');
        if line.trim_end().ends_with(';') {
            tx.execute_unprepared(&statement).await?;
            statement.clear();
        }
    }
    if !statement.trim().is_empty() {
        tx.execute_unprepared(&statement).await?;
    }
    Ok(())
}

/// Migration 2: the mail outbox and its delivery attempts.
async fn mail_outbox(backend: Backend, tx: &DatabaseTransaction) -> Result<(), StoreError> {
    let schema = Schema::new(tx.get_database_backend());
    if backend == Backend::Postgres
        && let Some(enum_type) = schema.create_enum_from_active_enum::<enums::DbOutboxStatus>()
    {
        tx.execute(&enum_type).await?;
    }
    create_table(tx, &schema, backend, entities::outbox_mail::Entity).await?;
    create_table(tx, &schema, backend, entities::outbox_attempt::Entity).await?;
    Ok(())
}

/// Migration 3 (PostgreSQL): every update or delete of a session or user row notifies
/// [`crate::SESSION_CHANGES_CHANNEL`] with the user's id, on commit, so nodes that cache
/// sessions in memory forget that user's sessions, whoever made the change. SQLite: nothing to do.
async fn session_change_notices(
    backend: Backend,
    tx: &DatabaseTransaction,
) -> Result<(), StoreError> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    let channel = crate::SESSION_CHANGES_CHANNEL;
    tx.execute_unprepared(&format!(
        "CREATE FUNCTION beep_iam_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_notify('{channel}', OLD.user_id); RETURN NULL; END $$; \
         CREATE TRIGGER session_changed AFTER UPDATE OR DELETE ON \"session\" \
         FOR EACH ROW EXECUTE FUNCTION beep_iam_session_changed(); \
         CREATE FUNCTION beep_iam_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_notify('{channel}', OLD.id); RETURN NULL; END $$; \
         CREATE TRIGGER user_changed AFTER UPDATE OR DELETE ON \"user\" \
         FOR EACH ROW EXECUTE FUNCTION beep_iam_user_changed();"
    ))
    .await?;
    Ok(())
}

async fn create_table<E: EntityTrait>(
    tx: &DatabaseTransaction,
    schema: &Schema,
    backend: Backend,
    entity: E,
) -> Result<(), StoreError> {
    let mut table = schema.create_table_from_entity(entity);
    if backend == Backend::Sqlite {
        add_enum_checks::<E>(&mut table);
    }
    tx.execute(&table).await?;
    for index in schema.create_index_from_entity(entity) {
        tx.execute(&index).await?;
    }
    Ok(())
}

/// SQLite has no enum types: each enum column becomes TEXT with a CHECK on the variants.
fn add_enum_checks<E: EntityTrait>(table: &mut TableCreateStatement) {
    use sea_orm::ColumnTrait;
    for column in E::Column::iter() {
        if let sea_orm::ColumnType::Enum { variants, .. } = column.def().get_column_type() {
            let values: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
            table.check(Expr::col(column).is_in(values));
        }
    }
}

/// The variants the database accepts for an enum, as stored (PostgreSQL: from the type).
pub async fn enum_variants_in_database<A: ActiveEnum>(
    store: &Store,
) -> Result<Option<Vec<String>>, StoreError> {
    if store.backend() != Backend::Postgres {
        return Ok(None);
    }
    let name = A::name().to_string();
    let rows = store
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
             WHERE t.typname = $1 ORDER BY e.enumsortorder",
            [name.into()],
        ))
        .await?;
    let mut labels = Vec::with_capacity(rows.len());
    for row in rows {
        labels.push(row.try_get::<String>("", "label")?);
    }
    Ok(Some(labels))
}
