//! Worked examples around lunch, evenings, Fridays, holidays and cut-offs, plus properties.

use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
}

/// 2026: 30/4 (Thu) and 1/5 (Fri) are holidays.
fn calendar() -> Calendar {
    let holidays = [(2026, 4, 30), (2026, 5, 1), (2026, 9, 1), (2026, 9, 2)]
        .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
    Calendar::new(WorkingHours::default(), holidays).unwrap()
}

fn days(n: f64) -> ProcessingTime {
    ProcessingTime::new(n, DurationUnit::WorkingDays).unwrap()
}

#[test]
fn clock_start_rules() {
    let c = calendar();
    // Monday 2026-03-02.
    assert_eq!(c.clock_start(at(2026, 3, 2, 6, 15)), at(2026, 3, 2, 7, 0), "before opening");
    assert_eq!(c.clock_start(at(2026, 3, 2, 9, 10)), at(2026, 3, 2, 9, 10), "during a session");
    assert_eq!(c.clock_start(at(2026, 3, 2, 12, 0)), at(2026, 3, 2, 13, 30), "lunch break");
    assert_eq!(c.clock_start(at(2026, 3, 2, 11, 30)), at(2026, 3, 2, 13, 30), "at the break");
    assert_eq!(c.clock_start(at(2026, 3, 2, 17, 0)), at(2026, 3, 3, 7, 0), "at closing");
    assert_eq!(c.clock_start(at(2026, 3, 6, 19, 0)), at(2026, 3, 9, 7, 0), "Friday evening");
    assert_eq!(c.clock_start(at(2026, 3, 7, 10, 0)), at(2026, 3, 9, 7, 0), "Saturday");
    assert_eq!(c.clock_start(at(2026, 4, 29, 18, 0)), at(2026, 5, 4, 7, 0), "before 30/4 and 1/5");
}

#[test]
fn cut_off_moves_late_receptions_to_the_next_morning() {
    let c = calendar();
    let cutoff = NaiveTime::from_hms_opt(15, 0, 0);
    assert_eq!(c.reception_start(at(2026, 3, 2, 15, 0), cutoff), at(2026, 3, 2, 15, 0));
    assert_eq!(c.reception_start(at(2026, 3, 2, 15, 1), cutoff), at(2026, 3, 3, 7, 0));
    assert_eq!(c.reception_start(at(2026, 3, 6, 16, 0), cutoff), at(2026, 3, 9, 7, 0), "Friday after cut-off");
    assert_eq!(c.reception_start(at(2026, 3, 2, 16, 0), None), at(2026, 3, 2, 16, 0));
}

#[test]
fn working_days_skip_lunch_nights_weekends_and_holidays() {
    let c = calendar();
    // Monday 09:00 + 1 working day = Tuesday 09:00.
    assert_eq!(c.due(at(2026, 3, 2, 9, 0), days(1.0)), at(2026, 3, 3, 9, 0));
    // Half a day from 10:00: 1.5 h before lunch, 2.5 h after → 16:00.
    assert_eq!(c.due(at(2026, 3, 2, 10, 0), days(0.5)), at(2026, 3, 2, 16, 0));
    // Friday 14:00 + 1 working day = Monday 14:00.
    assert_eq!(c.due(at(2026, 3, 6, 14, 0), days(1.0)), at(2026, 3, 9, 14, 0));
    // Wednesday 29/4 10:00 + 2 working days: 30/4, 1/5 and the weekend are skipped → Tue 5/5 10:00.
    assert_eq!(c.due(at(2026, 4, 29, 10, 0), days(2.0)), at(2026, 5, 5, 10, 0));
    // A whole day from opening ends at closing the same day, not the next morning.
    assert_eq!(c.due(at(2026, 3, 2, 7, 0), days(1.0)), at(2026, 3, 2, 17, 0));
    // Working hours: 4 h from 10:00 → 11:30 (1.5 h), then 13:30 + 2.5 h = 16:00.
    let four_hours = ProcessingTime::new(4.0, DurationUnit::WorkingHours).unwrap();
    assert_eq!(c.due(at(2026, 3, 2, 10, 0), four_hours), at(2026, 3, 2, 16, 0));
}

#[test]
fn calendar_days_land_on_working_days() {
    let c = calendar();
    let five = ProcessingTime::new(5.0, DurationUnit::CalendarDays).unwrap();
    // Monday 2/3 + 5 days = Saturday 7/3 → Monday 9/3 at closing.
    assert_eq!(c.due(at(2026, 3, 2, 9, 0), five), at(2026, 3, 9, 17, 0));
    // Sunday 26/4 + 5 = Friday 1/5 (holiday) → Monday 4/5.
    assert_eq!(c.due(at(2026, 4, 26, 9, 0), five), at(2026, 5, 4, 17, 0));
}

