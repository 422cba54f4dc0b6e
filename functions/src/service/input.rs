//! Request bodies for filings and actions, parsed into domain values. Unknown fields are
//! refused (no mass assignment); each invalid value gets its own error code.

use motcua_domain::catalogue::{ApplicantKind, Channel};
use motcua_domain::contact::{CitizenId, Email, PhoneNumber, TaxCode};
use motcua_domain::lifecycle::{Applicant, FeeReduction, ReturnMethod};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiError;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    pub kind: ApplicantKind,
    pub name: String,
    #[schema(example = "079203001234")]
    pub citizen_id: Option<String>,
    #[schema(example = "0101234567")]
    pub tax_code: Option<String>,
    #[schema(example = "0912345678")]
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub delegate_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub component: String,
    /// For display; with an upload, the upload's name when left out.
    #[serde(default)]
    pub file_name: Option<String>,
    /// The number of a digitised document already held.
    pub reference: Option<String>,
    /// The id of an upload whose bytes arrived (`POST /v1/uploads`).
    #[serde(default)]
    pub upload: Option<String>,
    /// The upload's SHA-256, as announced: required with `upload`.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The id of a document in the applicant's store (`…/stored-documents`), reused instead of
    /// an upload: no re-asking for what was issued or digitised before.
    #[serde(default)]
    pub stored: Option<String>,
    /// What the desk reads off the paper it scans (officers only): kept with the scan in the
    /// applicant's store.
    #[serde(default)]
    pub particulars: Option<motcua_domain::documents::Particulars>,
}

/// A result document issued at approval, with the upload of its signed file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    /// What it is, e.g. `Phiếu lý lịch tư pháp số 1`.
    pub name: String,
    /// Số.
    pub number: String,
    /// Ký hiệu.
    pub notation: Option<String>,
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    pub issued_on: chrono::NaiveDate,
    /// Người ký.
    pub signer: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<chrono::NaiveDate>,
    /// The issuing agency.
    pub issuer: String,
    /// The upload of the signed file (`POST /v1/counter/uploads`).
    pub upload: Option<String>,
    /// The upload's SHA-256: required with `upload`.
    pub sha256: Option<String>,
}

/// `POST /v1/dossiers`: an online filing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    #[schema(example = "2.000488")]
    pub procedure_code: String,
    pub applicant: ApplicantInput,
    pub documents: Vec<DocumentInput>,
    /// How the applicant wants the result: `counter` (the default), `postal` (where the
    /// procedure returns by post) or `online` (fully online procedures).
    #[serde(default)]
    pub result_by: Option<ReturnMethod>,
    /// The channels for notices: `sms`, `email` or both, each with its contact given; absent or
    /// empty: the default rule (an SMS, the email kept as its fallback).
    #[serde(default)]
    pub notify_by: Vec<motcua_domain::notify::MessageChannel>,
    /// Where to deliver the result by post (with `result_by` `postal`, or for it when absent).
    #[serde(default)]
    pub delivery_address: Option<motcua_domain::postal::PostalAddress>,
}

/// `POST /v1/counter/dossiers`: a filing received at the desk, directly or by post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterRequest {
    pub procedure_code: String,
    /// `direct` or `postal`.
    pub channel: Channel,
    pub applicant: ApplicantInput,
    pub documents: Vec<DocumentInput>,
    /// As for an online filing.
    #[serde(default)]
    pub result_by: Option<ReturnMethod>,
    /// As for an online filing.
    #[serde(default)]
    pub notify_by: Vec<motcua_domain::notify::MessageChannel>,
    /// As for an online filing.
    #[serde(default)]
    pub delivery_address: Option<motcua_domain::postal::PostalAddress>,
    /// Exemptions and reductions of the procedure's fees, each with its legal basis.
    #[serde(default)]
    pub fee_reductions: Vec<FeeReduction>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl ApplicantInput {
    pub fn parse(self) -> Result<Applicant, ApiError> {
        let invalid = |code: &'static str, e: &dyn std::fmt::Display| ApiError::unprocessable(code, e.to_string());
        Ok(Applicant {
            kind: self.kind,
            name: self.name.trim().to_owned(),
            citizen_id: blank_to_none(self.citizen_id)
                .map(|s| CitizenId::parse(&s))
                .transpose()
                .map_err(|e| invalid("invalid_citizen_id", &e))?,
            tax_code: blank_to_none(self.tax_code)
                .map(|s| TaxCode::parse(&s))
                .transpose()
                .map_err(|e| invalid("invalid_tax_code", &e))?,
            phone: blank_to_none(self.phone)
                .map(|s| PhoneNumber::parse(&s))
                .transpose()
                .map_err(|e| invalid("invalid_phone", &e))?,
            email: blank_to_none(self.email)
                .map(|s| Email::parse(&s))
                .transpose()
                .map_err(|e| invalid("invalid_email", &e))?,
            address: blank_to_none(self.address),
            delegate_name: blank_to_none(self.delegate_name),
        })
    }
}
