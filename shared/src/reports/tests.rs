//! The counters, GIVEN dossiers moved by hand through receptions, pauses, finishes and ratings
//! WHEN their tallies are summed over ranges of days THEN the in-hand counts at the end of each day
//! and the II.06a figures are what the rules say (expected numbers written out by hand).

use chrono::{DateTime, NaiveDate, Utc};

use super::ii06a::{Figures, GroupBy, InProgress, Received, Report, Resolved, Scope};
use super::*;
use crate::calendar::{vietnam, Timeliness};
use crate::catalogue::{Channel, OfficerRef};
use crate::codes::DossierCode;
use crate::fixtures::{citizen, filed};
use crate::lifecycle::{Dossier, FinishedStep, Rating, Status, Verdict};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// 10:00 Vietnam time on 2026-03-`d`.
fn at(d: u32) -> DateTime<Utc> {
    vietnam::from_local(day(d).and_hms_opt(10, 0, 0).unwrap())
}

/// Every tally so far, as a store keeps them.
#[derive(Default)]
struct Ledger(Vec<Tally>);

impl Ledger {
    /// Moves `d` to what `change` makes of it at `when`, counting the move.
    fn step(&mut self, d: &mut Option<Dossier>, when: DateTime<Utc>, change: impl FnOnce(&mut Dossier)) {
        let before = d.clone();
        let mut after = d.clone().expect("a dossier");
        change(&mut after);
        after.version += 1;
        self.0.extend(tally(before.as_ref(), &after, when));
        *d = Some(after);
    }

    fn open(&mut self, n: u32, channel: Channel, when: DateTime<Utc>) -> Option<Dossier> {
        let code = DossierCode::parse(&format!("000.00.03.H56-260301-{n:04}")).unwrap();
        let mut d = filed(code, citizen("Nguyễn Văn A", None, None), vec![], when);
        d.channel = channel;
        self.0.extend(tally(None, &d, when));
        Some(d)
    }

    fn sum(&self, from: Option<NaiveDate>, to: NaiveDate) -> Counts {
        let mut c = Counts::new();
        for t in
            self.0.iter().filter(|t| from.is_none_or(|f| t.key.day >= f) && t.key.day <= to && t.key.officer.is_none())
        {
            c.add_all(&t.counts);
        }
        c
    }

    /// (within deadline, overdue) at the end of day `d`.
    fn in_hand(&self, d: u32) -> (i64, i64) {
        let c = self.sum(None, day(d));
        (c.get(Measure::WithinDelta), c.get(Measure::OverdueDelta))
    }

    fn figures(&self, from: u32, to: u32) -> Figures {
        Figures::of(&ii06a::Sums {
            flows: self.sum(Some(day(from)), day(to)),
            to_eve: self.sum(None, day(from - 1)),
            to_end: self.sum(None, day(to)),
        })
    }
}

fn receive(d: &mut Dossier, when: DateTime<Utc>, due: u32) {
    d.status = Status::Processing;
    d.received_at = Some(when);
    d.due_at = Some(at(due));
    d.original_due_at = d.due_at;
}

fn finish(d: &mut Dossier, status: Status, when: DateTime<Utc>) {
    d.status = status;
    d.finished_at = Some(when);
}

#[test]
fn a_dossier_is_within_deadline_up_to_its_due_date_then_overdue_until_it_finishes() {
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Online, at(2));
    assert_eq!(l.in_hand(2), (0, 0), "filed, not received");
    l.step(&mut d, at(3), |d| receive(d, at(3), 5));
    assert_eq!([l.in_hand(3), l.in_hand(5), l.in_hand(6), l.in_hand(20)], [(1, 0), (1, 0), (0, 1), (0, 1)]);
    l.step(&mut d, at(9), |d| finish(d, Status::Resolved, at(9)));
    assert_eq!([l.in_hand(5), l.in_hand(8), l.in_hand(9), l.in_hand(20)], [(1, 0), (0, 1), (0, 0), (0, 0)]);
    assert_eq!(l.sum(None, day(31)).get(Measure::ResolvedLate), 1);
    assert_eq!(l.sum(Some(day(3)), day(3)).get(Measure::ReceivedOnline), 1);
}

