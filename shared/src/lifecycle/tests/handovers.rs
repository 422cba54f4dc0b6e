//! Hand-overs inside the workflow, GIVEN the two-step procedure WHEN the step holder sends the
//! dossier back or the leader re-assigns the step in hand THEN each is allowed to whom the table
//! says, needs a reason, is recorded with its tracking-card row, and never moves the due date.

use super::*;

/// Received Monday 2 March 2026 at 9:00 and given to the specialist.
fn assigned(w: &World) -> Dossier {
    let at = vn(2026, 3, 2, 9, 0);
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let d =
        w.act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, at).unwrap().dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    w.act(&d, Actor::Officer(&w.leader), assign, at).unwrap().dossier
}

fn send_back(reason: &str) -> Command {
    Command::SendBack { reason: reason.into() }
}

#[test]
fn the_step_holder_sends_back_to_whoever_did_the_previous_step() {
    let w = World::new(SupplementRule::Recompute);
    let d = assigned(&w);
    let at = vn(2026, 3, 3, 10, 0);
    assert_eq!(w.act(&d, Actor::Officer(&w.specialist), send_back("Sai"), at).unwrap_err(), LifecycleError::FirstStep);
    let fwd = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    let at_leader = w.act(&d, Actor::Officer(&w.specialist), fwd, at).unwrap().dossier;
    let later = vn(2026, 3, 4, 14, 0);
    assert!(matches!(
        w.act(&at_leader, Actor::Officer(&w.leader), send_back("  "), later),
        Err(LifecycleError::ReasonRequired)
    ));
    assert_eq!(
        w.act(&at_leader, Actor::Officer(&w.specialist), send_back("Xem lại"), later).unwrap_err(),
        LifecycleError::MissingRole { needed: vec![Role::Leader] },
        "only the step's holder"
    );
    let t = w.act(&at_leader, Actor::Officer(&w.leader), send_back("Thiếu thẩm định điều kiện"), later).unwrap();
    let back = &t.dossier;
    let step = back.step.as_ref().unwrap();
    assert_eq!((back.status, step.index), (Status::Processing, 0));
    assert_eq!(step.assignee.as_ref().map(|a| a.id.as_str()), Some("spec"), "back to who did it");
    assert_eq!(back.due_at, at_leader.due_at, "the due date stays");
    assert_eq!((t.event.from_step, t.event.to_step), (Some(1), Some(0)));
    assert_eq!(t.event.note.as_deref(), Some("Thiếu thẩm định điều kiện"));
    assert_eq!(t.notice, None, "inside the agency: the applicant is not told");
    // Done again and forwarded again: the card shows each hand-over in order.
    let fwd = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    let again = w.act(back, Actor::Officer(&w.specialist), fwd, vn(2026, 3, 5, 9, 0)).unwrap();
    let events = [t.event.clone(), again.event.clone()];
    let rows = tracking_card(&again.dossier, &events);
    let steps: Vec<(usize, Option<&str>)> =
        rows.iter().map(|r| (r.step, r.taken_by.as_ref().map(|o| o.id.as_str()))).collect();
    assert_eq!(steps, [(0, Some("spec")), (1, Some("lead"))]);
    assert_eq!(rows[0].finished_at, Some(vn(2026, 3, 5, 9, 0)));
}

