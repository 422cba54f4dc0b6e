//! Minimal dossiers, events, messages and fakes for the store contract.

use chrono::{NaiveDate, Utc};
use motcua_domain::calendar::{DurationUnit, ProcessingTime};
use motcua_domain::catalogue::{ApplicantKind, Channel, SupplementRule};
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{
    Action, Applicant, Dossier, EventActor, HistoryEvent, NewDossier, NoticeKind, Status, Terms,
};
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Clock, Commit, Enclosure, IdempotencyRecord, Notifier, NotifyError};

pub fn agency() -> AgencyCode {
    AgencyCode::parse("000.00.03.H56").unwrap()
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

pub fn dossier(code: DossierCode) -> Dossier {
    let applicant = Applicant {
        kind: ApplicantKind::Citizen,
        name: "Test".into(),
        citizen_id: None,
        tax_code: None,
        phone: None,
        email: None,
        address: None,
        delegate_name: None,
    };
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
    Dossier::filed(code, "2.000488".into(), agency(), new, terms(), Utc::now())
}

fn terms() -> Terms {
    Terms {
        fees_first: false,
        procedure_name: "x".into(),
        processing_time: ProcessingTime { amount: 1.0, unit: DurationUnit::WorkingDays },
        cutoff: None,
        supplement_rule: SupplementRule::Recompute,
        allowances: Default::default(),
        postal_return: false,
        workflow: vec![],
        components: None,
        fees: None,
        online_level: None,
    }
}

pub fn event(seq: u32, to: Status) -> HistoryEvent {
    HistoryEvent {
        payment: None,
        seq,
        at: Utc::now(),
        action: Action::Submit,
        actor: EventActor::Applicant,
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
        prev_hash: String::new(),
        hash: String::new(),
    }
}

pub fn message(code: &DossierCode, seq: u32) -> OutgoingMessage {
    OutgoingMessage {
        id: format!("{code}:{seq}:sms"),
        dossier_code: code.to_string(),
        kind: NoticeKind::Submitted,
        channel: MessageChannel::Sms,
        recipient: "+84912345678".into(),
        subject: None,
        text: "Ho so".into(),
        status: Some(Status::Submitted),
        created_at: Utc::now(),
        fallback: None,
    }
}

pub fn create_commit(code: DossierCode, key: Option<&str>) -> Commit {
    Commit {
        settle: None,
        search: vec![],
        dossier: dossier(code.clone()),
        expected_version: None,
        event: event(0, Status::Submitted),
        outbox: vec![message(&code, 0)],
        lookup_secret_hash: Some("hash".into()),
        idempotency: key.map(|k| IdempotencyRecord {
            scope: "submit".into(),
            key: k.into(),
            request_hash: "h".into(),
            status: 201,
            dossier: code.clone(),
            created_at: Utc::now(),
        }),
        limit: None,
        attach: vec![],
        keep: vec![],
        tally: vec![],
    }
}

/// A transition of `dossier` (its next state) from version `expected`, writing `event` and
/// nothing else.
pub fn transition(dossier: Dossier, expected: u64, event: HistoryEvent) -> Commit {
    Commit {
        dossier,
        expected_version: Some(expected),
        event,
        outbox: vec![],
        lookup_secret_hash: None,
        idempotency: None,
        limit: None,
        attach: vec![],
        keep: vec![],
        tally: vec![],
        settle: None,
        search: vec![],
    }
}

/// A notifier that always fails, temporarily or for good.
pub struct Failing(pub fn(String) -> NotifyError);

#[async_trait::async_trait]
impl Notifier for Failing {
    async fn deliver(&self, _: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
        Err((self.0)("gateway down".into()))
    }
}

pub struct FixedClock(pub chrono::DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        self.0
    }
}

pub fn officer_ref(id: &str) -> motcua_domain::catalogue::OfficerRef {
    motcua_domain::catalogue::OfficerRef {
        id: motcua_domain::catalogue::OfficerId::parse(id).unwrap(),
        name: id.to_uppercase(),
        agency: agency(),
    }
}

pub fn officer(id: &str) -> motcua_domain::catalogue::Officer {
    let r = officer_ref(id);
    motcua_domain::catalogue::Officer {
        id: r.id,
        name: r.name,
        agency: r.agency,
        roles: vec![motcua_domain::catalogue::Role::Reception],
        phone: None,
        email: None,
        arrivals: Default::default(),
    }
}

pub fn procedure() -> motcua_domain::catalogue::Procedure {
    use motcua_domain::catalogue::*;
    Procedure {
        fees_first: false,
        code: "1.000000".into(),
        name: "Thủ tục".into(),
        field: "Hộ tịch".into(),
        agency: agency(),
        legal_basis: String::new(),
        applicant_kinds: vec![ApplicantKind::Citizen],
        components: vec![],
        fees: vec![],
        processing_time: ProcessingTime { amount: 1.0, unit: DurationUnit::WorkingDays },
        online_processing_time: None,
        cutoff: None,
        channels: vec![Channel::Online],
        online_level: OnlineLevel::Full,
        postal_return: false,
        supplement_rule: SupplementRule::Recompute,
        allowances: Default::default(),
        workflow: vec![],
        effective_from: None,
    }
}
