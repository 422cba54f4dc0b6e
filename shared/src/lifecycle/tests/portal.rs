//! The national portal's view, GIVEN a dossier's whole life (filed online, received, asked for
//! a supplement, supplemented, processed in two steps, approved, returned, rated) WHEN each
//! event's sync update is built THEN the portal sees the status of that event with the dates
//! known by then, a progress line for each officer's act, and nothing without a national code.

use super::*;
use crate::portal::{update_at, NationalCode, Unsyncable};

fn national() -> NationalCode {
    NationalCode {
        procedure: "1.000001".into(),
        national_code: "1.001757".into(),
        field_code: "G09-TP01".into(),
        field_name: "Lý lịch tư pháp".into(),
    }
}

/// The whole life, event by event.
fn lived(w: &World) -> (Dossier, Vec<HistoryEvent>) {
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let opened = open(code, filing(Channel::Online), Actor::Applicant, &w.ctx(vn(2026, 3, 2, 8, 0))).unwrap();
    let mut history = vec![opened.event];
    let mut d = opened.dossier;
    let mut step = |d: &mut Dossier, actor: Actor<'_>, c: Command, at| {
        let t = w.act(d, actor, c, at).unwrap();
        history.push(t.event);
        *d = t.dossier;
    };
    let ask =
        Command::RequestSupplement { reason: "Thiếu giấy tờ".into(), missing: vec!["Bản sao CCCD".into()] };
    step(&mut d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0));
    step(&mut d, Actor::Officer(&w.desk), ask, vn(2026, 3, 2, 10, 0));
    step(&mut d, Actor::Applicant, Command::Supplement { documents: documents(), note: None }, vn(2026, 3, 3, 8, 0));
    step(&mut d, Actor::Officer(&w.desk), Command::AcceptSupplement { note: None }, vn(2026, 3, 3, 9, 0));
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    step(&mut d, Actor::Officer(&w.desk), assign, vn(2026, 3, 3, 9, 30));
    let fwd = Command::Forward { assignee: None, note: None };
    step(&mut d, Actor::Officer(&w.specialist), fwd, vn(2026, 3, 4, 9, 0));
    step(&mut d, Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 4, 10, 0));
    let ret = Command::Return { method: ReturnMethod::Counter, waybill: None };
    step(&mut d, Actor::Officer(&w.desk), ret, vn(2026, 3, 4, 11, 0));
    step(&mut d, Actor::Applicant, Command::Rate { answers: answers(2) }, vn(2026, 3, 5, 8, 0));
    (d, history)
}

