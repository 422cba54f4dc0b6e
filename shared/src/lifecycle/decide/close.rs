//! Actions that end a dossier without a result: refusal and stopping (a reason required), and
//! the applicant's withdrawal (a reason optional). The clock stops for good.

use super::super::LifecycleError;
use super::{text, Draft};

/// Dừng xử lý.
pub(super) fn with_reason(draft: &mut Draft<'_>, reason: &str) -> Result<(), LifecycleError> {
    draft.note = Some(text::required(reason, "reason")?);
    finish(draft);
    Ok(())
}

/// Từ chối tiếp nhận: a dossier never received; one waiting for a supplement only once its
/// deadline has passed with nothing brought.
pub(super) fn refuse(draft: &mut Draft<'_>, reason: &str) -> Result<(), LifecycleError> {
    if draft.d.received_at.is_some() {
        return Err(LifecycleError::AlreadyReceived);
    }
    super::supplement::lapsed(&draft.d, draft.now())?;
    with_reason(draft, reason)
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
