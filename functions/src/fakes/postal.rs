//! A fake postal operator (`../shared/INTEGRATIONS.md` §3): `POST /order` and `POST /cancel`
//! take the province's orders (the `access_token` header and customer code checked; the same
//! order number ordered again answers `101` with the same waybill), and the operator's status
//! callbacks, signed with the shared secret, go to the province as the shipment moves.
//! `POST /fake/advance/{reference}` moves a shipment for a demonstration (`{"state":
//! "delivered"}`), `GET /fake/books` shows what it holds and what the province answered,
//! `POST /fake/faults` sets what goes wrong next: the service down or slow, callbacks lost,
//! sent twice at once, tampered with after signing, or followed by a stale one.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use motcua_domain::postal::messages::{self, StatusCodes};
use motcua_domain::postal::{PostalUpdate, ShipmentState};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::take;

/// What goes wrong next (each counter counts down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// `/order` and `/cancel` answer 503 without looking.
    pub fail_next: u32,
    /// `/order` takes the order, then waits `slow_ms` (past the client's timeout).
    pub slow_next: u32,
    pub slow_ms: u64,
    /// The next callback is never sent.
    pub lose_callback_next: u32,
    /// The next callback is sent twice, at once.
    pub duplicate_callback_next: u32,
    /// The next callback is sent with its status changed after signing (a forgery); the real
    /// one is lost.
    pub tamper_callback_next: u32,
    /// The next callback is followed by the shipment's previous one again (stale news).
    pub stale_callback_next: u32,
}

/// One order at the operator.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub waybill: String,
    pub fee_vnd: u64,
    /// The order as the province sent it.
    pub body: Value,
    pub state: ShipmentState,
    pub cancelled: bool,
    /// Each update the operator reported, oldest first.
    pub updates: Vec<(ShipmentState, DateTime<Utc>)>,
}

