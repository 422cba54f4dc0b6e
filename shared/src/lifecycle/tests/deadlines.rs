//! Deadlines, GIVEN the two-step procedure WHEN steps are handed over, supplements asked for
//! and brought, and due dates extended THEN steps share the working time up to the dossier's
//! due time and never pass it, a supplement resumes or recomputes as its rule says, an
//! extension keeps the statutory appointment, and a dossier's standing is one rule.

use super::*;
use crate::calendar::Timeliness;

/// Received on Monday 2 March 2026 at `hour`:00 and given to the specialist at once.
fn in_processing(w: &World, hour: u32) -> Dossier {
    let at = vn(2026, 3, 2, hour, 0);
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let d =
        w.act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, at).unwrap().dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    w.act(&d, Actor::Officer(&w.leader), assign, at).unwrap().dossier
}

fn forward(w: &World, d: &Dossier, at: DateTime<Utc>) -> Transition {
    let cmd = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    w.act(d, Actor::Officer(&w.specialist), cmd, at).unwrap()
}

fn step_due(d: &Dossier) -> DateTime<Utc> {
    d.step.as_ref().unwrap().due_at
}

fn ask(w: &World, d: &Dossier, by: &Officer, at: DateTime<Utc>) -> Transition {
    let cmd =
        Command::RequestSupplement { reason: "Thiếu giấy tờ".into(), missing: vec!["Bản sao CCCD".into()] };
    w.act(d, Actor::Officer(by), cmd, at).unwrap()
}

/// The applicant brings the supplement at `at` and the step's holder accepts it then.
fn bring(w: &World, d: &Dossier, at: DateTime<Utc>) -> Transition {
    bring_and_accept(w, d, at).1
}

fn bring_and_accept(w: &World, d: &Dossier, at: DateTime<Utc>) -> (Transition, Transition) {
    let brought = w.act(d, Actor::Applicant, Command::Supplement { documents: documents(), note: None }, at).unwrap();
    let accepted =
        w.act(&brought.dossier, Actor::Officer(&w.specialist), Command::AcceptSupplement { note: None }, at).unwrap();
    (brought, accepted)
}

fn calendar_days(w: &mut World, days: f64) {
    w.procedure.processing_time = ProcessingTime::new(days, DurationUnit::CalendarDays).unwrap();
    w.procedure.workflow[0].share_percent = 70;
    w.procedure.workflow[1].share_percent = 30;
}

#[test]
fn calendar_day_steps_share_the_working_time_up_to_the_due_date() {
    let mut w = World::new(SupplementRule::Recompute);
    calendar_days(&mut w, 15.0);
    let d = in_processing(&w, 9);
    assert_eq!(d.due_at, Some(vn(2026, 3, 17, 17, 0)), "15 days from Mon 2 March");
    // 94 working hours lie between: 70% is 65 h 48 min, to Thursday 12 March 10:48.
    assert_eq!(d.budget_minutes, Some(94 * 60));
    assert_eq!(step_due(&d), vn(2026, 3, 12, 10, 48));
    let d = forward(&w, &d, step_due(&d)).dossier;
    assert_eq!(step_due(&d), vn(2026, 3, 17, 17, 0), "the last 30% ends with the dossier, not on 23 March");

    calendar_days(&mut w, 45.0);
    let d = in_processing(&w, 9);
    assert_eq!(d.due_at, Some(vn(2026, 4, 16, 17, 0)));
    let d = forward(&w, &d, step_due(&d)).dossier;
    assert_eq!(step_due(&d), vn(2026, 4, 16, 17, 0), "not 7 May");
}

#[test]
fn a_late_step_leaves_the_next_only_what_remains_of_the_dossier() {
    let w = World::new(SupplementRule::Recompute);
    let d = in_processing(&w, 9);
    assert_eq!((d.due_at, step_due(&d)), (Some(vn(2026, 3, 5, 9, 0)), vn(2026, 3, 4, 11, 0)));
    let on_time = forward(&w, &d, vn(2026, 3, 4, 8, 0)).dossier;
    assert_eq!(step_due(&on_time), vn(2026, 3, 4, 16, 0), "an early step saves time nobody else gets: 6 h");
    let late = forward(&w, &d, vn(2026, 3, 6, 10, 0)).dossier;
    assert_eq!(step_due(&late), vn(2026, 3, 5, 9, 0), "never after the dossier");
}

