//! Phân công: the current step goes to an officer of the step's agency holding its role.

use super::super::{Dossier, LifecycleError, StepProgress};
use super::{text, Draft};
use crate::catalogue::{Officer, Role};

pub(super) fn assign(
    draft: &mut Draft<'_>,
    current: &Dossier,
    assignee: &Officer,
    note: Option<String>,
) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    give(draft, current, assignee, super::Action::Assign, |_| Ok(()))
}

/// Phân công lại: the step in hand, held by someone, goes to another eligible officer, with a
/// reason; the step keeps its due time, the dossier its due date.
pub(super) fn reassign(
    draft: &mut Draft<'_>,
    current: &Dossier,
    assignee: &Officer,
    reason: &str,
) -> Result<(), LifecycleError> {
    draft.note = Some(text::required(reason, "reason")?);
    give(draft, current, assignee, super::Action::Reassign, |step| match &step.assignee {
        None => Err(LifecycleError::StepNotAssigned),
        Some(held) if held.id == assignee.id => Err(LifecycleError::SameAssignee),
        Some(_) => Ok(()),
    })
}

/// Gives the step in hand to `assignee` (taken now) once `check` accepts the step as it stands
/// and they may hold it.
fn give(
    draft: &mut Draft<'_>,
    current: &Dossier,
    assignee: &Officer,
    action: super::Action,
    check: impl FnOnce(&StepProgress) -> Result<(), LifecycleError>,
) -> Result<(), LifecycleError> {
    let now = draft.now();
    let invalid = draft.invalid(action);
    let Some(step) = draft.d.step.as_mut() else {
        return Err(invalid);
    };
    check(step)?;
    let def = current.terms.workflow.get(step.index);
    if !def.is_some_and(|def| may_hold(assignee, current, step.index, def.role)) {
        return Err(LifecycleError::AssigneeNotEligible);
    }
    step.assignee = Some(assignee.reference());
    step.taken_at = Some(now);
    draft.assignee = Some(assignee.reference());
    Ok(())
}

/// Whether `officer` can hold step `index` of `d`, which needs `role`: they belong to the
/// step's agency and hold the role.
pub(super) fn may_hold(officer: &Officer, d: &Dossier, index: usize, role: Role) -> bool {
    &officer.agency == d.step_agency(index) && officer.has_role(role)
}
