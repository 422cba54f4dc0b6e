//! How often an officer may get a password wrong on the web console before waiting: the first
//! [`FREE_FAILURES`] failures cost nothing; each one after that locks the account for twice as
//! long as the one before, from one minute up to [`LONGEST_LOCK`], counted from the last failure.
//! A success clears the count. While locked, an attempt is refused without checking the
//! password, so guessing at the lock's edge gains nothing; the officer is told how long is left.

use chrono::{DateTime, Duration, Utc};

use crate::ports::PasswordRecord;

/// Failed attempts allowed before the first lock.
pub const FREE_FAILURES: u32 = 5;

/// The longest lock.
pub const LONGEST_LOCK: Duration = Duration::hours(1);

/// How long `failures` failed attempts lock the account after the last of them.
pub fn lock_after(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = (failures - FREE_FAILURES).min(10);
    (Duration::minutes(1) * 2i32.pow(doublings)).min(LONGEST_LOCK)
}

/// Until when `record` is locked at `now`; `None` when an attempt may be made.
pub fn locked_until(record: &PasswordRecord, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let lock = lock_after(record.failures);
    let until = record.last_failure_at? + lock;
    (lock > Duration::zero() && until > now).then_some(until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(failures: u32, minutes_ago: i64, now: DateTime<Utc>) -> PasswordRecord {
        PasswordRecord {
            hash: String::new(),
            failures,
            last_failure_at: Some(now - Duration::minutes(minutes_ago)),
            sessions_ended_at: None,
        }
    }

    #[test]
    fn a_few_mistakes_cost_nothing_then_each_one_doubles_the_wait_up_to_an_hour() {
        assert_eq!(lock_after(4), Duration::zero());
        assert_eq!(lock_after(5), Duration::minutes(1));
        assert_eq!(lock_after(6), Duration::minutes(2));
        assert_eq!(lock_after(9), Duration::minutes(16));
        assert_eq!(lock_after(11), LONGEST_LOCK);
        assert_eq!(lock_after(u32::MAX), LONGEST_LOCK);
        let now = Utc::now();
        assert_eq!(locked_until(&record(4, 0, now), now), None);
        assert!(locked_until(&record(5, 0, now), now).is_some());
        assert_eq!(locked_until(&record(5, 2, now), now), None, "a minute's lock is over after two");
        assert!(locked_until(&record(8, 5, now), now).is_some(), "eight minutes from the last failure");
        assert_eq!(
            locked_until(
                &PasswordRecord { hash: String::new(), failures: 9, last_failure_at: None, sessions_ended_at: None },
                now
            ),
            None
        );
    }
}