#[test]
fn a_resumed_supplement_gives_the_step_back_what_it_had_left() {
    let w = World::new(SupplementRule::Resume);
    let d = in_processing(&w, 9);
    // Tuesday 09:00: the step has 10 working hours left, the dossier 16.
    let asked = ask(&w, &d, &w.specialist, vn(2026, 3, 3, 9, 0));
    let deadline = vn(2026, 4, 2, 17, 0);
    assert_eq!(
        (asked.event.deadline, asked.dossier.pause.as_ref().unwrap().deadline),
        (Some(deadline), Some(deadline))
    );
    let (brought, back) = bring_and_accept(&w, &asked.dossier, vn(2026, 3, 9, 7, 0));
    assert_eq!(back.dossier.due_at, Some(vn(2026, 3, 10, 17, 0)));
    assert_eq!(step_due(&back.dossier), vn(2026, 3, 10, 9, 0), "10 h from Monday 07:00, not a fresh 18 h");
    assert_eq!(back.dossier.original_due_at, back.dossier.due_at);

    let card = tracking_card(&back.dossier, &[asked.event, brought.event, back.event]);
    let kinds: Vec<RowKind> = card.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RowKind::SupplementRequested, RowKind::SupplementReceived]);
    assert_eq!((card[0].due_at, card[0].result), (Some(deadline), Some(Timeliness::Early)));
}

#[test]
fn the_card_shows_the_pause_beside_the_step() {
    let w = World::new(SupplementRule::Resume);
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let mut events = vec![];
    let mut d = d;
    let mut go = |d: &mut Dossier, t: Transition| {
        *d = t.dossier;
        events.push(t.event);
    };
    let t = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap();
    go(&mut d, t);
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    let t = w.act(&d, Actor::Officer(&w.leader), assign, vn(2026, 3, 2, 9, 0)).unwrap();
    go(&mut d, t);
    let t = ask(&w, &d, &w.specialist, vn(2026, 3, 3, 9, 0));
    go(&mut d, t);
    let (brought, accepted) = bring_and_accept(&w, &d, vn(2026, 3, 9, 7, 0));
    go(&mut d, brought);
    go(&mut d, accepted);
    let card = tracking_card(&d, &events);
    let kinds: Vec<RowKind> = card.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RowKind::Step, RowKind::SupplementRequested, RowKind::SupplementReceived]);
    assert_eq!(card[0].due_at, Some(vn(2026, 3, 10, 9, 0)), "the step's row carries its due after the pause");
    assert_eq!(card[1].given_by.as_ref().map(|o| o.id.as_str()), Some("spec"));
}

#[test]
fn a_recomputed_clock_starts_by_the_reception_rule_cut_off_included() {
    let mut w = World::new(SupplementRule::Recompute);
    w.procedure.cutoff = chrono::NaiveTime::from_hms_opt(15, 0, 0);
    let d = in_processing(&w, 9);
    let asked = ask(&w, &d, &w.specialist, vn(2026, 3, 2, 10, 0));
    let back = bring(&w, &asked.dossier, vn(2026, 3, 3, 15, 30)).dossier;
    // After the cut-off: counted from Wednesday 07:00.
    assert_eq!(back.due_at, Some(vn(2026, 3, 6, 17, 0)), "not Friday 14:30");
    assert_eq!(step_due(&back), vn(2026, 3, 6, 9, 0), "the step's 18 h from Wednesday 07:00");
}

#[test]
fn an_extension_keeps_the_statutory_date_and_lands_on_working_time() {
    let w = World::new(SupplementRule::Recompute);
    let d = in_processing(&w, 9);
    let extend = |d: &Dossier, by: &Officer, to: DateTime<Utc>| {
        let cmd = Command::Extend { reason: "Chờ xác minh.".into(), new_due_at: to };
        w.act(d, Actor::Officer(by), cmd, vn(2026, 3, 4, 10, 0))
    };
    let t = extend(&d, &w.leader, vn(2026, 3, 7, 10, 0)).unwrap();
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 9, 17, 0)), "Saturday moves to Monday's closing");
    assert_eq!(t.dossier.original_due_at, Some(vn(2026, 3, 5, 9, 0)));
    let done = w.act(
        &t.dossier,
        Actor::Officer(&w.leader),
        Command::Approve { note: None, results: vec![] },
        vn(2026, 3, 6, 9, 0),
    );
    assert!(done.is_err(), "the specialist's step comes first");
    let d2 = forward(&w, &t.dossier, vn(2026, 3, 6, 8, 0)).dossier;
    let done = w
        .act(&d2, Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 6, 9, 0))
        .unwrap();
    let finished = done.dossier;
    assert_eq!(finished.standing(vn(2026, 3, 6, 9, 0), Against::Statutory), Some(Standing::Late));
    assert_eq!(finished.standing(vn(2026, 3, 6, 9, 0), Against::Current), Some(Standing::Early));
}

