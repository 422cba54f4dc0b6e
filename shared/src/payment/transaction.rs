//! A payment transaction for a dossier's fees, and the judgement of a callback about it: a
//! callback is believed only when its signature holds, it names our partner code, a transaction
//! we opened, the amount we asked in đồng; a transaction ends once (a second callback, or a
//! late status query, changes nothing).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Callback;
use crate::codes::DossierCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionState {
    /// Opened; the payer is at the platform (khởi tạo).
    Created,
    /// Paid (thành công): final.
    Paid,
    /// Failed or abandoned (thất bại): final; a new transaction may be opened.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Transaction {
    /// `MaThamChieu`: ours, unique per transaction ([`reference_for`]).
    pub reference: String,
    #[schema(value_type = String)]
    pub dossier: DossierCode,
    pub amount_vnd: u64,
    pub state: TransactionState,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
    /// `MaGiaoDich`, the platform's id, once settled.
    pub platform_id: Option<String>,
    /// `MaNganHang`: the bank or wallet that paid.
    pub bank: Option<String>,
    /// Paid, but the payment could not be applied to the dossier (it had been withdrawn, or paid
    /// at the desk meanwhile): why, for the desk that refunds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unapplied: Option<String>,
}

impl Transaction {
    /// A new transaction for `dossier`'s `attempt`-th payment of `amount_vnd`.
    pub fn open(dossier: &DossierCode, attempt: u32, amount_vnd: u64, now: DateTime<Utc>) -> Self {
        Self {
            reference: reference_for(dossier, attempt),
            dossier: dossier.clone(),
            amount_vnd,
            state: TransactionState::Created,
            created_at: now,
            settled_at: None,
            platform_id: None,
            bank: None,
            unapplied: None,
        }
    }

    /// This transaction, paid at `at` through `bank` under the platform's `platform_id`.
    pub fn paid(&self, platform_id: &str, bank: &str, at: DateTime<Utc>) -> Self {
        Self {
            state: TransactionState::Paid,
            settled_at: Some(at),
            platform_id: Some(platform_id.to_owned()).filter(|s| !s.is_empty()),
            bank: Some(bank.to_owned()).filter(|s| !s.is_empty()),
            ..self.clone()
        }
    }

    /// This transaction, failed at `at`.
    pub fn failed(&self, at: DateTime<Utc>) -> Self {
        Self { state: TransactionState::Failed, settled_at: Some(at), ..self.clone() }
    }

    pub fn is_open(&self) -> bool {
        self.state == TransactionState::Created
    }
}

/// A transaction's reference: the dossier code's letters and digits and the attempt's number,
/// at most 40 characters (the platform's field).
pub fn reference_for(dossier: &DossierCode, attempt: u32) -> String {
    let compact: String = dossier.to_string().chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{compact}P{attempt:03}")
}

/// Why a callback changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("chữ ký không hợp lệ / the signature does not hold")]
    BadSignature,
    #[error("mã đối tác không đúng / another partner's callback")]
    OtherPartner,
    #[error("không có giao dịch {0} / no transaction {0}")]
    UnknownTransaction(String),
    #[error("số tiền {got} khác số tiền giao dịch {expected} / {got} VND against the transaction's {expected} VND")]
    WrongAmount { expected: u64, got: u64 },
    #[error("đơn vị tiền {0} không phải VND / currency {0} is not VND")]
    WrongCurrency(String),
}

/// What a believed callback means for its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Paid now: record it (and move the dossier on).
    Paid { platform_id: String, bank: String },
    /// The payer did not pay: the transaction failed.
    Failed { code: String },
    /// The transaction had ended already: nothing to do (answer as taken).
    AlreadySettled,
}

