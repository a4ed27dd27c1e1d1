//! A real SMTP server for tests: `scripts/smtp_sink.py` (aiosmtpd) run as a child process,
//! which writes every mail it accepts as a JSON file into a folder that [`SmtpSink`] reads.
//!
//! The Python comes from `BEEP_IAM_PYTHON` if set, else from the repository's `.venv`, which
//! `scripts/python-env.sh` creates. Helpers here panic with a clear message instead of
//! returning errors: they only run in tests.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

/// How long the sink may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How often [`SmtpSink::wait_for`] looks at the folder.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// A running SMTP sink on 127.0.0.1. Dropping it kills the server, and removes the folder if
/// this sink created it (see [`SmtpSink::start`]).
pub struct SmtpSink {
    child: Option<Child>,
    /// Never written to: the server exits when it closes, so a test process that dies without
    /// running `Drop` (killed, aborted) takes its sink with it.
    stdin: Option<ChildStdin>,
    /// Kept open so the server never writes into a closed pipe.
    stdout: Option<ChildStdout>,
    port: u16,
    dir: PathBuf,
    owns_dir: bool,
}

/// One mail as the sink received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReceivedMail {
    /// The envelope sender (SMTP `MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (SMTP `RCPT TO`).
    pub rcpt_tos: Vec<String>,
    /// The decoded `Subject` header.
    pub subject: String,
    /// The `Message-ID` header without angle brackets, comparable to
    /// [`Mail::message_id`](crate::Mail::message_id).
    pub message_id: String,
    /// The decoded `From` header.
    pub from: String,
    /// The decoded `To` header.
    pub to: String,
    /// The decoded text/plain part ("" if none), with `\n` line ends.
    pub text: String,
    /// The decoded text/html part ("" if none), with `\n` line ends.
    pub html: String,
    /// When the sink accepted the mail, in Unix seconds.
    pub received_at: f64,
}

impl ReceivedMail {
    /// The first `http://` or `https://` URL in the text part, such as a verification link.
    pub fn first_link(&self) -> Option<String> {
        let start = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| self.text.find(scheme))
            .min()?;
        let rest = &self.text[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(rest.len());
        let link = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        Some(link.to_owned())
    }
}

impl SmtpSink {
    /// Starts a sink on a free port, writing into a fresh folder under the system's temporary
    /// folder. The folder belongs to this sink and is removed when it is dropped, so keep this
    /// sink alive while a sink restarted with [`SmtpSink::start_on`] uses the same folder.
    pub fn start() -> SmtpSink {
        let dir =
            std::env::temp_dir().join(format!("beep-smtp-sink-{}", uuid::Uuid::now_v7().simple()));
        let mut sink = Self::spawn(0, &dir);
        sink.owns_dir = true;
        sink
    }

    /// Starts a sink on `port` writing into `dir`: the same server again after
    /// [`SmtpSink::stop`], for tests where SMTP is down for a while and then comes back.
    pub fn start_on(port: u16, dir: &Path) -> SmtpSink {
        Self::spawn(port, dir)
    }

    fn spawn(port: u16, dir: &Path) -> SmtpSink {
        std::fs::create_dir_all(dir)
            .unwrap_or_else(|e| panic!("cannot create SMTP sink folder {}: {e}", dir.display()));
        let python = python();
        let script = repository().join("scripts").join("smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("--port")
            .arg(port.to_string())
            .arg("--dir")
            .arg(dir)
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run the SMTP sink ({} {}): {e}",
                    python.display(),
                    script.display()
                )
            });
        let Some(stdout) = child.stdout.take() else {
            panic!("the SMTP sink's stdout was not captured");
        };

        // Read the LISTENING line on a thread, so a sink that hangs cannot hang the test.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            // The test may have given up already; then nobody listens and that is fine.
            let _ = sender.send((read, reader.into_inner()));
        });
        let (line, stdout) = match receiver.recv_timeout(START_TIMEOUT) {
            Ok((Ok(line), stdout)) => (line, stdout),
            Ok((Err(e), _)) => {
                let _ = child.kill();
                panic!("cannot read from the SMTP sink: {e}");
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the SMTP sink did not start listening within {START_TIMEOUT:?}");
            }
        };
        let port = match line
            .trim()
            .strip_prefix("LISTENING ")
            .map(str::parse::<u16>)
        {
            Some(Ok(port)) => port,
            _ => {
                let _ = child.kill();
                let status = child.wait();
                panic!(
                    "the SMTP sink did not start (printed {line:?}, exit {status:?}); its error, \
                     if any, is on stderr above (port {port} in use?)"
                );
            }
        };
        SmtpSink {
            stdin: child.stdin.take(),
            child: Some(child),
            stdout: Some(stdout),
            port,
            dir: dir.to_owned(),
            owns_dir: false,
        }
    }

    /// The port the sink listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL to configure the SMTP transport with: `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The folder the received mails are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Kills the server and waits for it to exit: from then on connections to the port are
    /// refused. The received mails stay in the folder.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.stdin = None;
        self.stdout = None;
    }

    /// Every mail received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut mails: Vec<ReceivedMail> = self
            .mail_files()
            .into_iter()
            .map(|path| {
                let json = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                serde_json::from_str(&json)
                    .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
            })
            .collect();
        mails.sort_by(|a, b| a.received_at.total_cmp(&b.received_at));
        mails
    }

    /// Waits until at least `count` mails have arrived and returns them all, oldest first.
    /// Panics after `timeout`, listing what did arrive.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            // Counting files is cheap; parse only once there are enough.
            if self.mail_files().len() >= count {
                return self.received();
            }
            if Instant::now() >= deadline {
                let got: Vec<(String, String)> = self
                    .received()
                    .into_iter()
                    .map(|mail| (mail.to, mail.subject))
                    .collect();
                panic!(
                    "waited {timeout:?} for {count} mails in {}, got {}: {got:?}",
                    self.dir.display(),
                    got.len()
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// The finished mail files: `*.json`, not the hidden temporary files being written.
    fn mail_files(&self) -> Vec<PathBuf> {
        let entries = std::fs::read_dir(&self.dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", self.dir.display()));
        entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                !name.starts_with('.') && name.ends_with(".json")
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        if self.owns_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The repository's root: this crate lives in `crates/email`.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// The Python to run the sink with.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("BEEP_IAM_PYTHON") {
        return PathBuf::from(python);
    }
    let python = repository().join(".venv").join("bin").join("python");
    if !python.exists() {
        panic!(
            "{} is missing: run scripts/python-env.sh to create the Python environment with \
             aiosmtpd (or set BEEP_IAM_PYTHON to a Python that has it)",
            python.display()
        );
    }
    python
}

#[cfg(test)]
mod tests {
    use super::ReceivedMail;

    fn with_text(text: &str) -> ReceivedMail {
        ReceivedMail {
            mail_from: String::new(),
            rcpt_tos: Vec::new(),
            subject: String::new(),
            message_id: String::new(),
            from: String::new(),
            to: String::new(),
            text: text.to_owned(),
            html: String::new(),
            received_at: 0.0,
        }
    }

    #[test]
    fn first_link_finds_the_earliest_url() {
        let mail = with_text("Open\n\nhttp://a.test/x?token=1&y=2.\nthen https://b.test");
        assert_eq!(
            mail.first_link().as_deref(),
            Some("http://a.test/x?token=1&y=2")
        );
        let mail = with_text("see (https://c.test/v/abc), ok");
        assert_eq!(mail.first_link().as_deref(), Some("https://c.test/v/abc"));
        assert_eq!(with_text("no link").first_link(), None);
    }
}
