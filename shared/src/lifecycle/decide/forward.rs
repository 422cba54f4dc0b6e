//! Chuyển bước: the step holder finishes the current step and hands over to the next, which
//! runs on its own agency's hours; the next holder may be named at once.

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
    Ok(())
}
