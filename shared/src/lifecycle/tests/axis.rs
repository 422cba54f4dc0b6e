//! Liên thông qua trục, GIVEN a workflow whose middle step belongs to an agency that runs its own
//! system WHEN the specialist forwards into it and that agency's status packets come back THEN
//! the step is handed over (no officer here holds it, a package goes out), each packet is taken
//! once, a refusal sends the dossier back a step to whoever finished it, and a completion opens
//! the next step.

use super::*;
use crate::axis::exchange::{self, handover, Judged, UnfitPacket};
use crate::axis::{ExchangeState, Organ, StatusCode, StatusPacket};
use crate::notify::MessageChannel;

fn police() -> AgencyCode {
    AgencyCode::parse("000.00.21.H56").unwrap()
}

/// Three steps: the specialist's, the police's (on the axis), the leader's.
fn world() -> World {
    let mut w = World::new(SupplementRule::Recompute);
    w.procedure.workflow = vec![
        WorkflowStep { name: "Thẩm định".into(), role: Role::Specialist, agency: None, share_percent: 40 },
        WorkflowStep { name: "Tra cứu".into(), role: Role::Specialist, agency: Some(police()), share_percent: 40 },
        WorkflowStep { name: "Phê duyệt".into(), role: Role::Leader, agency: None, share_percent: 20 },
    ];
    w
}

fn act(w: &World, d: &Dossier, actor: Actor<'_>, c: Command, now: DateTime<Utc>) -> Result<Transition, LifecycleError> {
    let external = [police()];
    let ctx = Context { external: &external, ..w.ctx(now) };
    decide(d, actor, c, &ctx)
}

/// Received, assigned, and forwarded into the police's step.
fn handed_over(w: &World) -> (Dossier, HistoryEvent) {
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let at = vn(2026, 3, 2, 9, 0);
    let d =
        act(w, &d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, at).unwrap().dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    let d = act(w, &d, Actor::Officer(&w.leader), assign, at).unwrap().dossier;
    let forward = Command::Forward { assignee: None, note: Some("Đề nghị tra cứu".into()) };
    let t = act(w, &d, Actor::Officer(&w.specialist), forward, vn(2026, 3, 2, 10, 0)).unwrap();
    (t.dossier, t.event)
}

fn packet(d: &Dossier, code: StatusCode, at: (u32, u32, u32)) -> StatusPacket {
    StatusPacket {
        response_for_organ: agency().to_string(),
        response_for_code: "1/x".into(),
        response_for_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        document_id: d.exchanges[0].document_id.clone(),
        from: Organ { id: police().to_string(), name: "Công an tỉnh".into() },
        code,
        description: if code == StatusCode::Rejected { "Thiếu thông tin nhân thân".into() } else { String::new() },
        at: NaiveDate::from_ymd_opt(2026, 3, at.0).unwrap().and_hms_opt(at.1, at.2, 0).unwrap(),
        staff: None,
    }
}

fn status(w: &World, d: &Dossier, p: StatusPacket) -> Result<Transition, LifecycleError> {
    act(w, d, Actor::Agency(&police()), Command::AxisStatus { packet: p }, vn(2026, 3, 3, 9, 0))
}