#[test]
fn each_event_tells_the_portal_its_status_and_the_dates_known_then() {
    let w = World::new(SupplementRule::Recompute);
    let (d, history) = lived(&w);
    let unit = |a: &AgencyCode| format!("Đơn vị {a}");
    let updates: Vec<_> = (0..history.len() as u32)
        .map(|seq| update_at(&d, &history, seq, None, Some(&national()), &unit).unwrap())
        .collect();
    let statuses: Vec<&str> = updates.iter().map(|u| u.dossier.status.as_str()).collect();
    assert_eq!(statuses, ["1", "2", "5", "5", "2", "4", "4", "9", "10", "10"]);
    let first = &updates[0];
    assert!(!first.updating, "the first item creates the dossier at the portal");
    assert!(updates[1..].iter().all(|u| u.updating));
    assert_eq!(first.dossier.code, d.code.to_string());
    assert_eq!((first.dossier.procedure_code.as_str(), first.dossier.field_code.as_str()), ("1.001757", "G09-TP01"));
    assert_eq!((first.dossier.channel.as_str(), first.dossier.applicant_kind.as_str()), ("2", "1"));
    assert_eq!(first.dossier.submitted_at, "20260302080000", "Vietnam time, yyyyMMddHHmmss");
    assert_eq!((first.dossier.received_at.as_str(), first.dossier.due_at.as_str()), ("", ""));
    assert_eq!(updates[1].dossier.received_at, "20260302090000");
    assert_eq!(updates[1].dossier.due_at, "20260305090000");
    assert!(first.progress.is_none() && updates[3].progress.is_none(), "the applicant's own acts have no progress");

    let asked = &updates[2].dossier.supplements;
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].state.as_str(), asked[0].due_before.as_str()), ("0", "20260305090000"));
    assert_eq!(asked[0].content, history[2].note.clone().unwrap());
    let accepted = &updates[4].dossier.supplements[0];
    assert_eq!((accepted.state.as_str(), accepted.accepted_at.as_str()), ("1", "20260303090000"));
    assert_eq!(accepted.due_after, updates[4].dossier.due_at, "the new appointment");
    assert_ne!(accepted.due_after, accepted.due_before);

    let forwarded = updates[6].progress.as_ref().unwrap();
    assert_eq!((forwarded.officer.as_str(), forwarded.title.as_str()), (w.specialist.name.as_str(), "Chuyên viên"));
    assert_eq!((forwarded.at.as_str(), forwarded.status.as_str()), ("20260304090000", "4"));
    assert_eq!(forwarded.step_started_at, "20260304090000", "the leader's step began with the hand-over");
    assert_eq!(forwarded.done, "Chuyển bước xử lý");
    assert!(forwarded.unit.starts_with("Đơn vị "));

    assert_eq!(updates[6].dossier.finished_at, "");
    assert_eq!(updates[7].dossier.finished_at, "20260304100000");
    assert_eq!(
        (updates[7].dossier.returned_at.as_str(), updates[8].dossier.returned_at.as_str()),
        ("", "20260304110000")
    );
    assert_eq!(updates[3].dossier.documents.len(), 2, "the supplement's document with the filing's");
    let then = update_at(&d, &history, 2, Some(1), Some(&national()), &unit).unwrap();
    assert_eq!(then.dossier.documents.len(), 1, "only what the dossier held after the event");
    let json = serde_json::to_value(&updates[8].dossier).unwrap();
    assert_eq!(json["TrangThaiHoSo"], "10");
    assert_eq!(json["MaTTHC"], "1.001757");
    assert!(json.get("SoGiayToChuHoSo").is_none() && !json.to_string().contains("079203001234"), "no ID number");
}

#[test]
fn a_procedure_without_a_national_code_or_an_event_not_there_is_unsyncable() {
    let w = World::new(SupplementRule::Recompute);
    let (d, history) = lived(&w);
    let unit = |a: &AgencyCode| a.to_string();
    assert_eq!(
        update_at(&d, &history, 0, None, None, &unit).unwrap_err(),
        Unsyncable::Unmapped(d.procedure_code.clone())
    );
    assert_eq!(update_at(&d, &history, 99, None, Some(&national()), &unit).unwrap_err(), Unsyncable::NoEvent(99));
}

#[test]
fn a_national_code_row_is_checked_before_it_is_kept() {
    assert_eq!(national().check(), Ok(()));
    let bad = |change: fn(&mut NationalCode)| {
        let mut n = national();
        change(&mut n);
        n.check().unwrap_err()
    };
    assert!(bad(|n| n.national_code = " ".into()).contains("national_code"));
    assert!(bad(|n| n.national_code = "1.00 17".into()).contains("national_code"));
    assert!(bad(|n| n.field_code = String::new()).contains("field_code"));
    assert!(bad(|n| n.field_name = "x".repeat(301)).contains("field_name"));
    assert!(bad(|n| n.procedure = "not a code!".into()).contains("procedure code"));
}

#[test]
fn the_reception_acknowledged_within_the_hour_counts_as_synced_in_real_time() {
    use crate::portal::sync_tally;
    use crate::reports::Measure;
    let w = World::new(SupplementRule::Recompute);
    let (d, history) = lived(&w);
    let reception = &history[1];
    let counted = sync_tally(&d, &history, reception, reception.at + chrono::Duration::minutes(59));
    assert_eq!(counted.len(), 1);
    assert_eq!(counted[0].counts.get(Measure::PortalSyncedTimely), 1);
    assert_eq!(counted[0].key.day, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), "on the reception's day");
    assert_eq!(counted[0].key.agency, d.agency_code);
    assert!(sync_tally(&d, &history, reception, reception.at + chrono::Duration::minutes(61)).is_empty(), "late");
    assert!(sync_tally(&d, &history, &history[0], history[0].at).is_empty(), "the filing is not the reception");
    assert!(sync_tally(&d, &history, &history[5], history[5].at).is_empty());
}