#[test]
fn the_leader_of_the_agency_holding_a_late_step_may_extend() {
    let mut w = World::new(SupplementRule::Recompute);
    let police = AgencyCode::parse("000.00.20.H56").unwrap();
    w.procedure.workflow[1].agency = Some(police.clone());
    let mut police_leader = w.leader.clone();
    police_leader.agency = police;
    let d = in_processing(&w, 9);
    let cmd = Command::Forward { assignee: Some(police_leader.clone()), note: None };
    let d = w.act(&d, Actor::Officer(&w.specialist), cmd, vn(2026, 3, 4, 8, 0)).unwrap().dossier;
    let extend = Command::Extend { reason: "Chờ kết quả xác minh.".into(), new_due_at: vn(2026, 3, 9, 17, 0) };
    let t = w.act(&d, Actor::Officer(&police_leader), extend, vn(2026, 3, 4, 10, 0)).unwrap();
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 9, 17, 0)));
    assert_eq!(t.notice, Some(NoticeKind::Apology));
}

#[test]
fn a_recomputed_clock_keeps_an_extension() {
    let w = World::new(SupplementRule::Recompute);
    let d = in_processing(&w, 9);
    let extend = Command::Extend { reason: "Chờ xác minh.".into(), new_due_at: vn(2026, 3, 6, 9, 0) };
    let d = w.act(&d, Actor::Officer(&w.leader), extend, vn(2026, 3, 3, 8, 0)).unwrap().dossier;
    let asked = ask(&w, &d, &w.specialist, vn(2026, 3, 3, 9, 0));
    let back = bring(&w, &asked.dossier, vn(2026, 3, 9, 7, 0)).dossier;
    assert_eq!(back.original_due_at, Some(vn(2026, 3, 11, 17, 0)), "3 days from Monday 07:00");
    assert_eq!(back.due_at, Some(vn(2026, 3, 12, 17, 0)), "and the extension's 8 working hours after it");
    assert_eq!(back.extensions, 1);
}

#[test]
fn a_dossiers_standing_is_one_rule() {
    let w = World::new(SupplementRule::Recompute);
    let d = in_processing(&w, 9);
    let s = |d: &Dossier, at| d.standing(at, Against::Statutory);
    assert_eq!(s(&w.submit(vn(2026, 3, 2, 7, 0)), vn(2026, 3, 2, 8, 0)), None, "not received: not counted");
    assert_eq!(s(&d, vn(2026, 3, 5, 16, 0)), Some(Standing::WithinDeadline), "due Thursday, still Thursday");
    assert_eq!(s(&d, vn(2026, 3, 6, 7, 0)), Some(Standing::Overdue));
    let asked = ask(&w, &d, &w.specialist, vn(2026, 3, 3, 9, 0)).dossier;
    assert_eq!(s(&asked, vn(2026, 3, 20, 7, 0)), Some(Standing::WithinDeadline), "waiting for the applicant");
    let withdrawn = w.act(&d, Actor::Applicant, Command::Withdraw { reason: None }, vn(2026, 3, 9, 7, 0)).unwrap();
    assert_eq!(s(&withdrawn.dossier, vn(2026, 3, 9, 8, 0)), Some(Standing::OnTime));
    let early = forward(&w, &d, vn(2026, 3, 3, 8, 0)).dossier;
    let early = w
        .act(&early, Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 4, 8, 0))
        .unwrap();
    assert_eq!(s(&early.dossier, vn(2026, 3, 20, 8, 0)), Some(Standing::Early));
}

#[test]
fn a_result_comes_only_the_ways_the_procedure_offers() {
    let mut w = World::new(SupplementRule::Recompute);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let file = |w: &World, by: ReturnMethod| {
        let new = NewDossier { result_by: Some(by), ..filing(Channel::Online) };
        open(code.clone(), new, Actor::Applicant, &w.ctx(vn(2026, 3, 2, 8, 0))).map(|t| t.dossier.result_by)
    };
    assert_eq!(file(&w, ReturnMethod::Online), Ok(Some(ReturnMethod::Online)));
    w.procedure.online_level = OnlineLevel::Partial;
    assert_eq!(file(&w, ReturnMethod::Online), Err(LifecycleError::OnlineResultNotOffered));
    w.procedure.postal_return = false;
    assert_eq!(file(&w, ReturnMethod::Postal), Err(LifecycleError::PostalReturnNotOffered));
    assert_eq!(file(&w, ReturnMethod::Counter), Ok(Some(ReturnMethod::Counter)));
}
