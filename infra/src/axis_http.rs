//! The national document axis over HTTP (`../shared/INTEGRATIONS.md` §6, the VXP SDK's calls):
//! every parameter a signed `XroadVnpt-` header ([`motcua_domain::axis::signing`]), the package
//! itself the body of `sendEdoc`, each answer `{status: OK|FAIL, ErrorCode, ErrorDesc, …}`. The
//! system's secret never leaves this adapter.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use motcua_domain::axis::signing;
use motcua_domain::ports::{AxisError, AxisMessage, AxisWaiting, DocumentAxis};
use serde_json::Value;

use crate::http_json::{Failure, Payload};

/// Where the axis is and who this system is there.
#[derive(Clone)]
pub struct AxisConfig {
    /// The endpoint the calls are relative to.
    pub url: String,
    /// `systemid`: this system's code on the axis (the province's liên thông code).
    pub system_id: String,
    pub secret: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for AxisConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AxisConfig").field("url", &self.url).field("system_id", &self.system_id).finish_non_exhaustive()
    }
}

pub struct AxisHttp {
    config: AxisConfig,
    agent: ureq::Agent,
}

impl AxisHttp {
    pub fn new(config: AxisConfig) -> Self {
        Self { agent: crate::http_json::agent(config.timeout), config }
    }

    /// Calls `path` with `params` as signed headers and `body`; the answer, when `status` is OK.
    async fn call(
        &self,
        path: &str,
        params: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<Value, AxisError> {
        let url = format!("{}/{path}", self.config.url.trim_end_matches('/'));
        let at = signing::timestamp(chrono::Utc::now());
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let headers = signing::sign(&self.config.system_id, &self.config.secret, &at, &borrowed);
        let mut headers = headers;
        headers.push(("User-Agent".into(), "motcua XRoad/VPCP".into()));
        let payload = match body {
            Some(bytes) => Payload::Bytes("application/octet-stream", bytes),
            None => Payload::Json(serde_json::json!({})),
        };
        let sent = crate::http_json::send(&self.agent, url, headers, payload).await.map_err(|f| match f {
            Failure::Refused(m) => AxisError::Refused(m),
            Failure::Unavailable(m) => AxisError::Unavailable(m),
        })?;
        let answer: Value = serde_json::from_str(&sent).map_err(|_| {
            AxisError::Unavailable(format!(
                "an answer that is not JSON: {}",
                sent.chars().take(200).collect::<String>()
            ))
        })?;
        match answer.get("status").and_then(Value::as_str) {
            Some("OK") => Ok(answer),
            _ => {
                let field =
                    |k: &str| answer.get(k).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
                Err(AxisError::Refused(format!(
                    "{} {}",
                    field("ErrorCode").unwrap_or_default(),
                    field("ErrorDesc").unwrap_or_default()
                )))
            }
        }
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

#[async_trait]
impl DocumentAxis for AxisHttp {
    async fn send(&self, to: &[String], kind: AxisMessage, bytes: Vec<u8>) -> Result<String, AxisError> {
        let to = serde_json::to_string(to).unwrap_or_else(|_| "[]".into());
        let params = vec![
            ("from", self.config.system_id.clone()),
            ("to", to),
            ("servicetype", "eDoc".to_owned()),
            ("messagetype", kind.as_str().to_owned()),
        ];
        let answer = self.call("sendEdoc", params, Some(bytes)).await?;
        match text(&answer, "DocId") {
            id if id.is_empty() => Err(AxisError::Unavailable("sendEdoc answered without a DocId".into())),
            id => Ok(id),
        }
    }

    async fn waiting(&self, kind: AxisMessage) -> Result<Vec<AxisWaiting>, AxisError> {
        let params = vec![("servicetype", "eDoc".to_owned()), ("messagetype", kind.as_str().to_owned())];
        let answer = self.call("getReceivedEdocList", params, None).await?;
        let list = answer.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok(list
            .iter()
            .map(|d| AxisWaiting { doc_id: text(d, "docId"), from: text(d, "from"), kind })
            .filter(|w| !w.doc_id.is_empty())
            .collect())
    }

    async fn fetch(&self, doc_id: &str) -> Result<Vec<u8>, AxisError> {
        let answer = self.call("getEdoc", vec![("docId", doc_id.to_owned())], None).await?;
        let data: String = text(&answer, "data").split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|_| AxisError::Unavailable(format!("getEdoc {doc_id}: data is not base64")))
    }

    async fn settle(&self, doc_id: &str, applied: bool) -> Result<(), AxisError> {
        let status = if applied { "done" } else { "fail" };
        self.call("updateStatus", vec![("docId", doc_id.to_owned()), ("status", status.to_owned())], None)
            .await
            .map(|_| ())
    }
}
