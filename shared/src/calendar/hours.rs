//! An agency's working hours (giờ làm việc): sessions of the day and the working weekdays.

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One working session, e.g. 07:00–11:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    #[schema(value_type = String, example = "07:00:00")]
    pub start: NaiveTime,
    #[schema(value_type = String, example = "11:30:00")]
    pub end: NaiveTime,
}

/// Working hours of an agency. The usual day is 07:00–11:30 and 13:30–17:00, Monday to Friday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkingHours {
    /// Sessions in order, not overlapping.
    pub sessions: Vec<Session>,
    /// ISO weekday numbers, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
}

/// Why working hours cannot be used as a calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidWorkingHours {
    #[error("giờ làm việc phải có ít nhất một buổi / working hours need at least one session")]
    NoSessions,
    #[error("giờ làm việc phải có ít nhất một ngày trong tuần / working hours need at least one weekday")]
    NoWeekdays,
    #[error(
        "các buổi làm việc phải theo thứ tự và không chồng lấn / sessions must be ordered, non-empty and not overlap"
    )]
    Overlapping,
    #[error("ngày trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật) / weekdays are 1 (Monday) to 7 (Sunday)")]
    BadWeekday,
}

impl Default for WorkingHours {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        Self {
            sessions: vec![Session { start: t(7, 0), end: t(11, 30) }, Session { start: t(13, 30), end: t(17, 0) }],
            weekdays: vec![1, 2, 3, 4, 5],
        }
    }
}

impl WorkingHours {
    pub fn validate(&self) -> Result<(), InvalidWorkingHours> {
        if self.sessions.is_empty() {
            return Err(InvalidWorkingHours::NoSessions);
        }
        if self.weekdays.is_empty() {
            return Err(InvalidWorkingHours::NoWeekdays);
        }
        if self.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err(InvalidWorkingHours::BadWeekday);
        }
        let ordered =
            self.sessions.iter().all(|s| s.start < s.end) && self.sessions.windows(2).all(|w| w[0].end <= w[1].start);
        if !ordered {
            return Err(InvalidWorkingHours::Overlapping);
        }
        Ok(())
    }

    pub fn works_on(&self, day: Weekday) -> bool {
        self.weekdays.contains(&(day.number_from_monday() as u8))
    }

    /// Working minutes in one full working day (480 for the usual day).
    pub fn day_minutes(&self) -> i64 {
        self.sessions.iter().map(|s| (s.end - s.start).num_minutes()).sum()
    }

    pub fn opening(&self) -> NaiveTime {
        self.sessions.first().map(|s| s.start).unwrap_or_default()
    }

    pub fn closing(&self) -> NaiveTime {
        self.sessions.last().map(|s| s.end).unwrap_or_default()
    }
}
