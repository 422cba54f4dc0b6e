//! The SMTP settings, from the environment, checked at start-up: each missing or wrong
//! setting is named; the password never appears in `Debug` or in any message.

use std::time::Duration;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// STARTTLS on a plain connection (port 587); refused if the server does not offer it.
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Implicit,
    /// No encryption: only to a server on this machine (127.0.0.1, ::1, localhost).
    None,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The `From` of every email: an address, or `Name <address>`.
    pub from: String,
    /// A CA to trust beyond the public ones (a province's own mail server), PEM.
    pub ca_pem: Option<Vec<u8>>,
    /// The limit on connecting and on each reply.
    pub timeout: Duration,
    pub pool_size: u32,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

/// The address in `from` (`Name <address>` or the address alone).
pub(super) fn address_of(from: &str) -> Result<lettre::Address, String> {
    let inner = match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &from[open + 1..close],
        _ => from,
    };
    inner.trim().parse().map_err(|e| format!("MOTCUA_EMAIL_FROM: `{from}` is not an email address ({e})"))
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

impl SmtpConfig {
    /// From `MOTCUA_SMTP_HOST` (required), `MOTCUA_SMTP_SECURITY` (`starttls`, the default;
    /// `tls`; `none`, loopback only), `MOTCUA_SMTP_PORT` (587, 465 or 25 by security),
    /// `MOTCUA_SMTP_USERNAME` with `MOTCUA_SMTP_PASSWORD` or `MOTCUA_SMTP_PASSWORD_FILE`,
    /// `MOTCUA_EMAIL_FROM` (required), `MOTCUA_SMTP_CA_FILE`, `MOTCUA_SMTP_TIMEOUT_SECONDS`
    /// (default 30) and `MOTCUA_SMTP_POOL` (default 4 connections).
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(crate::settings::env)
    }

    /// The same from any source of settings (the tests').
    pub fn from_vars(var: impl crate::settings::Vars) -> Result<Self, String> {
        let host = var("MOTCUA_SMTP_HOST").ok_or("MOTCUA_SMTP_HOST is not set (the mail server's name)")?;
        let security = match var("MOTCUA_SMTP_SECURITY").as_deref() {
            None | Some("starttls") => Security::StartTls,
            Some("tls") => Security::Implicit,
            Some("none") if is_loopback(&host) => Security::None,
            Some("none") => {
                return Err(format!(
                    "MOTCUA_SMTP_SECURITY=none is only for a server on this machine, not `{host}`: use starttls or tls"
                ))
            }
            Some(other) => return Err(format!("MOTCUA_SMTP_SECURITY: `{other}` is not starttls, tls or none")),
        };
        let default_port = match security {
            Security::StartTls => 587,
            Security::Implicit => 465,
            Security::None => 25,
        };
        let number = |name: &str, default, range| crate::settings::number(&var, name, default, range);
        let port = number("MOTCUA_SMTP_PORT", default_port, 1..=65_535)? as u16;
        let username = var("MOTCUA_SMTP_USERNAME");
        let password = crate::settings::secret(&var, "MOTCUA_SMTP_PASSWORD")?;
        if username.is_some() && password.is_none() {
            return Err("MOTCUA_SMTP_USERNAME is set without MOTCUA_SMTP_PASSWORD or MOTCUA_SMTP_PASSWORD_FILE".into());
        }
        let from = var("MOTCUA_EMAIL_FROM").ok_or("MOTCUA_EMAIL_FROM is not set (the address emails come from)")?;
        address_of(&from)?;
        let ca_pem = match var("MOTCUA_SMTP_CA_FILE") {
            Some(path) => {
                Some(std::fs::read(&path).map_err(|e| format!("MOTCUA_SMTP_CA_FILE: cannot read {path}: {e}"))?)
            }
            None => None,
        };
        Ok(Self {
            host,
            port,
            security,
            username,
            password,
            from,
            ca_pem,
            timeout: Duration::from_secs(number("MOTCUA_SMTP_TIMEOUT_SECONDS", 30, 1..=600)?),
            pool_size: number("MOTCUA_SMTP_POOL", 4, 1..=64)? as u32,
        })
    }
}
