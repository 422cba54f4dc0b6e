//! Phê duyệt: the holder of the last step approves; the result is ready.

use super::super::LifecycleError;
use super::{text, Draft};

pub(super) fn approve(draft: &mut Draft<'_>, note: Option<String>) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let index = draft.d.step.as_ref().map(|s| s.index).unwrap_or(0);
    if index + 1 != draft.d.terms.workflow.len() {
        return Err(LifecycleError::NotLastStep);
    }
    let now = draft.now();
    draft.d.finished_at = Some(now);
    super::clock::finish_step(&mut draft.d, now);
    Ok(())
}
