//! Xin lỗi và hẹn lại: an apology with a later due date, before the current one passes, as
//! often as the procedure allows (once by default).

use chrono::{DateTime, Utc};

use super::super::{Action, LifecycleError};
use super::{text, Draft};

pub(super) fn extend(draft: &mut Draft<'_>, reason: &str, new_due_at: DateTime<Utc>) -> Result<(), LifecycleError> {
    draft.note = Some(text::required(reason, "reason")?);
    let now = draft.now();
    let invalid = draft.invalid(Action::Extend);
    let d = &mut draft.d;
    if d.extensions >= d.terms.allowances.extensions {
        return Err(LifecycleError::AlreadyExtended);
    }
    let due = d.due_at.ok_or(invalid)?;
    if now > due {
        return Err(LifecycleError::DeadlinePassed);
    }
    if new_due_at <= due {
        return Err(LifecycleError::NewDueNotLater);
    }
    d.due_at = Some(new_due_at);
    d.extensions += 1;
    Ok(())
}
