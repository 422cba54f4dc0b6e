//! The lifecycle, GIVEN a two-step procedure (specialist reviews, leader approves) WHEN officers
//! and the applicant act THEN the table decides status, step, events and notices.

use chrono::{DateTime, NaiveDate, Utc};

use super::table::{rules_for, TRANSITIONS};
use super::*;
use crate::calendar::{vietnam, Calendar, DurationUnit, ProcessingTime, WorkingHours};
use crate::catalogue::*;
use crate::codes::{AgencyCode, DossierCode};
use crate::contact::{CitizenId, PhoneNumber};

fn agency() -> AgencyCode {
    AgencyCode::parse("000.00.03.H56").unwrap()
}

fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    vietnam::from_local(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
}

fn procedure(rule: SupplementRule) -> Procedure {
    Procedure {
        fees_first: false,
        code: "2.000488".into(),
        name: "Cấp Phiếu lý lịch tư pháp".into(),
        field: "Lý lịch tư pháp".into(),
        agency: agency(),
        legal_basis: String::new(),
        applicant_kinds: vec![ApplicantKind::Citizen],
        components: vec![Component {
            name: "Tờ khai".into(),
            form: ComponentForm::Original,
            quantity: 1,
            required: true,
        }],
        fees: vec![],
        processing_time: ProcessingTime::new(3.0, DurationUnit::WorkingDays).unwrap(),
        online_processing_time: None,
        cutoff: None,
        channels: vec![Channel::Online, Channel::Direct],
        online_level: OnlineLevel::Full,
        postal_return: true,
        supplement_rule: rule,
        allowances: Default::default(),
        workflow: vec![
            WorkflowStep { name: "Thẩm định".into(), role: Role::Specialist, agency: None, share_percent: 75 },
            WorkflowStep { name: "Phê duyệt".into(), role: Role::Leader, agency: None, share_percent: 25 },
        ],
        effective_from: None,
    }
}

fn officer(id: &str, roles: &[Role]) -> Officer {
    Officer {
        id: OfficerId::parse(id).unwrap(),
        name: id.to_uppercase(),
        agency: agency(),
        roles: roles.to_vec(),
        phone: None,
        email: None,
        arrivals: Default::default(),
    }
}

struct World {
    calendar: Calendar,
    procedure: Procedure,
    desk: Officer,
    specialist: Officer,
    other_specialist: Officer,
    leader: Officer,
}

impl World {
    fn new(rule: SupplementRule) -> Self {
        Self {
            calendar: Calendar::new(WorkingHours::default(), []).unwrap(),
            procedure: procedure(rule),
            desk: officer("desk", &[Role::Reception]),
            specialist: officer("spec", &[Role::Specialist]),
            other_specialist: officer("spec2", &[Role::Specialist]),
            leader: officer("lead", &[Role::Leader]),
        }
    }
    fn ctx(&self, now: DateTime<Utc>) -> Context<'_> {
        Context::new(now, &self.calendar, &self.procedure)
    }
    fn submit(&self, now: DateTime<Utc>) -> Dossier {
        let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
        open(code, filing(Channel::Online), Actor::Applicant, &self.ctx(now)).unwrap().dossier
    }
    fn act(&self, d: &Dossier, actor: Actor<'_>, c: Command, now: DateTime<Utc>) -> Result<Transition, LifecycleError> {
        decide(d, actor, c, &self.ctx(now))
    }
}

/// The applicant's answers, all scored `score`.
fn answers(score: u8) -> RatingAnswers {
    RatingAnswers {
        desk_handling: score,
        disclosure: score,
        attitude: score,
        complaints: score,
        online_service: score,
        ease_of_use: Some(EaseOfUse::Easy),
        verdict: Verdict::VerySatisfied,
        comment: None,
    }
}