/// What the operator holds and has seen.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Books {
    pub orders: BTreeMap<String, Order>,
    /// `/order` calls, repeats included.
    pub order_calls: u64,
    pub cancels: u64,
    /// Calls refused for a wrong token or customer code.
    pub refused: u64,
    /// Each callback sent: the order number, the state, our HTTP status.
    pub callbacks: Vec<Delivered>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivered {
    pub reference: String,
    pub state: ShipmentState,
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
pub struct FakePost {
    inner: Arc<Mutex<Inner>>,
    pub customer: String,
    pub token: String,
    pub secret: String,
    codes: StatusCodes,
    /// Where callbacks are posted (the province's `/v1/postal/callback`).
    callback_url: Arc<Mutex<String>>,
}

impl FakePost {
    pub fn new(customer: &str, token: &str, secret: &str, callback_url: &str) -> Self {
        Self {
            inner: Arc::default(),
            customer: customer.into(),
            token: token.into(),
            secret: secret.into(),
            codes: StatusCodes::default(),
            callback_url: Arc::new(Mutex::new(callback_url.into())),
        }
    }

    /// Serves the fake on `addr` (port 0 for any) in the background; the address it listens on.
    pub async fn start(&self, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
        super::start(self.router(), addr).await
    }

    /// Posts callbacks to `url` from now on.
    pub fn set_callback_url(&self, url: &str) {
        *self.callback_url.lock().expect("fake post") = url.to_owned();
    }

    fn router(&self) -> Router {
        Router::new()
            .route("/order", post(order))
            .route("/cancel", post(cancel))
            .route("/fake/advance/{reference}", post(advance_json))
            .route("/fake/books", get(books))
            .route("/fake/faults", post(set_faults))
            .with_state(self.clone())
    }

    pub fn books(&self) -> Books {
        self.inner.lock().expect("fake post").books.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner.lock().expect("fake post").faults = faults;
    }

    /// The shipment `reference` reaches `state` at `at`; the callbacks sent, as answered.
    /// `None` for an order it does not hold (or one cancelled).
    pub async fn advance(&self, reference: &str, state: ShipmentState, at: DateTime<Utc>) -> Option<Vec<Delivered>> {
        let (bodies, together) = {
            let mut inner = self.inner.lock().expect("fake post");
            let f = &mut inner.faults;
            let plan = super::CallbackPlan::take(
                &mut f.lose_callback_next,
                &mut f.duplicate_callback_next,
                &mut f.tamper_callback_next,
                &mut f.stale_callback_next,
            );
            let held = inner.books.orders.get_mut(reference).filter(|o| !o.cancelled)?;
            let previous = held.updates.last().copied();
            held.state = state;
            held.updates.push((state, at));
            let signed = |state, at| {
                let update =
                    PostalUpdate { reference: reference.into(), waybill: held.waybill.clone(), state, at, note: None };
                let body = messages::callback(&update, &self.codes);
                let signature = messages::sign(&body, &self.secret);
                (state, body, signature)
            };
            let forge = |(s, body, signature): &(ShipmentState, Vec<u8>, String)| {
                let forged = String::from_utf8_lossy(body).replace("\"StatusCode\":\"", "\"StatusCode\":\"4");
                (*s, forged.into_bytes(), signature.clone())
            };
            let stale = || previous.map(|(s, t)| signed(s, t));
            (plan.callbacks(signed(state, at), forge, stale), plan.twice)
        };
        let (fake, reference) = (self.clone(), reference.to_owned());
        let delivered = super::send_all(bodies, together, move |(s, body, signature)| {
            let (fake, reference) = (fake.clone(), reference.clone());
            async move { fake.deliver(&reference, s, body, signature).await }
        })
        .await;
        self.inner.lock().expect("fake post").books.callbacks.extend(delivered.clone());
        Some(delivered)
    }

    async fn deliver(&self, reference: &str, state: ShipmentState, body: Vec<u8>, signature: String) -> Delivered {
        let url = self.callback_url.lock().expect("fake post").clone();
        let agent = motcua_infra::http_json::agent(Duration::from_secs(5));
        let sent = tokio::task::spawn_blocking(move || {
            let request = agent.post(&url).set("Content-Type", "application/json").set("X-Signature", &signature);
            match request.send_bytes(&body) {
                Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
                Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
                Err(ureq::Error::Transport(t)) => (0, t.to_string()),
            }
        })
        .await
        .unwrap_or((0, "the sender stopped".into()));
        Delivered { reference: reference.into(), state, http_status: sent.0, answered: sent.1 }
    }

    /// Whether a call carries this province's token and customer code.
    fn admits(&self, headers: &HeaderMap, body: &Value) -> bool {
        let token = headers.get("access_token").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let customer = body.get("CustomerCode").and_then(Value::as_str).unwrap_or_default();
        token == self.token && customer == self.customer
    }
}

/// A fault that answers before looking: the service down.
fn down(fake: &FakePost) -> bool {
    take(&mut fake.inner.lock().expect("fake post").faults.fail_next)
}

async fn order(State(fake): State<FakePost>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if down(&fake) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let (answer, slow) = {
        let mut inner = fake.inner.lock().expect("fake post");
        inner.books.order_calls += 1;
        if !fake.admits(&headers, &body) {
            inner.books.refused += 1;
            return Json(json!({"Status": "401", "Message": "Sai mã khách hàng hoặc token"})).into_response();
        }
        let number = body.get("OrderNumber").and_then(Value::as_str).unwrap_or_default().to_owned();
        let receiver = body.get("ReceiverName").and_then(Value::as_str).unwrap_or_default();
        if number.is_empty() || receiver.trim().is_empty() {
            return Json(json!({"Status": "102", "Message": "Thiếu số đơn hàng hoặc người nhận"})).into_response();
        }
        let slow = take(&mut inner.faults.slow_next).then_some(inner.faults.slow_ms);
        let count = inner.books.orders.len();
        let answer = match inner.books.orders.get(&number) {
            Some(held) if !held.cancelled => {
                json!({"Status": "101", "Message": "Đơn hàng đã tồn tại", "ItemCode": held.waybill, "TotalFee": held.fee_vnd})
            }
            _ => {
                let waybill = format!("EB{:09}VN", 100_000_001 + count);
                let fee_vnd = 25_000 + 1_000 * (number.len() as u64 % 10);
                let held = Order {
                    waybill: waybill.clone(),
                    fee_vnd,
                    body: body.clone(),
                    state: ShipmentState::Ordered,
                    cancelled: false,
                    updates: vec![],
                };
                inner.books.orders.insert(number, held);
                json!({"Status": "100", "Message": "Tạo đơn hàng thành công", "ItemCode": waybill, "TotalFee": fee_vnd})
            }
        };
        (answer, slow)
    };
    if let Some(ms) = slow {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    Json(answer).into_response()
}

async fn cancel(State(fake): State<FakePost>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if down(&fake) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let mut inner = fake.inner.lock().expect("fake post");
    if !fake.admits(&headers, &body) {
        inner.books.refused += 1;
        return Json(json!({"Status": "401", "Message": "Sai mã khách hàng hoặc token"})).into_response();
    }
    let number = body.get("OrderNumber").and_then(Value::as_str).unwrap_or_default();
    match inner.books.orders.get_mut(number) {
        Some(o) if o.state == ShipmentState::Ordered => {
            o.cancelled = true;
            inner.books.cancels += 1;
            Json(json!({"Status": "100", "Message": "Đã hủy"})).into_response()
        }
        Some(_) => Json(json!({"Status": "103", "Message": "Bưu gửi đã được nhận, không hủy được"})).into_response(),
        None => Json(json!({"Status": "104", "Message": "Không có đơn hàng"})).into_response(),
    }
}

#[derive(Deserialize)]
struct Advance {
    state: ShipmentState,
}

async fn advance_json(State(fake): State<FakePost>, Path(reference): Path<String>, Json(a): Json<Advance>) -> Response {
    match fake.advance(&reference, a.state, Utc::now()).await {
        Some(delivered) => Json(delivered).into_response(),
        None => (StatusCode::NOT_FOUND, "no such order").into_response(),
    }
}

async fn books(State(fake): State<FakePost>) -> Json<Books> {
    Json(fake.books())
}

async fn set_faults(State(fake): State<FakePost>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}
