//! Vietnam time (UTC+7 all year): conversions between stored UTC instants and the wall-clock
//! time the calendar reasons in, and RFC 3339 rendering with the `+07:00` offset people read.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// The instants the system takes in from outside: from 2000-01-01 to 2100-01-01 (UTC). A
/// dossier, a due date or a query bound outside cannot be real, and keeping every stored time
/// inside keeps RFC 3339 text with a four-digit year on every answer.
pub const EARLIEST_YEAR: i32 = 2000;
pub const LATEST_YEAR: i32 = 2099;

/// An instant from outside the accepted range ([`EARLIEST_YEAR`] to [`LATEST_YEAR`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("thời điểm ngoài khoảng cho phép (2000–2099) / the time must be within the years 2000 to 2099")]
pub struct OutOfRange;

/// `at`, when it lies in the accepted range.
pub fn accepted(at: DateTime<Utc>) -> Result<DateTime<Utc>, OutOfRange> {
    use chrono::Datelike;
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&at.year()) {
        Ok(at)
    } else {
        Err(OutOfRange)
    }
}

pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

pub fn to_local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&offset()).naive_local()
}

pub fn from_local(at: NaiveDateTime) -> DateTime<Utc> {
    offset()
        .from_local_datetime(&at)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&at))
}

pub fn with_offset(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&offset())
}

/// `15/03/2024 14:30`, the way forms print a time.
pub fn display(at: DateTime<Utc>) -> String {
    with_offset(at).format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_outside_the_years_2000_to_2099_are_refused() {
        let at = |y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).unwrap();
        assert!(accepted(at(2026)).is_ok());
        assert!(accepted(at(2099)).is_ok());
        assert_eq!(accepted(at(2100)), Err(OutOfRange));
        assert_eq!(accepted(at(1999)), Err(OutOfRange));
        assert_eq!(accepted(at(9999)), Err(OutOfRange));
    }
}