fn filing(channel: Channel) -> NewDossier {
    NewDossier {
        channel,
        applicant: Applicant {
            kind: ApplicantKind::Citizen,
            name: "Nguyễn Văn An".into(),
            citizen_id: Some(CitizenId::parse("079203001234").unwrap()),
            tax_code: None,
            phone: Some(PhoneNumber::parse("0912345678").unwrap()),
            email: None,
            address: None,
            delegate_name: None,
        },
        documents: vec![SubmittedDocument {
            component: "Tờ khai".into(),
            file_name: "to-khai.pdf".into(),
            reference: None,
            file: (channel == Channel::Online).then(|| crate::fixtures::file(b"to-khai")),
            particulars: None,
            reused: None,
        }],
        result_by: None,
        reductions: vec![],
        incomplete: false,
        notify_by: Default::default(),
        delivery_address: None,
    }
}

/// A supplement's document: the form, on paper.
fn documents() -> Vec<SubmittedDocument> {
    vec![SubmittedDocument {
        component: "Tờ khai".into(),
        file_name: "cccd.pdf".into(),
        reference: None,
        file: None,
        particulars: None,
        reused: None,
    }]
}

#[test]
fn table_has_one_rule_per_action_and_status_and_covers_every_action() {
    for rule in TRANSITIONS {
        for status in Status::ALL.map(Some).into_iter().chain([None]) {
            assert!(rules_for(rule.action, status).count() <= 1, "{:?} from {status:?}", rule.action);
        }
    }
    for action in Action::ALL {
        assert!(TRANSITIONS.iter().any(|r| r.action == action), "{action:?}");
    }
}

#[test]
fn happy_path_from_online_submission_to_rating() {
    let w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.due_at, None);

    let t = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap();
    assert_eq!(t.dossier.status, Status::Received);
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 5, 9, 0)), "3 working days from Monday 09:00");
    assert_eq!(t.notice, Some(NoticeKind::Received));
    assert_eq!(t.event.seq, 1);
    assert_eq!(t.dossier.version, 2);
    // Step 0 has 75% of 24 h = 18 working hours: Monday 09:00 → Wednesday 11:00.
    assert_eq!(t.dossier.step.as_ref().unwrap().due_at, vn(2026, 3, 4, 11, 0));

    let d = t.dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    let t = w.act(&d, Actor::Officer(&w.desk), assign, vn(2026, 3, 2, 9, 30)).unwrap();
    assert_eq!(t.dossier.status, Status::Processing);
    let d = t.dossier;

    // Another specialist cannot take a step assigned to someone else.
    let fwd = || Command::Forward { assignee: None, note: None };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.other_specialist), fwd(), vn(2026, 3, 3, 9, 0)).unwrap_err(),
        LifecycleError::NotAssignee
    );
    // Approving at the review step is refused.
    assert_eq!(
        w.act(
            &d,
            Actor::Officer(&w.specialist),
            Command::Approve { note: None, results: vec![] },
            vn(2026, 3, 3, 9, 0)
        )
        .unwrap_err(),
        LifecycleError::NotLastStep
    );
    let t = w.act(&d, Actor::Officer(&w.specialist), fwd(), vn(2026, 3, 3, 9, 0)).unwrap();
    assert_eq!(t.dossier.step.as_ref().unwrap().index, 1);
    let d = t.dossier;
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), fwd(), vn(2026, 3, 3, 10, 0)).unwrap_err(),
        LifecycleError::LastStep
    );
    let t = w
        .act(&d, Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 3, 10, 0))
        .unwrap();
    assert_eq!(t.dossier.status, Status::Resolved);
    assert_eq!(t.notice, Some(NoticeKind::ResultReady));
    let d = t.dossier;

    let ret = Command::Return { method: ReturnMethod::Postal, waybill: None };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), ret, vn(2026, 3, 3, 11, 0)).unwrap_err(),
        LifecycleError::WaybillRequired
    );
    // No electronic result was issued: nothing to return online.
    let online = Command::Return { method: ReturnMethod::Online, waybill: None };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), online, vn(2026, 3, 3, 11, 0)).unwrap_err(),
        LifecycleError::ResultFileRequired
    );
    let ret = Command::Return { method: ReturnMethod::Postal, waybill: Some("EB123456789VN".into()) };
    let t = w.act(&d, Actor::Officer(&w.desk), ret, vn(2026, 3, 3, 11, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::Returned);
    let d = t.dossier;

    let answers = answers(2);
    let t = w.act(&d, Actor::Applicant, Command::Rate { answers: answers.clone() }, vn(2026, 3, 4, 8, 0)).unwrap();
    assert_eq!(t.dossier.rating.as_ref().unwrap().total(), 18);
    assert_eq!(
        w.act(&t.dossier, Actor::Applicant, Command::Rate { answers }, vn(2026, 3, 4, 8, 0)).unwrap_err(),
        LifecycleError::AlreadyRated
    );
}

