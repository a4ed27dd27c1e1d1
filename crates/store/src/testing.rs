//! Test support: every test gets its own fresh, migrated database, on SQLite (a temporary
//! file) or PostgreSQL (a uniquely named database, dropped afterwards).
//!
//! PostgreSQL is reached through `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), a maintenance database on the server
//! where test databases are created.

use crate::{Backend, Store};

/// A database that exists for one test.
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    /// The URL the store was opened with (for starting a server on the same database).
    pub url: String,
    backend: Backend,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn unique_name() -> String {
    format!("beep_test_{}", uuid::Uuid::now_v7().simple())
}

impl TestDb {
    /// A fresh database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A fresh database on `backend` at schema `version` (for testing the migrations after).
    pub async fn at_version(backend: Backend, version: i64) -> Self {
        let db = match backend {
            Backend::Sqlite => Self::sqlite_unmigrated().await,
            Backend::Postgres => Self::postgres_unmigrated().await,
        };
        db.store.migrate_to(version).await.expect("migrate");
        db
    }

    /// A fresh SQLite file in the temp folder.
    pub async fn sqlite() -> Self {
        let db = Self::sqlite_unmigrated().await;
        db.store.migrate().await.expect("migrate sqlite");
        db
    }

    async fn sqlite_unmigrated() -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::connect(&url, 8).await.expect("open sqlite");
        Self {
            store,
            url,
            backend: Backend::Sqlite,
            cleanup: Some(Cleanup::File(path)),
        }
    }

    /// A fresh PostgreSQL database.
    pub async fn postgres() -> Self {
        let db = Self::postgres_unmigrated().await;
        db.store.migrate().await.expect("migrate postgres");
        db
    }

    async fn postgres_unmigrated() -> Self {
        let admin_url = admin_url();
        let name = unique_name();
        let admin = Store::connect(&admin_url, 1)
            .await
            .expect("reach PostgreSQL at TEST_DATABASE_URL");
        use sea_orm::ConnectionTrait;
        admin
            .conn()
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("database url has a path");
        let url = format!("{base}/{name}");
        let store = Store::connect(&url, 10).await.expect("open test database");
        Self {
            store,
            url,
            backend: Backend::Postgres,
            cleanup: Some(Cleanup::Postgres { admin_url, name }),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(cleanup) = self.cleanup.take() else {
            return;
        };
        match cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop runs inside the test's runtime; do the async work on a thread of its own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            use sea_orm::ConnectionTrait;
                            if let Ok(admin) = Store::connect(&admin_url, 1).await {
                                let _ = admin
                                    .conn()
                                    .execute_unprepared(&format!(
                                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                    ))
                                    .await;
                                admin.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// Runs one async test body on both databases: `on_both_databases!(name, body_fn)` makes
/// `name::sqlite` and `name::postgres`, each calling `body_fn(TestDb)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident => $body:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$body($crate::testing::TestDb::sqlite().await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$body($crate::testing::TestDb::postgres().await).await;
                }
            }
        )+
    };
}

/// The number of rows in `table` (quoted, so `user` works on both databases).
pub async fn count_rows(conn: &impl sea_orm::ConnectionTrait, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM \"{table}\"");
    let statement = sea_orm::Statement::from_string(conn.get_database_backend(), sql);
    let row = conn
        .query_one_raw(statement)
        .await
        .expect("count rows")
        .expect("one row");
    row.try_get::<i64>("", "n").expect("a count")
}
