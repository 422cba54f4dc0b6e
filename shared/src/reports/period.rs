//! A report's period: two dates in Vietnam time, both included, or a preset (a month, a quarter,
//! a half year, a year), at most five years long.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

/// The longest period a report covers.
pub const MAX_YEARS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("ngày kết thúc trước ngày bắt đầu / the period ends ({to}) before it starts ({from})")]
    EndsBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("kỳ báo cáo dài quá {MAX_YEARS} năm / a period is at most {MAX_YEARS} years long")]
    TooLong,
    #[error("kỳ báo cáo không hợp lệ / invalid period `{0}`: expected YYYY, YYYY-MM, YYYY-Qn (1-4) or YYYY-Hn (1-2)")]
    InvalidPreset(String),
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if to < from {
            return Err(PeriodError::EndsBeforeStart { from, to });
        }
        let limit = from.checked_add_months(Months::new(12 * MAX_YEARS)).ok_or(PeriodError::TooLong)?;
        if to >= limit {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// A preset: `2026` (the year), `2026-03` (a month), `2026-Q1` (a quarter), `2026-H2` (a
    /// half year).
    pub fn preset(text: &str) -> Result<Self, PeriodError> {
        let invalid = || PeriodError::InvalidPreset(text.to_owned());
        let (year, rest) = text.split_once('-').map_or((text, None), |(y, r)| (y, Some(r)));
        let year: i32 = (year.len() == 4).then(|| year.parse().ok()).flatten().ok_or_else(invalid)?;
        let (first_month, months) = match rest {
            None => (1, 12),
            Some(r) if r.len() == 2 && r.starts_with('Q') => match r[1..].parse::<u32>() {
                Ok(q @ 1..=4) => (3 * q - 2, 3),
                _ => return Err(invalid()),
            },
            Some(r) if r.len() == 2 && r.starts_with('H') => match r[1..].parse::<u32>() {
                Ok(h @ 1..=2) => (6 * h - 5, 6),
                _ => return Err(invalid()),
            },
            Some(r) if r.len() == 2 => match r.parse::<u32>() {
                Ok(m @ 1..=12) => (m, 1),
                _ => return Err(invalid()),
            },
            Some(_) => return Err(invalid()),
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(invalid)?;
        let to = from.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).ok_or_else(invalid)?;
        Self::new(from, to)
    }

    /// The day before the period: what was in hand at its end was carried over.
    pub fn eve(&self) -> NaiveDate {
        self.from.checked_sub_days(Days::new(1)).unwrap_or(NaiveDate::MIN)
    }

    /// The date the in-hand counts are taken at: the period's end, or `today` if it has not
    /// ended yet.
    pub fn as_of(&self, today: NaiveDate) -> NaiveDate {
        self.to.min(today).max(self.eve())
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// A human label: `01/01/2026 – 31/03/2026`.
    pub fn label(&self) -> String {
        format!("{} – {}", self.from.format("%d/%m/%Y"), self.to.format("%d/%m/%Y"))
    }

    pub fn year(&self) -> i32 {
        self.from.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn presets_cover_whole_months() {
        assert_eq!(Period::preset("2026").unwrap(), Period { from: d(2026, 1, 1), to: d(2026, 12, 31) });
        assert_eq!(Period::preset("2026-02").unwrap(), Period { from: d(2026, 2, 1), to: d(2026, 2, 28) });
        assert_eq!(Period::preset("2024-02").unwrap().to, d(2024, 2, 29));
        assert_eq!(Period::preset("2026-Q3").unwrap(), Period { from: d(2026, 7, 1), to: d(2026, 9, 30) });
        assert_eq!(Period::preset("2026-H2").unwrap(), Period { from: d(2026, 7, 1), to: d(2026, 12, 31) });
        for bad in ["26", "2026-13", "2026-Q5", "2026-H0", "2026-1", "x026", "2026-Q", "2026-03-01", ""] {
            assert!(matches!(Period::preset(bad), Err(PeriodError::InvalidPreset(_))), "{bad}");
        }
    }

    #[test]
    fn a_period_ends_after_it_starts_and_spans_at_most_five_years() {
        assert!(matches!(Period::new(d(2026, 3, 2), d(2026, 3, 1)), Err(PeriodError::EndsBeforeStart { .. })));
        assert!(Period::new(d(2026, 3, 1), d(2026, 3, 1)).is_ok());
        assert!(Period::new(d(2021, 1, 1), d(2025, 12, 31)).is_ok());
        assert_eq!(Period::new(d(2021, 1, 1), d(2026, 1, 1)), Err(PeriodError::TooLong));
    }

    #[test]
    fn counts_in_hand_are_taken_at_the_end_or_today() {
        let q1 = Period::preset("2026-Q1").unwrap();
        assert_eq!(q1.eve(), d(2025, 12, 31));
        assert_eq!(q1.as_of(d(2026, 2, 10)), d(2026, 2, 10));
        assert_eq!(q1.as_of(d(2026, 6, 1)), d(2026, 3, 31));
        assert_eq!(q1.as_of(d(2025, 6, 1)), d(2025, 12, 31), "a future period: nothing happened yet");
    }
}
