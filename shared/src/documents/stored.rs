//! The applicant's document store (kho quản lý dữ liệu điện tử, Decree 45/2020 and Decree
//! 107/2021): results the agencies issued and papers the desk digitised, kept per owner (the
//! citizen's ID number or the organisation's tax code) with the particulars of a digitised
//! record. A later filing by the same owner references one instead of uploading it again (the
//! "no re-asking" rule), and the officer sees where it came from.
//!
//! Records come from committed transitions only ([`kept`]): the desk's scans when it files,
//! receives or takes a supplement at the counter, and the result files when the result is
//! handed over. One record per file: its id is the file's upload id.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{FileRef, ResultDocument, UploadId};
use crate::catalogue::{ApplicantKind, OfficerId};
use crate::codes::DossierCode;
use crate::lifecycle::{Action, Applicant, Dossier, HistoryEvent};

/// The most text a particular may hold, in characters.
const MAX_PARTICULAR: usize = 200;

/// Whose a stored document is (never shown: the API answers only its holder).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    /// By citizen ID number (số định danh cá nhân).
    Citizen(crate::contact::CitizenId),
    /// By tax code (mã số thuế / mã số doanh nghiệp).
    Organisation(crate::contact::TaxCode),
}

impl Owner {
    /// The owner of what `applicant` files: by the identifier their kind is known by.
    pub fn of(applicant: &Applicant) -> Option<Owner> {
        match applicant.kind {
            ApplicantKind::Citizen => applicant.citizen_id.clone().map(Owner::Citizen),
            ApplicantKind::Organisation => applicant.tax_code.clone().map(Owner::Organisation),
        }
    }

    /// One string per owner (`citizen:<id>`, `organisation:<tax code>`), for storage keys.
    pub fn key(&self) -> String {
        match self {
            Owner::Citizen(id) => format!("citizen:{id}"),
            Owner::Organisation(code) => format!("organisation:{code}"),
        }
    }

    /// The owner's key as a store may spell it where it is seen (a table key, a log of one):
    /// HMAC-SHA-256 under the server key, in hex. An unkeyed hash of a 12-digit citizen ID
    /// could be reversed by trying every ID; this cannot without the key.
    pub fn digest(&self, server_key: &[u8]) -> String {
        let message = format!("stored-documents\0{}", self.key());
        crate::mac::hex(&crate::mac::hmac_sha256(server_key, message.as_bytes()))
    }
}

/// Whether `action` may add documents to the applicant's store (see [`kept`]): a store that
/// spells owners by [`Owner::digest`] needs the server key wherever these are committed.
pub fn keeps_documents(action: Action) -> bool {
    matches!(
        action,
        Action::CounterReceive
            | Action::CounterFile
            | Action::CounterSupplement
            | Action::Return
            | Action::PostalUpdate
    )
}

/// How a stored document came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A result an agency issued and handed over (kết quả giải quyết).
    IssuedResult,
    /// Paper the desk scanned at reception (kết quả số hóa).
    Digitised,
}

/// What the desk reads off a paper it digitises, or a result states: all optional but for the
/// dates' order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Particulars {
    /// Số.
    #[serde(default)]
    pub number: Option<String>,
    /// Ký hiệu.
    #[serde(default)]
    pub notation: Option<String>,
    /// Cơ quan cấp.
    #[serde(default)]
    pub issuer: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

/// Why particulars are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidParticulars {
    #[error("{0} quá dài hoặc chứa ký tự điều khiển / {0} is too long or holds control characters")]
    Text(&'static str),
    #[error("ngày hết hiệu lực trước ngày cấp / valid_until is before issued_on")]
    ValidBeforeIssued,
}

