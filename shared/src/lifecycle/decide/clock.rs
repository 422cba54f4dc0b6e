//! The dossier's clock and its steps' (docs/lifecycle.md "Deadlines"). The clock starts at
//! reception by the calendar's one rule (cut-off included) and is due at the statutory
//! appointment; the working time between the two is the budget the workflow's steps share.
//! Each step keeps its own share, counted on its own agency's hours from its hand-over, and is
//! never due after the dossier: time an early step saves is not passed on, and a late step
//! leaves the next ones only what remains.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::super::{Dossier, FinishedStep, StepProgress};
use super::Context;
use crate::calendar::{vietnam, Timeliness};
use crate::catalogue::OfficerRef;

/// Sets the clock running for a dossier received at `at`: its due time and the first step.
pub(super) fn start(d: &mut Dossier, at: DateTime<Utc>, by: Option<OfficerRef>, ctx: &Context<'_>) {
    d.received_at = Some(at);
    let start = run(d, at, ctx);
    d.step = Some(step_from(d, 0, at, start, by, ctx));
}

/// Runs the statutory clock from `at` (a reception, or a supplement under the recompute rule):
/// sets the statutory and current appointment and the steps' budget; returns the clock's start.
pub(super) fn run(d: &mut Dossier, at: DateTime<Utc>, ctx: &Context<'_>) -> DateTime<Utc> {
    let cal = ctx.calendar;
    let (start, due) = cal.run(vietnam::to_local(at), d.terms.processing_time, d.terms.cutoff);
    d.budget_minutes = Some(cal.working_minutes_between(start, due));
    d.original_due_at = Some(vietnam::from_local(due));
    d.due_at = d.original_due_at;
    vietnam::from_local(start)
}

/// Step `index` given at `at` by `by`, its share counted from `at`.
pub(super) fn step(
    d: &Dossier,
    index: usize,
    at: DateTime<Utc>,
    by: Option<OfficerRef>,
    ctx: &Context<'_>,
) -> StepProgress {
    step_from(d, index, at, at, by, ctx)
}

/// Step `index` given at `given_at`, its share counted from `from`.
pub(super) fn step_from(
    d: &Dossier,
    index: usize,
    given_at: DateTime<Utc>,
    from: DateTime<Utc>,
    by: Option<OfficerRef>,
    ctx: &Context<'_>,
) -> StepProgress {
    let cal = ctx.calendar_of(d.step_agency(index));
    let due = cal.add_working_minutes(vietnam::to_local(from), share(d, index, ctx));
    StepProgress {
        index,
        given_at,
        given_by: by,
        assignee: None,
        taken_at: None,
        due_at: capped(d, vietnam::from_local(due)),
    }
}

/// A step's due time no later than the dossier's.
pub(super) fn capped(d: &Dossier, step_due: DateTime<Utc>) -> DateTime<Utc> {
    d.due_at.map_or(step_due, |due| step_due.min(due))
}

/// Step `index`'s share of the budget, in working minutes (rounded up).
fn share(d: &Dossier, index: usize, ctx: &Context<'_>) -> i64 {
    let percent = d.terms.workflow.get(index).map(|s| s.share_percent).unwrap_or(0);
    // Records from before the budget was kept: the processing time's working minutes.
    let budget =
        d.budget_minutes.unwrap_or_else(|| d.terms.processing_time.working_minutes(ctx.calendar.hours().day_minutes()));
    (budget * i64::from(percent) + 99) / 100
}

/// Records the step in hand as finished at `at` (by `by`, unless it had an assignee), with its
/// agency, timeliness and the working time it took.
pub(super) fn finish_step(d: &mut Dossier, at: DateTime<Utc>, by: Option<OfficerRef>, ctx: &Context<'_>) {
    let Some(step) = &d.step else { return };
    let agency = d.step_agency(step.index).clone();
    let cal = ctx.calendar_of(&agency);
    let finished = FinishedStep {
        index: step.index,
        timeliness: Timeliness::of(at, step.due_at),
        by: step.assignee.clone().or(by),
        minutes: Some(cal.working_minutes_between(vietnam::to_local(step.given_at), vietnam::to_local(at))),
        agency,
    };
    d.finished_steps.push(finished);
}

/// Working minutes left of the step in hand at `at`, on its agency's hours.
pub(super) fn step_left(d: &Dossier, at: NaiveDateTime, ctx: &Context<'_>) -> Option<i64> {
    let step = d.step.as_ref()?;
    let cal = ctx.calendar_of(d.step_agency(step.index));
    Some(cal.working_minutes_between(cal.clock_start(at), vietnam::to_local(step.due_at)))
}
