//! The gateway's delivery reports (`docs/notifications.md`): the gateway posts them to
//! `POST /v1/callbacks/sms?token=…`, the address the province registers with it, one report or
//! a list of them as JSON. The token proves the caller (compared in constant time; the request
//! log never records a query string); each report names the message id the gateway answered
//! when it took the message, and a status read against the values that mean delivered, can
//! never be delivered, or not yet an outcome. Applying a report twice changes nothing (the
//! outbox settles only a message still awaiting one).

use motcua_domain::notify::delivery::DeliveryReport;
use motcua_domain::notify::reports::{ProviderReport, UnreadableReport};
use serde_json::Value;

/// How the callbacks are proven and read, from `MOTCUA_SMS_GATEWAY_REPORT_*`.
#[derive(Clone)]
pub struct ReportConfig {
    /// What the callback's `token` must be (at least 24 characters).
    pub token: String,
    /// Where the list of reports is in a body (a JSON pointer); none: the body is a report or
    /// a list of them.
    pub list: Option<String>,
    /// Where a report's message id is.
    pub id: String,
    /// Where its status is.
    pub status: String,
    pub delivered: Vec<String>,
    /// Statuses meaning this number can never get it (the other channel is tried).
    pub permanent: Vec<String>,
    /// Statuses that are not an outcome yet (on the way): ignored.
    pub pending: Vec<String>,
}

impl std::fmt::Debug for ReportConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportConfig")
            .field("token", &"<hidden>")
            .field("list", &self.list)
            .field("id", &self.id)
            .field("status", &self.status)
            .field("delivered", &self.delivered)
            .field("permanent", &self.permanent)
            .field("pending", &self.pending)
            .finish()
    }
}

/// Why a callback is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportRefused {
    #[error("the callback's token is missing or wrong")]
    Token,
    #[error(transparent)]
    Unreadable(#[from] UnreadableReport),
}