#[test]
fn supplement_pause_resume_and_recompute() {
    let c = calendar();
    let received = at(2026, 3, 2, 9, 0);
    let due = c.due(received, days(3.0)); // Thu 5/3 09:00
    assert_eq!(due, at(2026, 3, 5, 9, 0));
    // Paused Tuesday 3/3 09:00: 2 working days (960 min) left.
    let left = c.remaining(at(2026, 3, 3, 9, 0), due, DurationUnit::WorkingDays);
    assert_eq!(left, Remaining::WorkingMinutes(960));
    // Supplement arrives Monday 9/3 14:00: resume → Wed 11/3 14:00; recompute → Thu 12/3 14:00.
    assert_eq!(c.resume(at(2026, 3, 9, 14, 0), left), at(2026, 3, 11, 14, 0));
    assert_eq!(c.due(c.clock_start(at(2026, 3, 9, 14, 0)), days(3.0)), at(2026, 3, 12, 14, 0));
}

#[test]
fn timeliness_compares_dates_not_times() {
    let due = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
    assert_eq!(Timeliness::classify(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(), due), Timeliness::Early);
    assert_eq!(Timeliness::classify(due, due), Timeliness::OnTime);
    assert_eq!(Timeliness::classify(NaiveDate::from_ymd_opt(2026, 3, 6).unwrap(), due), Timeliness::Late);
}

#[test]
fn custom_hours_are_honoured_and_bad_hours_refused() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let saturday_morning = WorkingHours {
        sessions: vec![Session { start: t(7, 30), end: t(11, 30) }, Session { start: t(13, 0), end: t(17, 0) }],
        weekdays: vec![1, 2, 3, 4, 5, 6],
    };
    let c = Calendar::new(saturday_morning, []).unwrap();
    assert_eq!(c.clock_start(at(2026, 3, 7, 6, 0)), at(2026, 3, 7, 7, 30));
    assert_eq!(c.hours().day_minutes(), 480);
    let none = WorkingHours { sessions: vec![], weekdays: vec![1] };
    assert_eq!(Calendar::new(none, []), Err(InvalidWorkingHours::NoSessions));
    let overlapping = WorkingHours { sessions: vec![Session { start: t(9, 0), end: t(8, 0) }], weekdays: vec![1] };
    assert_eq!(Calendar::new(overlapping, []), Err(InvalidWorkingHours::Overlapping));
}

fn in_working_hours(c: &Calendar, t: NaiveDateTime) -> bool {
    c.is_working_day(t.date()) && c.hours().sessions.iter().any(|s| t.time() >= s.start && t.time() <= s.end)
}

prop_compose! {
    fn instant()(minutes in 0i64..(3 * 365 * 24 * 60)) -> NaiveDateTime {
        at(2026, 1, 1, 0, 0) + chrono::Duration::minutes(minutes)
    }
}

proptest! {
    #[test]
    fn a_due_time_is_always_inside_working_hours(start in instant(), minutes in 1i64..20_000) {
        let c = calendar();
        prop_assert!(in_working_hours(&c, c.add_working_minutes(start, minutes)));
    }

    #[test]
    fn adding_is_monotonic_in_start_and_duration(a in instant(), b in instant(), m in 0i64..10_000, n in 0i64..10_000) {
        let c = calendar();
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(c.add_working_minutes(early, m) <= c.add_working_minutes(late, m));
        let (short, long) = if m <= n { (m, n) } else { (n, m) };
        prop_assert!(c.add_working_minutes(a, short) <= c.add_working_minutes(a, long));
    }

    #[test]
    fn counting_undoes_adding(start in instant(), minutes in 0i64..20_000) {
        let c = calendar();
        let begin = c.clock_start(start);
        prop_assert_eq!(c.working_minutes_between(begin, c.add_working_minutes(begin, minutes)), minutes);
    }

    #[test]
    fn clock_start_is_idempotent_and_never_earlier(start in instant(), cut in 13u32..17) {
        let c = calendar();
        let s = c.clock_start(start);
        prop_assert!(s >= start);
        prop_assert_eq!(c.clock_start(s), s);
        let r = c.reception_start(start, NaiveTime::from_hms_opt(cut, 0, 0));
        prop_assert!(r >= s);
        prop_assert!(in_working_hours(&c, r));
    }

    #[test]
    fn calendar_day_dues_fall_on_working_days(start in instant(), n in 1u32..60) {
        let c = calendar();
        let due = c.add_calendar_days(start, n);
        prop_assert!(c.is_working_day(due.date()));
        prop_assert!(due.date() >= start.date() + chrono::Duration::days(n.into()));
    }

    #[test]
    fn resuming_with_everything_left_equals_the_original_due(start in instant(), m in 1i64..5_000) {
        let c = calendar();
        let begin = c.clock_start(start);
        let due = c.add_working_minutes(begin, m);
        let left = c.remaining(begin, due, DurationUnit::WorkingDays);
        prop_assert_eq!(c.resume(begin, left), due);
    }
}
