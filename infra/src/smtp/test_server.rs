//! A real SMTP server on loopback for tests (`scripts/smtp_server.py`: aiosmtpd, installed by
//! scripts/test into the project's virtual environment), its settings and what it received.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::SmtpConfig;

/// A server process with its mail directory, stopped (and the directory removed) when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
    ca: Option<PathBuf>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl SmtpServer {
    /// Starts `scripts/smtp_server.py` with `args` and waits until it listens.
    pub fn start(args: &[&str]) -> Self {
        let python = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python"));
        assert!(python.exists(), "{} is missing: run ./scripts/test, which installs it", python.display());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_server.py");
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("motcua-smtp-{}-{n}", std::process::id()));
        let mut child =
            Command::new(python).arg(script).arg("--dir").arg(&dir).args(args).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.first(), Some(&"READY"), "the SMTP server did not start: {line}");
        let ca = (parts[2] != "-").then(|| PathBuf::from(parts[2]));
        Self { child, port: parts[1].parse().unwrap(), dir, ca }
    }

    /// The environment that reaches it with `security` (`starttls`, `tls`, `none`) and `login`,
    /// trusting its CA, with a 2-second timeout.
    pub fn env(&self, security: &str, login: Option<(&str, &str)>) -> Vec<(String, String)> {
        let mut vars = vec![
            ("MOTCUA_SMTP_HOST", "127.0.0.1".to_owned()),
            ("MOTCUA_SMTP_PORT", self.port.to_string()),
            ("MOTCUA_SMTP_SECURITY", security.to_owned()),
            ("MOTCUA_EMAIL_FROM", "Bộ phận Một cửa <motcua@tuphap.example.vn>".to_owned()),
            ("MOTCUA_SMTP_TIMEOUT_SECONDS", "2".to_owned()),
        ];
        if let Some((user, password)) = login {
            vars.push(("MOTCUA_SMTP_USERNAME", user.to_owned()));
            vars.push(("MOTCUA_SMTP_PASSWORD", password.to_owned()));
        }
        if let Some(ca) = &self.ca {
            vars.push(("MOTCUA_SMTP_CA_FILE", ca.display().to_string()));
        }
        vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// The settings of [`SmtpServer::env`].
    pub fn config(&self, security: &str, login: Option<(&str, &str)>) -> SmtpConfig {
        let vars = self.env(security, login);
        SmtpConfig::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap()
    }

    /// The messages received: (raw message, envelope and session).
    pub fn received(&self) -> Vec<(String, serde_json::Value)> {
        (1..)
            .map(|n| self.dir.join(format!("{n}.eml")))
            .take_while(|p| p.exists())
            .map(|p| {
                let raw = std::fs::read_to_string(&p).unwrap();
                let meta = std::fs::read_to_string(p.with_extension("json")).unwrap();
                (raw, serde_json::from_str(&meta).unwrap())
            })
            .collect()
    }
}