/// Judges `callback` about `transaction` (`None`: we opened no such transaction).
pub fn judge(
    transaction: Option<&Transaction>,
    callback: &Callback,
    partner: &str,
    secret: &str,
) -> Result<Verdict, Refusal> {
    if !callback.signature_ok(secret) {
        return Err(Refusal::BadSignature);
    }
    if callback.partner != partner {
        return Err(Refusal::OtherPartner);
    }
    let t = transaction.ok_or_else(|| Refusal::UnknownTransaction(callback.reference.clone()))?;
    if callback.currency != "VND" {
        return Err(Refusal::WrongCurrency(callback.currency.clone()));
    }
    if callback.amount_vnd != t.amount_vnd {
        return Err(Refusal::WrongAmount { expected: t.amount_vnd, got: callback.amount_vnd });
    }
    Ok(match (t.state, callback.code.as_str()) {
        (TransactionState::Paid | TransactionState::Failed, _) => Verdict::AlreadySettled,
        (TransactionState::Created, "00") => {
            Verdict::Paid { platform_id: callback.platform_id.clone(), bank: callback.bank.clone() }
        }
        (TransactionState::Created, code) => Verdict::Failed { code: code.to_owned() },
    })
}

#[cfg(test)]
mod tests {
    use super::super::{init, pay_url, query, query_status, reply, signature, Order, QueryStatus};
    use super::*;

    const SECRET: &str = "khoa-bi-mat";

    fn transaction() -> Transaction {
        let dossier = DossierCode::parse("000.00.05.H56-261201-0001").unwrap();
        Transaction::open(&dossier, 1, 50_000, DateTime::from_timestamp(1_796_000_000, 0).unwrap())
    }

    fn callback(t: &Transaction, code: &str, amount: u64) -> Callback {
        Callback {
            kind: "PAYMENT".into(),
            code: code.into(),
            partner: "KHH".into(),
            reference: t.reference.clone(),
            amount_vnd: amount,
            currency: "VND".into(),
            platform_id: "GD123".into(),
            bank: "VCB".into(),
            at: "20261201101500".into(),
            description: "Nop phi".into(),
            signature: String::new(),
        }
        .signed(SECRET)
    }