fn text_at(doc: &Value, pointer: &str) -> Option<String> {
    match doc.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ReportConfig {
    /// None when `MOTCUA_SMS_GATEWAY_REPORT_TOKEN` (or `_FILE`) is not set: the gateway's
    /// acceptance is then delivery.
    pub fn from_vars(var: &impl crate::settings::Vars) -> Result<Option<Self>, String> {
        let Some(token) = crate::settings::secret(var, "MOTCUA_SMS_GATEWAY_REPORT_TOKEN")? else { return Ok(None) };
        if token.chars().count() < 24 {
            return Err("MOTCUA_SMS_GATEWAY_REPORT_TOKEN: at least 24 characters (a random token)".into());
        }
        let list = |name: &str, default: &[&str]| {
            crate::settings::list(var, name).unwrap_or_else(|| default.iter().map(|s| (*s).to_owned()).collect())
        };
        let pointer = |name: &str, default: &str| -> Result<String, String> {
            let p = var(name).unwrap_or_else(|| default.to_owned());
            if p.starts_with('/') {
                Ok(p)
            } else {
                Err(format!("{name}: `{p}` is not a JSON pointer (it starts with /)"))
            }
        };
        Ok(Some(Self {
            token,
            list: var("MOTCUA_SMS_GATEWAY_REPORT_LIST")
                .map(|_| pointer("MOTCUA_SMS_GATEWAY_REPORT_LIST", ""))
                .transpose()?,
            id: pointer("MOTCUA_SMS_GATEWAY_REPORT_ID", "/id")?,
            status: pointer("MOTCUA_SMS_GATEWAY_REPORT_STATUS", "/status")?,
            delivered: list("MOTCUA_SMS_GATEWAY_REPORT_DELIVERED", &["DELIVRD"]),
            permanent: list("MOTCUA_SMS_GATEWAY_REPORT_PERMANENT", &["REJECTD"]),
            pending: list("MOTCUA_SMS_GATEWAY_REPORT_PENDING", &["ENROUTE", "ACCEPTD", "BUFFERED", "SENT"]),
        }))
    }

    /// Whether `token` is the callback's.
    pub fn admits(&self, token: Option<&str>) -> Result<(), ReportRefused> {
        match token {
            Some(t) if motcua_domain::mac::same(t.as_bytes(), self.token.as_bytes()) => Ok(()),
            _ => Err(ReportRefused::Token),
        }
    }

    /// The reports of a callback's body: outcomes only (a status on the way is left out). A
    /// report without an id or a status makes the whole body unreadable (nothing is applied).
    pub fn read(&self, body: &[u8]) -> Result<Vec<ProviderReport>, UnreadableReport> {
        let unreadable = |why: String| UnreadableReport::new(format!("SMS gateway report: {why}"));
        let doc: Value = serde_json::from_slice(body).map_err(|e| unreadable(e.to_string()))?;
        let doc = match &self.list {
            Some(p) => doc.pointer(p).cloned().ok_or_else(|| unreadable(format!("no list at {p}")))?,
            None => doc,
        };
        let reports = match doc {
            Value::Array(items) => items,
            one @ Value::Object(_) => vec![one],
            _ => return Err(unreadable("neither a report nor a list of them".into())),
        };
        let mut out = vec![];
        for (i, r) in reports.iter().enumerate() {
            let id = text_at(r, &self.id).ok_or_else(|| unreadable(format!("report {i}: no id at {}", self.id)))?;
            let status = text_at(r, &self.status)
                .ok_or_else(|| unreadable(format!("report {i}: no status at {}", self.status)))?;
            let why = format!("SMS gateway: {status}");
            let outcome = if self.delivered.contains(&status) {
                DeliveryReport::Delivered
            } else if self.permanent.contains(&status) {
                DeliveryReport::PermanentFailure(why)
            } else if self.pending.contains(&status) {
                continue;
            } else {
                DeliveryReport::TemporaryFailure(why)
            };
            out.push(ProviderReport { provider_id: id, outcome });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Option<ReportConfig>, String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        ReportConfig::from_vars(&move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    const TOKEN: &str = "a-random-token-of-32-characters!";

    #[test]
    fn reports_are_read_as_outcomes_and_the_token_is_checked() {
        assert_eq!(config(&[]).unwrap().map(|c| c.id), None, "no token: no reports awaited");
        assert!(config(&[("MOTCUA_SMS_GATEWAY_REPORT_TOKEN", "short")]).unwrap_err().contains("24 characters"));
        let c = config(&[("MOTCUA_SMS_GATEWAY_REPORT_TOKEN", TOKEN)]).unwrap().unwrap();
        assert!(!format!("{c:?}").contains(TOKEN), "the token is hidden");
        assert_eq!(c.admits(Some(TOKEN)), Ok(()));
        assert_eq!(c.admits(Some("a-random-token-of-32-characters?")), Err(ReportRefused::Token));
        assert_eq!(c.admits(None), Err(ReportRefused::Token));
        let body = br#"[{"id": "m1", "status": "DELIVRD"}, {"id": "m2", "status": "REJECTD"},
            {"id": 3, "status": "EXPIRED"}, {"id": "m4", "status": "ENROUTE"}]"#;
        let read = c.read(body).unwrap();
        let outcomes: Vec<(&str, &DeliveryReport)> =
            read.iter().map(|r| (r.provider_id.as_str(), &r.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("m1", &DeliveryReport::Delivered),
                ("m2", &DeliveryReport::PermanentFailure("SMS gateway: REJECTD".into())),
                ("3", &DeliveryReport::TemporaryFailure("SMS gateway: EXPIRED".into())),
            ],
            "a report on the way is no outcome"
        );
        assert!(c.read(br#"[{"id": "m1", "status": "DELIVRD"}, {"status": "DELIVRD"}]"#).is_err(), "all or nothing");
        assert!(c.read(b"not json").is_err());
        let nested = config(&[
            ("MOTCUA_SMS_GATEWAY_REPORT_TOKEN", TOKEN),
            ("MOTCUA_SMS_GATEWAY_REPORT_LIST", "/data"),
            ("MOTCUA_SMS_GATEWAY_REPORT_ID", "/smsid"),
            ("MOTCUA_SMS_GATEWAY_REPORT_STATUS", "/state"),
            ("MOTCUA_SMS_GATEWAY_REPORT_DELIVERED", "1"),
        ])
        .unwrap()
        .unwrap();
        let read = nested.read(br#"{"data": [{"smsid": "x", "state": 1}]}"#).unwrap();
        assert_eq!(read, [ProviderReport { provider_id: "x".into(), outcome: DeliveryReport::Delivered }]);
        assert!(config(&[("MOTCUA_SMS_GATEWAY_REPORT_TOKEN", TOKEN), ("MOTCUA_SMS_GATEWAY_REPORT_ID", "id")]).is_err());
    }
}