#[test]
fn a_supplement_pause_counts_within_deadline_and_a_new_due_date_replaces_the_old() {
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Direct, at(2));
    l.step(&mut d, at(2), |d| receive(d, at(2), 4));
    l.step(&mut d, at(6), |d| d.status = Status::AwaitingSupplement);
    assert_eq!([l.in_hand(5), l.in_hand(6), l.in_hand(12)], [(0, 1), (1, 0), (1, 0)]);
    // The supplement arrives: the clock starts again, due on the 16th.
    l.step(&mut d, at(9), |d| receive(d, at(9), 16));
    assert_eq!([l.in_hand(8), l.in_hand(16), l.in_hand(17)], [(1, 0), (1, 0), (0, 1)]);
    assert_eq!(l.sum(None, day(31)).get(Measure::ReceivedDirect), 1, "received once");
    l.step(&mut d, at(16), |d| finish(d, Status::Resolved, at(16)));
    assert_eq!(l.in_hand(17), (0, 0));
    assert_eq!(l.sum(None, day(31)).get(Measure::ResolvedOnTime), 1);
}

#[test]
fn several_moves_on_one_day_leave_only_the_last_state() {
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Online, at(2));
    l.step(&mut d, at(2), |d| receive(d, at(2), 3));
    l.step(&mut d, at(5), |d| d.status = Status::AwaitingSupplement);
    l.step(&mut d, at(5), |d| receive(d, at(5), 10));
    l.step(&mut d, at(5), |d| finish(d, Status::Withdrawn, at(5)));
    assert_eq!([l.in_hand(4), l.in_hand(5), l.in_hand(11)], [(0, 1), (0, 0), (0, 0)]);
    assert_eq!(l.sum(None, day(31)).get(Measure::ResolvedOnTime), 1, "a withdrawal counts as on time");
}

#[test]
fn unreceived_and_refused_dossiers_count_nowhere() {
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Online, at(2));
    l.step(&mut d, at(3), |d| d.status = Status::AwaitingSupplement);
    l.step(&mut d, at(9), |d| finish(d, Status::Refused, at(9)));
    assert!(l.sum(None, day(31)).is_zero());
}

