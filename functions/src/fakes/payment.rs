//! A fake payment platform (`../shared/INTEGRATIONS.md` §2a): `POST /gateway` takes `INIT` and
//! `QUERY` (signatures checked as the platform does), `GET /pay/{reference}` is the page the
//! payer is sent to, whose buttons pay or cancel; then the platform posts its signed callback to
//! the province. `POST /fake/pay/{reference}` does the same for a test, `GET /fake/books` shows
//! what it holds and what the province answered, `POST /fake/faults` sets what goes wrong next:
//! the gateway down or slow, and callbacks lost, sent twice, tampered with, or followed by a
//! stale one (out of order).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use motcua_domain::payment::{signature_matches, Callback};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::take;

/// What goes wrong next (each counter counts down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// `/gateway` answers 503 without looking.
    pub fail_next: u32,
    /// `/gateway` opens the transaction, then waits `slow_ms` (past the client's timeout).
    pub slow_next: u32,
    pub slow_ms: u64,
    /// The next payment's callback is never sent (a status query must find it).
    pub lose_callback_next: u32,
    /// The next payment's callback is sent twice, at once.
    pub duplicate_callback_next: u32,
    /// The next payment's callback is sent with its amount changed after signing (a forgery);
    /// the real one is lost.
    pub tamper_callback_next: u32,
    /// The next payment's callback is followed by a stale one saying it failed.
    pub stale_callback_next: u32,
}

/// One transaction at the platform.
#[derive(Debug, Clone, Serialize)]
pub struct Held {
    pub amount_vnd: u64,
    /// `1` paid, `3` pending, `4` failed (`TrangThaiGD`).
    pub state: String,
    pub platform_id: String,
    pub description: String,
    /// What `ThongTinBienLai` said.
    pub receipt: Value,
}

/// What the platform holds and has seen.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Books {
    pub transactions: BTreeMap<String, Held>,
    /// Each callback sent: the reference, our HTTP status and `MaLoi` answered.
    pub callbacks: Vec<Delivered>,
    pub inits: u64,
    pub queries: u64,
    /// Messages refused for a bad signature.
    pub bad_signatures: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivered {
    pub reference: String,
    pub code: String,
    pub http_status: u16,
    pub answered: String,
}

#[derive(Default)]
struct Inner {
    books: Books,
    faults: Faults,
}

/// The fake, shared by its server and the test that reads its books.
#[derive(Clone)]
pub struct FakePayments {
    inner: Arc<Mutex<Inner>>,
    pub partner: String,
    pub secret: String,
    /// Where callbacks are posted (the province's `/v1/payments/callback`).
    callback_url: Arc<Mutex<String>>,
    /// This fake's own address, for the payment pages it hands out.
    base_url: Arc<Mutex<String>>,
}

impl FakePayments {
    pub fn new(partner: &str, secret: &str, callback_url: &str) -> Self {
        Self {
            inner: Arc::default(),
            partner: partner.into(),
            secret: secret.into(),
            callback_url: Arc::new(Mutex::new(callback_url.into())),
            base_url: Arc::default(),
        }
    }

    /// Serves the fake on `addr` (port 0 for any) in the background; the address it listens on.
    pub async fn start(&self, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
        let local = super::start(self.router(), addr).await?;
        // Before anyone knows the address, so before any page is handed out.
        *self.base_url.lock().expect("fake payments") = format!("http://{local}");
        Ok(local)
    }

    /// Posts callbacks to `url` from now on.
    pub fn set_callback_url(&self, url: &str) {
        *self.callback_url.lock().expect("fake payments") = url.to_owned();
    }

    fn router(&self) -> Router {
        Router::new()
            .route("/gateway", post(gateway))
            .route("/pay/{reference}", get(page).post(pay_form))
            .route("/fake/pay/{reference}", post(pay_json))
            .route("/fake/books", get(books))
            .route("/fake/faults", post(set_faults))
            .with_state(self.clone())
    }

