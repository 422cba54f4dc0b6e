//! Supplements, GIVEN the two-step procedure WHEN the desk or the step holder asks for a
//! supplement THEN one request is allowed at each stage, the documents come online or at the
//! counter and are accepted before the clock restarts, and once the deadline passes with
//! nothing brought a dossier never received is refused and a received one is returned.

use super::*;

fn ask_command() -> Command {
    Command::RequestSupplement { reason: "Thiếu giấy tờ".into(), missing: vec!["Bản sao CCCD".into()] }
}

/// Asked for a supplement at the desk on Monday 2 March 09:00, before reception.
fn asked_before_reception(w: &World) -> Dossier {
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    w.act(&d, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 2, 9, 0)).unwrap().dossier
}

/// Received on Monday 2 March 09:00, then asked for a supplement by the desk at 10:00.
fn asked_after_reception(w: &World) -> Dossier {
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    w.act(&d, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 2, 10, 0)).unwrap().dossier
}

#[test]
fn each_request_has_a_deadline_and_each_stage_one_request() {
    let w = World::new(SupplementRule::Recompute);
    let d = asked_before_reception(&w);
    assert_eq!(d.pause.as_ref().unwrap().deadline, Some(vn(2026, 4, 1, 17, 0)), "30 calendar days, at closing");
    let brought =
        w.act(&d, Actor::Applicant, Command::Supplement { documents: documents(), note: None }, vn(2026, 3, 3, 8, 0));
    let accepted = w.act(
        &brought.unwrap().dossier,
        Actor::Officer(&w.desk),
        Command::AcceptSupplement { note: None },
        vn(2026, 3, 3, 9, 0),
    );
    let d = accepted.unwrap().dossier;
    assert_eq!(d.status, Status::Submitted, "back to the desk's check");
    let again = w.act(&d, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 3, 10, 0));
    assert_eq!(again.unwrap_err(), LifecycleError::SupplementAlreadyRequested, "one at reception");
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 3, 10, 0))
        .unwrap()
        .dossier;
    let t = w.act(&d, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 3, 11, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::AwaitingSupplement, "and one after reception");
    assert_eq!((t.dossier.supplement_requests, t.dossier.processing_supplement_requests), (2, 1));
}

#[test]
fn the_desk_records_a_supplement_brought_to_the_counter_and_nothing_restarts_before_it_is_accepted() {
    let w = World::new(SupplementRule::Recompute);
    let d = asked_after_reception(&w);
    let accept = Command::AcceptSupplement { note: None };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), accept.clone(), vn(2026, 3, 3, 9, 0)).unwrap_err(),
        LifecycleError::NothingSupplied
    );
    let counter = Command::CounterSupplement { documents: documents(), note: Some("Nộp tại quầy".into()) };
    assert!(w.act(&d, Actor::Applicant, counter.clone(), vn(2026, 3, 3, 9, 0)).is_err(), "an officer's action");
    let t = w.act(&d, Actor::Officer(&w.desk), counter, vn(2026, 3, 3, 9, 0)).unwrap();
    assert_eq!((t.dossier.status, t.dossier.due_at), (Status::AwaitingSupplement, d.due_at), "paused until accepted");
    assert_eq!(t.dossier.pause.as_ref().unwrap().supplied_at, Some(vn(2026, 3, 3, 9, 0)));
    let t = w.act(&t.dossier, Actor::Officer(&w.desk), accept, vn(2026, 3, 3, 10, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::Received);
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 6, 10, 0)), "3 working days from the acceptance");
}

#[test]
fn a_dossier_never_received_is_refused_only_once_its_supplement_is_overdue() {
    let w = World::new(SupplementRule::Recompute);
    let d = asked_before_reception(&w);
    let refuse = Command::Refuse { reason: "Không bổ sung".into() };
    let early = w.act(&d, Actor::Officer(&w.desk), refuse.clone(), vn(2026, 3, 2, 9, 1)).unwrap_err();
    assert_eq!(early, LifecycleError::SupplementStillDue { deadline: vn(2026, 4, 1, 17, 0) });
    let unsupplemented = Command::ReturnUnsupplemented { note: None };
    let never = w.act(&d, Actor::Officer(&w.desk), unsupplemented, vn(2026, 4, 2, 8, 0)).unwrap_err();
    assert_eq!(never, LifecycleError::NeverReceived);
    let t = w.act(&d, Actor::Officer(&w.desk), refuse, vn(2026, 4, 2, 8, 0)).unwrap();
    assert_eq!((t.dossier.status, t.dossier.status.dvcqg_code()), (Status::Refused, 3));
}

