//! A payment transaction for a dossier's fees, and the judgement of a callback about it: a
//! callback is believed only when its signature holds, it names our partner code, a transaction
//! we opened, the amount we asked in đồng; a transaction ends once (a second callback, or a
//! late status query, changes nothing).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Callback;
use crate::codes::DossierCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionState {
    /// Opened; the payer is at the platform (khởi tạo).
    Created,
    /// Paid (thành công): final.
    Paid,
    /// Failed or abandoned (thất bại): final; a new transaction may be opened.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// `MaThamChieu`: ours, unique per transaction ([`reference_for`]).
    pub reference: String,
    pub dossier: DossierCode,
    pub amount_vnd: u64,
    pub state: TransactionState,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
    /// `MaGiaoDich`, the platform's id, once settled.
    pub platform_id: Option<String>,
    /// `MaNganHang`: the bank or wallet that paid.
    pub bank: Option<String>,
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
    use super::super::{init, query, query_status, reply, signature, QueryStatus};
    use super::*;

    const SECRET: &str = "khoa-bi-mat";

    fn transaction() -> Transaction {
        let dossier = DossierCode::parse("000.00.05.H56-261201-0001").unwrap();
        Transaction {
            reference: reference_for(&dossier, 1),
            dossier,
            amount_vnd: 50_000,
            state: TransactionState::Created,
            created_at: DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
            settled_at: None,
            platform_id: None,
            bank: None,
        }
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
        let m = init(&t, "KHH", SECRET, "Le phi ho so", "203.0.113.9", now);
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
    }
}
