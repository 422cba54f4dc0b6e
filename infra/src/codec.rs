//! How both stores write values: bodies as JSON text, times as fixed-width UTC text (so that
//! text order is time order), and the storage failures every adapter reports the same way.

use chrono::{DateTime, Utc};
use motcua_domain::ports::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored body; one that no longer parses is corrupt data, not a client error.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Fixed-width UTC text, so that text order is time order. Years 0 to 9999 read as RFC 3339
/// (`2026-03-02T02:00:00.000000Z`, the form every stored key has); the rest of chrono's range
/// gets a six-digit year behind a marker that sorts before (`!`, years before 0, offset so
/// that they still ascend) or after (`~`) every digit, so no instant sorts out of place.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    use chrono::Datelike;
    let rest = at.format("-%m-%dT%H:%M:%S%.6fZ");
    match at.year() {
        year @ 0..=9999 => format!("{year:04}{rest}"),
        year if year > 9999 => format!("~{year:06}{rest}"),
        year => format!("!{:06}{rest}", i64::from(year) + 1_000_000),
    }
}

/// Reads a time [`ts`] wrote.
pub(crate) fn parse_ts(text: &str) -> StoreResult<DateTime<Utc>> {
    let corrupt = || StoreError::Corrupt(format!("stored time {text:?}"));
    let (year, rest) = match text.as_bytes().first() {
        Some(b'~') => (text.get(1..7).and_then(|y| y.parse::<i64>().ok()).ok_or_else(corrupt)?, &text[7..]),
        Some(b'!') => (text.get(1..7).and_then(|y| y.parse::<i64>().ok()).ok_or_else(corrupt)? - 1_000_000, &text[7..]),
        _ => {
            (text.get(..4).and_then(|y| y.parse::<i64>().ok()).ok_or_else(corrupt)?, text.get(4..).ok_or_else(corrupt)?)
        }
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&format!("2000{rest}"), "%Y-%m-%dT%H:%M:%S%.fZ")
        .map_err(|_| corrupt())?;
    let year = i32::try_from(year).map_err(|_| corrupt())?;
    use chrono::Datelike;
    naive.with_year(year).map(|n| n.and_utc()).ok_or_else(corrupt)
}

/// The sort key of a dossier in a queue: its due time, empty before reception (so dossiers not
/// yet received come first).
pub(crate) fn due_key(due: Option<DateTime<Utc>>) -> String {
    due.map(ts).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// What [`ts`] writes reads back as the same instant.
        #[test]
        fn stored_times_read_back(secs in -8_000_000_000_000i64..8_000_000_000_000i64, micros in 0u32..1_000_000) {
            let at = Utc.timestamp_opt(secs, micros * 1000).unwrap();
            prop_assert_eq!(parse_ts(&ts(at)).unwrap(), at);
        }

        /// Over chrono's whole range, the text order of two times is their time order.
        #[test]
        fn text_order_is_time_order(a in i64::MIN / 2..i64::MAX / 2, b in i64::MIN / 2..i64::MAX / 2, micros in 0u32..1_000_000) {
            let at = |secs: i64| Utc.timestamp_opt(secs / 1_000_000, micros * 1000).single();
            if let (Some(x), Some(y)) = (at(a), at(b)) {
                prop_assert_eq!(ts(x).cmp(&ts(y)), x.cmp(&y), "{} vs {}", ts(x), ts(y));
            }
        }
    }

    #[test]
    fn stored_keys_keep_their_form_and_the_far_future_sorts_last() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        assert_eq!(ts(now), "2026-03-02T02:00:00.000000Z");
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert!(ts(far) > ts(Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()));
        assert!(
            ts(Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0).unwrap()) < ts(Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap())
        );
    }
}
