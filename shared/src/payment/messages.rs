//! The platform's messages. Each is signed with `MaXacThuc`: the lowercase hex SHA-256 (plain,
//! not an HMAC) of its fields in a fixed order joined by `|`, the partner's secret key last.
//! Times are `yyyyMMddHHmmss` in Vietnam time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::Transaction;
use crate::portal::stamp;

/// The protocol version the messages carry.
const VERSION: &str = "1.0.6";

/// `MaXacThuc` of `fields` under `secret`.
pub fn signature(fields: &[&str], secret: &str) -> String {
    let mut text = fields.join("|");
    text.push('|');
    text.push_str(secret);
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `given` is `fields`' signature, compared in constant time (case aside).
pub fn signature_matches(fields: &[&str], secret: &str, given: &str) -> bool {
    let expected = signature(fields, secret);
    let given = given.trim().to_ascii_lowercase();
    if given.len() != expected.len() {
        return false;
    }
    expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Opens `t` at the platform: the `INIT` message, with the receipt's details (not signed).
pub fn init(t: &Transaction, partner: &str, secret: &str, describe: &str, payer_ip: &str, now: DateTime<Utc>) -> Value {
    let amount = t.amount_vnd.to_string();
    let at = stamp(now);
    let fields = [
        "INIT",
        VERSION,
        partner,
        &t.reference,
        &amount,
        "PAY",
        "1",
        "1",
        "vi-VN",
        "VND",
        "PAYMENT",
        describe,
        &at,
        payer_ip,
    ];
    json!({
        "LoaiBanTin": "INIT", "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": t.reference,
        "SoTien": amount, "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1",
        "NgonNgu": "vi-VN", "MaTienTe": "VND", "MaNganHang": "PAYMENT", "ThongTinGiaoDich": describe,
        "ThoiGianGD": at, "Ip": payer_ip,
        "MaXacThuc": signature(&fields, secret),
        "ThongTinBienLai": {"MaDichVu": "2", "MaHoSo": t.dossier.to_string(), "NoiDungThanhToan": describe},
    })
}

/// Asks the platform how `reference` stands: the `QUERY` message.
pub fn query(reference: &str, partner: &str, secret: &str, now: DateTime<Utc>) -> Value {
    let at = stamp(now);
    let fields = ["QUERY", VERSION, partner, reference, &at];
    json!({
        "LoaiBanTin": "QUERY", "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": reference,
        "ThoiGianGD": at, "MaXacThuc": signature(&fields, secret),
    })
}

/// How a transaction stands at the platform (`TrangThaiGD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryStatus {
    /// 1: paid, with the platform's transaction id and the amount it took.
    Paid { platform_id: String, amount_vnd: u64 },
    /// 3: still pending, or not known yet.
    Pending,
    /// 4: failed.
    Failed,
}

/// Reads a `QUERY` reply; `None` when it is not one.
pub fn query_status(reply: &Value) -> Option<QueryStatus> {
    let text = |k: &str| match reply.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match text("TrangThaiGD")?.as_str() {
        "1" => Some(QueryStatus::Paid {
            platform_id: text("MaGiaoDich").unwrap_or_default(),
            amount_vnd: text("SoTien")?.parse().ok()?,
        }),
        "3" => Some(QueryStatus::Pending),
        "4" => Some(QueryStatus::Failed),
        _ => None,
    }
}

/// The platform's callback (IPN), as it is posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    #[serde(rename = "LoaiBanTin")]
    pub kind: String,
    /// `00`: paid.
    #[serde(rename = "MaLoi")]
    pub code: String,
    #[serde(rename = "MaDoiTac")]
    pub partner: String,
    #[serde(rename = "MaThamChieu")]
    pub reference: String,
    #[serde(rename = "SoTien")]
    pub amount_vnd: u64,
    #[serde(rename = "MaTienTe")]
    pub currency: String,
    #[serde(rename = "MaGiaoDich")]
    pub platform_id: String,
    #[serde(rename = "MaNganHang")]
    pub bank: String,
    #[serde(rename = "ThoiGianGD")]
    pub at: String,
    #[serde(rename = "ThongTinGiaoDich")]
    pub description: String,
    #[serde(rename = "MaXacThuc")]
    pub signature: String,
}

impl Callback {
    /// The signed fields, in order.
    fn fields(&self) -> [String; 10] {
        [
            self.kind.clone(),
            self.code.clone(),
            self.partner.clone(),
            self.reference.clone(),
            self.amount_vnd.to_string(),
            self.currency.clone(),
            self.platform_id.clone(),
            self.bank.clone(),
            self.at.clone(),
            self.description.clone(),
        ]
    }

    pub fn signature_ok(&self, secret: &str) -> bool {
        let fields = self.fields();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        signature_matches(&fields, secret, &self.signature)
    }

    /// The callback signed with `secret` (what the platform does; the fake gateway uses it).
    pub fn signed(mut self, secret: &str) -> Self {
        let fields = self.fields();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        self.signature = signature(&fields, secret);
        self
    }
}

/// Our answer to a callback: `00` taken, `99` not.
pub fn reply(callback: &Callback, taken: bool, secret: &str, now: DateTime<Utc>) -> Value {
    let (code, text) = if taken { ("00", "Thành công") } else { ("99", "Các lỗi khác") };
    let at = stamp(now);
    let fields = [code, &callback.partner, &callback.reference, &at];
    json!({"MaLoi": code, "MoTaLoi": text, "MaDoiTac": callback.partner, "MaThamChieu": callback.reference,
        "ThoiGianGD": at, "MaXacThuc": signature(&fields, secret)})
}
