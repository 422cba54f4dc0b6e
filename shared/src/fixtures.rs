//! What the domain's own tests start from: a citizen applicant and a dossier filed online under
//! the criminal-record procedure's terms.

use chrono::{DateTime, Utc};

use crate::calendar::{DurationUnit, ProcessingTime};
use crate::catalogue::{ApplicantKind, Channel, SupplementRule, WorkflowStep};
use crate::codes::DossierCode;
use crate::contact::{Email, PhoneNumber};
use crate::documents::{FileRef, MediaType, Sha256, UploadId};
use crate::lifecycle::{Action, Applicant, Dossier, EventActor, HistoryEvent, NewDossier, Status, Terms};

/// A citizen with a name and, optionally, a phone and an email.
pub fn citizen(name: &str, phone: Option<PhoneNumber>, email: Option<Email>) -> Applicant {
    Applicant {
        kind: ApplicantKind::Citizen,
        name: name.into(),
        citizen_id: None,
        tax_code: None,
        phone,
        email,
        address: None,
        delegate_name: None,
    }
}

/// A dossier filed online at `at` under `code` (its agency is the code's), with `workflow`.
pub fn filed(code: DossierCode, applicant: Applicant, workflow: Vec<WorkflowStep>, at: DateTime<Utc>) -> Dossier {
    let terms = Terms {
        fees_first: false,
        procedure_name: "Cấp Phiếu lý lịch tư pháp".into(),
        processing_time: ProcessingTime::new(10.0, DurationUnit::WorkingDays).unwrap(),
        cutoff: None,
        supplement_rule: SupplementRule::Recompute,
        allowances: Default::default(),
        postal_return: true,
        workflow,
        components: None,
        fees: None,
        online_level: Some(crate::catalogue::OnlineLevel::Full),
    };
    let agency = code.agency().clone();
    let new = NewDossier {
        channel: Channel::Online,
        applicant,
        documents: vec![],
        result_by: None,
        reductions: vec![],
        incomplete: false,
        notify_by: Default::default(),
        delivery_address: None,
    };
    Dossier::filed(code, "2.000488".into(), agency, new, terms, at)
}

/// A stored PDF of `bytes`' hash, as an upload attached to a filing would leave it.
pub fn file(bytes: &[u8]) -> FileRef {
    let sha256 = Sha256::of(bytes);
    let id = UploadId::parse(&sha256.as_str()[..32]).expect("32 hexadecimal digits");
    FileRef { id, sha256, size: bytes.len() as u64, media_type: MediaType::Pdf }
}

/// The event `seq` of `action` by `actor` at `at`, leaving the dossier `to`; nothing else set.
pub fn event(seq: u32, at: DateTime<Utc>, action: Action, actor: EventActor, to: Status) -> HistoryEvent {
    HistoryEvent {
        seq,
        at,
        action,
        actor,
        from_status: None,
        to_status: to,
        from_step: None,
        to_step: None,
        note: None,
        assignee: None,
        step_due_at: None,
        due_at: None,
        deadline: None,
        files: vec![],
        payment: None,
        prev_hash: String::new(),
        hash: String::new(),
    }
}
