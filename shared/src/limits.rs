//! Caps and rate limits as fixed windows: which window an instant falls in, and the limits the
//! system applies (OWASP API4: unrestricted resource consumption).

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::calendar::vietnam;
use crate::ports::LimitUse;

/// At most `max` uses per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

impl RateLimit {
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }

    /// Parses `<max>/<window>`, the window a number with `s`, `m`, `h` or `d`: `20/10m`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = || format!("`{text}` is not a rate limit like `20/10m` (uses per window in s, m, h or d)");
        let (max, window) = text.trim().split_once('/').ok_or_else(err)?;
        let max: u32 = max.trim().parse().map_err(|_| err())?;
        let window = window.trim();
        let unit = window.chars().last().ok_or_else(err)?;
        let amount: i64 = window[..window.len() - unit.len_utf8()].parse().map_err(|_| err())?;
        let seconds = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(err()),
        };
        if max == 0 || !(1..=366 * 86_400).contains(&amount.saturating_mul(seconds)) {
            return Err(err());
        }
        Ok(Self::new(max, Duration::seconds(amount * seconds)))
    }

    /// The start of the window `now` falls in (windows are aligned to the Unix epoch).
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let len = self.window.num_seconds().max(1);
        let start = now.timestamp().div_euclid(len) * len;
        Utc.timestamp_opt(start, 0).single().unwrap_or(now)
    }

    /// One use of `key` at `now`, counted in the window `now` falls in.
    pub fn use_of(&self, key: String, now: DateTime<Utc>) -> LimitUse {
        LimitUse { key, window_start: self.window_start(now), window: self.window, max: self.max }
    }

    /// When the window before `now`'s began: its count is what [`RateLimit::sliding_use`] carries.
    pub fn previous_window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.window_start(now) - self.window
    }

    /// One use of `key` at `now` under a sliding window: the uses of the previous window
    /// (`previous`) count for the part of it still within one window of `now`, so the current
    /// window allows only what is left. A burst at the end of one window and another at the
    /// start of the next together get the limit once, not twice. Counting stays a fixed-window
    /// counter in the store; only its ceiling moves.
    pub fn sliding_use(&self, key: String, now: DateTime<Utc>, previous: u32) -> LimitUse {
        let mut used = self.use_of(key, now);
        let window = self.window.num_milliseconds().max(1);
        let elapsed = (now - used.window_start).num_milliseconds().clamp(0, window);
        let carried = (i64::from(previous) * (window - elapsed) + window - 1) / window;
        used.max = self.max.saturating_sub(u32::try_from(carried).unwrap_or(u32::MAX));
        used
    }
}

/// The start of the Vietnam calendar day `now` falls in: daily caps reset at local midnight.
pub fn vietnam_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = vietnam::to_local(now).date().and_hms_opt(0, 0, 0).unwrap_or_default();
    vietnam::from_local(local)
}

/// The limits of the public API, per client address or per dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLimits {
    /// Online submissions per client address.
    pub submissions: RateLimit,
    /// Wrong lookup secrets per dossier code before every further try on that dossier is slowed
    /// (never refused: the right secret still opens it, so a stranger cannot lock an applicant
    /// out by guessing).
    pub lookup_failures: RateLimit,
    /// Wrong lookup secrets per client address, across all dossiers; once reached, that client's
    /// secret checks are refused until the window ends. This is what makes guessing hopeless.
    pub lookup_failures_per_client: RateLimit,
    /// Announced uploads per client address (a filing has a file per component).
    pub uploads: RateLimit,
}

/// The slowest a lookup of a much-guessed dossier is made to answer.
pub const MOST_LOOKUP_DELAY_SECONDS: u32 = 5;

impl PublicLimits {
    /// How long a secret check on a dossier with `failures` wrong secrets in the window waits
    /// before it answers: nothing below the dossier's limit, then a second more per wrong
    /// secret over it, at most [`MOST_LOOKUP_DELAY_SECONDS`].
    pub fn lookup_delay(&self, failures: u32) -> std::time::Duration {
        let over = failures.saturating_sub(self.lookup_failures.max.saturating_sub(1));
        std::time::Duration::from_secs(u64::from(over.min(MOST_LOOKUP_DELAY_SECONDS)))
    }
}

impl Default for PublicLimits {
    fn default() -> Self {
        Self {
            submissions: RateLimit::new(20, Duration::minutes(10)),
            lookup_failures: RateLimit::new(10, Duration::hours(1)),
            lookup_failures_per_client: RateLimit::new(20, Duration::hours(1)),
            uploads: RateLimit::new(200, Duration::minutes(10)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_contain_now() {
        let limit = RateLimit::new(5, Duration::minutes(10));
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 17, 42).unwrap();
        let start = limit.window_start(now);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 3, 2, 9, 10, 0).unwrap());
        assert_eq!(limit.window_start(start), start);
        assert_eq!(limit.window_start(start + Duration::minutes(10)), start + Duration::minutes(10));
    }

    #[test]
    fn a_sliding_window_carries_the_previous_windows_uses() {
        let limit = RateLimit::new(20, Duration::minutes(10));
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 10, 0).unwrap();
        assert_eq!(limit.previous_window_start(start + Duration::minutes(3)), start - Duration::minutes(10));
        let at =
            |minutes: i64, previous: u32| limit.sliding_use("k".into(), start + Duration::minutes(minutes), previous);
        assert_eq!(at(0, 20).max, 0, "a full window just ended: nothing yet");
        assert_eq!(at(5, 20).max, 10, "half of it is still within the window");
        assert_eq!(at(9, 20).max, 18);
        assert_eq!(at(0, 0).max, 20, "a quiet previous window carries nothing");
        assert_eq!(at(1, 1).max, 19, "a part of a use counts as a use");
        assert_eq!(at(5, 20).window_start, start, "uses are still counted in the current window");
    }

    #[test]
    fn a_much_guessed_dossier_slows_down_and_never_closes() {
        let limits = PublicLimits::default();
        assert_eq!(limits.lookup_delay(0), std::time::Duration::ZERO);
        assert_eq!(limits.lookup_delay(9), std::time::Duration::ZERO);
        assert_eq!(limits.lookup_delay(10), std::time::Duration::from_secs(1));
        assert_eq!(limits.lookup_delay(12), std::time::Duration::from_secs(3));
        assert_eq!(limits.lookup_delay(10_000), std::time::Duration::from_secs(5));
    }

    #[test]
    fn limits_parse_from_text() {
        assert_eq!(RateLimit::parse("20/10m"), Ok(RateLimit::new(20, Duration::minutes(10))));
        assert_eq!(RateLimit::parse(" 5 / 1h "), Ok(RateLimit::new(5, Duration::hours(1))));
        assert_eq!(RateLimit::parse("1000/1d"), Ok(RateLimit::new(1000, Duration::days(1))));
        for bad in ["", "20", "20/", "/10m", "0/10m", "20/10", "20/10w", "-1/1h", "20/0s", "20/999d", "x/1h", "20/ñ"] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,12}") {
            let _ = RateLimit::parse(&text);
        }
    }

    #[test]
    fn days_begin_at_midnight_in_vietnam() {
        // 2026-03-02 16:59 UTC is 23:59 in Vietnam; 17:00 UTC is the next day there.
        let late = Utc.with_ymd_and_hms(2026, 3, 2, 16, 59, 0).unwrap();
        assert_eq!(vietnam_day_start(late), Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap());
        assert_eq!(vietnam_day_start(late + Duration::minutes(1)), Utc.with_ymd_and_hms(2026, 3, 2, 17, 0, 0).unwrap());
    }
}
