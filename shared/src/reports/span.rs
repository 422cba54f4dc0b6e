//! How a store sums a range of days from its two counter grains: whole months from the monthly
//! counters, the days of a month only partly in the range from the daily ones. A year's report
//! then reads twelve monthly rows per procedure instead of a row per day, and the in-hand counts
//! up to a date (a sum over all history) read one row per month before it.

use chrono::{Datelike, Months, NaiveDate};

/// The first day of `d`'s month.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_end(d: NaiveDate) -> NaiveDate {
    month_of(d).checked_add_months(Months::new(1)).and_then(|m| m.pred_opt()).unwrap_or(d)
}

/// A range of days as months and days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Whole months, by their first days, both included (the first: none for every month before
    /// the second); none when no month is whole.
    pub months: Option<(Option<NaiveDate>, NaiveDate)>,
    /// Ranges of days in months only partly covered, both ends included.
    pub days: Vec<(NaiveDate, NaiveDate)>,
}

impl Span {
    /// The days from `from` (the first day ever when none) to `to`.
    pub fn of(from: Option<NaiveDate>, to: NaiveDate) -> Self {
        let whole_last =
            if to == month_end(to) { Some(month_of(to)) } else { month_of(to).checked_sub_months(Months::new(1)) };
        let tail = (to != month_end(to)).then(|| (month_of(to), to));
        match from {
            None => Span { months: whole_last.map(|last| (None, last)), days: tail.into_iter().collect() },
            Some(from) if from > to => Span { months: None, days: vec![] },
            Some(from) if month_of(from) == month_of(to) => {
                if from == month_of(from) && to == month_end(to) {
                    Span { months: Some((Some(month_of(from)), month_of(from))), days: vec![] }
                } else {
                    Span { months: None, days: vec![(from, to)] }
                }
            }
            Some(from) => {
                let head = (from != month_of(from)).then(|| (from, month_end(from)));
                let first_whole = if head.is_some() {
                    month_of(from).checked_add_months(Months::new(1)).unwrap_or(from)
                } else {
                    month_of(from)
                };
                let months = whole_last.filter(|last| *last >= first_whole).map(|last| (Some(first_whole), last));
                Span { months, days: head.into_iter().chain(tail).collect() }
            }
        }
    }

    /// Every day the span covers, for tests: each once.
    #[cfg(test)]
    fn days_covered(&self, earliest: NaiveDate) -> Vec<NaiveDate> {
        let mut out = vec![];
        if let Some((first, last)) = self.months {
            let mut m = first.unwrap_or(month_of(earliest));
            while m <= last {
                out.extend(m.iter_days().take_while(|d| d.month() == m.month()));
                m = m.checked_add_months(Months::new(1)).unwrap();
            }
        }
        for (a, b) in &self.days {
            out.extend(a.iter_days().take_while(|d| d <= b));
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn whole_months_come_from_the_monthly_counters() {
        assert_eq!(
            Span::of(Some(d(2026, 1, 1)), d(2026, 12, 31)),
            Span { months: Some((Some(d(2026, 1, 1)), d(2026, 12, 1))), days: vec![] }
        );
        assert_eq!(
            Span::of(Some(d(2026, 3, 1)), d(2026, 3, 31)),
            Span { months: Some((Some(d(2026, 3, 1)), d(2026, 3, 1))), days: vec![] }
        );
        assert_eq!(
            Span::of(Some(d(2026, 3, 10)), d(2026, 3, 20)),
            Span { months: None, days: vec![(d(2026, 3, 10), d(2026, 3, 20))] }
        );
        assert_eq!(
            Span::of(Some(d(2026, 2, 10)), d(2026, 5, 20)),
            Span {
                months: Some((Some(d(2026, 3, 1)), d(2026, 4, 1))),
                days: vec![(d(2026, 2, 10), d(2026, 2, 28)), (d(2026, 5, 1), d(2026, 5, 20))]
            }
        );
        assert_eq!(
            Span::of(Some(d(2026, 2, 10)), d(2026, 3, 5)),
            Span { months: None, days: vec![(d(2026, 2, 10), d(2026, 2, 28)), (d(2026, 3, 1), d(2026, 3, 5))] }
        );
        assert_eq!(Span::of(None, d(2026, 3, 31)), Span { months: Some((None, d(2026, 3, 1))), days: vec![] });
        assert_eq!(
            Span::of(None, d(2026, 3, 5)),
            Span { months: Some((None, d(2026, 2, 1))), days: vec![(d(2026, 3, 1), d(2026, 3, 5))] }
        );
    }

    #[test]
    fn every_day_of_a_range_is_covered_once() {
        let earliest = d(2025, 11, 1);
        let days: Vec<NaiveDate> = earliest.iter_days().take(200).collect();
        for (i, &from) in days.iter().enumerate().step_by(7) {
            for &to in days.iter().skip(i).step_by(5) {
                let expected: Vec<NaiveDate> = from.iter_days().take_while(|x| *x <= to).collect();
                assert_eq!(Span::of(Some(from), to).days_covered(earliest), expected, "{from} {to}");
                let all: Vec<NaiveDate> = earliest.iter_days().take_while(|x| *x <= to).collect();
                assert_eq!(Span::of(None, to).days_covered(earliest), all, "… {to}");
            }
        }
    }
}
