//! Chuyển bước: the step holder finishes the current step and hands over to the next, which
//! runs on its own agency's hours; the next holder may be named at once. Trả lại bước trước:
//! the step holder sends it back, with a reason, to the previous step and the officer who
//! finished it, who has that step's share again; the dossier's due date does not move.

use super::super::LifecycleError;
use super::{assign, clock, text, Draft};
use crate::catalogue::Officer;

pub(super) fn forward(
    draft: &mut Draft<'_>,
    assignee: Option<&Officer>,
    note: Option<String>,
) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let d = &draft.d;
    let next = d.step.as_ref().map(|s| s.index).unwrap_or(0) + 1;
    let Some(next_def) = d.terms.workflow.get(next) else {
        return Err(LifecycleError::LastStep);
    };
    let external = draft.ctx.external.contains(d.step_agency(next));
    if external && assignee.is_some() {
        return Err(LifecycleError::ExternalStepTakesNoAssignee(d.step_agency(next).to_string()));
    }
    let mut progress = clock::step(d, next, draft.ctx.now, draft.by.clone(), draft.ctx);
    if let Some(a) = assignee {
        if !assign::may_hold(a, d, next, next_def.role) {
            return Err(LifecycleError::AssigneeNotEligible);
        }
        progress.assignee = Some(a.reference());
        progress.taken_at = Some(draft.ctx.now);
        draft.assignee = Some(a.reference());
    }
    clock::finish_step(&mut draft.d, draft.ctx.now, draft.by.clone(), draft.ctx);
    draft.d.step = Some(progress);
    super::axis::hand_over_if_external(draft)
}

/// Trả lại bước trước: the step in hand is left unfinished (it is done again later) and the
/// previous step opens anew for whoever finished it.
pub(super) fn send_back(draft: &mut Draft<'_>, reason: &str) -> Result<(), LifecycleError> {
    draft.note = Some(text::required(reason, "reason")?);
    let d = &draft.d;
    let index = d.step.as_ref().map(|s| s.index).unwrap_or(0);
    let Some(previous) = index.checked_sub(1) else {
        return Err(LifecycleError::FirstStep);
    };
    let mut progress = clock::step(d, previous, draft.ctx.now, draft.by.clone(), draft.ctx);
    if let Some(holder) = finished_by(d, previous) {
        progress.assignee = Some(holder.clone());
        progress.taken_at = Some(draft.ctx.now);
        draft.assignee = Some(holder);
    }
    draft.d.step = Some(progress);
    Ok(())
}

/// Who finished step `index` last: a step sent back goes to them again.
pub(super) fn finished_by(d: &crate::lifecycle::Dossier, index: usize) -> Option<crate::catalogue::OfficerRef> {
    d.finished_steps.iter().rev().find(|f| f.index == index).and_then(|f| f.by.clone())
}