#[test]
fn a_forward_into_an_external_step_hands_it_over_with_a_package() {
    let w = world();
    let (d, e) = handed_over(&w);
    let step = d.step.as_ref().unwrap();
    assert_eq!((step.index, step.assignee.as_ref()), (1, None), "nobody here holds the police's step");
    let x = &d.exchanges[0];
    assert_eq!((x.step, &x.agency, x.state, x.sent_seq), (1, &police(), ExchangeState::Sent, e.seq));
    assert_eq!(x.document_id, format!("000.00.03.H56,2026/03/02,{}/{}", e.seq, d.code));
    assert_eq!(exchange::dossier_of(&x.document_id), Some(d.code.clone()));
    assert_eq!(x.sent_by.as_ref().map(|o| o.id.as_str()), Some("spec"));
    assert!(e.note.as_deref().unwrap().contains(&x.document_id), "the history names the package");
    let m = handover(&d, &e).expect("the package goes out with the commit");
    assert_eq!(
        (m.channel, m.recipient.as_str(), m.text.as_str()),
        (MessageChannel::Axis, "000.00.21.H56", x.document_id.as_str())
    );
    assert!(handover(&d, &HistoryEvent { seq: e.seq + 1, ..e.clone() }).is_none());

    // An officer named for the step is refused; so is anything done to the step while away.
    let d0 = {
        let d = w.submit(vn(2026, 3, 2, 7, 0));
        let d = act(
            &w,
            &d,
            Actor::Officer(&w.desk),
            Command::Receive { note: None, reductions: vec![] },
            vn(2026, 3, 2, 9, 0),
        )
        .unwrap()
        .dossier;
        act(
            &w,
            &d,
            Actor::Officer(&w.leader),
            Command::Assign { assignee: w.specialist.clone(), note: None },
            vn(2026, 3, 2, 9, 0),
        )
        .unwrap()
        .dossier
    };
    let named = Command::Forward { assignee: Some(w.other_specialist.clone()), note: None };
    assert!(matches!(
        act(&w, &d0, Actor::Officer(&w.specialist), named, vn(2026, 3, 2, 10, 0)),
        Err(LifecycleError::ExternalStepTakesNoAssignee(_))
    ));
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    assert!(matches!(
        act(&w, &d, Actor::Officer(&w.leader), assign, vn(2026, 3, 2, 11, 0)),
        Err(LifecycleError::WithOtherAgency(_))
    ));
    // Nobody but the axis brings a status packet.
    let p = packet(&d, StatusCode::Arrived, (2, 10, 5));
    assert!(act(&w, &d, Actor::Officer(&w.leader), Command::AxisStatus { packet: p }, vn(2026, 3, 2, 11, 0)).is_err());
}

#[test]
fn packets_move_the_step_once_and_completion_gives_the_next_step_back() {
    let w = world();
    let (mut d, _) = handed_over(&w);
    for (code, at) in
        [(StatusCode::Arrived, (2, 10, 5)), (StatusCode::Accepted, (2, 14, 0)), (StatusCode::Processing, (3, 8, 0))]
    {
        let p = packet(&d, code, at);
        assert_eq!(exchange::judge(&d, &p), Ok(Judged::Take));
        let t = status(&w, &d, p.clone()).unwrap();
        assert_eq!(t.event.actor, EventActor::Agency { agency: police() });
        assert_eq!(t.dossier.step.as_ref().unwrap().index, 1, "{code:?} is recorded only");
        d = t.dossier;
        assert_eq!(exchange::judge(&d, &p), Ok(Judged::Repeat), "the same packet again is a replay");
        assert!(status(&w, &d, p).is_err(), "and is never applied twice");
    }
    assert_eq!(d.exchanges[0].state, ExchangeState::Processing);
    let done = status(&w, &d, packet(&d, StatusCode::Completed, (3, 15, 0))).unwrap();
    let d = done.dossier;
    let step = d.step.as_ref().unwrap();
    assert_eq!((step.index, step.assignee.as_ref()), (2, None), "open to the agency's leaders");
    assert_eq!(d.exchanges[0].state, ExchangeState::Completed);
    assert_eq!(d.finished_steps.last().map(|f| (f.index, &f.agency)), Some((1, &police())));
    // A late packet about a finished hand-over is not applied.
    let late = packet(&d, StatusCode::Processing, (3, 16, 0));
    assert!(matches!(exchange::judge(&d, &late), Err(UnfitPacket::NotWaiting(ExchangeState::Completed, _))));
    // The step is ours again.
    let approve = Command::Approve { note: None, results: vec![] };
    let resolved = act(&w, &d, Actor::Officer(&w.leader), approve, vn(2026, 3, 3, 16, 0)).unwrap().dossier;
    assert_eq!(resolved.status, Status::Resolved);
}

