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
    let agency = province_agency(&d);
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
        NoticeKind::ReturnedUnsupplemented,
        NoticeKind::Shipment,
    ];
    for kind in kinds {
        let mut event = crate::fixtures::event(1, d.submitted_at, Action::Refuse, EventActor::Applicant, d.status);
        event.note =
            Some("Hồ sơ thiếu bản sao giấy khai sinh có chứng thực; ảnh chân dung không đúng quy cách. ".repeat(8));
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
        external: false,
    };
    let event = crate::fixtures::event(0, d.submitted_at, Action::Submit, EventActor::Applicant, d.status);
    let messages = messages_for(NoticeKind::Received, &d, &event, &agency);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].channel, MessageChannel::Email);
    assert!(messages[0].fallback.is_none());
    assert_eq!(messages[0].event_seq(), Some(0), "{}", messages[0].id);
    let fallback = OutgoingMessage { id: format!("{}:7:sms", d.code), ..messages[0].clone() };
    assert_eq!(fallback.event_seq(), Some(7));
    assert_eq!(OutgoingMessage { id: "no-seq".into(), ..messages[0].clone() }.event_seq(), None);
    d.applicant.email = None;
    assert!(messages_for(NoticeKind::Received, &d, &event, &agency).is_empty());
}

fn province_agency(d: &Dossier) -> Agency {
    Agency {
        code: d.agency_code.clone(),
        name: "Sở Tư pháp tỉnh Khánh Hòa".into(),
        parent: None,
        level: AgencyLevel::Province,
        address: "Số 1 Trần Phú, Nha Trang".into(),
        working_hours: Default::default(),
        external: false,
    }
}

fn event_with(d: &Dossier, note: Option<&str>, deadline: Option<chrono::DateTime<chrono::Utc>>) -> HistoryEvent {
    let mut e = crate::fixtures::event(3, d.submitted_at, Action::RequestSupplement, EventActor::Applicant, d.status);
    e.note = note.map(str::to_owned);
    e.deadline = deadline;
    e
}

/// The SMS and the email fallback of a notice.
fn rendered(kind: NoticeKind, d: &Dossier, e: &HistoryEvent) -> (String, String) {
    let messages = messages_for(kind, d, e, &province_agency(d));
    let email = delivery::fallback_of(&messages[0]).map(|m| m.text).unwrap_or_default();
    (messages[0].text.clone(), email)
}

#[test]
fn a_long_supplement_list_is_not_cut_the_sms_says_where_it_is_and_when_it_is_due() {
    let d = dossier();
    let deadline = crate::calendar::vietnam::from_local(
        NaiveDate::from_ymd_opt(2026, 4, 2).unwrap().and_hms_opt(17, 0, 0).unwrap(),
    );
    let list = (1..=12).map(|i| format!("- Giấy tờ số {i} có chứng thực")).collect::<Vec<_>>().join("\n");
    let (sms, email) = rendered(NoticeKind::SupplementRequested, &d, &event_with(&d, Some(&list), Some(deadline)));
    assert!(!sms.contains("..."), "{sms}");
    assert!(sms.contains("Cong Dich vu cong") && sms.contains("Han bo sung: 02/04/2026"), "{sms}");
    assert!(email.contains("Giấy tờ số 12 có chứng thực") && email.contains("Hạn bổ sung"), "{email}");
    let (sms, _) = rendered(NoticeKind::SupplementRequested, &d, &event_with(&d, Some("- Ảnh 4x6"), Some(deadline)));
    assert!(sms.contains("Anh 4x6") && sms.contains("Han bo sung"), "a short list goes whole: {sms}");
}

#[test]
fn result_ready_names_where_the_result_comes_from() {
    let mut d = dossier();
    let e = event_with(&d, None, None);
    assert!(rendered(NoticeKind::ResultReady, &d, &e).0.contains("Bo phan Mot cua, So Tu phap"));
    d.result_by = Some(crate::lifecycle::ReturnMethod::Postal);
    let (sms, _) = rendered(NoticeKind::ResultReady, &d, &e);
    assert!(sms.contains("buu chinh") && !sms.contains("Mot cua"), "{sms}");
    d.result_by = Some(crate::lifecycle::ReturnMethod::Online);
    assert!(rendered(NoticeKind::ResultReady, &d, &e).0.contains("Tai ket qua tren Cong Dich vu cong"));
}

#[test]
fn officers_reasons_end_their_sentence_and_numbers_that_identify_are_masked() {
    let d = dossier();
    let e = event_with(&d, Some("Chờ xác minh CCCD 079203001234, gọi 0912 345 678"), None);
    let (sms, email) = rendered(NoticeKind::Apology, &d, &e);
    assert!(sms.contains("goi xxxx xxx 678. Ngay hen moi:"), "{sms}");
    assert!(sms.contains("CCCD xxxxxxxxx234"), "{sms}");
    assert!(!sms.contains("079203001234") && !sms.contains("0912 345"), "{sms}");
    assert!(sms.contains("000.00.03.H56-260302-0007"), "the dossier code is not a number to mask: {sms}");
    assert!(email.contains("0912 345 678. Ngày hẹn mới"), "the applicant's own email keeps the text: {email}");
}

#[test]
fn a_procedure_may_cap_its_sms_at_one_segment() {
    let mut d = dossier();
    d.terms.allowances.sms_segments = Some(1);
    let long = "Hồ sơ thiếu bản sao giấy khai sinh có chứng thực. ".repeat(6);
    let (sms, _) = rendered(NoticeKind::Refused, &d, &event_with(&d, Some(&long), None));
    assert_eq!(sms::segments(&sms), 1, "{sms}");
    d.terms.allowances.sms_segments = None;
    let (sms, _) = rendered(NoticeKind::Refused, &d, &event_with(&d, Some(&long), None));
    assert_eq!(sms::segments(&sms), 2, "the default cap: {sms}");
}

#[test]
fn notices_go_on_the_channels_the_applicant_chose() {
    let mut d = dossier();
    let agency = province_agency(&d);
    let e = event_with(&d, None, None);
    let sent = |d: &Dossier| -> Vec<(MessageChannel, Option<MessageChannel>, String)> {
        messages_for(NoticeKind::Received, d, &e, &agency)
            .into_iter()
            .map(|m| (m.channel, m.fallback.map(|f| f.channel), m.id))
            .collect()
    };
    let id = |channel: &str| format!("{}:{}:{channel}", d.code, e.seq);
    assert_eq!(sent(&d), [(MessageChannel::Sms, Some(MessageChannel::Email), id("sms"))], "the default");
    d.notify_by = ChosenChannels::of(vec![MessageChannel::Email], &d.applicant).unwrap();
    assert_eq!(sent(&d), [(MessageChannel::Email, Some(MessageChannel::Sms), id("email"))]);
    d.notify_by = ChosenChannels::of(vec![MessageChannel::Sms, MessageChannel::Email], &d.applicant).unwrap();
    assert_eq!(
        sent(&d),
        [(MessageChannel::Email, None, id("email")), (MessageChannel::Sms, None, id("sms"))],
        "both, each once, neither the other's fallback"
    );
}
