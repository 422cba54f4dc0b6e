//! Xin lỗi và hẹn lại: an apology with a later due date, before the current one passes, as
//! often as the procedure allows (once by default), and no later than the procedure's limit
//! past the current due date (its processing time again, by default). The new date is moved
//! onto working time; the statutory appointment is kept beside it, for the statistics.

use chrono::{DateTime, Utc};

use super::super::{Action, LifecycleError};
use super::{text, Draft};
use crate::calendar::vietnam;

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
    let cal = draft.ctx.calendar;
    let limit = d.terms.allowances.extension_limit.unwrap_or(d.terms.processing_time);
    let latest = vietnam::from_local(cal.due(cal.clock_start(vietnam::to_local(due)), limit));
    if new_due_at > latest {
        return Err(LifecycleError::NewDueTooLate { latest });
    }
    d.original_due_at = d.original_due_at.or(Some(due));
    d.due_at = Some(vietnam::from_local(cal.on_working_time(vietnam::to_local(new_due_at))).min(latest));
    d.extensions += 1;
    Ok(())
}
