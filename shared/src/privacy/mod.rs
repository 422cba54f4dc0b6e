//! What is held about a person (Law 91/2025/QH15 on personal data protection): for a citizen
//! ID or a tax code, every dossier filed under it and the personal data each holds — what the
//! applicant gave, the documents handed in, who in which agency processed it and to whom it
//! was passed on (the national portal, the payment platform) — and the record of the request
//! itself. Pure: the service finds the dossiers (the keyed `i:` search term of every agency),
//! this says what of them is reported.
//!
//! The request's record keeps who asked, when, why, which kind of identifier and how many
//! dossiers were found, and the identifier only as its keyed digest (the search term's): an
//! auditor holding an ID can tell whether it was asked about; the record alone cannot be
//! reversed into IDs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalogue::{Channel, OfficerRef};
use crate::contact::{CitizenId, TaxCode};
use crate::lifecycle::{Applicant, Dossier, EventActor, HistoryEvent, Status};
use crate::search::Term;

/// The most dossiers one answer lists (the newest).
pub const MAX_DOSSIERS: usize = 500;

/// The longest reason a request may give.
pub const MAX_REASON: usize = 1_000;

/// Which identifier a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Số định danh cá nhân (12 digits).
    CitizenId,
    /// Mã số thuế.
    TaxCode,
}

/// The person a request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Citizen(CitizenId),
    Taxpayer(TaxCode),
}

/// Why a request cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRequest {
    #[error("cần đúng một trong citizen_id và tax_code / name exactly one of citizen_id and tax_code")]
    OneIdentifier,
    #[error("số định danh không hợp lệ / invalid citizen ID: {0}")]
    CitizenId(String),
    #[error("mã số thuế không hợp lệ / invalid tax code: {0}")]
    TaxCode(String),
    #[error("cần nêu lý do (căn cứ) của yêu cầu, tối đa 1000 ký tự / give the request's reason (its legal ground), at most 1000 characters")]
    Reason,
}

impl InvalidRequest {
    pub fn code(&self) -> &'static str {
        match self {
            InvalidRequest::OneIdentifier => "one_identifier",
            InvalidRequest::CitizenId(_) => "invalid_citizen_id",
            InvalidRequest::TaxCode(_) => "invalid_tax_code",
            InvalidRequest::Reason => "invalid_reason",
        }
    }
}

impl Subject {
    /// The subject named by exactly one of the two identifiers.
    pub fn parse(citizen_id: Option<&str>, tax_code: Option<&str>) -> Result<Self, InvalidRequest> {
        match (citizen_id.map(str::trim), tax_code.map(str::trim)) {
            (Some(id), None) => {
                CitizenId::parse(id).map(Subject::Citizen).map_err(|e| InvalidRequest::CitizenId(e.to_string()))
            }
            (None, Some(code)) => {
                TaxCode::parse(code).map(Subject::Taxpayer).map_err(|e| InvalidRequest::TaxCode(e.to_string()))
            }
            _ => Err(InvalidRequest::OneIdentifier),
        }
    }

    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Citizen(_) => SubjectKind::CitizenId,
            Subject::Taxpayer(_) => SubjectKind::TaxCode,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Subject::Citizen(id) => id.as_str(),
            Subject::Taxpayer(code) => code.as_str(),
        }
    }

    /// The search term every agency files the subject's dossiers under.
    pub fn term(&self, key: &[u8]) -> Term {
        Term::id(key, self.as_str())
    }

    /// Whether `d` was filed by this person (the search term is shared by both kinds of
    /// identifier; this tells them apart).
    pub fn filed(&self, d: &Dossier) -> bool {
        let a = &d.applicant;
        match self {
            Subject::Citizen(id) => a.citizen_id.as_ref() == Some(id),
            Subject::Taxpayer(code) => a.tax_code.as_ref() == Some(code),
        }
    }
}

/// A reason as recorded: trimmed, not empty, at most [`MAX_REASON`] characters.
pub fn reason(text: &str) -> Result<String, InvalidRequest> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_REASON || !crate::text::is_plain(text, true) {
        return Err(InvalidRequest::Reason);
    }
    Ok(text.to_owned())
}