/// The II.06a over 10–20 March of five dossiers, the figures worked out by hand.
#[test]
fn the_ii06a_rows_add_up_across_the_period_boundary() {
    let mut l = Ledger::default();
    // 1: received 3rd (due 12th), finished early on the 11th: carried over, resolved early.
    let mut a = l.open(1, Channel::Online, at(3));
    l.step(&mut a, at(3), |d| receive(d, at(3), 12));
    l.step(&mut a, at(11), |d| finish(d, Status::Resolved, at(11)));
    // 2: received 5th (due 9th), still open: carried over, overdue at the end.
    let mut b = l.open(2, Channel::Direct, at(5));
    l.step(&mut b, at(5), |d| receive(d, at(5), 9));
    // 3: received on the 10th by post (due the 20th), finished on the 20th: on time.
    let mut c = l.open(3, Channel::Postal, at(10));
    l.step(&mut c, at(10), |d| receive(d, at(10), 20));
    l.step(&mut c, at(20), |d| finish(d, Status::Returned, at(20)));
    // 4: received online on the 12th (due the 13th), waiting for a supplement at the end.
    let mut e = l.open(4, Channel::Online, at(12));
    l.step(&mut e, at(12), |d| receive(d, at(12), 13));
    l.step(&mut e, at(16), |d| d.status = Status::AwaitingSupplement);
    // 5: received online on the 2nd, finished on the 6th: before the period, counts nowhere.
    let mut f = l.open(5, Channel::Online, at(2));
    l.step(&mut f, at(2), |d| receive(d, at(2), 9));
    l.step(&mut f, at(6), |d| finish(d, Status::Resolved, at(6)));

    let figures = l.figures(10, 20);
    assert_eq!(
        figures,
        Figures {
            received: Received { total: 4, carried_over: 2, online: 1, direct_or_postal: 1 },
            resolved: Resolved { total: 2, early: 1, on_time: 1, late: 0 },
            in_progress: InProgress { total: 2, within_deadline: 1, overdue: 1 },
        }
    );
    assert!(figures.adds_up());
    let parts =
        [(("b".to_owned(), "B".to_owned()), sums(&l, 10, 20)), (("a".to_owned(), "A".to_owned()), sums(&l, 10, 20))];
    let period = Period::new(day(10), day(20)).unwrap();
    let report = Report::build(period, day(20), Scope { agency: None, name: "Tỉnh".into() }, GroupBy::Field, parts);
    assert_eq!(report.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(report.total.received.total, 8);
    assert!(report.total.adds_up() && report.rows.iter().all(|r| r.figures.adds_up()));
}

fn sums(l: &Ledger, from: u32, to: u32) -> ii06a::Sums {
    ii06a::Sums {
        flows: l.sum(Some(day(from)), day(to)),
        to_eve: l.sum(None, day(from - 1)),
        to_end: l.sum(None, day(to)),
    }
}

#[test]
fn a_rating_counts_for_the_agency_and_every_officer_who_finished_a_step() {
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Online, at(2));
    l.step(&mut d, at(2), |d| receive(d, at(2), 12));
    let officer = |id: &str| OfficerRef {
        id: crate::catalogue::OfficerId::parse(id).unwrap(),
        name: id.into(),
        agency: d.as_ref().unwrap().agency_code.clone(),
    };
    let (specialist, leader) = (officer("chuyenvien"), officer("lanhdao"));
    let step = |index, by: &OfficerRef, timeliness, minutes| FinishedStep {
        index,
        agency: by.agency.clone(),
        timeliness,
        by: Some(by.clone()),
        minutes: Some(minutes),
    };
    let (s1, s2) = (step(0, &specialist, Timeliness::Early, 600), step(1, &leader, Timeliness::Late, 90));
    l.step(&mut d, at(4), |d| d.finished_steps.push(s1.clone()));
    l.step(&mut d, at(6), |d| {
        d.finished_steps.push(s2.clone());
        finish(d, Status::Resolved, at(6));
    });
    let rating = Rating {
        indicators: vec![2, 2, 1, 2, 1, 2, 0, 2, 2],
        ease_of_use: None,
        verdict: Verdict::Unsatisfied,
        comment: None,
        rated_at: Some(at(8)),
    };
    l.step(&mut d, at(8), |d| d.rating = Some(rating.clone()));
    let of = |who: Option<&OfficerRef>| {
        let mut c = Counts::new();
        for t in l.0.iter().filter(|t| t.key.officer.as_ref() == who.map(|o| &o.id)) {
            c.add_all(&t.counts);
        }
        c
    };
    for who in [None, Some(&specialist), Some(&leader)] {
        let c = of(who);
        assert_eq!(
            (c.get(Measure::Ratings), c.get(Measure::Unsatisfied), c.get(Measure::ScoreAttitude)),
            (1, 1, 0),
            "{who:?}"
        );
        assert_eq!(c.get(Measure::ScoreContacts), 1);
    }
    assert_eq!(
        (of(Some(&specialist)).get(Measure::StepsEarly), of(Some(&specialist)).get(Measure::StepMinutes)),
        (1, 600)
    );
    assert_eq!((of(Some(&leader)).get(Measure::StepsLate), of(Some(&leader)).get(Measure::StepMinutes)), (1, 90));
    assert_eq!(of(None).get(Measure::StepMinutes), 690, "the agency's row holds every step");
}

