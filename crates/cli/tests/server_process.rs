//! The `beep-iam` binary as an operator runs it: zero-setup serve on SQLite, production
//! refusals, config check, migrate, user create, graceful shutdown, and a `kill -9` in the
//! middle of a sign-up storm.

use beep_store::Backend;
use beep_store::testing::{TestDb, count_rows};
use futures::StreamExt;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const PASSWORD: &str = "Correct-Horse-Battery-Staple";
const SECRET: &str = "process-test-secret-0123456789abcdef012345";

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_beep-iam")
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("beep-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `beep-iam serve` child process with its log file.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(data_dir: &Path, extra_env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = data_dir.join(format!("server-{port}.log"));
        let log_file = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(binary());
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", port.to_string())
            .env("BEEP_IAM_DATA_DIR", data_dir)
            .env("RATE_LIMIT_ENABLED", "false")
            .env("PASSWORD_HASH_MEMORY_KIB", "1024")
            .env("PASSWORD_HASH_ITERATIONS", "1")
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file));
        for (name, value) in extra_env {
            command.env(name, value);
        }
        Self {
            child: command.spawn().unwrap(),
            port,
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(reply) = client.get(self.url("/health/ready")).send().await
                && reply.status() == 200
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited early ({status}): {}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server not ready: {}", self.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, signal: &str) {
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
    }

    fn wait_exit(&mut self) -> std::process::ExitStatus {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("server did not exit: {}", self.log_text());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(
    url: &str,
    body: Value,
    cookie: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = reqwest::Client::new().post(url).json(&body);
    if let Some(cookie) = cookie {
        request = request
            .header("cookie", cookie)
            .header("origin", url.split("/api").next().unwrap());
    }
    let reply = request.send().await.unwrap();
    let status = reply.status().as_u16();
    let headers = reply.headers().clone();
    (status, reply.json().await.unwrap_or(Value::Null), headers)
}

fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("better-auth.session_token="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut command = Command::new(binary());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn serve_works_with_no_setup_and_keeps_sessions_across_restarts() {
    let dir = temp_dir();
    let mut server = Server::start(&dir, &[]);
    server.wait_ready().await;

    let (status, body, headers) = post(
        &server.url("/api/auth/sign-up/email"),
        json!({ "name": "Zero Setup", "email": "zero@example.com", "password": PASSWORD }),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let cookie = session_cookie(&headers);
    assert!(
        dir.join("beep-iam.db").exists(),
        "the SQLite file lives in the data folder"
    );
    let secret = dir.join("secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    server.signal("TERM");
    assert!(server.wait_exit().success());
    let mut restarted = Server::start(&dir, &[]);
    restarted.wait_ready().await;
    let reply = reqwest::Client::new()
        .get(restarted.url("/api/auth/get-session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let body: Value = reply.json().await.unwrap();
    assert_eq!(
        body["user"]["email"], "zero@example.com",
        "the kept secret still verifies the cookie"
    );

    let log = server.log_text() + &restarted.log_text();
    assert!(!log.contains(PASSWORD), "the password appeared in the log");
    let token = cookie.split('=').nth(1).unwrap().split('.').next().unwrap();
    assert!(
        !log.contains(token),
        "the session token appeared in the log"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn production_refuses_to_start_without_a_strong_secret_or_a_base_url() {
    let dir = temp_dir();
    let data = dir.to_str().unwrap();
    let no_secret = run(
        &["serve"],
        &[
            ("BEEP_IAM_ENV", "production"),
            ("BETTER_AUTH_URL", "https://a.example"),
            ("BEEP_IAM_DATA_DIR", data),
        ],
        None,
    );
    let short = run(
        &["serve"],
        &[
            ("BEEP_IAM_ENV", "production"),
            ("BETTER_AUTH_URL", "https://a.example"),
            ("BETTER_AUTH_SECRET", "short"),
            ("BEEP_IAM_DATA_DIR", data),
        ],
        None,
    );
    let no_url = run(
        &["serve"],
        &[
            ("BEEP_IAM_ENV", "production"),
            ("BETTER_AUTH_SECRET", SECRET),
            ("BEEP_IAM_DATA_DIR", data),
        ],
        None,
    );

    for (output, hint) in [
        (&no_secret, "BETTER_AUTH_SECRET"),
        (&short, "32"),
        (&no_url, "BETTER_AUTH_URL"),
    ] {
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(hint), "{stderr}");
    }
    assert!(
        !dir.join("secret").exists(),
        "production never generates a secret"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn config_check_prints_the_effective_config_without_secrets() {
    let output = run(
        &["config", "check"],
        &[
            (
                "BETTER_AUTH_SECRET",
                "super-secret-value-that-must-not-print",
            ),
            (
                "DATABASE_URL",
                "postgres://app:db-password-xyz@127.0.0.1:5432/iam",
            ),
            ("PORT", "4444"),
        ],
        None,
    );

    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("port = 4444"));
    assert!(stdout.contains("[redacted]"));
    assert!(!stdout.contains("super-secret-value") && !stdout.contains("db-password-xyz"));
}

#[tokio::test]
async fn migrate_and_user_create_make_a_user_who_can_sign_in() {
    let dir = temp_dir();
    let data = dir.to_str().unwrap();
    let env = [
        ("BEEP_IAM_DATA_DIR", data),
        ("PASSWORD_HASH_MEMORY_KIB", "1024"),
        ("PASSWORD_HASH_ITERATIONS", "1"),
    ];

    let migrated = run(&["migrate"], &env, None);
    let created = run(
        &[
            "user",
            "create",
            "--email",
            "Admin@Example.com",
            "--name",
            "Admin",
        ],
        &env,
        Some(&format!("{PASSWORD}\n")),
    );
    let duplicate = run(
        &["user", "create", "--email", "admin@example.com"],
        &env,
        Some(&format!("{PASSWORD}\n")),
    );
    let weak = run(
        &["user", "create", "--email", "weak@example.com"],
        &env,
        Some("password\n"),
    );

    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("admin@example.com"));
    assert!(!duplicate.status.success());
    assert!(!weak.status.success());
    let mut server = Server::start(&dir, &[]);
    server.wait_ready().await;
    let (status, _, _) = post(
        &server.url("/api/auth/sign-in/email"),
        json!({ "email": "admin@example.com", "password": PASSWORD }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn user_create_with_the_admin_role_bootstraps_the_first_admin() {
    let dir = temp_dir();
    let data = dir.to_str().unwrap();
    let env = [
        ("BEEP_IAM_DATA_DIR", data),
        ("PASSWORD_HASH_MEMORY_KIB", "1024"),
        ("PASSWORD_HASH_ITERATIONS", "1"),
    ];
    let password = Some(format!("{PASSWORD}\n"));

    let admin = run(
        &[
            "user",
            "create",
            "--email",
            "root@example.com",
            "--role",
            "admin",
        ],
        &env,
        password.as_deref(),
    );
    let typo = run(
        &[
            "user",
            "create",
            "--email",
            "typo@example.com",
            "--role",
            "admni",
        ],
        &env,
        password.as_deref(),
    );
    let plain = run(
        &["user", "create", "--email", "plain@example.com"],
        &env,
        password.as_deref(),
    );

    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    assert!(String::from_utf8_lossy(&admin.stdout).contains("with role admin"));
    assert!(!typo.status.success(), "an unknown role is refused");
    assert!(plain.status.success());
    let mut server = Server::start(&dir, &[]);
    server.wait_ready().await;
    let list = server.url("/api/auth/admin/list-users");
    let sign_in = server.url("/api/auth/sign-in/email");
    let (_, _, headers) = post(
        &sign_in,
        json!({"email": "root@example.com", "password": PASSWORD}),
        None,
    )
    .await;
    let root = session_cookie(&headers);
    let (_, _, headers) = post(
        &sign_in,
        json!({"email": "plain@example.com", "password": PASSWORD}),
        None,
    )
    .await;
    let plain = session_cookie(&headers);
    let client = reqwest::Client::new();
    let as_root = client
        .get(&list)
        .header("cookie", &root)
        .send()
        .await
        .unwrap();
    let as_plain = client
        .get(&list)
        .header("cookie", &plain)
        .send()
        .await
        .unwrap();
    assert_eq!(as_root.status(), 200);
    let listed: Value = as_root.json().await.unwrap();
    assert_eq!(listed["total"], 2, "the typo made no user: {listed}");
    assert_eq!(as_plain.status(), 403);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sigterm_lets_in_flight_requests_finish() {
    let dir = temp_dir();
    // Real OWASP parameters, so the sign-ins are still hashing when the signal lands.
    let mut server = Server::start(
        &dir,
        &[
            ("PASSWORD_HASH_MEMORY_KIB", "19456"),
            ("PASSWORD_HASH_ITERATIONS", "2"),
        ],
    );
    server.wait_ready().await;
    let url = server.url("/api/auth/sign-in/email");

    let answered = std::sync::atomic::AtomicUsize::new(0);
    let storm = futures::future::join_all((0..20).map(|i| {
        let (url, answered) = (url.clone(), &answered);
        async move {
            let body = json!({ "email": format!("nobody{i}@example.com"), "password": PASSWORD });
            let status = post(&url, body, None).await.0;
            answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            status
        }
    }));
    let signal = async {
        // Once the first answer is back, the other requests are queued for hashing.
        while answered.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.signal("TERM");
    };
    let (statuses, ()) = tokio::join!(storm, signal);

    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert!(answered.load(std::sync::atomic::Ordering::SeqCst) == 20);
    assert!(server.wait_exit().success(), "{}", server.log_text());
    assert!(server.log_text().contains("draining"));
    let _ = std::fs::remove_dir_all(dir);
}

/// F-1: `kill -9` during a sign-up storm leaves no half-written user, and every sign-up that
/// was answered 200 is there after restart.
async fn a_kill_during_a_sign_up_storm_leaves_whole_users(backend: Backend) {
    let dir = temp_dir();
    let db = TestDb::new(backend).await;
    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("BETTER_AUTH_SECRET", SECRET),
    ];
    let mut server = Server::start(&dir, &env);
    server.wait_ready().await;
    let url = server.url("/api/auth/sign-up/email");

    let succeeded = std::sync::atomic::AtomicUsize::new(0);
    let storm = futures::stream::iter(0..400)
        .map(|i| {
            let (url, succeeded) = (url.clone(), &succeeded);
            async move {
                let email = format!("storm{i}@example.com");
                let body = json!({ "name": "Storm", "email": email, "password": PASSWORD });
                let status = reqwest::Client::new()
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                if status == 200 {
                    succeeded.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                (email, status)
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>();
    let kill = async {
        // Kill once the storm is well under way, whatever the machine's speed.
        for _ in 0..400 {
            if succeeded.load(std::sync::atomic::Ordering::SeqCst) >= 20 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.signal("KILL");
    };
    let (results, ()) = tokio::join!(storm, kill);
    server.wait_exit();
    let answered = results.iter().filter(|(_, s)| *s == 200).count();
    assert!(
        answered > 0 && answered < results.len(),
        "the kill must land mid-storm ({answered} answered)"
    );

    let conn = db.store.conn();
    let users = count_rows(conn, "user").await;
    for table in ["account", "organization", "member"] {
        assert_eq!(
            count_rows(conn, table).await,
            users,
            "{table} does not match user count"
        );
    }
    let orphans = beep_store::ConnectionTrait::query_one_raw(
        conn,
        beep_store::sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM \"user\" u WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.user_id = u.id) \
             OR NOT EXISTS (SELECT 1 FROM member m JOIN organization o ON o.id = m.organization_id \
                            WHERE m.user_id = u.id AND o.is_personal AND m.role = 'owner')",
        ),
    )
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap();
    assert_eq!(
        orphans, 0,
        "users without an account or a personal organization"
    );
    let mut restarted = Server::start(&dir, &env);
    restarted.wait_ready().await;
    for (email, status) in results.iter().filter(|(_, s)| *s == 200) {
        let (again, body, _) = post(
            &restarted.url("/api/auth/sign-in/email"),
            json!({ "email": email, "password": PASSWORD }),
            None,
        )
        .await;
        assert_eq!(
            again, 200,
            "{email} was answered {status} but cannot sign in: {body}"
        );
    }
    let replay = post(
        &restarted.url("/api/auth/sign-up/email"),
        json!({ "name": "S", "email": "storm0@example.com", "password": PASSWORD }),
        None,
    )
    .await;
    assert!(matches!(replay.0, 200 | 422), "replay got {}", replay.0);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_sign_up_storm_sqlite() {
    a_kill_during_a_sign_up_storm_leaves_whole_users(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_sign_up_storm_postgres() {
    a_kill_during_a_sign_up_storm_leaves_whole_users(Backend::Postgres).await;
}
