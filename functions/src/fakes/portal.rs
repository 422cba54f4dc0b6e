//! A fake national portal (DVCQG): `POST /auth` for a session, `POST /integration` for
//! `DongBoHoSoMC`, `CapNhatTienDoHoSoMC` and `TraCuuHoSo`; `GET /fake/books` shows what it
//! applied, `POST /fake/faults` sets what goes wrong next.
//!
//! It applies each dossier record and progress line once: one equal to the dossier's last
//! applied is a repeat (answered "đã tồn tại", not applied again), and a create of a dossier it
//! has is refused the same way. What it applied, in order, is what a test compares with the
//! dossier's history.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::take;

/// What goes wrong with the next calls to `/integration` (each counter counts calls down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Answer 503 without looking.
    pub fail_next: u32,
    /// Apply, then answer 502: the answer is lost.
    pub lose_next: u32,
    /// Apply, then wait `slow_ms` before answering (past the client's timeout).
    pub slow_next: u32,
    pub slow_ms: u64,
    /// Answer `error_code` -2 without applying.
    pub refuse_next: u32,
    /// Forget every session: the next call must log in again.
    pub expire_sessions: bool,
    /// Down (503 on everything) for this many milliseconds from now.
    pub down_for_ms: u64,
}

/// What the portal holds and has seen.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Books {
    /// Each dossier's records as applied, in order.
    pub records: BTreeMap<String, Vec<Value>>,
    /// Each dossier's progress lines as applied, in order.
    pub progress: BTreeMap<String, Vec<Value>>,
    /// Calls to `/integration`.
    pub calls: u64,
    /// Repeats answered "đã tồn tại".
    pub repeats: u64,
    pub logins: u64,
}

#[derive(Default)]
struct Inner {
    books: Books,
    faults: Faults,
    down_until: Option<Instant>,
    sessions: Vec<String>,
}

/// The fake, shared by its server and the test that reads its books.
#[derive(Clone)]
pub struct FakePortal {
    inner: Arc<Mutex<Inner>>,
    /// The account it accepts.
    pub username: String,
    pub password: String,
}

impl FakePortal {
    pub fn new(username: &str, password: &str) -> Self {
        Self { inner: Arc::default(), username: username.into(), password: password.into() }
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/auth", post(login))
            .route("/integration", post(integration))
            .route("/fake/books", get(books))
            .route("/fake/faults", post(set_faults))
            .with_state(self.clone())
    }

    pub fn books(&self) -> Books {
        self.inner.lock().expect("fake portal").books.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        let mut inner = self.inner.lock().expect("fake portal");
        if faults.expire_sessions {
            inner.sessions.clear();
        }
        inner.down_until = (faults.down_for_ms > 0).then(|| Instant::now() + Duration::from_millis(faults.down_for_ms));
        inner.faults = faults;
    }
}

async fn login(State(fake): State<FakePortal>, Json(body): Json<Value>) -> Json<Value> {
    let ok = body["username"] == fake.username.as_str() && body["password"] == fake.password.as_str();
    let mut inner = fake.inner.lock().expect("fake portal");
    if !ok {
        return Json(json!({"error_code": -1, "message": "Sai tài khoản hoặc mật khẩu"}));
    }
    inner.books.logins += 1;
    let session = format!("session-{}", inner.books.logins);
    inner.sessions.push(session.clone());
    Json(json!({"session": session, "error_code": 0}))
}

/// What one call does after its faults are drawn.
enum Then {
    Answer,
    Lose,
    Slow(Duration),
}

async fn integration(State(fake): State<FakePortal>, Json(body): Json<Value>) -> Response {
    let (answer, then) = {
        let mut inner = fake.inner.lock().expect("fake portal");
        inner.books.calls += 1;
        if inner.down_until.is_some_and(|until| Instant::now() < until) || take(&mut inner.faults.fail_next) {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        let session = body["session"].as_str().unwrap_or_default();
        if !inner.sessions.iter().any(|s| s == session) {
            return Json(json!({"error_code": -1, "message": "Session không hợp lệ hoặc đã hết hạn"})).into_response();
        }
        if take(&mut inner.faults.refuse_next) {
            return Json(json!({"error_code": -2, "message": "Dữ liệu không hợp lệ"})).into_response();
        }
        let answer = apply(&mut inner.books, &body);
        let then = if take(&mut inner.faults.lose_next) {
            Then::Lose
        } else if take(&mut inner.faults.slow_next) {
            Then::Slow(Duration::from_millis(inner.faults.slow_ms))
        } else {
            Then::Answer
        };
        (answer, then)
    };
    match then {
        Then::Answer => answer,
        Then::Lose => StatusCode::BAD_GATEWAY.into_response(),
        Then::Slow(wait) => {
            tokio::time::sleep(wait).await;
            answer
        }
    }
}

fn exists() -> Response {
    Json(json!({"error_code": 3, "message": "Hồ sơ đã tồn tại"})).into_response()
}

/// Applies one call to the books; the answer the portal gives.
fn apply(books: &mut Books, body: &Value) -> Response {
    let data = body["data"].as_array().cloned().unwrap_or_default();
    match body["service"].as_str() {
        Some("DongBoHoSoMC") => {
            let creating = body["isUpdating"] == "False";
            let mut repeated = false;
            for record in data {
                let code = record["MaHoSo"].as_str().unwrap_or_default().to_owned();
                let held = books.records.entry(code).or_default();
                if (creating && !held.is_empty()) || held.last() == Some(&record) {
                    repeated = true;
                } else {
                    held.push(record);
                }
            }
            if repeated {
                books.repeats += 1;
                return exists();
            }
            Json(json!({"error_code": 0, "message": "Đồng bộ thành công"})).into_response()
        }
        Some("CapNhatTienDoHoSoMC") => {
            for line in data {
                let code = line["MaHoSo"].as_str().unwrap_or_default().to_owned();
                let held = books.progress.entry(code).or_default();
                if held.last() == Some(&line) {
                    books.repeats += 1;
                } else {
                    held.push(line);
                }
            }
            "Cập nhật tiến độ thành công".into_response()
        }
        Some("TraCuuHoSo") => {
            let code = body["mahoso"].as_str().unwrap_or_default();
            let last = books.records.get(code).and_then(|r| r.last()).cloned();
            Json(json!({"error_code": 0, "result": last.into_iter().collect::<Vec<_>>()})).into_response()
        }
        other => Json(json!({"error_code": -3, "message": format!("Không hỗ trợ dịch vụ {other:?}")})).into_response(),
    }
}

async fn books(State(fake): State<FakePortal>) -> Json<Books> {
    Json(fake.books())
}

async fn set_faults(State(fake): State<FakePortal>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}