    #[test]
    fn the_signature_is_the_sha256_of_the_fields_and_the_secret_joined_by_bars() {
        // sha256("a|b|k"), computed independently (`printf 'a|b|k' | sha256sum`).
        assert_eq!(signature(&["a", "b"], "k"), "8bff25582189469cffc71d7fab53f48251373d083d33715ece93ddb67b1df625");
        let known = signature(&["INIT", "1.0.6"], "s");
        assert_eq!(known.len(), 64);
        assert!(known.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(signature(&["a", "b"], "k"), signature(&["a|b"], "k2"));
    }

    #[test]
    fn a_callback_is_believed_only_when_signed_for_our_transaction_and_amount() {
        let t = transaction();
        let paid = callback(&t, "00", 50_000);
        assert_eq!(
            judge(Some(&t), &paid, "KHH", SECRET),
            Ok(Verdict::Paid { platform_id: "GD123".into(), bank: "VCB".into() })
        );
        let mut forged = paid.clone();
        forged.signature = "0".repeat(64);
        assert_eq!(judge(Some(&t), &forged, "KHH", SECRET), Err(Refusal::BadSignature));
        let mut tampered = paid.clone();
        tampered.amount_vnd = 5_000;
        assert_eq!(judge(Some(&t), &tampered, "KHH", SECRET), Err(Refusal::BadSignature), "the amount is signed");
        let resigned = callback(&t, "00", 5_000);
        assert_eq!(
            judge(Some(&t), &resigned, "KHH", SECRET),
            Err(Refusal::WrongAmount { expected: 50_000, got: 5_000 })
        );
        assert_eq!(judge(None, &paid, "KHH", SECRET), Err(Refusal::UnknownTransaction(t.reference.clone())));
        assert_eq!(judge(Some(&t), &paid, "OTHER", SECRET), Err(Refusal::OtherPartner));
        assert_eq!(judge(Some(&t), &paid, "KHH", "another secret"), Err(Refusal::BadSignature));
        let settled = Transaction { state: TransactionState::Paid, ..t.clone() };
        assert_eq!(judge(Some(&settled), &paid, "KHH", SECRET), Ok(Verdict::AlreadySettled), "a second time");
        assert_eq!(
            judge(Some(&t), &callback(&t, "24", 50_000), "KHH", SECRET),
            Ok(Verdict::Failed { code: "24".into() })
        );
    }

    #[test]
    fn messages_carry_their_fields_and_signatures() {
        let t = transaction();
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let order = Order {
            describe: "Le phi ho so".into(),
            payer_ip: "203.0.113.9".into(),
            procedure_code: "2.001610".into(),
            procedure_name: "Cấp giấy phép".into(),
            payer_name: "Nguyễn Văn A".into(),
            fees: vec![],
        };
        let m = init(&t, &order, "KHH", SECRET, now);
        assert_eq!((m["LoaiBanTin"].as_str(), m["SoTien"].as_str()), (Some("INIT"), Some("50000")));
        assert_eq!(m["MaThamChieu"], t.reference.as_str());
        assert_eq!(m["ThongTinBienLai"]["MaHoSo"], "000.00.05.H56-261201-0001");
        assert_eq!(m["MaXacThuc"].as_str().unwrap().len(), 64);
        let q = query(&t.reference, "KHH", SECRET, now);
        let expected = signature(&["QUERY", "1.0.6", "KHH", &t.reference, q["ThoiGianGD"].as_str().unwrap()], SECRET);
        assert_eq!(q["MaXacThuc"], expected.as_str());
        let paid = serde_json::json!({"TrangThaiGD": "1", "MaGiaoDich": "GD9", "SoTien": 50000});
        assert_eq!(query_status(&paid), Some(QueryStatus::Paid { platform_id: "GD9".into(), amount_vnd: 50_000 }));
        assert_eq!(query_status(&serde_json::json!({"TrangThaiGD": 3})), Some(QueryStatus::Pending));
        assert_eq!(query_status(&serde_json::json!({"TrangThaiGD": "4"})), Some(QueryStatus::Failed));
        assert_eq!(query_status(&serde_json::json!({"MaLoi": "99"})), None);
        let answer = reply(&callback(&t, "00", 50_000), true, SECRET, now);
        assert_eq!((answer["MaLoi"].as_str(), answer["MoTaLoi"].as_str()), (Some("00"), Some("Thành công")));
        assert!(t.reference.len() <= 40 && t.reference.ends_with("P001"));
        let url = "https://pay.example/p/1";
        assert_eq!(pay_url(&serde_json::json!({"MaLoi": "00", "UrlThanhToan": url})).as_deref(), Ok(url));
        let nested = serde_json::json!({"error_code": "0", "message": format!("{{\"UrlThanhToan\":\"{url}\"}}")});
        assert_eq!(pay_url(&nested).as_deref(), Ok(url), "the shape that wraps it in a JSON text");
        assert!(pay_url(&serde_json::json!({"MaLoi": "01", "MoTaLoi": "Sai chữ ký"}))
            .unwrap_err()
            .contains("Sai chữ ký"));
        assert!(pay_url(&serde_json::json!({"MaLoi": "00", "UrlThanhToan": "javascript:x"})).is_err());
        let mut sent = serde_json::to_value(callback(&t, "00", 50_000)).unwrap();
        sent["SoTien"] = serde_json::json!("50000");
        let read: super::super::Callback = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(
            judge(Some(&t), &read, "KHH", SECRET),
            Ok(Verdict::Paid { platform_id: "GD123".into(), bank: "VCB".into() }),
            "the amount as text"
        );
        sent["SoTien"] = serde_json::json!("5e4");
        assert!(serde_json::from_value::<super::super::Callback>(sent).is_err());
    }
}