impl Particulars {
    /// Trimmed, empty texts dropped, checked.
    pub fn checked(self) -> Result<Self, InvalidParticulars> {
        let text = |value: Option<String>, what: &'static str| -> Result<Option<String>, InvalidParticulars> {
            let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else { return Ok(None) };
            if v.chars().count() > MAX_PARTICULAR || v.chars().any(char::is_control) {
                return Err(InvalidParticulars::Text(what));
            }
            Ok(Some(v))
        };
        let p = Particulars {
            number: text(self.number, "number")?,
            notation: text(self.notation, "notation")?,
            issuer: text(self.issuer, "issuer")?,
            issued_on: self.issued_on,
            valid_until: self.valid_until,
        };
        if let (Some(issued), Some(valid)) = (p.issued_on, p.valid_until) {
            if valid < issued {
                return Err(InvalidParticulars::ValidBeforeIssued);
            }
        }
        Ok(p)
    }

    fn of_result(r: &ResultDocument) -> Self {
        Particulars {
            number: Some(r.number.clone()),
            notation: r.notation.clone(),
            issuer: Some(r.issuer.clone()),
            issued_on: Some(r.issued_on),
            valid_until: r.valid_until,
        }
    }
}

/// Where a stored document came from: enough for an officer to judge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Provenance {
    pub origin: Origin,
    /// The dossier it was issued or digitised in.
    #[schema(value_type = String)]
    pub dossier: DossierCode,
    pub procedure_code: String,
    /// The officer who digitised it or handed the result over.
    #[schema(value_type = Option<String>)]
    pub recorded_by: Option<OfficerId>,
    pub recorded_at: DateTime<Utc>,
}

/// A document in an owner's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDocument {
    /// The file's upload id: one record per file.
    pub id: UploadId,
    pub owner: Owner,
    /// What it is: the result's name, or the component the desk scanned it as.
    pub name: String,
    pub particulars: Particulars,
    pub provenance: Provenance,
    pub file: FileRef,
}

impl StoredDocument {
    /// Whether it may still stand for a paper on `date` (not past its validity).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.particulars.valid_until.is_none_or(|v| v >= date)
    }
}

/// What a filing's document says when it reuses a stored document instead of a new file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reused {
    /// The stored document's id.
    #[schema(value_type = String)]
    pub id: UploadId,
    pub name: String,
    pub provenance: Provenance,
}

impl Reused {
    pub fn of(record: &StoredDocument) -> Self {
        Reused { id: record.id.clone(), name: record.name.clone(), provenance: record.provenance.clone() }
    }
}

/// The documents that `event`, just committed on `d`, adds to the applicant's store: the
/// desk's scans (not reuses) when it files, receives or takes a supplement at the counter, and
/// the results with files when they are handed over. None for an applicant without an owner id.
pub fn kept(d: &Dossier, event: &HistoryEvent) -> Vec<StoredDocument> {
    let Some(owner) = Owner::of(&d.applicant).filter(|_| keeps_documents(event.action)) else { return vec![] };
    let recorded_by = event.actor.officer().map(|o| o.id.clone());
    let provenance = |origin| Provenance {
        origin,
        dossier: d.code.clone(),
        procedure_code: d.procedure_code.clone(),
        recorded_by: recorded_by.clone(),
        recorded_at: event.at,
    };
    let record = |name: &str, particulars: Particulars, file: &FileRef, origin| StoredDocument {
        id: file.id.clone(),
        owner: owner.clone(),
        name: name.to_owned(),
        particulars,
        provenance: provenance(origin),
        file: file.clone(),
    };
    let in_event = |file: &FileRef| event.files.iter().any(|f| f.id == file.id);
    match event.action {
        Action::CounterReceive | Action::CounterFile | Action::CounterSupplement => d
            .documents
            .iter()
            .filter(|doc| doc.reused.is_none())
            .filter_map(|doc| doc.file.as_ref().filter(|f| in_event(f)).map(|f| (doc, f)))
            .map(|(doc, f)| record(&doc.component, doc.particulars.clone().unwrap_or_default(), f, Origin::Digitised))
            .collect(),
        // The result handed over: at the desk, online, or delivered by post.
        Action::Return | Action::PostalUpdate if event.to_status == crate::lifecycle::Status::Returned => d
            .results
            .iter()
            .filter_map(|r| {
                r.file.as_ref().map(|f| record(&r.name, Particulars::of_result(r), f, Origin::IssuedResult))
            })
            .collect(),
        _ => vec![],
    }
}
