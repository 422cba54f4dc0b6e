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
    crate::mac::same(expected.as_bytes(), given.trim().to_ascii_lowercase().as_bytes())
}

/// What a transaction pays for, as the receipt (`ThongTinBienLai`) names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// `ThongTinGiaoDich`, shown to the payer.
    pub describe: String,
    /// The payer's address as the request came from (`Ip`).
    pub payer_ip: String,
    /// `MaTTHC` and `TenTTHC`.
    pub procedure_code: String,
    pub procedure_name: String,
    /// `HoTenNguoiNop`.
    pub payer_name: String,
    /// `PhiLePhi`: each line owed, fee (1) or charge (2).
    pub fees: Vec<crate::lifecycle::FeeLine>,
}

impl Order {
    /// The order for what `d` owes, paid from `payer_ip`.
    pub fn of(d: &crate::lifecycle::Dossier, procedure_name: &str, payer_ip: &str) -> Self {
        Self {
            describe: format!("Nop phi, le phi ho so {}", d.code),
            payer_ip: payer_ip.to_owned(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: procedure_name.to_owned(),
            payer_name: d.applicant.name.clone(),
            fees: d.terms.fees.clone().unwrap_or_default().into_iter().filter(|l| l.due_vnd > 0).collect(),
        }
    }
}

/// Opens `t` at the platform: the `INIT` message, with the receipt's details (not signed).
pub fn init(t: &Transaction, order: &Order, partner: &str, secret: &str, now: DateTime<Utc>) -> Value {
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
        &order.describe,
        &at,
        &order.payer_ip,
    ];
    let fees: Vec<Value> = order
        .fees
        .iter()
        .map(|l| {
            let kind = if l.kind == crate::catalogue::FeeKind::Charge { "2" } else { "1" };
            json!({"LoaiPhiLePhi": kind, "TenPhiLePhi": l.name, "SoTien": l.due_vnd})
        })
        .collect();
    json!({
        "LoaiBanTin": "INIT", "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": t.reference,
        "SoTien": amount, "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1",
        "NgonNgu": "vi-VN", "MaTienTe": "VND", "MaNganHang": "PAYMENT", "ThongTinGiaoDich": order.describe,
        "ThoiGianGD": at, "Ip": order.payer_ip,
        "MaXacThuc": signature(&fields, secret),
        "ThongTinBienLai": {
            "MaDichVu": "2", "MaHoSo": t.dossier.to_string(), "NoiDungThanhToan": order.describe,
            "MaTTHC": order.procedure_code, "TenTTHC": order.procedure_name, "MaDVC": format!("{}.01", order.procedure_code),
            "HoTenNguoiNop": order.payer_name, "PhiLePhi": fees,
        },
    })
}

/// Where the platform sends the payer, from its `INIT` reply: `UrlThanhToan` at the top with
/// `MaLoi` `00`, or inside `message` (a JSON text) with `error_code` `0`. `Err` with the
/// platform's code and message otherwise.
pub fn pay_url(reply: &Value) -> Result<String, String> {
    let code = |k: &str| reply.get(k).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
    let url_in = |v: &Value| v.get("UrlThanhToan").and_then(Value::as_str).map(str::to_owned);
    let url = match (code("MaLoi").as_deref(), code("error_code").as_deref()) {
        (Some("00"), _) => url_in(reply),
        (_, Some("0")) => match reply.get("message") {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok().as_ref().and_then(url_in),
            Some(inner) => url_in(inner),
            None => None,
        },
        _ => {
            let text = code("MoTaLoi").or_else(|| code("message")).unwrap_or_default();
            let code = code("MaLoi").or_else(|| code("error_code")).unwrap_or_else(|| "?".into());
            return Err(format!("{code}: {}", text.chars().take(200).collect::<String>()));
        }
    };
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| "the answer names no payment page (UrlThanhToan)".to_owned())
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// Whole đồng, sent as a number or as digits in a string (platforms do both).
    #[serde(rename = "SoTien", deserialize_with = "whole_dong")]
    #[schema(value_type = u64)]
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

/// An amount given as a whole number or as a text of digits.
fn whole_dong<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().ok_or_else(|| serde::de::Error::custom("SoTien is not a whole number of đồng")),
        Value::String(s) => {
            s.trim().parse().map_err(|_| serde::de::Error::custom("SoTien is not a whole number of đồng"))
        }
        _ => Err(serde::de::Error::custom("SoTien is not a whole number of đồng")),
    }
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