#[test]
fn actors_outside_the_table_are_refused_with_a_reason() {
    let w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let mut stranger = w.desk.clone();
    stranger.agency = AgencyCode::parse("000.00.05.H56").unwrap();
    let receive = || Command::Receive { note: None, reductions: vec![] };
    assert_eq!(
        w.act(&d, Actor::Officer(&stranger), receive(), vn(2026, 3, 2, 9, 0)).unwrap_err(),
        LifecycleError::OtherAgency
    );
    assert!(matches!(
        w.act(&d, Actor::Officer(&w.specialist), receive(), vn(2026, 3, 2, 9, 0)).unwrap_err(),
        LifecycleError::MissingRole { .. }
    ));
    assert!(matches!(
        w.act(&d, Actor::Applicant, receive(), vn(2026, 3, 2, 9, 0)).unwrap_err(),
        LifecycleError::MissingRole { .. }
    ));
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 2, 9, 0))
            .unwrap_err(),
        LifecycleError::InvalidTransition { action: Action::Approve, status: Status::Submitted }
    );
    let refuse = Command::Refuse { reason: "  ".into() };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.desk), refuse, vn(2026, 3, 2, 9, 0)).unwrap_err(),
        LifecycleError::ReasonRequired
    );
    let assign = Command::Assign { assignee: w.leader.clone(), note: None };
    let received = w.act(&d, Actor::Officer(&w.desk), receive(), vn(2026, 3, 2, 9, 0)).unwrap().dossier;
    assert_eq!(
        w.act(&received, Actor::Officer(&w.desk), assign, vn(2026, 3, 2, 9, 0)).unwrap_err(),
        LifecycleError::AssigneeNotEligible
    );
}

fn supplement_cycle(rule: SupplementRule) -> Dossier {
    let w = World::new(rule);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    let d = w
        .act(
            &d,
            Actor::Officer(&w.desk),
            Command::Assign { assignee: w.specialist.clone(), note: None },
            vn(2026, 3, 2, 10, 0),
        )
        .unwrap()
        .dossier;
    let ask = Command::RequestSupplement {
        reason: "Thiếu bản sao".into(), missing: vec!["Tờ khai có chữ ký".into()]
    };
    let t = w.act(&d, Actor::Officer(&w.specialist), ask.clone(), vn(2026, 3, 3, 9, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::AwaitingSupplement);
    assert_eq!(t.notice, Some(NoticeKind::SupplementRequested));
    let d = t.dossier;
    let docs = vec![SubmittedDocument {
        component: "Tờ khai".into(),
        file_name: "to-khai-2.pdf".into(),
        reference: None,
        file: None,
        particulars: None,
        reused: None,
    }];
    assert_eq!(
        w.act(&d, Actor::Applicant, Command::Supplement { documents: vec![], note: None }, vn(2026, 3, 9, 14, 0))
            .unwrap_err(),
        LifecycleError::DocumentsRequired
    );
    let t = w
        .act(&d, Actor::Applicant, Command::Supplement { documents: docs, note: None }, vn(2026, 3, 9, 13, 0))
        .unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::AwaitingSupplement, None), "brought, not yet checked");
    let accept = Command::AcceptSupplement { note: None };
    let other = w.act(&t.dossier, Actor::Officer(&w.other_specialist), accept.clone(), vn(2026, 3, 9, 14, 0));
    assert_eq!(other.unwrap_err(), LifecycleError::NotAssignee, "the desk or the step's holder checks it");
    let t = w.act(&t.dossier, Actor::Officer(&w.specialist), accept, vn(2026, 3, 9, 14, 0)).unwrap();
    assert_eq!(t.notice, Some(NoticeKind::SupplementReceived));
    assert_eq!(t.dossier.status, Status::Processing, "back to where it was");
    assert_eq!(t.dossier.documents.len(), 2);
    assert_eq!(t.dossier.step.as_ref().unwrap().assignee.as_ref().unwrap().id, w.specialist.id);
    let again = w.act(&t.dossier, Actor::Officer(&w.specialist), ask, vn(2026, 3, 10, 9, 0)).unwrap_err();
    assert_eq!(again, LifecycleError::SupplementAlreadyRequested, "one request while processing");
    t.dossier
}

