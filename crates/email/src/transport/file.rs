//! The file transport: each mail becomes one `.eml` file, as an SMTP server would receive it.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use super::{SendError, TransportError, message};
use crate::Mail;

/// How many characters of the message id go into a file name.
const MAX_ID_CHARS: usize = 100;

/// Writes mails into one folder.
pub(super) struct FileTransport {
    dir: PathBuf,
    /// Makes temporary names unique when the same mail is written twice at once.
    sequence: AtomicU64,
}

impl FileTransport {
    /// Creates `dir` if missing and proves it writable now, so a bad folder stops the server
    /// at startup rather than failing every mail later.
    pub(super) fn new(dir: PathBuf) -> Result<Self, TransportError> {
        let probe = dir.join(format!(".probe-{}.tmp", std::process::id()));
        let result = fs::create_dir_all(&dir)
            .and_then(|()| fs::write(&probe, b""))
            .and_then(|()| fs::remove_file(&probe));
        match result {
            Ok(()) => Ok(FileTransport {
                dir,
                sequence: AtomicU64::new(0),
            }),
            Err(source) => Err(TransportError::MailDir { dir, source }),
        }
    }

    /// The folder mails go to.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `<unix-millis>-<message id>.eml` under a hidden temporary name, flushes it to
    /// disk and renames it, so a reader of the folder never sees half a mail.
    pub(super) async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let bytes = message::build(mail)?.formatted();
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let name = format!("{millis}-{}.eml", file_safe(&mail.message_id));
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let temporary = self.dir.join(format!(".{name}.{sequence}.tmp"));
        let target = self.dir.join(name);
        tokio::task::spawn_blocking(move || write_then_rename(&temporary, &target, &bytes))
            .await
            .map_err(|error| SendError::transient(format!("mail file writer failed: {error}")))?
            .map_err(|error| SendError::transient(format!("cannot write mail file: {error}")))
    }
}

fn write_then_rename(temporary: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let written = fs::File::create(temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_data()
    });
    let renamed = written.and_then(|()| fs::rename(temporary, target));
    if renamed.is_err() {
        // Best effort: a leftover hidden temporary file is harmless, the error is what matters.
        let _ = fs::remove_file(temporary);
    }
    renamed
}

/// The message id with every character outside `[A-Za-z0-9._@-]` replaced by `_`, cut short.
fn file_safe(message_id: &str) -> String {
    message_id
        .chars()
        .take(MAX_ID_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::file_safe;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_safe("outbox_01@beep-iam"), "outbox_01@beep-iam");
        assert_eq!(file_safe("a/../b\\c:d"), "a_.._b_c_d");
        assert_eq!(file_safe(&"x".repeat(300)).len(), 100);
    }
}
