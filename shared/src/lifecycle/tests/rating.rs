//! Rating, GIVEN dossiers that ran early, late, extended or paused WHEN the applicant rates
//! THEN the system scores the four indicators it can measure, the applicant only the rest,
//! and only once the result has been handed over.

use super::*;

/// Received Monday 2 March 09:00 (due Thursday 09:00), given to the specialist, who forwards
/// at `forward_at`; the leader approves at `approve_at`; the desk returns it then.
fn returned(w: &World, forward_at: DateTime<Utc>, approve_at: DateTime<Utc>, ask: bool) -> Dossier {
    returned_by(w, &w.leader, forward_at, approve_at, ask)
}

/// As [`returned`], the first step given by `assigner`.
fn returned_by(
    w: &World,
    assigner: &Officer,
    forward_at: DateTime<Utc>,
    approve_at: DateTime<Utc>,
    ask: bool,
) -> Dossier {
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let mut d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    d = w.act(&d, Actor::Officer(assigner), assign, vn(2026, 3, 2, 9, 0)).unwrap().dossier;
    if ask {
        let cmd = Command::RequestSupplement { reason: "Thiếu".into(), missing: vec!["Ảnh".into()] };
        d = w.act(&d, Actor::Officer(&w.specialist), cmd, vn(2026, 3, 2, 9, 30)).unwrap().dossier;
        let docs = vec![SubmittedDocument {
            component: "Tờ khai".into(),
            file_name: "a.pdf".into(),
            reference: None,
            file: None,
            particulars: None,
            reused: None,
        }];
        let supplement = Command::Supplement { documents: docs, note: None };
        d = w.act(&d, Actor::Applicant, supplement, vn(2026, 3, 2, 9, 40)).unwrap().dossier;
        let accept = Command::AcceptSupplement { note: None };
        d = w.act(&d, Actor::Officer(&w.specialist), accept, vn(2026, 3, 2, 9, 50)).unwrap().dossier;
    }
    let forward = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    d = w.act(&d, Actor::Officer(&w.specialist), forward, forward_at).unwrap().dossier;
    d = w
        .act(&d, Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, approve_at)
        .unwrap()
        .dossier;
    let ret = Command::Return { method: ReturnMethod::Counter, waybill: None };
    w.act(&d, Actor::Officer(&w.desk), ret, approve_at).unwrap().dossier
}

fn rate(w: &World, d: &Dossier) -> Result<Rating, LifecycleError> {
    let t = w.act(d, Actor::Applicant, Command::Rate { answers: answers(2) }, vn(2026, 3, 20, 8, 0))?;
    Ok(t.dossier.rating.unwrap())
}

#[test]
fn a_dossier_is_rated_only_once_its_result_is_handed_over() {
    let w = World::new(SupplementRule::Recompute);
    let d = returned(&w, vn(2026, 3, 3, 8, 0), vn(2026, 3, 3, 9, 0), false);
    let resolved = Dossier { status: Status::Resolved, returned_at: None, ..d.clone() };
    assert!(matches!(rate(&w, &resolved), Err(LifecycleError::InvalidTransition { .. })), "not before the hand-over");
    let rating = rate(&w, &d).unwrap();
    assert_eq!(rating.indicators, vec![2; 9], "early, no late step, no supplement, one agency");
    assert_eq!(rating.ease_of_use, Some(EaseOfUse::Easy));
    assert_eq!(rating.rated_at, Some(vn(2026, 3, 20, 8, 0)));
}

#[test]
fn a_late_dossier_cannot_be_scored_as_on_time_by_its_applicant() {
    let w = World::new(SupplementRule::Recompute);
    // The specialist's step was due Wednesday 11:00; forwarded Friday, approved Friday.
    let d = returned(&w, vn(2026, 3, 6, 8, 0), vn(2026, 3, 6, 9, 0), false);
    let rating = rate(&w, &d).unwrap();
    assert_eq!(rating.indicators[..MEASURED], [0, 1, 2, 2], "late overall; one agency late");
    assert_eq!(rating.total(), 15);
}

#[test]
fn contacts_and_agencies_are_counted_from_the_dossier() {
    let mut w = World::new(SupplementRule::Recompute);
    let police = AgencyCode::parse("000.00.20.H56").unwrap();
    w.specialist.agency = police.clone();
    w.procedure.workflow[0].agency = Some(police.clone());
    let police_leader = Officer { agency: police, ..w.leader.clone() };
    let d = returned_by(&w, &police_leader, vn(2026, 3, 3, 8, 0), vn(2026, 3, 3, 9, 0), true);
    let rating = rate(&w, &d).unwrap();
    assert_eq!(rating.indicators[..MEASURED], [2, 2, 1, 1], "one supplement, asked by a second agency");
}

#[test]
fn answers_out_of_scale_are_refused() {
    let w = World::new(SupplementRule::Recompute);
    let d = returned(&w, vn(2026, 3, 3, 8, 0), vn(2026, 3, 3, 9, 0), false);
    let mut bad = answers(2);
    bad.attitude = 3;
    let refused = w.act(&d, Actor::Applicant, Command::Rate { answers: bad }, vn(2026, 3, 20, 8, 0));
    assert!(matches!(refused, Err(LifecycleError::InvalidRating(_))));
}

#[test]
fn ratings_kept_with_the_five_point_ease_of_use_still_read() {
    let kept = serde_json::json!({"indicators": vec![2; 9], "ease_of_use": 4, "verdict": "satisfied", "comment": null});
    let rating: Rating = serde_json::from_value(kept).unwrap();
    assert_eq!(rating.ease_of_use, Some(EaseOfUse::Easy));
    let bad = serde_json::json!({"indicators": vec![2; 9], "ease_of_use": 9, "verdict": "satisfied", "comment": null});
    assert!(serde_json::from_value::<Rating>(bad).is_err());
}