#[test]
fn a_refusal_sends_the_dossier_back_and_strangers_are_refused() {
    let w = world();
    let (d, _) = handed_over(&w);
    let mut forged = packet(&d, StatusCode::Arrived, (2, 10, 5));
    forged.from.id = "000.00.99.H56".into();
    assert!(matches!(exchange::judge(&d, &forged), Err(UnfitPacket::WrongAgency { .. })));
    let mut unknown = packet(&d, StatusCode::Arrived, (2, 10, 5));
    unknown.document_id = "000.00.03.H56,2026/03/02,99/000.00.03.H56-260302-0001".into();
    assert!(matches!(exchange::judge(&d, &unknown), Err(UnfitPacket::UnknownDocument(_))));

    let t = status(&w, &d, packet(&d, StatusCode::Rejected, (2, 15, 0))).unwrap();
    let back = t.dossier;
    let step = back.step.as_ref().unwrap();
    assert_eq!((step.index, step.assignee.as_ref().map(|o| o.id.as_str())), (0, Some("spec")));
    assert!(t.event.note.as_deref().unwrap().contains("Thiếu thông tin nhân thân"));
    assert_eq!(back.exchanges[0].state, ExchangeState::Rejected);
    // Forwarded again: a new hand-over with its own DocumentId.
    let forward = Command::Forward { assignee: None, note: None };
    let again = act(&w, &back, Actor::Officer(&w.specialist), forward, vn(2026, 3, 3, 10, 0)).unwrap().dossier;
    assert_eq!(again.exchanges.len(), 2);
    assert_ne!(again.exchanges[0].document_id, again.exchanges[1].document_id);
    assert_eq!(exchange::live(&again).map(|x| x.state), Some(ExchangeState::Sent));
}

#[test]
fn the_package_names_the_hand_over_as_its_document_id_says() {
    let w = world();
    let (d, _) = handed_over(&w);
    let x = &d.exchanges[0];
    let file = crate::axis::Attachment {
        content_id: "0001".into(),
        name: "To khai.pdf".into(),
        content_type: "application/pdf".into(),
        description: "Tờ khai".into(),
        bytes: b"%PDF-1.7".to_vec(),
    };
    let p = exchange::package(&d, x, ("Sở Tư pháp", "Công an tỉnh"), "Nha Trang", vec![file]);
    assert_eq!(p.document_id(), x.document_id, "the package's own identity is the one the packets answer");
    let read = crate::axis::Package::parse(&p.to_xml()).unwrap();
    assert_eq!(read, p);
    assert!(p.content.contains(&d.code.to_string()) && p.content.contains("Tra cứu"));
    assert_eq!(p.signer.full_name, "SPEC");
}

#[test]
fn the_reports_count_hand_overs_and_those_over_the_axis() {
    use crate::reports::{tally, Measure};
    let w = world();
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let at = vn(2026, 3, 2, 9, 0);
    let d =
        act(&w, &d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, at).unwrap().dossier;
    let d = act(&w, &d, Actor::Officer(&w.leader), Command::Assign { assignee: w.specialist.clone(), note: None }, at)
        .unwrap()
        .dossier;
    let counted = |before: &Dossier, after: &Dossier, m| -> i64 {
        tally(Some(before), after, vn(2026, 3, 2, 10, 0)).iter().map(|t| t.counts.get(m)).sum()
    };
    let forward = || Command::Forward { assignee: None, note: None };
    // Over the axis: a hand-over, and one over the axis.
    let away = act(&w, &d, Actor::Officer(&w.specialist), forward(), vn(2026, 3, 2, 10, 0)).unwrap().dossier;
    assert_eq!((counted(&d, &away, Measure::HandOvers), counted(&d, &away, Measure::HandOversAxis)), (1, 1));
    // The police in this system: a hand-over only.
    let inside = decide(&d, Actor::Officer(&w.specialist), forward(), &w.ctx(vn(2026, 3, 2, 10, 0))).unwrap().dossier;
    assert_eq!((counted(&d, &inside, Measure::HandOvers), counted(&d, &inside, Measure::HandOversAxis)), (1, 0));
    // A packet that changes no step counts nothing.
    let arrived = status(&w, &away, packet(&away, StatusCode::Arrived, (2, 10, 5))).unwrap().dossier;
    assert_eq!(counted(&away, &arrived, Measure::HandOvers), 0);
}
