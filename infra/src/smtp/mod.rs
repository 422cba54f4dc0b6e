//! Email over SMTP, for the one-machine home (`docs/notifications.md`): the province's own mail
//! server, reached with STARTTLS (port 587) or implicit TLS (465), authenticated, through a
//! small pool of connections, each send under one timeout. The message is the same MIME message
//! SES sends (`crate::mime`, enclosures included), with its own `Message-ID` built from the
//! notification id, which is the provider id recorded with the settlement. Sending once per
//! notification is the outbox's job, as for every notifier.
//!
//! What an SMTP failure means for the outbox:
//! - a 4xx reply, a connection or TLS that cannot be set up, a rejected or impossible login
//!   (the server's setting, not the recipient's fault): temporary, retried with backoff;
//! - a 5xx reply (no such mailbox, refused): permanent, the other channel is tried;
//! - a timeout, or a connection lost mid-session: unknown (the server may have taken the
//!   message), so it is not sent again (a technical failure once swept).

mod config;

pub use config::{Security, SmtpConfig};

use async_trait::async_trait;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};

/// Sends email through one SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
    from_address: Address,
    /// The whole of one send (lettre's own timeout bounds only connecting).
    timeout: std::time::Duration,
}

/// Replies that say the login failed: the server's setting, to be fixed and retried.
const LOGIN_REFUSED: [u16; 4] = [530, 534, 535, 538];

fn classify(e: &lettre::transport::smtp::Error) -> NotifyError {
    let code = e.status().map(u16::from);
    let text = e.to_string();
    if e.is_permanent() && !code.is_some_and(|c| LOGIN_REFUSED.contains(&c)) {
        NotifyError::Permanent(text)
    } else if e.is_transient() || e.is_permanent() {
        NotifyError::Temporary(text)
    } else if e.is_timeout() {
        NotifyError::Unknown(format!("timed out: {text}"))
    } else if e.is_tls() || e.is_client() || is_connection(e) {
        // Nothing was sent: no connection, no TLS, or no login this server offers.
        NotifyError::Temporary(text)
    } else {
        NotifyError::Unknown(text)
    }
}

/// Whether the connection could not be opened at all (nothing was sent). lettre names that
/// kind only in its message.
fn is_connection(e: &lettre::transport::smtp::Error) -> bool {
    e.to_string().starts_with("Connection error")
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let tls = match config.security {
            Security::None => Tls::None,
            Security::StartTls | Security::Implicit => {
                let mut params = TlsParameters::builder(config.host.clone());
                if let Some(pem) = &config.ca_pem {
                    let ca = Certificate::from_pem(pem).map_err(|e| format!("MOTCUA_SMTP_CA_FILE: {e}"))?;
                    params = params.add_root_certificate(ca);
                }
                let params = params.build_rustls().map_err(|e| format!("SMTP TLS: {e}"))?;
                if config.security == Security::Implicit {
                    Tls::Wrapper(params)
                } else {
                    Tls::Required(params)
                }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout))
            .pool_config(PoolConfig::new().max_size(config.pool_size));
        if let Some(user) = &config.username {
            builder = builder.credentials(Credentials::new(user.clone(), config.password.clone().unwrap_or_default()));
        }
        let from_address = config::address_of(&config.from)?;
        Ok(Self { transport: builder.build(), from: config.from.clone(), from_address, timeout: config.timeout })
    }

    /// Whether the server answers and takes this login (for `motcua notify test`).
    pub async fn check(&self) -> Result<(), NotifyError> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(NotifyError::Temporary("the server did not answer".into())),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// The `Message-ID` of a notification: its id, made safe for the header, at a fixed domain.
fn message_id(id: &str) -> String {
    let local: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '.' }).collect();
    format!("<{local}@motcua>")
}

#[async_trait]
impl Notifier for SmtpMailer {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        if m.channel != MessageChannel::Email {
            return Err(NotifyError::Permanent("SMTP carries email only".into()));
        }
        let to: Address = m.recipient.trim().parse().map_err(|e| NotifyError::Permanent(format!("recipient: {e}")))?;
        let envelope = Envelope::new(Some(self.from_address.clone()), vec![to])
            .map_err(|e| NotifyError::Permanent(e.to_string()))?;
        let id = message_id(&m.id);
        let date = chrono::Utc::now().to_rfc2822();
        let mut raw = format!("Date: {date}\r\nMessage-ID: {id}\r\n").into_bytes();
        let subject = m.subject.as_deref().unwrap_or("");
        let boundary = format!("motcua-{}", m.id.len());
        raw.extend(crate::mime::message(&self.from, &m.recipient, subject, &m.text, enclosures, &boundary));
        match tokio::time::timeout(self.timeout, self.transport.send_raw(&envelope, &raw)).await {
            Ok(Ok(_)) => Ok(id),
            Ok(Err(e)) => Err(classify(&e)),
            // The server may have taken the message and not yet said so.
            Err(_) => Err(NotifyError::Unknown(format!("no answer within {} s", self.timeout.as_secs()))),
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
pub mod test_server;
#[cfg(test)]
mod tests;
