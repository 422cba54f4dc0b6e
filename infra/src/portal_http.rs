//! The national portal's dossier calls over HTTP (`../shared/INTEGRATIONS.md` §1): a session from
//! the province's account (kept ten minutes, renewed once when the portal says it expired), then
//! `POST` JSON bodies `{session, madonvi, service, …}` with the `dstcode` header: `DongBoHoSoMC`
//! for the dossier record, `CapNhatTienDoHoSoMC` for a progress line, `TraCuuHoSo` to look a
//! dossier up. An answer `error_code` 0 is success; one saying the dossier already exists
//! ("đã tồn tại") acknowledges a repeat. Calls time out after [`PortalConfig::timeout`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use motcua_domain::codes::DossierCode;
use motcua_domain::portal::Update;
use motcua_domain::ports::{NationalPortal, PortalAck, PortalError, PortalRecord};
use serde_json::{json, Value};

use crate::http_json::Failure;

/// How long a session is reused.
const SESSION_LIFETIME: Duration = Duration::from_secs(600);

/// Where the portal is and who the province is there (from the environment or the command
/// line; the password never from a plain setting on AWS).
#[derive(Clone)]
pub struct PortalConfig {
    /// `adapter_url`, e.g. `https://…/api`.
    pub url: String,
    pub auth_path: String,
    pub integration_path: String,
    pub username: String,
    pub password: String,
    /// `madonvi`: the province's unit code at the portal.
    pub unit_code: String,
    /// The `dstcode` header.
    pub dst_code: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for PortalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalConfig").field("url", &self.url).field("username", &self.username).finish_non_exhaustive()
    }
}

/// The HTTP adapter.
pub struct DvcqgPortal {
    config: PortalConfig,
    agent: ureq::Agent,
    session: Mutex<Option<(String, Instant)>>,
}

/// One answer of the portal, read.
enum Answer {
    Ok(Value),
    Exists,
    SessionExpired,
}

impl DvcqgPortal {
    pub fn new(config: PortalConfig) -> Self {
        Self { agent: crate::http_json::agent(config.timeout), config, session: Mutex::new(None) }
    }

    /// One `POST`; the JSON or text answer.
    async fn post(&self, path: &str, body: Value) -> Result<String, PortalError> {
        let url = format!("{}{}", self.config.url.trim_end_matches('/'), path);
        crate::http_json::post(&self.agent, url, vec![("dstcode", self.config.dst_code.clone())], body).await.map_err(
            |f| match f {
                Failure::Refused(m) => PortalError::Refused(m),
                Failure::Unavailable(m) => PortalError::Unavailable(m),
            },
        )
    }

    async fn session(&self, renew: bool) -> Result<String, PortalError> {
        if !renew {
            if let Some((s, at)) = self.session.lock().expect("session lock").clone() {
                if at.elapsed() < SESSION_LIFETIME {
                    return Ok(s);
                }
            }
        }
        let body = json!({"username": self.config.username, "password": self.config.password});
        let text = self.post(&self.config.auth_path, body).await?;
        let v: Value = serde_json::from_str(&text).map_err(|_| PortalError::Unavailable("login: not JSON".into()))?;
        let session = match (code_of(&v), v.get("session").and_then(Value::as_str)) {
            (Some(0), Some(s)) if !s.is_empty() => s.to_owned(),
            _ => return Err(PortalError::Refused(format!("login refused: {}", message_of(&v)))),
        };
        *self.session.lock().expect("session lock") = Some((session.clone(), Instant::now()));
        Ok(session)
    }

    /// Calls `service` with `fields`, renewing the session once if the portal says it expired.
    async fn call(&self, service: &str, fields: Value) -> Result<Answer, PortalError> {
        for renew in [false, true] {
            let mut body =
                json!({"session": self.session(renew).await?, "madonvi": self.config.unit_code, "service": service});
            if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
                b.extend(f.clone());
            }
            let text = self.post(&self.config.integration_path, body).await?;
            match read_answer(&text)? {
                Answer::SessionExpired if !renew => continue,
                Answer::SessionExpired => return Err(PortalError::Refused("the session was refused twice".into())),
                answer => return Ok(answer),
            }
        }
        unreachable!("the loop returns")
    }
}