/// The record of one request (kept by the `SubjectRequests` port).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubjectRequest {
    /// `YC-<yyyymmdd>-<8 hex digits>`.
    pub id: String,
    pub at: DateTime<Utc>,
    pub officer: OfficerRef,
    pub kind: SubjectKind,
    /// The identifier's keyed digest (the search term's), never the identifier.
    pub subject_digest: String,
    pub reason: String,
    /// How many dossiers the answer listed.
    pub dossiers: usize,
}

impl SubjectRequest {
    /// Where the record sorts among the others: its time, then its id.
    pub fn position(&self) -> String {
        format!("{}#{}", self.at.format("%Y%m%dT%H%M%S%.6fZ"), self.id)
    }
}

/// A document handed in, as held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HeldDocument {
    pub component: String,
    pub file_name: String,
    /// Whether the file itself is kept (an upload or a scan), not just its name.
    pub file_kept: bool,
    /// The number of a digitised document already held elsewhere, when one was named.
    pub reference: Option<String>,
    /// What the desk read off the paper it digitised (number, notation, issuer, dates).
    pub particulars: Option<crate::documents::Particulars>,
}

/// Someone outside the province's one-stop system the dossier's data was passed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// Cổng Dịch vụ công quốc gia: every status, with the applicant's name and identifiers.
    NationalPortal,
    /// The payment platform: the payer's name with the fees.
    PaymentPlatform,
}

/// One dossier's personal data as held.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HeldDossier {
    pub code: String,
    /// The purpose the data is held for: the procedure asked for.
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency_code: String,
    pub channel: Channel,
    pub status: Status,
    pub submitted_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Everything the applicant gave about themselves (and their delegate's name).
    pub applicant: Applicant,
    pub documents: Vec<HeldDocument>,
    /// Agencies that processed it: its own, those of its workflow's steps, those consulted.
    pub agencies: Vec<String>,
    /// Officers who acted on it or were given it, each once, in the order they first did.
    pub officers: Vec<OfficerRef>,
    pub passed_to: Vec<Recipient>,
    /// Events in its history (each a step of processing).
    pub events: usize,
}

impl HeldDossier {
    /// What `d` holds, from its history; `synced` and `paid_online` say whether its data went
    /// to the national portal and the payment platform.
    pub fn of(d: &Dossier, history: &[HistoryEvent], synced: bool, paid_online: bool) -> Self {
        let mut agencies = vec![d.agency_code.to_string()];
        let mut officers: Vec<OfficerRef> = Vec::new();
        let mut add_agency = |code: String| {
            if !agencies.contains(&code) {
                agencies.push(code);
            }
        };
        for step in &d.terms.workflow {
            if let Some(a) = &step.agency {
                add_agency(a.to_string());
            }
        }
        for e in history {
            if let EventActor::Agency { agency } = &e.actor {
                add_agency(agency.to_string());
            }
            let acting = e.actor.officer();
            for o in acting.into_iter().chain(e.assignee.as_ref()) {
                add_agency(o.agency.to_string());
                if !officers.iter().any(|k| k.id == o.id) {
                    officers.push(o.clone());
                }
            }
        }
        let documents = d
            .documents
            .iter()
            .map(|doc| HeldDocument {
                component: doc.component.clone(),
                file_name: doc.file_name.clone(),
                file_kept: doc.file.is_some(),
                reference: doc.reference.clone(),
                particulars: doc.particulars.clone(),
            })
            .collect();
        let passed_to = [(synced, Recipient::NationalPortal), (paid_online, Recipient::PaymentPlatform)]
            .into_iter()
            .filter_map(|(yes, r)| yes.then_some(r))
            .collect();
        Self {
            code: d.code.to_string(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.terms.procedure_name.clone(),
            agency_code: d.agency_code.to_string(),
            channel: d.channel,
            status: d.status,
            submitted_at: d.submitted_at,
            finished_at: d.finished_at,
            applicant: d.applicant.clone(),
            documents,
            agencies,
            officers,
            passed_to,
            events: history.len(),
        }
    }
}

/// The answer to a request: its record and what is held, newest dossier first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SubjectReport {
    pub request: SubjectRequest,
    pub kind: SubjectKind,
    /// The identifier asked about (in the answer only, never in the record).
    pub subject: String,
    pub dossiers: Vec<HeldDossier>,
    /// False when the person has more dossiers than one answer lists ([`MAX_DOSSIERS`], the
    /// newest): the rest are in the agencies' own searches.
    pub complete: bool,
}

#[cfg(test)]
mod tests;
