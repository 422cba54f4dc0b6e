//! Phê duyệt: the holder of the last step approves; the result is ready, with the result
//! documents issued (their files go into the event, and so the chain).

use super::super::LifecycleError;
use super::{text, Draft};
use crate::documents::{check_results, ResultDocument};

pub(super) fn approve(
    draft: &mut Draft<'_>,
    note: Option<String>,
    results: Vec<ResultDocument>,
) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let results = check_results(results)?;
    draft.files = results.iter().filter_map(|r| r.file.clone()).collect();
    draft.d.results = results;
    let index = draft.d.step.as_ref().map(|s| s.index).unwrap_or(0);
    if index + 1 != draft.d.terms.workflow.len() {
        return Err(LifecycleError::NotLastStep);
    }
    let now = draft.now();
    draft.d.finished_at = Some(now);
    super::clock::finish_step(&mut draft.d, now, draft.by.clone(), draft.ctx);
    Ok(())
}
