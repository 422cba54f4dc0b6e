//! Starting the dossier's clock and each step's: the appointment from the calendar, and a
//! step's share of the processing time on its own agency's hours.

use chrono::{DateTime, Utc};

use super::super::{Dossier, StepProgress};
use super::Context;
use crate::calendar::vietnam;
use crate::catalogue::OfficerRef;

/// Sets the clock running from `at`: the dossier's due time and the first step.
pub(super) fn start(d: &mut Dossier, at: DateTime<Utc>, by: Option<OfficerRef>, ctx: &Context<'_>) {
    d.received_at = Some(at);
    d.due_at = Some(ctx.calendar.appointment(at, d.terms.processing_time, d.terms.cutoff));
    d.step = Some(step(d, 0, at, by, ctx));
}

/// Step `index` given at `at` by `by`, due after its share of the processing time.
pub(super) fn step(
    d: &Dossier,
    index: usize,
    at: DateTime<Utc>,
    by: Option<OfficerRef>,
    ctx: &Context<'_>,
) -> StepProgress {
    let cal = ctx.calendar_of(d.step_agency(index));
    let share = d.terms.workflow.get(index).map(|s| s.share_percent).unwrap_or(0);
    let minutes = d.terms.processing_time.share_minutes(share, cal.hours().day_minutes());
    let due = cal.add_working_minutes(vietnam::to_local(at), minutes);
    StepProgress { index, given_at: at, given_by: by, assignee: None, taken_at: None, due_at: vietnam::from_local(due) }
}
