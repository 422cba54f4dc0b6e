//! One JSON `POST` to an external system on a blocking thread (the adapters' shared transport):
//! the answer's text, or why there is none, told apart as the adapters retry them: a refusal
//! (4xx but 429) is the other side's word; anything else may pass if tried again.

use std::time::Duration;

use serde_json::Value;

/// Why a call brought no answer to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A 4xx answer (not 429), with the start of its text.
    Refused(String),
    /// Not reached, timed out, a 5xx or 429, or an answer that could not be read.
    Unavailable(String),
}

/// An agent that connects within `timeout` (at most 3 s) and gives up after `timeout`.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new().timeout_connect(timeout.min(Duration::from_secs(3))).timeout(timeout).build()
}

/// What a call carries.
pub enum Payload {
    Json(Value),
    /// Raw bytes of the given content type.
    Bytes(&'static str, Vec<u8>),
}

/// `POST`s `body` to `url` with `headers`; the answer's text.
pub async fn post(
    agent: &ureq::Agent,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Value,
) -> Result<String, Failure> {
    let headers = headers.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    send(agent, url, headers, Payload::Json(body)).await
}

/// `POST`s `payload` to `url` with `headers` on a blocking thread; the answer's text.
pub async fn send(
    agent: &ureq::Agent,
    url: String,
    headers: Vec<(String, String)>,
    payload: Payload,
) -> Result<String, Failure> {
    let agent = agent.clone();
    tokio::task::spawn_blocking(move || {
        let request = headers
            .iter()
            .fold(agent.post(&url).set("Accept", "application/json").set("Charset", "utf-8"), |r, (k, v)| r.set(k, v));
        let answer = match payload {
            Payload::Json(body) => request.send_json(body),
            Payload::Bytes(content_type, bytes) => request.set("Content-Type", content_type).send_bytes(&bytes),
        };
        match answer {
            Ok(r) => r.into_string().map_err(|e| Failure::Unavailable(format!("reading the answer: {e}"))),
            Err(ureq::Error::Status(code, r)) if code < 500 && code != 429 => {
                let text = r.into_string().unwrap_or_default();
                Err(Failure::Refused(format!("HTTP {code}: {}", text.chars().take(300).collect::<String>())))
            }
            Err(ureq::Error::Status(code, _)) => Err(Failure::Unavailable(format!("HTTP {code}"))),
            Err(ureq::Error::Transport(t)) => Err(Failure::Unavailable(t.to_string())),
        }
    })
    .await
    .map_err(|e| Failure::Unavailable(e.to_string()))?
}