#[test]
fn supplement_recomputes_the_full_time() {
    let d = supplement_cycle(SupplementRule::Recompute);
    assert_eq!(d.due_at, Some(vn(2026, 3, 12, 14, 0)), "3 working days from Monday 9/3 14:00");
}

#[test]
fn supplement_can_resume_the_paused_clock() {
    let d = supplement_cycle(SupplementRule::Resume);
    // Paused Tue 3/3 09:00 with 2 working days left → resumes Mon 9/3 14:00 → Wed 11/3 14:00.
    assert_eq!(d.due_at, Some(vn(2026, 3, 11, 14, 0)));
}

#[test]
fn extension_is_allowed_once_and_only_before_the_due_date() {
    let w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    let extend = |to| Command::Extend { reason: "Cần xác minh thêm".into(), new_due_at: to };
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), extend(vn(2026, 3, 4, 9, 0)), vn(2026, 3, 3, 9, 0)).unwrap_err(),
        LifecycleError::NewDueNotLater
    );
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), extend(vn(2026, 3, 10, 9, 0)), vn(2026, 3, 6, 9, 0)).unwrap_err(),
        LifecycleError::DeadlinePassed
    );
    let t = w.act(&d, Actor::Officer(&w.leader), extend(vn(2026, 3, 10, 9, 0)), vn(2026, 3, 4, 9, 0)).unwrap();
    assert_eq!(t.notice, Some(NoticeKind::Apology));
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 10, 9, 0)));
    assert_eq!(
        w.act(&t.dossier, Actor::Officer(&w.leader), extend(vn(2026, 3, 12, 9, 0)), vn(2026, 3, 5, 9, 0)).unwrap_err(),
        LifecycleError::AlreadyExtended
    );
}

#[test]
fn filings_are_checked_against_the_procedure() {
    let w = World::new(SupplementRule::Recompute);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let ctx = w.ctx(vn(2026, 3, 2, 8, 0));
    let mut no_docs = filing(Channel::Online);
    no_docs.documents.clear();
    assert!(matches!(
        open(code.clone(), no_docs, Actor::Applicant, &ctx).unwrap_err(),
        LifecycleError::MissingComponents(_)
    ));
    let mut named_only = filing(Channel::Online);
    named_only.documents[0].file = None;
    assert_eq!(
        open(code.clone(), named_only.clone(), Actor::Applicant, &ctx).unwrap_err(),
        LifecycleError::MissingFiles(vec!["Tờ khai".into()]),
        "online, a required component is its file, not a name"
    );
    named_only.channel = Channel::Direct;
    assert!(open(code.clone(), named_only, Actor::Officer(&w.desk), &ctx).is_ok(), "the desk holds the paper");
    assert_eq!(
        open(code.clone(), filing(Channel::Postal), Actor::Officer(&w.desk), &ctx).unwrap_err(),
        LifecycleError::ChannelNotOffered
    );
    assert_eq!(
        open(code.clone(), filing(Channel::Direct), Actor::Applicant, &ctx).unwrap_err(),
        LifecycleError::ChannelNotOffered
    );
    let counter = open(code, filing(Channel::Direct), Actor::Officer(&w.desk), &ctx).unwrap();
    assert_eq!(counter.dossier.status, Status::Received);
    assert!(counter.dossier.due_at.is_some());
    assert_eq!(counter.event.action, Action::CounterReceive);
}

#[test]
fn withdrawal_and_stop_finish_the_dossier() {
    let w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let t = w.act(&d, Actor::Applicant, Command::Withdraw { reason: None }, vn(2026, 3, 2, 9, 0)).unwrap();
    assert_eq!(t.dossier.status, Status::Withdrawn);
    assert!(t.dossier.finished_at.is_some());
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    let stop = Command::Stop { reason: "Quyết định dừng".into() };
    assert!(w.act(&d, Actor::Officer(&w.desk), stop.clone(), vn(2026, 3, 2, 10, 0)).is_err());
    assert_eq!(
        w.act(&d, Actor::Officer(&w.leader), stop, vn(2026, 3, 2, 10, 0)).unwrap().dossier.status,
        Status::Stopped
    );
}

