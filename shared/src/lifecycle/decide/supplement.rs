//! Yêu cầu bổ sung and bổ sung: the desk or the step holder lists everything missing, with a
//! deadline, and the clock pauses; the applicant's supplement restarts it. Under the recompute
//! rule the statutory time runs again from the supplement (the reception rule, cut-off
//! included) and the step in hand gets its share anew; under the resume rule the dossier and
//! the step get back what was left. An extension already granted is kept either way.

use super::super::{LifecycleError, Pause, StepProgress, SubmittedDocument};
use super::{clock, open, text, Draft};
use crate::calendar::{vietnam, Remaining};
use crate::catalogue::SupplementRule;

/// The longest list of missing items, and the longest item, in characters.
const MAX_MISSING: usize = 50;
const MAX_MISSING_ITEM: usize = 300;

pub(super) fn request(draft: &mut Draft<'_>, reason: &str, missing: &[String]) -> Result<(), LifecycleError> {
    let reason = text::required(reason, "reason")?;
    let missing: Vec<String> = missing.iter().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()).collect();
    if missing.is_empty() {
        return Err(LifecycleError::MissingListRequired);
    }
    if missing.len() > MAX_MISSING || missing.iter().any(|m| m.chars().count() > MAX_MISSING_ITEM) {
        return Err(LifecycleError::TooLong("missing"));
    }
    for item in &missing {
        text::plain(item, "missing", false)?;
    }
    let ctx = draft.ctx;
    let d = &mut draft.d;
    if d.supplement_requests >= d.terms.allowances.supplement_requests {
        return Err(LifecycleError::SupplementAlreadyRequested);
    }
    let (now, cal) = (vietnam::to_local(ctx.now), ctx.calendar);
    let unit = d.terms.processing_time.unit;
    let remaining = d.due_at.map(|due| cal.remaining(now, vietnam::to_local(due), unit));
    let original_remaining = match (d.original_due_at, d.due_at) {
        (Some(original), Some(due)) if original != due => Some(cal.remaining(now, vietnam::to_local(original), unit)),
        _ => None,
    };
    let deadline = vietnam::from_local(cal.due(cal.clock_start(now), d.terms.allowances.supplement_time()));
    d.pause = Some(Pause {
        paused_at: ctx.now,
        resume_to: d.status,
        remaining,
        original_remaining,
        step_remaining: remaining.and_then(|_| clock::step_left(d, now, ctx)),
        deadline: Some(deadline),
    });
    d.supplement_requests += 1;
    draft.note = Some(format!("{reason}\n- {}", missing.join("\n- ")));
    draft.deadline = Some(deadline);
    Ok(())
}

pub(super) fn supplement(
    draft: &mut Draft<'_>,
    documents: Vec<SubmittedDocument>,
    note: Option<String>,
) -> Result<(), LifecycleError> {
    if documents.is_empty() {
        return Err(LifecycleError::DocumentsRequired);
    }
    let ctx = draft.ctx;
    open::check_documents(&documents, ctx.procedure)?;
    draft.note = text::optional(note.as_deref(), "note")?;
    let d = &mut draft.d;
    let pause = d.pause.take();
    d.status = pause.as_ref().map(|p| p.resume_to).unwrap_or(super::Status::Submitted);
    d.documents.extend(documents);
    let Some((pause, remaining)) = pause.and_then(|p| p.remaining.map(|r| (p, r))) else {
        return Ok(()); // paused before reception: no clock ran
    };
    let (now, cal) = (ctx.now, ctx.calendar);
    let Some(step) = d.step.clone() else { return Ok(()) };
    let step_due = match d.terms.supplement_rule {
        SupplementRule::Recompute => {
            let extension = extension_minutes(d, ctx);
            let start = clock::run(d, now, ctx);
            if extension > 0 {
                let original = vietnam::to_local(d.original_due_at.unwrap_or(start));
                d.due_at = Some(vietnam::from_local(cal.add_working_minutes(original, extension)));
            }
            clock::step_from(d, step.index, step.given_at, start, None, ctx).due_at
        }
        SupplementRule::Resume => {
            let local = vietnam::to_local(now);
            d.due_at = Some(vietnam::from_local(cal.resume(local, remaining)));
            d.original_due_at = Some(match pause.original_remaining {
                Some(original) => vietnam::from_local(cal.resume(local, original)),
                None => d.due_at.unwrap_or(now),
            });
            let step_cal = ctx.calendar_of(d.step_agency(step.index));
            let left = pause.step_remaining.unwrap_or(0);
            clock::capped(d, vietnam::from_local(step_cal.resume(local, Remaining::WorkingMinutes(left))))
        }
    };
    d.step = Some(StepProgress { due_at: step_due, ..step });
    Ok(())
}

/// Working minutes an extension added past the statutory appointment, on the agency's hours.
fn extension_minutes(d: &super::super::Dossier, ctx: &super::Context<'_>) -> i64 {
    match (d.original_due_at, d.due_at) {
        (Some(original), Some(due)) if due > original => {
            ctx.calendar.working_minutes_between(vietnam::to_local(original), vietnam::to_local(due))
        }
        _ => 0,
    }
}
