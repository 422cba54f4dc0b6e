//! SMS through a domestic carrier's brand-name gateway (`docs/notifications.md`,
//! `../shared/INTEGRATIONS.md` §5), for a province without AWS: one HTTP `POST` per message, its
//! body a JSON document or a form written from a preset (VNPT's `send_sms_list`, the form
//! gateways) or the province's own template, with the number in the form the gateway wants
//! (`84…` or `0…`), the registered brand name and the login; the answer read at a configured
//! field against the values meaning accepted, and those meaning this number can never get it.
//!
//! What an answer means for the outbox: accepted → handed over (the gateway's id, or the
//! notification's), delivered then, or when its delivery report comes where reports are set up
//! ([`ReportConfig`]); a permanent code → permanent (the other channel is tried); any other code,
//! a 4xx or 5xx, no connection → temporary, retried; no answer within the timeout →
//! unknown (the gateway may have sent it), not sent again.

mod config;
mod reports;

pub use config::{Auth, Body, GatewayConfig};
pub use reports::{ReportConfig, ReportRefused};

use async_trait::async_trait;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};
use serde_json::Value;

use crate::provider_http::{head, send, within};

/// Applies `f` to every string of `doc`.
pub(crate) fn map_strings(doc: Value, f: &impl Fn(&str) -> String) -> Value {
    match doc {
        Value::String(s) => Value::String(f(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| map_strings(v, f)).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, map_strings(v, f))).collect()),
        other => other,
    }
}

pub struct SmsGateway {
    config: GatewayConfig,
    agent: ureq::Agent,
}

/// The values a message fills in: each placeholder once, in one pass (a value that itself holds
/// `{…}`, an applicant's text say, is never read as a placeholder).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'outer: while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        for (name, value) in values {
            let key = format!("{{{name}}}");
            if rest[open..].starts_with(&key) {
                out.push_str(value);
                rest = &rest[open + key.len()..];
                continue 'outer;
            }
        }
        out.push('{');
        rest = &rest[open + 1..];
    }
    out.push_str(rest);
    out
}

impl SmsGateway {
    pub fn new(config: GatewayConfig) -> Self {
        let timeout = config.timeout;
        Self { agent: crate::provider_http::agent(timeout), config }
    }

    /// The request's body and content type for `m`.
    fn request(&self, m: &OutgoingMessage) -> Result<(String, &'static str), NotifyError> {
        let e164 = m.recipient.trim();
        let national = e164
            .strip_prefix("+84")
            .ok_or_else(|| NotifyError::Permanent("the gateway reaches Vietnamese numbers (+84) only".into()))?;
        let (phone84, phone0) = (format!("84{national}"), format!("0{national}"));
        // The templates already write GSM-7 without diacritics.
        let text = within(&m.text, self.config.max_length, "...");
        let c = &self.config;
        let values = [
            ("phone84", phone84.as_str()),
            ("phone0", phone0.as_str()),
            ("text", text.as_str()),
            ("brand", c.brand.as_str()),
            ("username", c.username.as_str()),
            ("password", c.password.as_str()),
            ("id", m.id.as_str()),
            ("dossier", m.dossier_code.as_str()),
        ];
        Ok(match &c.body {
            Body::Json(doc) => (map_strings(doc.clone(), &|s| fill(s, &values)).to_string(), "application/json"),
            Body::Form(fields) => {
                let encoded: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(&fill(v, &values))))
                    .collect();
                (encoded.join("&"), "application/x-www-form-urlencoded")
            }
        })
    }

    /// What the gateway's answer means.
    fn judge(&self, m: &OutgoingMessage, answer: &str) -> Result<String, NotifyError> {
        let c = &self.config;
        let Some(pointer) = &c.status else { return Ok(m.id.clone()) };
        let doc: Value = serde_json::from_str(answer)
            .map_err(|_| NotifyError::Temporary(format!("the gateway's answer is not JSON: {}", head(answer))))?;
        let status = match doc.pointer(pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(NotifyError::Temporary(format!("no status at {pointer}: {}", head(answer)))),
        };
        if c.success.contains(&status) {
            let id = c.message_id.as_ref().and_then(|p| doc.pointer(p)).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            return Ok(id.unwrap_or_else(|| m.id.clone()));
        }
        let error = format!("gateway status {status}: {}", head(answer));
        Err(if c.permanent.contains(&status) { NotifyError::Permanent(error) } else { NotifyError::Temporary(error) })
    }
}

/// `application/x-www-form-urlencoded` for one key or value.
fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[async_trait]
impl Notifier for SmsGateway {
    async fn deliver(&self, m: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
        if m.channel != MessageChannel::Sms {
            return Err(NotifyError::Permanent("the SMS gateway carries SMS only".into()));
        }
        let (body, content_type) = self.request(m)?;
        let mut request =
            self.agent.post(&self.config.url).set("Content-Type", content_type).set("Accept", "application/json");
        if self.config.auth == Auth::Basic {
            use base64::Engine;
            let login = format!("{}:{}", self.config.username, self.config.password);
            let token = base64::engine::general_purpose::STANDARD.encode(login);
            request = request.set("Authorization", &format!("Basic {token}"));
        }
        let sent = send(request, body).await?;
        self.judge(m, &sent)
    }

    fn awaits_delivery_reports(&self, channel: MessageChannel) -> bool {
        channel == MessageChannel::Sms && self.config.reports.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_a_value_is_never_read_as_one() {
        let values = [("text", "gui {password}"), ("password", "bi-mat")];
        assert_eq!(fill("{text}|{password}|{nope}|{", &values), "gui {password}|bi-mat|{nope}|{");
        assert_eq!(form_encode("Ho so 1/2 & xong"), "Ho+so+1%2F2+%26+xong");
    }
}
