//! Actions that end a dossier without a result: refusal and stopping (a reason required), and
//! the applicant's withdrawal (a reason optional). The clock stops for good.

use super::super::LifecycleError;
use super::{text, Draft};

/// Từ chối tiếp nhận / dừng xử lý.
pub(super) fn with_reason(draft: &mut Draft<'_>, reason: &str) -> Result<(), LifecycleError> {
    draft.note = Some(text::required(reason, "reason")?);
    finish(draft);
    Ok(())
}

/// Rút hồ sơ.
pub(super) fn withdraw(draft: &mut Draft<'_>, reason: Option<String>) -> Result<(), LifecycleError> {
    draft.note = text::optional(reason.as_deref(), "reason")?;
    finish(draft);
    Ok(())
}

fn finish(draft: &mut Draft<'_>) {
    draft.d.finished_at = Some(draft.now());
    draft.d.pause = None;
}