#[test]
fn tracking_card_has_a_row_per_hand_over() {
    let w = World::new(SupplementRule::Recompute);
    let d0 = w.submit(vn(2026, 3, 2, 8, 0));
    let mut events = vec![];
    let mut d = d0;
    let steps: Vec<(Actor<'_>, Command, DateTime<Utc>)> = vec![
        (Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0)),
        (
            Actor::Officer(&w.leader),
            Command::Assign { assignee: w.specialist.clone(), note: None },
            vn(2026, 3, 2, 10, 0),
        ),
        (
            Actor::Officer(&w.specialist),
            Command::Forward { assignee: Some(w.leader.clone()), note: None },
            vn(2026, 3, 5, 10, 0),
        ),
        (Actor::Officer(&w.leader), Command::Approve { note: None, results: vec![] }, vn(2026, 3, 5, 11, 0)),
    ];
    for (actor, cmd, at) in steps {
        let t = w.act(&d, actor, cmd, at).unwrap();
        events.push(t.event);
        d = t.dossier;
    }
    let card = tracking_card(&d, &events);
    assert_eq!(card.len(), 2);
    assert_eq!(card[0].given_by.as_ref().unwrap().id.as_str(), "desk");
    assert_eq!(card[0].taken_by.as_ref().unwrap().id.as_str(), "spec");
    assert_eq!(card[0].result, Some(crate::calendar::Timeliness::Late), "step due Wed 4/3, finished Thu 5/3");
    assert_eq!(card[1].taken_by.as_ref().unwrap().id.as_str(), "lead");
    assert_eq!(card[1].due_at, d.due_at, "its 6 h would end Fri 08:00, after the dossier's Thu 09:00");
    assert_eq!(card[1].result, Some(crate::calendar::Timeliness::OnTime), "approved Thu, the day it was due");
}

mod axis;
mod deadlines;
mod handovers;
mod payment;
mod portal;
mod postal;
mod rating;
mod stored;
mod supplements;

mod random_walks {
    //! Random sequences of actions by random actors: whatever is accepted is a move of the
    //! table, and every accepted move keeps the dossier's invariants.

    use super::*;
    use crate::lifecycle::table::{rules_for, By, To};
    use proptest::prelude::*;

