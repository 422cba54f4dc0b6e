//! Warnings before the deadline (issue "the desk's daily work", part 4): how much working time a
//! dossier has left in its agency's calendar, when that makes it due soon or overdue, on which
//! mornings an agency's officers are warned, and the one digest each officer gets that morning
//! ([`digest`]).
//!
//! The flags follow [`Dossier::standing`]: a dossier is overdue once the date of its due time has
//! passed (finished on its due date is on time), and due soon while it is not overdue and at most
//! one working day of the agency's working time is left before the due time. Only a dossier whose
//! clock runs is flagged: received or being processed (a supplement or a payment awaited pauses
//! it, [`Status::AwaitingSupplement`], [`Status::AwaitingPayment`]).

pub mod digest;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::calendar::{vietnam, Calendar};
use crate::lifecycle::{Dossier, Status};

/// How close a due time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Quá hạn: the due date has passed.
    Overdue,
    /// Sắp đến hạn: at most one working day left.
    DueSoon,
    /// Còn hạn: more than one working day left.
    OnTrack,
}

/// Working time left before a due time, in an agency's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct TimeLeft {
    /// Working minutes from now to the due time; negative once the due time has passed (the
    /// working minutes since it).
    pub working_minutes: i64,
    /// The same in working days of the agency (minutes over the length of its working day),
    /// rounded to a tenth.
    pub working_days: f64,
    pub urgency: Urgency,
}

impl TimeLeft {
    /// Time left at `now` before `due`.
    pub fn at(calendar: &Calendar, now: DateTime<Utc>, due: DateTime<Utc>) -> Self {
        let (now_local, due_local) = (vietnam::to_local(now), vietnam::to_local(due));
        let day = calendar.hours().day_minutes().max(1);
        let working_minutes = if now <= due {
            calendar.working_minutes_between(now_local, due_local)
        } else {
            -calendar.working_minutes_between(due_local, now_local)
        };
        let urgency = if now_local.date() > due_local.date() {
            Urgency::Overdue
        } else if working_minutes <= day {
            Urgency::DueSoon
        } else {
            Urgency::OnTrack
        };
        let working_days = (working_minutes as f64 / day as f64 * 10.0).round() / 10.0;
        Self { working_minutes, working_days, urgency }
    }

    /// Due soon or overdue: worth a warning.
    pub fn warns(&self) -> bool {
        self.urgency != Urgency::OnTrack
    }
}

/// Whether a dossier's clock runs now (received or being processed).
pub fn clock_runs(d: &Dossier) -> bool {
    matches!(d.status, Status::Received | Status::Processing)
}

/// Time left before the dossier's appointment (the one the applicant holds), while its clock runs.
pub fn dossier_time_left(calendar: &Calendar, d: &Dossier, now: DateTime<Utc>) -> Option<TimeLeft> {
    clock_runs(d).then_some(d.due_at).flatten().map(|due| TimeLeft::at(calendar, now, due))
}

/// Time left before the current step's due time, while the dossier's clock runs.
pub fn step_time_left(calendar: &Calendar, d: &Dossier, now: DateTime<Utc>) -> Option<TimeLeft> {
    let (progress, _) = d.current_step()?;
    clock_runs(d).then(|| TimeLeft::at(calendar, now, progress.due_at))
}

/// The latest instant a query for warnings must reach: one working day of working time after
/// `now` (every dossier due before it is due soon or overdue).
pub fn horizon(calendar: &Calendar, now: DateTime<Utc>) -> DateTime<Utc> {
    let end = calendar.add_working_minutes(vietnam::to_local(now), calendar.hours().day_minutes());
    // Due soon includes a due time exactly one working day away, and one later that same
    // minute's end (dues carry seconds).
    vietnam::from_local(end) + chrono::Duration::minutes(1)
}

/// The day whose warnings an agency's officers get at `now`: today (Vietnam date) when it is a
/// working day of the agency and its working hours have begun and not ended; none on a holiday,
/// a weekend, before opening and after closing.
pub fn warning_day(calendar: &Calendar, now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = vietnam::to_local(now);
    let (date, time) = (local.date(), local.time());
    let hours = calendar.hours();
    (calendar.is_working_day(date) && hours.opening() <= time && time < hours.closing()).then_some(date)
}

#[cfg(test)]
mod tests;
