//! Processing times (thời hạn giải quyết), what is left of a paused clock, and timeliness.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The unit a procedure's statutory time is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Ngày làm việc: one working day is the agency's full working day (8 hours usually).
    WorkingDays,
    /// Ngày (lịch): calendar days; a due date on a non-working day moves to the next working day.
    CalendarDays,
    /// Giờ làm việc.
    WorkingHours,
}

/// A statutory processing time, e.g. 3 working days or 0.5 working day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProcessingTime {
    pub amount: f64,
    pub unit: DurationUnit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("thời hạn giải quyết không hợp lệ / invalid processing time: {0}")]
pub struct InvalidProcessingTime(pub &'static str);

impl ProcessingTime {
    pub fn new(amount: f64, unit: DurationUnit) -> Result<Self, InvalidProcessingTime> {
        let time = Self { amount, unit };
        time.validate()?;
        Ok(time)
    }

    pub fn validate(&self) -> Result<(), InvalidProcessingTime> {
        if !self.amount.is_finite() || self.amount <= 0.0 || self.amount > 3650.0 {
            return Err(InvalidProcessingTime("amount must be above 0 and at most 3650"));
        }
        let minutes = self.amount * 60.0;
        if self.unit == DurationUnit::CalendarDays && self.amount.fract() != 0.0 {
            return Err(InvalidProcessingTime("calendar days must be whole days"));
        }
        if self.unit == DurationUnit::WorkingDays && (self.amount * 8.0).fract() != 0.0 {
            return Err(InvalidProcessingTime("working days must be in eighths (whole hours)"));
        }
        if self.unit == DurationUnit::WorkingHours && minutes.fract() != 0.0 {
            return Err(InvalidProcessingTime("working hours must be whole minutes"));
        }
        Ok(())
    }

    /// Working minutes, given the length of the agency's working day.
    pub fn working_minutes(&self, day_minutes: i64) -> i64 {
        match self.unit {
            DurationUnit::WorkingHours => (self.amount * 60.0).round() as i64,
            DurationUnit::WorkingDays => (self.amount * day_minutes as f64).round() as i64,
            DurationUnit::CalendarDays => self.whole_days() as i64 * day_minutes,
        }
    }

    pub fn whole_days(&self) -> u32 {
        self.amount.ceil() as u32
    }
}

/// What was left on a paused clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "amount")]
pub enum Remaining {
    WorkingMinutes(i64),
    CalendarDays(i64),
}

/// Early / on time / late, compared by date (DOMAIN.md "Deadlines").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn.
    Early,
    /// Đúng hạn.
    OnTime,
    /// Quá hạn.
    Late,
}

impl Timeliness {
    pub fn classify(finished: NaiveDate, due: NaiveDate) -> Self {
        match finished.cmp(&due) {
            std::cmp::Ordering::Less => Self::Early,
            std::cmp::Ordering::Equal => Self::OnTime,
            std::cmp::Ordering::Greater => Self::Late,
        }
    }

    /// [`Self::classify`] for two instants, by their Vietnam dates.
    pub fn of(finished: chrono::DateTime<chrono::Utc>, due: chrono::DateTime<chrono::Utc>) -> Self {
        Self::classify(super::vietnam::to_local(finished).date(), super::vietnam::to_local(due).date())
    }
}
