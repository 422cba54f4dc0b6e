//! A fake brand-name SMS gateway (`../shared/INTEGRATIONS.md` §5): `POST /vnpt` takes VNPT's
//! `send_sms_list` (login in the body, the answer's `RPLY.ERROR` `"0"` for accepted, `"13"` for a
//! number that cannot receive), `POST /form` the form gateways' request under HTTP Basic.
//! `GET /fake/books` shows the messages taken, `POST /fake/faults` sets what goes wrong next:
//! the gateway down, or slow past the client's timeout (the message is taken all the same).
//! `POST /fake/report` `{"url", "status", "times"}` posts the delivery reports of every message
//! taken (`[{"id", "status"}]`, the id the request carried) to a callback address, as many times
//! as asked (a gateway repeats reports it thinks were lost).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::take;

/// A number that can never receive (the fake's answer `13`).
pub const UNREACHABLE: &str = "84900000013";

/// What goes wrong next (each counter counts down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Answers 503 without taking the message.
    pub fail_next: u32,
    /// Takes the message, then answers after `slow_ms`.
    pub slow_next: u32,
    pub slow_ms: u64,
}

/// One message taken.
#[derive(Debug, Clone, Serialize)]
pub struct Taken {
    pub to: String,
    pub brand: String,
    pub text: String,
    pub id: String,
}

#[derive(Default)]
struct Inner {
    taken: Vec<Taken>,
    faults: Faults,
    refused_logins: u64,
}

/// The fake, shared by its server and the test that reads its books.
#[derive(Clone)]
pub struct FakeSms {
    inner: Arc<Mutex<Inner>>,
    pub username: String,
    pub password: String,
}

impl FakeSms {
    pub fn new(username: &str, password: &str) -> Self {
        Self { inner: Arc::default(), username: username.into(), password: password.into() }
    }

    pub async fn start(&self, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
        super::start(self.router(), addr).await
    }

    fn router(&self) -> Router {
        Router::new()
            .route("/vnpt", post(vnpt))
            .route("/form", post(form))
            .route("/fake/books", get(books))
            .route("/fake/faults", post(set_faults))
            .route("/fake/report", post(report))
            .with_state(self.clone())
    }

    pub fn taken(&self) -> Vec<Taken> {
        self.inner.lock().expect("fake sms").taken.clone()
    }

    /// The delivery reports of every message taken, all with `status`, as the fake posts them.
    pub fn reports(&self, status: &str) -> Value {
        Value::Array(self.taken().iter().map(|t| json!({"id": t.id, "status": status})).collect())
    }

    pub fn refused_logins(&self) -> u64 {
        self.inner.lock().expect("fake sms").refused_logins
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner.lock().expect("fake sms").faults = faults;
    }

    /// Whether to fail this call, and how long to wait before answering a taken one.
    fn fault(&self) -> (bool, Option<Duration>) {
        let mut inner = self.inner.lock().expect("fake sms");
        let f = &mut inner.faults;
        if take(&mut f.fail_next) {
            return (true, None);
        }
        let slow = take(&mut f.slow_next).then(|| Duration::from_millis(f.slow_ms));
        (false, slow)
    }

    fn keep(&self, taken: Taken) {
        self.inner.lock().expect("fake sms").taken.push(taken);
    }

    fn refuse_login(&self) {
        self.inner.lock().expect("fake sms").refused_logins += 1;
    }
}

async fn vnpt(State(fake): State<FakeSms>, Json(body): Json<Value>) -> Response {
    let (fail, slow) = fake.fault();
    if fail {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let rq = &body["RQST"];
    let field = |name: &str| rq[name].as_str().unwrap_or_default().to_owned();
    let reply =
        |code: &str, desc: &str| Json(json!({"RPLY": {"name": "send_sms_list", "ERROR": code, "ERROR_DESC": desc}}));
    if field("APIUSER") != fake.username || field("APIPASS") != fake.password {
        fake.refuse_login();
        return reply("1", "authentication failed").into_response();
    }
    let to = field("MOBILELIST");
    if to == UNREACHABLE {
        return reply("13", "subscriber cannot receive").into_response();
    }
    let text = rq["PARAMS"][0]["CONTENT"].as_str().unwrap_or_default().to_owned();
    fake.keep(Taken { to, brand: field("LABELID"), text, id: field("REQID") });
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    reply("0", "success").into_response()
}

async fn form(State(fake): State<FakeSms>, headers: HeaderMap, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let (fail, slow) = fake.fault();
    if fail {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", fake.username, fake.password))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        fake.refuse_login();
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    fake.keep(Taken { to: field("msisdn"), brand: field("alias"), text: field("content"), id: field("sale_order_id") });
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    "OK".into_response()
}

async fn books(State(fake): State<FakeSms>) -> Json<Vec<Taken>> {
    Json(fake.taken())
}

async fn set_faults(State(fake): State<FakeSms>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}

/// What `POST /fake/report` is asked.
#[derive(Debug, Deserialize)]
struct ReportOrder {
    url: String,
    #[serde(default = "delivered")]
    status: String,
    #[serde(default = "once")]
    times: u32,
}

fn delivered() -> String {
    "DELIVRD".into()
}

fn once() -> u32 {
    1
}

/// Posts the reports to the callback address: the answers' statuses, in order.
async fn report(State(fake): State<FakeSms>, Json(order): Json<ReportOrder>) -> Json<Vec<u16>> {
    let body = fake.reports(&order.status).to_string();
    let statuses = tokio::task::spawn_blocking(move || {
        (0..order.times.min(5))
            .map(|_| match ureq::post(&order.url).set("Content-Type", "application/json").send_string(&body) {
                Ok(r) => r.status(),
                Err(ureq::Error::Status(code, _)) => code,
                Err(ureq::Error::Transport(_)) => 0,
            })
            .collect()
    })
    .await
    .unwrap_or_default();
    Json(statuses)
}
