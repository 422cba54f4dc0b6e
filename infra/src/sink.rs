//! The local notifier: appends each message as one JSON line to a file in the data directory
//! (channel, recipient, text, dossier code, status). It remembers which message ids it has
//! written, across restarts, so a message is written once even if the worker retries. An
//! email's enclosures (the printed forms) are written beside it, under
//! `enclosures/<message id>/<file name>`, before its line: a line names only files that exist.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;
use motcua_domain::notify::{sms, MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};
use serde::Serialize;

pub struct LocalSink {
    path: PathBuf,
    state: Mutex<(File, HashSet<String>)>,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    channel: &'a str,
    recipient: &'a str,
    subject: Option<&'a str>,
    text: &'a str,
    /// For SMS: how many GSM-7 segments the text costs.
    segments: Option<usize>,
    dossier_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    kind: motcua_domain::lifecycle::NoticeKind,
    sent_at: String,
    /// The enclosures' paths, relative to the sink file's directory.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enclosures: Vec<String>,
}

/// A message id as a directory name: the code's dots and the separators' colons become `_`.
fn directory_of(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

impl LocalSink {
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut seen = HashSet::new();
        if let Ok(existing) = File::open(&path) {
            for line in BufReader::new(existing).lines() {
                let line = line?;
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                    if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
                        seen.insert(id.to_owned());
                    }
                }
            }
        }
        drop_torn_tail(&path)?;
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self { path, state: Mutex::new((file, seen)) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Cuts a last line left unfinished by a crash mid-write: that message was never recorded as
/// sent, so it will be written again, whole, on a line of its own.
fn drop_torn_tail(path: &Path) -> std::io::Result<()> {
    let Ok(bytes) = std::fs::read(path) else { return Ok(()) };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(());
    }
    let keep = bytes.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(0);
    OpenOptions::new().write(true).open(path)?.set_len(keep as u64)
}

#[async_trait]
impl Notifier for LocalSink {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        let mut state = self.state.lock().map_err(|_| NotifyError::Temporary("sink lock poisoned".into()))?;
        let (file, seen) = &mut *state;
        if seen.contains(&m.id) {
            return Ok(m.id.clone());
        }
        let mut written = Vec::new();
        if m.channel == MessageChannel::Email && !enclosures.is_empty() {
            let relative = Path::new("enclosures").join(directory_of(&m.id));
            let dir = self.path.parent().unwrap_or(Path::new(".")).join(&relative);
            std::fs::create_dir_all(&dir).map_err(|e| NotifyError::Temporary(e.to_string()))?;
            for e in enclosures {
                let name = Path::new(&e.file_name).file_name().map(|n| n.to_string_lossy().into_owned());
                let name = name.unwrap_or_else(|| "enclosure".into());
                std::fs::write(dir.join(&name), &e.bytes).map_err(|e| NotifyError::Temporary(e.to_string()))?;
                written.push(relative.join(&name).to_string_lossy().into_owned());
            }
        }
        let line = Line {
            id: &m.id,
            channel: m.channel.as_str(),
            recipient: &m.recipient,
            subject: m.subject.as_deref(),
            text: &m.text,
            segments: (m.channel == MessageChannel::Sms).then(|| sms::segments(&m.text)),
            dossier_code: &m.dossier_code,
            status: m.status.map(|s| s.as_str()),
            kind: m.kind,
            sent_at: chrono::Utc::now().to_rfc3339(),
            enclosures: written,
        };
        let mut text = serde_json::to_string(&line).map_err(|e| NotifyError::Permanent(e.to_string()))?;
        text.push('\n');
        file.write_all(text.as_bytes()).map_err(|e| NotifyError::Temporary(e.to_string()))?;
        file.sync_data().map_err(|e| NotifyError::Temporary(e.to_string()))?;
        seen.insert(m.id.clone());
        Ok(m.id.clone())
    }

    fn idempotent(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_torn_by_a_crash_is_cut_on_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sent.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n{\"id\":\"b\",\"chan").unwrap();
        let sink = LocalSink::open(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"id\":\"a\"}\n");
        assert!(sink.state.lock().unwrap().1.contains("a"));
        assert!(!sink.state.lock().unwrap().1.contains("b"), "b was never written whole");
    }
}
