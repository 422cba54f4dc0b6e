//! The postal operator's messages (`../shared/INTEGRATIONS.md` §3, the shape of the VNPost
//! order service): the order and cancel bodies, reading the operator's answer, and its signed
//! status callbacks. Pure, so the adapter and the fake operator read and write the same bytes.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Value};

use super::{OrderPlaced, PostalOrder, PostalUpdate, ShipmentState};
use crate::calendar::vietnam;

/// The operator's code for a created order; `101`: it existed already (the same reference
/// ordered again), which answers the same waybill.
const CREATED: [&str; 2] = ["100", "101"];

/// Times in callbacks: Vietnam time, `yyyyMMddHHmmss`.
const TIME: &str = "%Y%m%d%H%M%S";

/// The body of an order for the customer `customer` (the province's contract code).
pub fn order(order: &PostalOrder, customer: &str) -> Value {
    let (s, r) = (&order.sender, &order.receiver);
    json!({
        "CustomerCode": customer,
        "OrderNumber": order.reference,
        "CODAmount": 0,
        "SenderName": s.name,
        "SenderAddress": s.address,
        "SenderTel": s.phone.clone().unwrap_or_default(),
        "ReceiverName": r.name,
        "ReceiverAddress": r.address,
        "ReceiverTel": r.phone.clone().unwrap_or_default(),
        "Description": order.description,
    })
}

/// The body cancelling `reference`.
pub fn cancel(reference: &str, customer: &str) -> Value {
    json!({"CustomerCode": customer, "OrderNumber": reference})
}

fn text(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The operator's answer to an order: the waybill and the postage, or its refusal.
pub fn placed(answer: &Value) -> Result<OrderPlaced, String> {
    let status = text(answer, "Status").unwrap_or_default();
    if !CREATED.contains(&status.as_str()) {
        let message = text(answer, "Message").unwrap_or_default();
        return Err(format!("Status {status}: {message}"));
    }
    let waybill = text(answer, "ItemCode").filter(|w| !w.is_empty()).ok_or("an order answered without ItemCode")?;
    let fee_vnd = match text(answer, "TotalFee") {
        None => 0,
        Some(fee) => fee.parse::<f64>().ok().filter(|f| *f >= 0.0).ok_or(format!("TotalFee `{fee}`"))?.round() as u64,
    };
    Ok(OrderPlaced { waybill, fee_vnd })
}

/// Whether the operator's answer to a cancel says it is cancelled.
pub fn cancelled(answer: &Value) -> Result<(), String> {
    match text(answer, "Status").as_deref() {
        Some("100") => Ok(()),
        other => Err(format!("Status {}: {}", other.unwrap_or(""), text(answer, "Message").unwrap_or_default())),
    }
}

/// The operator's status codes for the states of a shipment, as its contract lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCodes(Vec<(String, ShipmentState)>);

impl Default for StatusCodes {
    fn default() -> Self {
        Self::parse("1=picked_up,2=in_transit,3=delivery_failed,4=delivered,5=returned_to_sender").unwrap()
    }
}

impl StatusCodes {
    /// From `code=state,…` (states by their names: `picked_up`, `in_transit`,
    /// `delivery_failed`, `delivered`, `returned_to_sender`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut codes = vec![];
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (code, state) = pair.split_once('=').ok_or(format!("`{pair}` is not code=state"))?;
            let state = ShipmentState::parse(state.trim())
                .filter(|s| *s != ShipmentState::Ordered)
                .ok_or(format!("`{}` is not a shipment state", state.trim()))?;
            codes.push((code.trim().to_owned(), state));
        }
        if !codes.iter().any(|(_, s)| *s == ShipmentState::Delivered) {
            return Err("no code says delivered".into());
        }
        Ok(Self(codes))
    }

    pub fn state(&self, code: &str) -> Option<ShipmentState> {
        self.0.iter().find(|(c, _)| c == code).map(|(_, s)| *s)
    }

    pub fn code(&self, state: ShipmentState) -> Option<&str> {
        self.0.iter().find(|(_, s)| *s == state).map(|(c, _)| c.as_str())
    }
}

/// The signature of a callback's body: hex HMAC-SHA-256 under the shared secret.
pub fn sign(body: &[u8], secret: &str) -> String {
    crate::mac::hex(&crate::mac::hmac_sha256(secret.as_bytes(), body))
}

/// A status callback's body (the fake operator's, and the tests').
pub fn callback(update: &PostalUpdate, codes: &StatusCodes) -> Vec<u8> {
    let mut body = json!({
        "OrderNumber": update.reference,
        "ItemCode": update.waybill,
        "StatusCode": codes.code(update.state).unwrap_or("0"),
        "StatusTime": vietnam::to_local(update.at).format(TIME).to_string(),
    });
    if let Some(note) = &update.note {
        body["StatusMessage"] = json!(note);
    }
    body.to_string().into_bytes()
}

/// The update a callback proves: its signature holds under `secret` and it reads as one, or
/// why not.
pub fn judge(body: &[u8], signature: Option<&str>, secret: &str, codes: &StatusCodes) -> Result<PostalUpdate, String> {
    let signature = signature.map(str::trim).ok_or("no signature")?;
    if !crate::mac::same(signature.to_ascii_lowercase().as_bytes(), sign(body, secret).as_bytes()) {
        return Err("the signature does not hold".into());
    }
    let v: Value = serde_json::from_slice(body).map_err(|_| "a body that is not JSON")?;
    let field = |name: &str| text(&v, name).filter(|t| !t.is_empty()).ok_or(format!("no {name}"));
    let code = field("StatusCode")?;
    let state = codes.state(&code).ok_or(format!("status code {code} is not one of the contract's"))?;
    let time = field("StatusTime")?;
    let at: DateTime<Utc> = NaiveDateTime::parse_from_str(&time, TIME)
        .map(vietnam::from_local)
        .map_err(|_| format!("StatusTime `{time}` is not yyyyMMddHHmmss"))?;
    let note = text(&v, "StatusMessage").filter(|m| !m.is_empty()).map(|m| m.chars().take(200).collect());
    Ok(PostalUpdate { reference: field("OrderNumber")?, waybill: field("ItemCode")?, state, at, note })
}