fn code_of(v: &Value) -> Option<i64> {
    match v.get("error_code")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn message_of(v: &Value) -> String {
    v.get("message").map(|m| m.as_str().map(str::to_owned).unwrap_or_else(|| m.to_string())).unwrap_or_default()
}

/// Reads an answer: JSON with `error_code`, or the plain text some progress calls answer.
fn read_answer(text: &str) -> Result<Answer, PortalError> {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        let lower = text.to_lowercase();
        return if lower.contains("thành công") {
            Ok(Answer::Ok(Value::Null))
        } else if lower.contains("đã tồn tại") {
            Ok(Answer::Exists)
        } else {
            Err(PortalError::Unavailable(format!(
                "an answer that is not the protocol's: {}",
                text.chars().take(200).collect::<String>()
            )))
        };
    };
    let message = message_of(&v);
    let lower = message.to_lowercase();
    match code_of(&v) {
        _ if lower.contains("đã tồn tại") => Ok(Answer::Exists),
        Some(0) => Ok(Answer::Ok(v)),
        Some(_) if lower.contains("session") || lower.contains("phiên") => Ok(Answer::SessionExpired),
        Some(code) => Err(PortalError::Refused(format!("error_code {code}: {message}"))),
        None => Err(PortalError::Unavailable("an answer without error_code".into())),
    }
}

#[async_trait]
impl NationalPortal for DvcqgPortal {
    async fn send(&self, update: &Update) -> Result<PortalAck, PortalError> {
        let updating = if update.updating { "True" } else { "False" };
        let record = serde_json::to_value(&update.dossier).map_err(|e| PortalError::Refused(e.to_string()))?;
        let mut ack = match self.call("DongBoHoSoMC", json!({"isUpdating": updating, "data": [record]})).await? {
            Answer::Exists if !update.updating => {
                // Created by an attempt whose answer was lost: the same record as an update.
                match self.call("DongBoHoSoMC", json!({"isUpdating": "True", "data": [record]})).await? {
                    Answer::Exists => PortalAck::Duplicate,
                    _ => PortalAck::Accepted,
                }
            }
            Answer::Exists => PortalAck::Duplicate,
            _ => PortalAck::Accepted,
        };
        if let Some(progress) = &update.progress {
            let line = serde_json::to_value(progress).map_err(|e| PortalError::Refused(e.to_string()))?;
            if let Answer::Ok(_) = self.call("CapNhatTienDoHoSoMC", json!({"data": [line]})).await? {
                ack = PortalAck::Accepted;
            }
        }
        Ok(ack)
    }

    async fn look_up(&self, code: &DossierCode) -> Result<Option<PortalRecord>, PortalError> {
        let Answer::Ok(v) = self.call("TraCuuHoSo", json!({"mahoso": code.to_string()})).await? else {
            return Err(PortalError::Refused("TraCuuHoSo answered as if it were a write".into()));
        };
        let first = v.get("result").and_then(Value::as_array).and_then(|r| r.first());
        Ok(first.map(|r| PortalRecord {
            status: match r.get("TrangThaiHoSo") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_the_portal_writes_them() {
        assert!(matches!(read_answer(r#"{"error_code":0,"message":"Thành công"}"#), Ok(Answer::Ok(_))));
        assert!(matches!(read_answer(r#"{"error_code":"0"}"#), Ok(Answer::Ok(_))));
        assert!(matches!(read_answer(r#"{"error_code":"3","message":"Hồ sơ đã tồn tại"}"#), Ok(Answer::Exists)));
        assert!(matches!(read_answer("Cập nhật thành công"), Ok(Answer::Ok(_))));
        assert!(matches!(
            read_answer(r#"{"error_code":-1,"message":"Session không hợp lệ"}"#),
            Ok(Answer::SessionExpired)
        ));
        assert!(
            matches!(read_answer(r#"{"error_code":-2,"message":"Sai định dạng"}"#), Err(PortalError::Refused(m)) if m.contains("-2"))
        );
        assert!(matches!(read_answer("<html>502</html>"), Err(PortalError::Unavailable(_))));
        assert!(matches!(read_answer(r#"{"ok":true}"#), Err(PortalError::Unavailable(_))));
    }
}
