//! Yêu cầu bổ sung and bổ sung: the desk or the step holder lists everything missing and the
//! clock pauses; the applicant's supplement resumes it (or restarts it, per procedure).

use super::super::{LifecycleError, Pause, StepProgress, SubmittedDocument};
use super::{clock, open, text, Draft};
use crate::calendar::vietnam;
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
    let d = &mut draft.d;
    if d.supplement_requests >= d.terms.allowances.supplement_requests {
        return Err(LifecycleError::SupplementAlreadyRequested);
    }
    let now = draft.ctx.now;
    let cal = draft.ctx.calendar;
    let remaining =
        d.due_at.map(|due| cal.remaining(vietnam::to_local(now), vietnam::to_local(due), d.terms.processing_time.unit));
    d.pause = Some(Pause { paused_at: now, resume_to: d.status, remaining });
    d.supplement_requests += 1;
    draft.note = Some(format!("{reason}\n- {}", missing.join("\n- ")));
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
    let (now, cal) = (ctx.now, ctx.calendar);
    let d = &mut draft.d;
    let pause = d.pause.take();
    d.status = pause.as_ref().map(|p| p.resume_to).unwrap_or(super::Status::Submitted);
    if let Some(remaining) = pause.and_then(|p| p.remaining) {
        let due = match d.terms.supplement_rule {
            SupplementRule::Recompute => cal.due(cal.clock_start(vietnam::to_local(now)), d.terms.processing_time),
            SupplementRule::Resume => cal.resume(vietnam::to_local(now), remaining),
        };
        d.due_at = Some(vietnam::from_local(due));
        if let Some(step) = &d.step {
            let restarted = clock::step(d, step.index, now, step.given_by.clone(), ctx);
            d.step = Some(StepProgress { assignee: step.assignee.clone(), taken_at: step.taken_at, ..restarted });
        }
    }
    d.documents.extend(documents);
    Ok(())
}