    fn command(kind: u8, w: &World, now: DateTime<Utc>) -> Command {
        let docs = vec![SubmittedDocument {
            component: "Tờ khai".into(),
            file_name: "b.pdf".into(),
            reference: None,
            file: None,
            particulars: None,
            reused: None,
        }];
        match kind % 17 {
            0 => Command::Receive { note: None, reductions: vec![] },
            1 => Command::Refuse { reason: "Sai thẩm quyền".into() },
            2 => Command::RequestSupplement { reason: "Thiếu".into(), missing: vec!["Tờ khai".into()] },
            3 => Command::Supplement { documents: docs, note: None },
            4 => Command::Assign { assignee: w.specialist.clone(), note: None },
            5 => Command::Assign { assignee: w.leader.clone(), note: None },
            6 => Command::Forward { assignee: None, note: None },
            7 => Command::Forward { assignee: Some(w.leader.clone()), note: None },
            8 => Command::Approve { note: None, results: vec![] },
            9 => Command::Stop { reason: "Dừng".into() },
            10 => Command::Extend { reason: "Trễ".into(), new_due_at: now + chrono::Duration::days(30) },
            11 => Command::Return { method: ReturnMethod::Counter, waybill: None },
            12 => Command::Withdraw { reason: None },
            13 => Command::CounterSupplement { documents: docs, note: None },
            14 => Command::AcceptSupplement { note: None },
            15 => Command::ReturnUnsupplemented { note: None },
            _ => Command::Rate { answers: answers(1) },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        #[test]
        fn every_accepted_move_is_in_the_table(moves in prop::collection::vec((0u8..6, 0u8..17), 1..40)) {
            let w = World::new(SupplementRule::Resume);
            let mut now = vn(2026, 3, 2, 8, 0);
            let mut d = w.submit(now);
            for (who, kind) in moves {
                // Now and then a month passes, so supplements' deadlines lapse.
                now += if kind == 15 { chrono::Duration::days(31) } else { chrono::Duration::minutes(97) };
                let actor = match who {
                    0 => Actor::Applicant,
                    1 => Actor::Officer(&w.desk),
                    2 => Actor::Officer(&w.specialist),
                    3 => Actor::Officer(&w.other_specialist),
                    _ => Actor::Officer(&w.leader),
                };
                let cmd = command(kind, &w, now);
                let action = cmd.action();
                let rule = rules_for(action, Some(d.status)).next();
                match w.act(&d, actor, cmd, now) {
                    Err(LifecycleError::InvalidTransition { .. }) => prop_assert!(rule.is_none()),
                    Err(_) => prop_assert!(rule.is_some()),
                    Ok(t) => {
                        let rule = rule.expect("an accepted move has a rule");
                        let expected = match rule.to {
                            To::Status(s) => s,
                            To::Unchanged => d.status,
                            To::Resume => d.pause.as_ref().map(|p| p.resume_to).unwrap_or(Status::Submitted),
                            To::Decided(states) => {
                                prop_assert!(states.contains(&t.dossier.status));
                                t.dossier.status
                            }
                        };
                        prop_assert_eq!(t.dossier.status, expected);
                        prop_assert_eq!(t.dossier.version, d.version + 1);
                        prop_assert_eq!(t.event.seq, d.events);
                        prop_assert_eq!(t.event.from_status, Some(d.status));
                        prop_assert_eq!(matches!(actor, Actor::Applicant), rule.by.contains(&By::Applicant));
                        prop_assert_eq!(t.notice, rule.notice);
                        if t.dossier.received_at.is_some() {
                            prop_assert!(t.dossier.due_at.is_some());
                        }
                        if t.dossier.status.is_finished() {
                            prop_assert!(t.dossier.finished_at.is_some());
                        }
                        prop_assert_eq!(t.dossier.pause.is_some(), t.dossier.status == Status::AwaitingSupplement);
                        if let (Some(step), Some(due)) = (&t.dossier.step, t.dossier.due_at) {
                            prop_assert!(step.due_at <= due, "a step is never due after its dossier");
                        }
                        prop_assert!(t.dossier.statutory_due_at() <= t.dossier.due_at);
                        d = t.dossier;
                    }
                }
            }
        }
    }
}

#[test]
fn the_documented_table_is_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lifecycle.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let table = super::table::to_markdown();
    assert!(doc.contains(&table), "docs/lifecycle.md is out of date; replace its table with:\n{table}");
}

#[test]
fn an_inter_agency_step_runs_on_its_own_agency_hours() {
    use chrono::NaiveTime;
    let mut w = World::new(SupplementRule::Recompute);
    let police = AgencyCode::parse("000.00.20.H56").unwrap();
    w.procedure.workflow[1].agency = Some(police.clone());
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    // The police also work on Saturdays.
    let hours = WorkingHours {
        sessions: vec![
            crate::calendar::Session { start: t(7, 0), end: t(11, 30) },
            crate::calendar::Session { start: t(13, 30), end: t(17, 0) },
        ],
        weekdays: vec![1, 2, 3, 4, 5, 6],
    };
    let police_calendar = [(police.clone(), Calendar::new(hours, []).unwrap())];
    let mut officer_at_police = w.leader.clone();
    officer_at_police.agency = police;
    // Five working days: received Monday 09:00, due the next Monday 09:00.
    w.procedure.processing_time = ProcessingTime::new(5.0, DurationUnit::WorkingDays).unwrap();
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let d = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
        .dossier;
    assert_eq!(d.due_at, Some(vn(2026, 3, 9, 9, 0)));
    let d = w
        .act(
            &d,
            Actor::Officer(&w.leader),
            Command::Assign { assignee: w.specialist.clone(), note: None },
            vn(2026, 3, 2, 9, 0),
        )
        .unwrap()
        .dossier;
    // Friday 16:00: 10 working hours (25% of 5 days) for the police step.
    let now = vn(2026, 3, 6, 16, 0);
    let ctx = Context {
        now,
        calendar: &w.calendar,
        step_calendars: &police_calendar,
        procedure: &w.procedure,
        external: &[],
    };
    let forward = Command::Forward { assignee: Some(officer_at_police), note: None };
    let t = decide(&d, Actor::Officer(&w.specialist), forward.clone(), &ctx).unwrap();
    // 1 h on Friday, 8 h on Saturday, 1 h on Monday: Monday 08:00.
    assert_eq!(t.dossier.step.as_ref().unwrap().due_at, vn(2026, 3, 9, 8, 0));
    let t = decide(&d, Actor::Officer(&w.specialist), forward, &Context::new(now, &w.calendar, &w.procedure)).unwrap();
    assert_eq!(
        t.dossier.step.as_ref().unwrap().due_at,
        vn(2026, 3, 9, 9, 0),
        "with the desk's hours it would run to Tuesday 08:00: it stops at the dossier's Monday 09:00"
    );
}