#[test]
fn a_received_dossier_is_returned_for_want_of_its_supplement_not_refused() {
    let w = World::new(SupplementRule::Recompute);
    let d = asked_after_reception(&w);
    let refuse = Command::Refuse { reason: "Không bổ sung".into() };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), refuse, vn(2026, 4, 2, 8, 0)).unwrap_err(),
        LifecycleError::AlreadyReceived,
        "it has a receipt: code 3 would be false"
    );
    let give_up = Command::ReturnUnsupplemented { note: None };
    let early = w.act(&d, Actor::Officer(&w.desk), give_up.clone(), vn(2026, 4, 1, 16, 0)).unwrap_err();
    assert!(matches!(early, LifecycleError::SupplementStillDue { .. }));
    let brought = w
        .act(&d, Actor::Applicant, Command::Supplement { documents: documents(), note: None }, vn(2026, 4, 3, 8, 0))
        .unwrap()
        .dossier;
    let pending = w.act(&brought, Actor::Officer(&w.desk), give_up.clone(), vn(2026, 4, 3, 9, 0)).unwrap_err();
    assert_eq!(pending, LifecycleError::SupplementPending, "late documents are checked first");
    let t = w.act(&d, Actor::Officer(&w.desk), give_up, vn(2026, 4, 2, 8, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::ReturnedUnsupplemented);
    assert_eq!(t.dossier.status.dvcqg_code(), 8);
    assert_eq!(t.notice, Some(NoticeKind::ReturnedUnsupplemented));
    assert!(t.event.note.as_deref().unwrap().contains("Không bổ sung"));
    assert_eq!(t.dossier.standing(vn(2026, 4, 30, 8, 0), Against::Statutory), Some(Standing::OnTime));
    assert!(t.dossier.status.is_closed() && t.dossier.pause.is_none());
}

#[test]
fn an_incomplete_desk_filing_is_held_without_a_receipt_for_a_request_or_a_refusal() {
    let w = World::new(SupplementRule::Recompute);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let new = NewDossier { incomplete: true, ..filing(Channel::Direct) };
    let t = open(code, new, Actor::Officer(&w.desk), &w.ctx(vn(2026, 3, 2, 9, 0))).unwrap();
    assert_eq!((t.event.action, t.dossier.status, t.notice), (Action::CounterFile, Status::Submitted, None));
    assert_eq!((t.dossier.received_at, t.dossier.due_at), (None, None), "no receipt, no clock");
    let asked = w.act(&t.dossier, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 2, 9, 5)).unwrap();
    assert_eq!(asked.dossier.status, Status::AwaitingSupplement);
    let refused = w.act(
        &t.dossier,
        Actor::Officer(&w.desk),
        Command::Refuse { reason: "Sai thẩm quyền".into() },
        vn(2026, 3, 2, 9, 5),
    );
    assert_eq!(refused.unwrap().dossier.status, Status::Refused);
}

#[test]
fn a_procedure_sets_its_own_supplement_rules() {
    let mut w = World::new(SupplementRule::Recompute);
    w.procedure.allowances.supplement_deadline = Some(ProcessingTime::new(5.0, DurationUnit::WorkingDays).unwrap());
    w.procedure.allowances.supplement_requests = 2;
    let d = asked_after_reception(&w);
    assert_eq!(d.pause.as_ref().unwrap().deadline, Some(vn(2026, 3, 9, 10, 0)), "5 working days from Monday 10:00");
    let brought = w
        .act(
            &d,
            Actor::Officer(&w.desk),
            Command::CounterSupplement { documents: documents(), note: None },
            vn(2026, 3, 3, 8, 0),
        )
        .unwrap();
    let back = w
        .act(&brought.dossier, Actor::Officer(&w.desk), Command::AcceptSupplement { note: None }, vn(2026, 3, 3, 9, 0))
        .unwrap();
    let again = w.act(&back.dossier, Actor::Officer(&w.desk), ask_command(), vn(2026, 3, 3, 10, 0));
    assert_eq!(again.unwrap().dossier.status, Status::AwaitingSupplement, "two requests at this stage");
}

#[test]
fn a_procedures_rules_are_checked_when_published() {
    let mut w = World::new(SupplementRule::Recompute);
    assert_eq!(w.procedure.validate(), Ok(()));
    w.procedure.allowances.sms_segments = Some(9);
    assert_eq!(w.procedure.validate(), Err(InvalidProcedure::SmsSegments));
    w.procedure.allowances.sms_segments = Some(1);
    w.procedure.allowances.supplement_deadline = Some(ProcessingTime { amount: 0.0, unit: DurationUnit::CalendarDays });
    assert!(matches!(w.procedure.validate(), Err(InvalidProcedure::Time(_))));
}