#[test]
fn the_score_card_shows_its_inputs_and_leaves_out_what_it_cannot_compute() {
    use Measure as M;
    let flows: Counts = [
        (M::ReceivedOnline, 6),
        (M::ReceivedDirect, 4),
        (M::ReceivedFullEligible, 8),
        (M::ReceivedOnlineFull, 5),
        (M::ReceivedOnlinePartial, 1),
        (M::ResolvedEarly, 3),
        (M::ResolvedOnTime, 4),
        (M::ResolvedLate, 1),
        (M::ResultsElectronic, 6),
        (M::Components, 20),
        (M::ComponentsDigitised, 15),
        (M::ComponentsReused, 3),
        (M::Ratings, 5),
        (M::Unsatisfied, 1),
        (M::PortalSyncedTimely, 9),
        (M::FeesPaid, 4),
        (M::FeesPaidOnline, 3),
    ]
    .into_iter()
    .collect();
    let to_end: Counts = [(M::WithinDelta, 1), (M::OverdueDelta, 1)].into_iter().collect();
    let card = score_card(&flows, &to_end);
    let points: Vec<(&str, Option<f64>)> = card.components.iter().map(|c| (c.key, c.points)).collect();
    assert_eq!(
        points,
        [
            ("progress", Some(16.0)),      // (3 + 4 + 1) ÷ (8 + 2) = 0.8 of 20
            ("online_service", Some(7.5)), // 5 ÷ 8 of 12
            ("online_payment", Some(7.5)), // 3 of the 4 paid online, of 10
            ("digitisation", Some(12.47)), // (6/8 + 15/20 + 3/15) ÷ 3 of 22
            ("satisfaction", Some(15.0)),  // (8 − 1 − 1) ÷ 8 = 0.75, ÷ 0.9 of 18
            ("status_sync", Some(5.4)),    // 9 of the 10 received synced within the hour, of 6
        ]
    );
    assert_eq!((card.points, card.max_points), (63.87, 88.0));
    let progress = &card.components[0].inputs[0].ratio;
    assert_eq!((progress.numerator, progress.denominator), (8, 10));

    let rates = Rates::of(&flows, &Offer { online_procedures: 4, online_procedures_used: 3 });
    assert_eq!(rates.online_procedures_used.value, Some(0.75));
    assert_eq!((rates.online_partial.numerator, rates.online_partial.denominator), (1, 10));
    assert_eq!(rates.online_full.value, Some(0.5));
    assert_eq!(rates.on_time.value, Some(7.0 / 8.0));
    assert!(!rates.through_the_system.available);
    // Nothing received: shares are undefined, not zero.
    let empty = Rates::of(&Counts::new(), &Offer::default());
    assert_eq!((empty.online_full.value, empty.on_time.value), (None, None));
    assert!(score_card(&Counts::new(), &Counts::new()).components.iter().all(|c| c.points.is_none()));
}

#[test]
fn satisfaction_averages_each_indicator_over_the_ratings() {
    use Measure as M;
    let c: Counts =
        [(M::Ratings, 4), (M::VerySatisfied, 1), (M::Satisfied, 2), (M::Unsatisfied, 1), (M::ScoreAttitude, 5)]
            .into_iter()
            .collect();
    let s = Satisfaction::of(&c);
    assert_eq!((s.ratings, s.satisfied_share.value), (4, Some(0.75)));
    let attitude = s.indicators.iter().find(|i| i.indicator == "attitude").unwrap();
    assert_eq!(attitude.mean, Some(1.25));
    assert_eq!(s.indicators.iter().find(|i| i.indicator == "contacts").unwrap().mean, Some(0.0));
    assert!(Satisfaction::of(&Counts::new()).indicators.iter().all(|i| i.mean.is_none()));
}

#[test]
fn a_dossier_in_hand_is_overdue_due_soon_later_or_paused_by_its_step() {
    use crate::lifecycle::StepProgress;
    let mut l = Ledger::default();
    let mut d = l.open(1, Channel::Online, at(2)).unwrap();
    let (now, soon) = (at(10), at(13));
    assert_eq!(Pressure::of(&d, now, soon), None, "not received");
    receive(&mut d, at(2), 20);
    d.step =
        Some(StepProgress { index: 0, given_at: at(2), given_by: None, assignee: None, taken_at: None, due_at: at(9) });
    assert_eq!(Pressure::of(&d, now, soon), Some(Pressure::Overdue), "the step is past due, the dossier is not");
    d.step.as_mut().unwrap().due_at = at(12);
    assert_eq!(Pressure::of(&d, now, soon), Some(Pressure::DueSoon));
    d.step.as_mut().unwrap().due_at = at(16);
    assert_eq!(Pressure::of(&d, now, soon), Some(Pressure::Later));
    d.status = Status::AwaitingSupplement;
    assert_eq!(Pressure::of(&d, now, soon), Some(Pressure::Paused));
    d.status = Status::Resolved;
    assert_eq!(Pressure::of(&d, now, soon), None);
    let mut w = Workload::default();
    for p in [Pressure::Overdue, Pressure::DueSoon, Pressure::Paused, Pressure::Later] {
        w.hold(p);
    }
    assert_eq!((w.on_hand, w.due_soon, w.overdue), (4, 1, 1));
    let steps: Counts =
        [(Measure::StepsEarly, 2), (Measure::StepsLate, 1), (Measure::StepMinutes, 100)].into_iter().collect();
    assert_eq!(StepsFinished::of(&steps), StepsFinished { early: 2, on_time: 0, late: 1, average_minutes: Some(33.3) });
}
