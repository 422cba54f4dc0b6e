//! Every notice renders an SMS in GSM-7 within two segments and an email with diacritics.

use chrono::NaiveDate;

use super::*;
use crate::catalogue::{Agency, AgencyLevel};
use crate::codes::{AgencyCode, DossierCode};
use crate::contact::{Email, PhoneNumber};
use crate::lifecycle::{Action, Dossier, EventActor, HistoryEvent, NoticeKind, Status};

fn dossier() -> Dossier {
    let agency = AgencyCode::parse("000.00.03.H56").unwrap();
    let now = chrono::Utc::now();
    let applicant = crate::fixtures::citizen(
        "Trần Thị Bích Ngọc",
        Some(PhoneNumber::parse("0987654321").unwrap()),
        Some(Email::parse("ngoc@example.vn").unwrap()),
    );
    let code = DossierCode::new(agency, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 7).unwrap();
    let mut d = crate::fixtures::filed(code, applicant, vec![], now);
    d.status = Status::Received;
    d.received_at = Some(now);
    d.due_at = Some(now);
    d
}

#[test]
fn every_notice_renders_fitting_sms_and_email() {
    let d = dossier();
    let agency = Agency {
        code: d.agency_code.clone(),
        name: "Sở Tư pháp tỉnh Khánh Hòa".into(),
        parent: None,
        level: AgencyLevel::Province,
        address: "Số 1 Trần Phú, Nha Trang".into(),
        working_hours: Default::default(),
    };
    let kinds = [
        NoticeKind::Submitted,
        NoticeKind::Received,
        NoticeKind::Refused,
        NoticeKind::SupplementRequested,
        NoticeKind::SupplementReceived,
        NoticeKind::Apology,
        NoticeKind::ResultReady,
        NoticeKind::Returned,
        NoticeKind::Withdrawn,
        NoticeKind::Stopped,
    ];
    for kind in kinds {
        let event = HistoryEvent {
            seq: 1,
            at: d.submitted_at,
            action: Action::Refuse,
            actor: EventActor::Applicant,
            from_status: None,
            to_status: d.status,
            from_step: None,
            to_step: None,
            note: Some(
                "Hồ sơ thiếu bản sao giấy khai sinh có chứng thực; ảnh chân dung không đúng quy cách. ".repeat(8),
            ),
            assignee: None,
            step_due_at: None,
            due_at: None,
            prev_hash: String::new(),
            hash: String::new(),
        };
        let messages = messages_for(kind, &d, &event, &agency);
        assert_eq!(messages.len(), 1, "{kind:?}: one message, on the primary channel");
        let sms_text = &messages[0].text;
        assert_eq!(messages[0].channel, MessageChannel::Sms);
        assert_eq!(messages[0].recipient, "+84987654321");
        assert!(sms_text.is_ascii(), "{kind:?}: {sms_text}");
        assert!(sms::segments(sms_text) <= sms::MAX_SEGMENTS, "{kind:?}");
        assert!(sms_text.contains("000.00.03.H56-260302-0007"), "{kind:?}");
        let email = delivery::fallback_of(&messages[0]).expect("the email is the fallback");
        assert_eq!(email.channel, MessageChannel::Email);
        assert!(email.fallback.is_none(), "a fallback has no fallback of its own");
        assert!(email.text.contains("Kính gửi Trần Thị Bích Ngọc"));
        assert!(email.subject.as_ref().unwrap().contains("Hồ sơ") || email.subject.as_ref().unwrap().contains("hồ sơ"));
        assert_eq!(email.id, "000.00.03.H56-260302-0007:1:email");
    }
}

#[test]
fn without_a_phone_email_is_primary_and_has_no_fallback() {
    let mut d = dossier();
    d.applicant.phone = None;
    let agency = Agency {
        code: d.agency_code.clone(),
        name: "Sở Tư pháp".into(),
        parent: None,
        level: AgencyLevel::Province,
        address: "Nha Trang".into(),
        working_hours: Default::default(),
    };
    let event = HistoryEvent {
        seq: 0,
        at: d.submitted_at,
        action: Action::Submit,
        actor: EventActor::Applicant,
        from_status: None,
        to_status: d.status,
        from_step: None,
        to_step: None,
        note: None,
        assignee: None,
        step_due_at: None,
        due_at: None,
        prev_hash: String::new(),
        hash: String::new(),
    };
    let messages = messages_for(NoticeKind::Received, &d, &event, &agency);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].channel, MessageChannel::Email);
    assert!(messages[0].fallback.is_none());
    d.applicant.email = None;
    assert!(messages_for(NoticeKind::Received, &d, &event, &agency).is_empty());
}
