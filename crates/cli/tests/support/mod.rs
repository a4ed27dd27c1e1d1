//! The `beep-iam serve` process as the process tests run it: a node on a database with
//! cheap hashing and fast mail retries, its output in a log file kept when a test fails.

#![allow(dead_code)] // each test file uses its own part of the harness

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret every test node signs with (so nodes accept each other's cookies).
pub const SECRET: &str = "process-test-secret-0123456789abcdef0123456";
/// The sender of every mail the test nodes send.
pub const FROM: &str = "beep-iam <no-reply@mail-test.example>";

/// A `beep-iam serve` child process, its output in a log file.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts a node on `database_url` with fast retries and cheap hashing, and waits until
    /// it is ready. `env` adds or overrides variables (the mail transport, Redis, ...).
    pub async fn start(scratch: &Scratch, database_url: &str, env: &[(&str, String)]) -> Self {
        let port = free_port();
        let log = scratch.0.join(format!("server-{port}.log"));
        let log_file = std::fs::File::create(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_beep-iam"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", port.to_string())
            .env("BETTER_AUTH_URL", format!("http://127.0.0.1:{port}"))
            .env("BETTER_AUTH_SECRET", SECRET)
            .env("BEEP_IAM_DATA_DIR", &scratch.0)
            .env("DATABASE_URL", database_url)
            // Up to seven nodes run at once here; ten connections each (the default) can
            // exhaust PostgreSQL's hundred when other tests share the server.
            .env("DATABASE_MAX_CONNECTIONS", "4")
            .env("RATE_LIMIT_ENABLED", "false")
            .env("PASSWORD_HASH_MEMORY_KIB", "1024")
            .env("PASSWORD_HASH_ITERATIONS", "1")
            .env("EMAIL_FROM", FROM)
            .env("EMAIL_RETRY_BASE_MS", "200")
            .env("EMAIL_POLL_INTERVAL_MS", "100")
            .env("RUST_LOG", "info")
            .envs(env.iter().map(|(name, value)| (*name, value)))
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file));
        let mut server = Self {
            child: command.spawn().unwrap(),
            port,
            log,
        };
        server.wait_ready().await;
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
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

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no shutdown, nothing flushed.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then waits for a clean exit: deliveries in flight are finished and
    /// recorded, and no further one starts.
    pub async fn stop(&mut self) {
        self.terminate();
        self.wait_exit().await;
    }

    pub fn terminate(&self) {
        Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
    }

    pub async fn wait_exit(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status}: {}", self.log.display());
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("server did not stop: {}", self.log.display());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stops all `servers` at once.
pub async fn stop_all(servers: &mut [Server]) {
    for server in servers.iter() {
        server.terminate();
    }
    for server in servers {
        server.wait_exit().await;
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A folder for the servers' data and logs; kept when the test fails, for the logs.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("beep-cli-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("server logs kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