    pub fn books(&self) -> Books {
        self.inner.lock().expect("fake payments").books.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner.lock().expect("fake payments").faults = faults;
    }

    /// The payer pays (`paid`) or cancels at the platform; the callbacks sent, as answered.
    pub async fn settle(&self, reference: &str, paid: bool) -> Option<Vec<Delivered>> {
        let (callbacks, together) = {
            let mut inner = self.inner.lock().expect("fake payments");
            let f = &mut inner.faults;
            let plan = super::CallbackPlan::take(
                &mut f.lose_callback_next,
                &mut f.duplicate_callback_next,
                &mut f.tamper_callback_next,
                &mut f.stale_callback_next,
            );
            let count = inner.books.transactions.len();
            let held = inner.books.transactions.get_mut(reference)?;
            if held.state != "3" {
                return Some(vec![]);
            }
            held.state = if paid { "1" } else { "4" }.into();
            held.platform_id = format!("GD{:08}", count);
            let callback = self.callback(reference, held, if paid { "00" } else { "24" });
            let forge = |c: &Callback| Callback { amount_vnd: c.amount_vnd / 10, ..c.clone() };
            let stale = || Some(self.callback(reference, held, "24"));
            (plan.callbacks(callback, forge, stale), plan.twice)
        };
        let fake = self.clone();
        let delivered = super::send_all(callbacks, together, move |c| {
            let fake = fake.clone();
            async move { fake.deliver(&c).await }
        })
        .await;
        self.inner.lock().expect("fake payments").books.callbacks.extend(delivered.clone());
        Some(delivered)
    }

    fn callback(&self, reference: &str, held: &Held, code: &str) -> Callback {
        Callback {
            kind: "PAYMENT".into(),
            code: code.into(),
            partner: self.partner.clone(),
            reference: reference.into(),
            amount_vnd: held.amount_vnd,
            currency: "VND".into(),
            platform_id: held.platform_id.clone(),
            bank: "VCB".into(),
            at: chrono::Utc::now().format("%Y%m%d%H%M%S").to_string(),
            description: held.description.clone(),
            signature: String::new(),
        }
        .signed(&self.secret)
    }

    async fn deliver(&self, callback: &Callback) -> Delivered {
        let agent = motcua_infra::http_json::agent(Duration::from_secs(5));
        let body = serde_json::to_value(callback).unwrap_or_default();
        let url = self.callback_url.lock().expect("fake payments").clone();
        let (status, text) = match motcua_infra::http_json::post(&agent, url, vec![], body).await {
            Ok(text) => (200, text),
            Err(motcua_infra::http_json::Failure::Refused(m)) => (400, m),
            Err(motcua_infra::http_json::Failure::Unavailable(m)) => (503, m),
        };
        let answered = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("MaLoi").and_then(Value::as_str).map(str::to_owned))
            .or_else(|| text.contains("\"MaLoi\":\"99\"").then(|| "99".to_owned()))
            .unwrap_or_default();
        Delivered { reference: callback.reference.clone(), code: callback.code.clone(), http_status: status, answered }
    }
}