#[test]
fn the_leader_reassigns_the_step_in_hand_with_a_reason() {
    let w = World::new(SupplementRule::Recompute);
    let d = assigned(&w);
    let at = vn(2026, 3, 3, 10, 0);
    let to = |o: &Officer, reason: &str| Command::Reassign { assignee: o.clone(), reason: reason.into() };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.specialist), to(&w.other_specialist, "Nghỉ phép"), at).unwrap_err(),
        LifecycleError::MissingRole { needed: vec![Role::Leader] }
    );
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), to(&w.specialist, "x"), at).unwrap_err(),
        LifecycleError::SameAssignee
    );
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), to(&w.desk, "x"), at).unwrap_err(),
        LifecycleError::AssigneeNotEligible
    );
    assert!(matches!(
        w.act(&d, Actor::Officer(&w.leader), to(&w.other_specialist, ""), at),
        Err(LifecycleError::ReasonRequired)
    ));
    let t = w.act(&d, Actor::Officer(&w.leader), to(&w.other_specialist, "Chuyên viên nghỉ phép"), at).unwrap();
    let step = t.dossier.step.as_ref().unwrap();
    assert_eq!(step.assignee.as_ref().map(|a| a.id.as_str()), Some("spec2"));
    assert_eq!((step.due_at, t.dossier.due_at), (d.step.as_ref().unwrap().due_at, d.due_at), "nothing moves");
    assert_eq!(
        w.act(&t.dossier, Actor::Officer(&w.specialist), Command::Forward { assignee: None, note: None }, at)
            .unwrap_err(),
        LifecycleError::NotAssignee,
        "the former holder no longer acts"
    );
    let rows = tracking_card(&t.dossier, std::slice::from_ref(&t.event));
    assert!(rows.is_empty() || rows.iter().all(|r| r.kind == RowKind::Step));
    // Before anyone holds it, the leader assigns rather than re-assigns.
    let received = w
        .act(
            &w.submit(vn(2026, 3, 2, 7, 0)),
            Actor::Officer(&w.desk),
            Command::Receive { note: None, reductions: vec![] },
            at,
        )
        .unwrap()
        .dossier;
    assert!(w.act(&received, Actor::Officer(&w.leader), to(&w.specialist, "x"), at).is_err());
}

fn officer_of(id: &str, agency: &str, roles: &[Role]) -> Officer {
    Officer { agency: AgencyCode::parse(agency).unwrap(), ..officer(id, roles) }
}

#[test]
fn an_opinion_is_asked_of_another_agency_and_answered_into_the_history() {
    let w = World::new(SupplementRule::Recompute);
    let d = assigned(&w);
    let police = officer_of("police", "000.00.20.H56", &[Role::Specialist]);
    let at = vn(2026, 3, 3, 10, 0);
    let ask = |o: &Officer, q: &str| Command::Consult { officer: o.clone(), question: q.into() };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.specialist), ask(&w.other_specialist, "?"), at).unwrap_err(),
        LifecycleError::ConsultOwnAgency
    );
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), ask(&police, "?"), at).unwrap_err(),
        LifecycleError::MissingRole { needed: vec![Role::Specialist] },
        "the step holder asks"
    );
    let asked = w.act(&d, Actor::Officer(&w.specialist), ask(&police, "Có tiền án không?"), at).unwrap();
    assert_eq!((asked.dossier.status, asked.dossier.step.clone()), (d.status, d.step.clone()), "the step stays");
    assert_eq!(asked.dossier.due_at, d.due_at);
    assert_eq!(
        w.act(&asked.dossier, Actor::Officer(&w.specialist), ask(&police, "Lần nữa?"), at).unwrap_err(),
        LifecycleError::AlreadyConsulted
    );
    let reply = |text: &str| Command::Opinion { opinion: text.into() };
    let later = vn(2026, 3, 4, 9, 30);
    assert_eq!(
        w.act(&asked.dossier, Actor::Officer(&w.leader), reply("x"), later).unwrap_err(),
        LifecycleError::NotConsulted
    );
    let answered = w.act(&asked.dossier, Actor::Officer(&police), reply("Không có tiền án"), later).unwrap();
    let c = &answered.dossier.consultations[0];
    assert_eq!((c.answer.as_deref(), c.answered_at), (Some("Không có tiền án"), Some(later)));
    assert_eq!(answered.event.note.as_deref(), Some("Không có tiền án"));
    assert_eq!(answered.dossier.step, d.step, "the step's clock was never touched");
    assert_eq!(
        w.act(&answered.dossier, Actor::Officer(&police), reply("y"), later).unwrap_err(),
        LifecycleError::NotConsulted,
        "once"
    );
    let rows = tracking_card(&answered.dossier, &[asked.event.clone(), answered.event.clone()]);
    let row = rows.iter().find(|r| r.kind == RowKind::Consultation).expect("its row");
    assert_eq!(
        (row.agency.to_string().as_str(), row.taken_by.as_ref().map(|o| o.id.as_str())),
        ("000.00.20.H56", Some("police"))
    );
    assert_eq!((row.given_at, row.finished_at), (at, Some(later)));
    assert!(crate::access::may_see(&police, &answered.dossier, &[]).is_ok(), "the officer asked reads the dossier");
}
