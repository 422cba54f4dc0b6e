//! Yêu cầu bổ sung, bổ sung, tiếp nhận bổ sung and trả lại: the desk or the step holder lists
//! everything missing, with a deadline, and the clock pauses (one request before reception and
//! one after, by default). The applicant brings the documents online or at the counter; the
//! desk or the step holder checks them against the list and accepts them, and the clock
//! restarts then. Under the recompute rule the statutory time runs again from the acceptance
//! (the reception rule, cut-off included) and the step in hand gets its share anew; under the
//! resume rule the dossier and the step get back what was left. An extension already granted
//! is kept either way. Once the deadline has passed with nothing brought, a received dossier
//! is returned for want of the supplement (a dossier never received is refused instead).

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
    let received = d.received_at.is_some();
    let at_this_stage = if received {
        d.processing_supplement_requests
    } else {
        d.supplement_requests - d.processing_supplement_requests
    };
    if at_this_stage >= d.terms.allowances.supplement_requests {
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
        supplied_at: None,
    });
    d.supplement_requests += 1;
    d.processing_supplement_requests += u32::from(received);
    if let Some(agency) = draft.by.as_ref().map(|o| o.agency.clone()) {
        if !d.asking_agencies.contains(&agency) {
            d.asking_agencies.push(agency);
        }
    }
    draft.note = Some(format!("{reason}\n- {}", missing.join("\n- ")));
    draft.deadline = Some(deadline);
    Ok(())
}

/// The applicant's documents (online, or recorded by the desk), waiting to be accepted.
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
    draft.files = open::attached_files(&documents);
    let d = &mut draft.d;
    d.documents.extend(documents);
    if let Some(pause) = d.pause.as_mut() {
        pause.supplied_at = Some(ctx.now);
    }
    Ok(())
}

/// The supplement matches the list asked for: the pause ends and the clock restarts.
pub(super) fn accept(draft: &mut Draft<'_>, note: Option<String>) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let ctx = draft.ctx;
    let d = &mut draft.d;
    if d.pause.as_ref().is_none_or(|p| p.supplied_at.is_none()) {
        return Err(LifecycleError::NothingSupplied);
    }
    let pause = d.pause.take();
    d.status = pause.as_ref().map(|p| p.resume_to).unwrap_or(super::Status::Submitted);
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

/// Whether the pause of `d` may end for want of the supplement at `now`: its deadline passed
/// and nothing brought is waiting to be checked.
pub(super) fn lapsed(d: &super::super::Dossier, now: chrono::DateTime<chrono::Utc>) -> Result<(), LifecycleError> {
    let Some(pause) = &d.pause else { return Ok(()) };
    if pause.supplied_at.is_some() {
        return Err(LifecycleError::SupplementPending);
    }
    match pause.deadline {
        Some(deadline) if now <= deadline => Err(LifecycleError::SupplementStillDue { deadline }),
        _ => Ok(()),
    }
}

/// Trả lại hồ sơ do không bổ sung: a received dossier, its supplement's deadline passed.
pub(super) fn return_unsupplemented(draft: &mut Draft<'_>, note: Option<String>) -> Result<(), LifecycleError> {
    let note = text::optional(note.as_deref(), "note")?;
    if draft.d.received_at.is_none() {
        return Err(LifecycleError::NeverReceived);
    }
    lapsed(&draft.d, draft.now())?;
    draft.note = Some(note.unwrap_or_else(|| "Không bổ sung hồ sơ trong thời hạn yêu cầu.".to_owned()));
    draft.d.finished_at = Some(draft.now());
    draft.d.pause = None;
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