fn text(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Whether `body`'s `MaXacThuc` is the signature of its `fields` under the secret.
fn signed(fake: &FakePayments, body: &Value, fields: &[&str]) -> bool {
    let values: Vec<String> = fields.iter().map(|k| text(body, k)).collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    signature_matches(&values, &fake.secret, &text(body, "MaXacThuc"))
}

const INIT_FIELDS: [&str; 14] = [
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
];
const QUERY_FIELDS: [&str; 5] = ["LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"];

async fn gateway(State(fake): State<FakePayments>, Json(body): Json<Value>) -> Response {
    let (answer, slow) = {
        let mut inner = fake.inner.lock().expect("fake payments");
        if take(&mut inner.faults.fail_next) {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        let kind = text(&body, "LoaiBanTin");
        let fields: &[&str] = if kind == "INIT" { &INIT_FIELDS } else { &QUERY_FIELDS };
        if !signed(&fake, &body, fields) || text(&body, "MaDoiTac") != fake.partner {
            inner.books.bad_signatures += 1;
            return Json(json!({"MaLoi": "01", "MoTaLoi": "Sai chữ ký hoặc mã đối tác"})).into_response();
        }
        let reference = text(&body, "MaThamChieu");
        let answer = match kind.as_str() {
            "INIT" => {
                inner.books.inits += 1;
                if inner.books.transactions.contains_key(&reference) {
                    json!({"MaLoi": "02", "MoTaLoi": "Mã tham chiếu đã tồn tại"})
                } else {
                    let held = Held {
                        amount_vnd: text(&body, "SoTien").parse().unwrap_or(0),
                        state: "3".into(),
                        platform_id: String::new(),
                        description: text(&body, "ThongTinGiaoDich"),
                        receipt: body.get("ThongTinBienLai").cloned().unwrap_or(Value::Null),
                    };
                    inner.books.transactions.insert(reference.clone(), held);
                    let url = format!("{}/pay/{reference}", fake.base_url.lock().expect("fake payments"));
                    json!({"MaLoi": "00", "MoTaLoi": "Thành công", "UrlThanhToan": url})
                }
            }
            "QUERY" => {
                inner.books.queries += 1;
                match inner.books.transactions.get(&reference) {
                    Some(h) => json!({"MaLoi": "00", "MaThamChieu": reference, "SoTien": h.amount_vnd,
                        "MaTienTe": "VND", "MaGiaoDich": h.platform_id, "TrangThaiGD": h.state}),
                    None => json!({"MaLoi": "03", "MoTaLoi": "Không tìm thấy giao dịch", "TrangThaiGD": "4"}),
                }
            }
            _ => json!({"MaLoi": "99", "MoTaLoi": "Loại bản tin không hỗ trợ"}),
        };
        let slow = take(&mut inner.faults.slow_next).then(|| Duration::from_millis(inner.faults.slow_ms));
        (answer, slow)
    };
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    Json(answer).into_response()
}

/// The payment page: the amount and what it is for, and two buttons.
async fn page(State(fake): State<FakePayments>, Path(reference): Path<String>) -> Response {
    let held = fake.inner.lock().expect("fake payments").books.transactions.get(&reference).cloned();
    let Some(held) = held else { return (StatusCode::NOT_FOUND, "Không tìm thấy giao dịch").into_response() };
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Html(format!(
        "<!doctype html><html lang=vi><meta charset=utf-8><title>Thanh toán (giả lập)</title>\
         <h1>Cổng thanh toán (giả lập)</h1><p>{}</p><p><strong>{} đồng</strong></p>\
         <p>Trạng thái: {}</p><form method=post><button name=outcome value=paid>Thanh toán</button> \
         <button name=outcome value=cancelled>Hủy</button></form></html>",
        escape(&held.description),
        held.amount_vnd,
        match held.state.as_str() {
            "1" => "đã thanh toán",
            "4" => "không thành công",
            _ => "chờ thanh toán",
        }
    ))
    .into_response()
}

#[derive(Deserialize)]
struct Outcome {
    outcome: String,
}

async fn pay_form(State(fake): State<FakePayments>, Path(reference): Path<String>, Form(o): Form<Outcome>) -> Response {
    match fake.settle(&reference, o.outcome == "paid").await {
        Some(_) => Redirect::to(&format!("/pay/{reference}")).into_response(),
        None => (StatusCode::NOT_FOUND, "Không tìm thấy giao dịch").into_response(),
    }
}

async fn pay_json(State(fake): State<FakePayments>, Path(reference): Path<String>, Json(o): Json<Outcome>) -> Response {
    match fake.settle(&reference, o.outcome == "paid").await {
        Some(delivered) => Json(json!({"callbacks": delivered})).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn books(State(fake): State<FakePayments>) -> Json<Books> {
    Json(fake.books())
}

async fn set_faults(State(fake): State<FakePayments>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}