#[test]
fn the_history_is_a_hash_chain_that_shows_any_edit() {
    use super::chain::{self, Problem};
    let w = World::new(SupplementRule::Recompute);
    let now = vn(2026, 3, 2, 8, 0);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let opened = open(code.clone(), filing(Channel::Online), Actor::Applicant, &w.ctx(now)).unwrap();
    let mut d = opened.dossier;
    let mut events = vec![opened.event];
    assert_eq!(events[0].prev_hash, chain::GENESIS);
    let steps: Vec<(Actor<'_>, Command)> = vec![
        (Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }),
        (Actor::Officer(&w.leader), Command::Assign { assignee: w.specialist.clone(), note: None }),
        (Actor::Officer(&w.specialist), Command::Forward { assignee: Some(w.leader.clone()), note: None }),
    ];
    for (i, (actor, command)) in steps.into_iter().enumerate() {
        let t = w.act(&d, actor, command, now + chrono::Duration::hours(i as i64 + 1)).unwrap();
        assert_eq!(t.event.prev_hash, d.history_head, "each event links to the head before it");
        d = t.dossier;
        events.push(t.event);
    }
    assert_eq!(d.history_head, events.last().unwrap().hash);
    let report = chain::verify(&code, &events, &d.history_head, d.events);
    assert!(report.intact, "{report:?}");
    assert_eq!(report.events, 4);

    let problems = |events: &[HistoryEvent], head: &str, count: u32| -> Vec<(u32, Problem)> {
        chain::verify(&code, events, head, count).breaks.into_iter().map(|b| (b.seq, b.problem)).collect()
    };
    // An edited note: that event's content no longer matches its hash.
    let mut edited = events.clone();
    edited[1].note = Some("Đã tiếp nhận đủ".into());
    assert_eq!(problems(&edited, &d.history_head, d.events), [(1, Problem::ContentChanged)]);
    // Edited and re-hashed: the next event's link breaks.
    edited[1].hash = chain::event_hash(&code, &edited[1]);
    assert_eq!(problems(&edited, &d.history_head, d.events), [(2, Problem::LinkBroken)]);
    // An event removed from the middle.
    let mut removed = events.clone();
    removed.remove(2);
    assert_eq!(
        problems(&removed, &d.history_head, d.events),
        [(3, Problem::OutOfSequence), (3, Problem::LinkBroken), (3, Problem::HeadMismatch)]
    );
    // The last event cut off: the dossier's head no longer matches.
    assert_eq!(problems(&events[..3], &d.history_head, d.events), [(2, Problem::HeadMismatch)]);
    // The same events under another dossier's code do not verify.
    let other = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 2).unwrap();
    assert!(!chain::verify(&other, &events, &d.history_head, d.events).intact);
    // Opened before the store allocated its code, then sealed again under that code.
    let t = open(code, filing(Channel::Online), Actor::Applicant, &w.ctx(now)).unwrap().opened_as(other.clone());
    assert!(chain::verify(&other, &[t.event], &t.dossier.history_head, 1).intact);
}
