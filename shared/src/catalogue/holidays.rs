//! The non-working dates of a year (ngày nghỉ lễ, Tết, and the government's swap days), as the
//! administrator confirms them each year.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A public holiday (ngày nghỉ lễ) or government swap day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// The years a holiday list may be kept for.
const YEARS: std::ops::Range<i32> = 2000..2100;
/// A year has at most this many dates; a holiday's name at most this many characters.
const MAX_DATES: usize = 366;
const MAX_NAME: usize = 200;

/// Why a year's holiday list cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidHolidays {
    #[error("năm không hợp lệ / year must be 2000-2099")]
    Year,
    #[error("{date} không thuộc năm {year} / is not in {year}")]
    OutsideYear { date: NaiveDate, year: i32 },
    #[error("danh sách quá dài / too many or too long entries")]
    TooLong,
}

/// The year a list is for, from its text (`2026`).
pub fn holiday_year(text: &str) -> Result<i32, InvalidHolidays> {
    text.parse().ok().filter(|y| YEARS.contains(y)).ok_or(InvalidHolidays::Year)
}

/// Whether `holidays` can be `year`'s list: every date in the year, a bounded list.
pub fn check_holidays(year: i32, holidays: &[Holiday]) -> Result<(), InvalidHolidays> {
    if let Some(h) = holidays.iter().find(|h| h.date.year() != year) {
        return Err(InvalidHolidays::OutsideYear { date: h.date, year });
    }
    if holidays.len() > MAX_DATES || holidays.iter().any(|h| h.name.chars().count() > MAX_NAME) {
        return Err(InvalidHolidays::TooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holiday(y: i32, m: u32, d: u32) -> Holiday {
        Holiday { date: NaiveDate::from_ymd_opt(y, m, d).unwrap(), name: "Tết".into() }
    }

    #[test]
    fn a_year_list_holds_dates_of_that_year_only() {
        assert_eq!(holiday_year("2026"), Ok(2026));
        assert_eq!(holiday_year("1999"), Err(InvalidHolidays::Year));
        assert_eq!(holiday_year("x"), Err(InvalidHolidays::Year));
        assert_eq!(check_holidays(2026, &[holiday(2026, 2, 17)]), Ok(()));
        assert!(matches!(check_holidays(2026, &[holiday(2027, 1, 1)]), Err(InvalidHolidays::OutsideYear { .. })));
        let long = vec![holiday(2026, 1, 1); 367];
        assert_eq!(check_holidays(2026, &long), Err(InvalidHolidays::TooLong));
    }
}
