//! Officers' workload (docs/reports.md "Workload"): what an officer or an agency holds now (the
//! dossiers in hand, those whose step is due within 24 working hours, those whose step is past
//! due; a dossier waiting for a supplement has its clock stopped and is neither) and what they
//! finished in a period (steps early, on time and late, and the average working time a step
//! took).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, Measure};
use crate::lifecycle::{Dossier, Status};

/// How long ahead "due soon" looks, in working minutes.
pub const SOON_MINUTES: i64 = 24 * 60;

/// Where a dossier in hand stands against its step's due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pressure {
    /// Waiting for the applicant: the clock is stopped.
    Paused,
    /// The step's due time has passed.
    Overdue,
    /// Due by `soon` (24 working hours from now).
    DueSoon,
    Later,
}

impl Pressure {
    /// `d`'s pressure at `now`, with `soon` the instant 24 working hours later; none when it is
    /// not in an agency's hands (not received, resolved, closed).
    pub fn of(d: &Dossier, now: DateTime<Utc>, soon: DateTime<Utc>) -> Option<Self> {
        if !d.status.is_in_hand() {
            return None;
        }
        if d.status == Status::AwaitingSupplement {
            return Some(Pressure::Paused);
        }
        let due = d.step.as_ref().map(|s| s.due_at).or(d.due_at)?;
        Some(if due < now {
            Pressure::Overdue
        } else if due <= soon {
            Pressure::DueSoon
        } else {
            Pressure::Later
        })
    }
}

/// Steps finished in a period, by timeliness.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct StepsFinished {
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    /// Working minutes a step took, on average; none without steps.
    pub average_minutes: Option<f64>,
}

impl StepsFinished {
    pub fn of(c: &Counts) -> Self {
        let (early, on_time, late) =
            (c.get(Measure::StepsEarly), c.get(Measure::StepsOnTime), c.get(Measure::StepsLate));
        let steps = early + on_time + late;
        let average_minutes =
            (steps > 0).then(|| (c.get(Measure::StepMinutes) as f64 / steps as f64 * 10.0).round() / 10.0);
        Self { early, on_time, late, average_minutes }
    }
}

/// An officer's or an agency's load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Workload {
    /// Dossiers in hand now.
    pub on_hand: i64,
    /// Of those, the ones whose step is due within 24 working hours.
    pub due_soon: i64,
    /// Of those, the ones whose step is past due.
    pub overdue: i64,
    /// Steps finished in the period.
    pub finished: StepsFinished,
}

impl Workload {
    /// Counts a dossier of the given pressure.
    pub fn hold(&mut self, p: Pressure) {
        self.on_hand += 1;
        match p {
            Pressure::Overdue => self.overdue += 1,
            Pressure::DueSoon => self.due_soon += 1,
            Pressure::Paused | Pressure::Later => {}
        }
    }
}
