//! Vietnam time (UTC+7 all year): conversions between stored UTC instants and the wall-clock
//! time the calendar reasons in, and RFC 3339 rendering with the `+07:00` offset people read.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

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
