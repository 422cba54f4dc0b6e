//! GIVEN a dossier filed by a citizen and processed across two agencies WHEN what is held about
//! them is asked for THEN the identifiers are checked, the dossier is told apart from a
//! business's, and its data, processors and recipients are listed.

use chrono::{TimeZone, Utc};

use super::*;
use crate::catalogue::{OfficerId, Role, WorkflowStep};
use crate::codes::{AgencyCode, DossierCode};
use crate::lifecycle::{Action, SubmittedDocument};

fn officer(id: &str, agency: &str) -> OfficerRef {
    OfficerRef {
        id: OfficerId::parse(id).unwrap(),
        name: id.to_uppercase(),
        agency: AgencyCode::parse(agency).unwrap(),
    }
}

fn event(seq: u32, actor: EventActor, assignee: Option<OfficerRef>) -> HistoryEvent {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 2, seq, 0).unwrap();
    HistoryEvent { assignee, ..crate::fixtures::event(seq, at, Action::Receive, actor, Status::Received) }
}

fn dossier() -> Dossier {
    let code = DossierCode::parse("000.00.03.H56-261201-0001").unwrap();
    let mut applicant = crate::fixtures::citizen("Nguyễn Văn An", None, None);
    applicant.citizen_id = Some(CitizenId::parse("079203001234").unwrap());
    let police = AgencyCode::parse("000.00.04.H56").ok();
    let steps = vec![
        WorkflowStep { name: "Thẩm định".into(), role: Role::Specialist, agency: None, share_percent: 50 },
        WorkflowStep { name: "Xác minh".into(), role: Role::Specialist, agency: police, share_percent: 50 },
    ];
    let mut d = crate::fixtures::filed(code, applicant, steps, Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap());
    d.documents = vec![
        SubmittedDocument {
            component: "Tờ khai".into(),
            file_name: "to-khai.pdf".into(),
            reference: None,
            file: Some(crate::fixtures::file(b"%PDF-1.7")),
            particulars: None,
            reused: None,
        },
        SubmittedDocument {
            component: "CCCD".into(),
            file_name: "cccd".into(),
            reference: Some("ĐT-1".into()),
            file: None,
            particulars: None,
            reused: None,
        },
    ];
    d
}

#[test]
fn a_request_names_exactly_one_valid_identifier_and_a_reason() {
    assert_eq!(Subject::parse(None, None), Err(InvalidRequest::OneIdentifier));
    assert_eq!(Subject::parse(Some("079203001234"), Some("0101234567")), Err(InvalidRequest::OneIdentifier));
    assert!(matches!(Subject::parse(Some("12345"), None), Err(InvalidRequest::CitizenId(_))));
    assert!(matches!(Subject::parse(None, Some("abc")), Err(InvalidRequest::TaxCode(_))));
    let s = Subject::parse(Some(" 079203001234 "), None).unwrap();
    assert_eq!((s.kind(), s.as_str()), (SubjectKind::CitizenId, "079203001234"));
    assert_eq!(reason("  "), Err(InvalidRequest::Reason));
    assert_eq!(reason(&"x".repeat(MAX_REASON + 1)), Err(InvalidRequest::Reason));
    assert_eq!(reason(" Đơn của chủ thể dữ liệu ngày 01/12/2026 ").unwrap(), "Đơn của chủ thể dữ liệu ngày 01/12/2026");
}

#[test]
fn the_dossier_is_told_apart_by_the_kind_of_identifier() {
    let d = dossier();
    assert!(Subject::parse(Some("079203001234"), None).unwrap().filed(&d));
    assert!(!Subject::parse(Some("079203009999"), None).unwrap().filed(&d));
    let mut business = d.clone();
    business.applicant.citizen_id = None;
    business.applicant.tax_code = Some(TaxCode::parse("0101234567").unwrap());
    assert!(!Subject::parse(Some("079203001234"), None).unwrap().filed(&business));
    assert!(Subject::parse(None, Some("0101234567")).unwrap().filed(&business));
    let key = b"k".repeat(32);
    assert_eq!(
        Subject::parse(Some("079203001234"), None).unwrap().term(&key),
        Term::id(&key, "079203001234"),
        "the same term the dossier was filed under"
    );
}

#[test]
fn what_is_held_lists_the_data_its_processors_and_recipients() {
    let d = dossier();
    let desk = officer("tuphap.motcua", "000.00.03.H56");
    let specialist = officer("tuphap.chuyenvien", "000.00.03.H56");
    let police = officer("congan.chuyenvien", "000.00.04.H56");
    let health = officer("yte.lanhdao", "000.00.12.H56");
    let history = [
        event(0, EventActor::Applicant, None),
        event(1, EventActor::Officer { officer: desk.clone(), role: Role::Reception }, None),
        event(2, EventActor::Officer { officer: desk.clone(), role: Role::Leader }, Some(specialist.clone())),
        event(3, EventActor::Officer { officer: specialist.clone(), role: Role::Specialist }, Some(police.clone())),
        event(4, EventActor::Officer { officer: health.clone(), role: Role::Leader }, None),
    ];
    let held = HeldDossier::of(&d, &history, true, false);
    assert_eq!(held.applicant.citizen_id.as_ref().map(|c| c.as_str()), Some("079203001234"));
    assert_eq!(held.agencies, ["000.00.03.H56", "000.00.04.H56", "000.00.12.H56"]);
    let ids: Vec<&str> = held.officers.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["tuphap.motcua", "tuphap.chuyenvien", "congan.chuyenvien", "yte.lanhdao"]);
    assert_eq!(held.passed_to, [Recipient::NationalPortal]);
    assert_eq!((held.events, held.documents.len()), (5, 2));
    assert!(held.documents[0].file_kept && !held.documents[1].file_kept);
    assert_eq!(held.documents[1].reference.as_deref(), Some("ĐT-1"));
}
