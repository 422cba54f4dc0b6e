//! A fake Zalo (`../shared/INTEGRATIONS.md` §4): `POST /v4/oa/access_token` exchanges a refresh
//! token (form `refresh_token`, `app_id`, `grant_type`; header `secret_key`) for a new access
//! token and a new refresh token, the old one then void (Zalo's refresh tokens are used once);
//! `POST /message/template` takes a ZNS template message under the header `access_token`,
//! answering `{"error": 0, "data": {"msg_id"}}`, `-124` for an unknown or expired token, `-118`
//! for a number without a Zalo account (`84900000118`), `-107` for an unknown template.
//! `GET /fake/books` shows the messages taken and the refreshes; `POST /fake/faults` sets what
//! goes wrong next: the token expired (`-220`), the server down (503), an answer slower than
//! the client waits (the message taken all the same).

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

/// A number with no Zalo account.
pub const NO_ACCOUNT: &str = "84900000118";

/// What goes wrong next (each counter counts down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Answers `-220` (the access token expired) without taking the message.
    pub expire_next: u32,
    /// Answers 503 without taking the message.
    pub fail_next: u32,
    /// Takes the message, then answers after `slow_ms`.
    pub slow_next: u32,
    pub slow_ms: u64,
}

/// One message taken.
#[derive(Debug, Clone, Serialize)]
pub struct Taken {
    pub phone: String,
    pub template_id: String,
    pub data: Value,
    pub tracking_id: String,
    pub msg_id: String,
}

#[derive(Default)]
struct Inner {
    access: Option<String>,
    refresh: String,
    issued: u32,
    taken: Vec<Taken>,
    faults: Faults,
    /// Requests that carried a token this fake never issued or had replaced.
    stale_tokens: u32,
}

/// The fake, shared by its server and the test that reads its books.
#[derive(Clone)]
pub struct FakeZalo {
    inner: Arc<Mutex<Inner>>,
    pub app_id: String,
    pub secret_key: String,
    /// The templates it knows.
    pub templates: Vec<String>,
    /// The lifetime of the access tokens it issues.
    pub token_seconds: u64,
}

impl FakeZalo {
    /// A fake whose first refresh token is `refresh_token`.
    pub fn new(app_id: &str, secret_key: &str, refresh_token: &str, templates: &[&str]) -> Self {
        let inner = Inner { refresh: refresh_token.into(), ..Inner::default() };
        Self {
            inner: Arc::new(Mutex::new(inner)),
            app_id: app_id.into(),
            secret_key: secret_key.into(),
            templates: templates.iter().map(|t| (*t).to_owned()).collect(),
            token_seconds: 90_000,
        }
    }

    pub async fn start(&self, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
        super::start(self.router(), addr).await
    }

    fn router(&self) -> Router {
        Router::new()
            .route("/v4/oa/access_token", post(refresh))
            .route("/message/template", post(send))
            .route("/fake/books", get(books))
            .route("/fake/faults", post(set_faults))
            .with_state(self.clone())
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("fake zalo")
    }

    pub fn taken(&self) -> Vec<Taken> {
        self.inner().taken.clone()
    }

    /// Access tokens issued so far.
    pub fn issued(&self) -> u32 {
        self.inner().issued
    }

    /// The refresh token it takes now.
    pub fn refresh_token(&self) -> String {
        self.inner().refresh.clone()
    }

    pub fn stale_tokens(&self) -> u32 {
        self.inner().stale_tokens
    }

    /// Voids the access token, as Zalo does when the official account's admin revokes it.
    pub fn revoke(&self) {
        self.inner().access = None;
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner().faults = faults;
    }
}

#[derive(Deserialize)]
struct RefreshForm {
    refresh_token: String,
    app_id: String,
    grant_type: String,
}

async fn refresh(State(fake): State<FakeZalo>, headers: HeaderMap, Form(form): Form<RefreshForm>) -> Json<Value> {
    let secret = headers.get("secret_key").and_then(|v| v.to_str().ok());
    let mut inner = fake.inner();
    if secret != Some(fake.secret_key.as_str()) || form.app_id != fake.app_id || form.grant_type != "refresh_token" {
        return Json(json!({"error": -14002, "error_description": "Invalid app or secret key"}));
    }
    if form.refresh_token != inner.refresh {
        return Json(json!({"error": -14014, "error_description": "Invalid refresh token"}));
    }
    inner.issued += 1;
    let access = format!("access-{}", inner.issued);
    inner.refresh = format!("refresh-{}", inner.issued);
    inner.access = Some(access.clone());
    // Zalo answers the lifetime as a string.
    Json(json!({"access_token": access, "refresh_token": inner.refresh, "expires_in": fake.token_seconds.to_string()}))
}

async fn send(State(fake): State<FakeZalo>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let token = headers.get("access_token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let slow = {
        let mut inner = fake.inner();
        if take(&mut inner.faults.fail_next) {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        if inner.access.as_deref() != Some(token.as_str()) {
            inner.stale_tokens += 1;
            return Json(json!({"error": -124, "message": "Access token is invalid"})).into_response();
        }
        if take(&mut inner.faults.expire_next) {
            inner.access = None;
            return Json(json!({"error": -220, "message": "Access token has expired"})).into_response();
        }
        let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
        if field("phone") == NO_ACCOUNT {
            return Json(json!({"error": -118, "message": "Zalo account not existed"})).into_response();
        }
        if !fake.templates.contains(&field("template_id")) {
            return Json(json!({"error": -107, "message": "Template id is invalid"})).into_response();
        }
        let msg_id = format!("zns-{}", inner.taken.len() + 1);
        inner.taken.push(Taken {
            phone: field("phone"),
            template_id: field("template_id"),
            data: body["template_data"].clone(),
            tracking_id: field("tracking_id"),
            msg_id: msg_id.clone(),
        });
        let slow = take(&mut inner.faults.slow_next).then(|| Duration::from_millis(inner.faults.slow_ms));
        (slow, msg_id)
    };
    let (slow, msg_id) = slow;
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    Json(json!({"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": "0",
        "quota": {"dailyQuota": "500", "remainingQuota": "499"}}}))
    .into_response()
}

async fn books(State(fake): State<FakeZalo>) -> Json<Value> {
    let inner = fake.inner();
    Json(json!({"taken": inner.taken, "tokens_issued": inner.issued, "stale_tokens": inner.stale_tokens}))
}

async fn set_faults(State(fake): State<FakeZalo>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}
