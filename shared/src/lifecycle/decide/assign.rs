//! Phân công: the current step goes to an officer of the step's agency holding its role.

use super::super::{Dossier, LifecycleError};
use super::{text, Draft};
use crate::catalogue::{Officer, Role};

pub(super) fn assign(
    draft: &mut Draft<'_>,
    current: &Dossier,
    assignee: &Officer,
    note: Option<String>,
) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let now = draft.now();
    let invalid = draft.invalid(super::Action::Assign);
    let Some(step) = draft.d.step.as_mut() else {
        return Err(invalid);
    };
    let def = current.terms.workflow.get(step.index);
    if !def.is_some_and(|def| may_hold(assignee, current, step.index, def.role)) {
        return Err(LifecycleError::AssigneeNotEligible);
    }
    step.assignee = Some(assignee.reference());
    step.taken_at = Some(now);
    draft.assignee = Some(assignee.reference());
    Ok(())
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
    let now = draft.now();
    let invalid = draft.invalid(super::Action::Reassign);
    let Some(step) = draft.d.step.as_mut() else {
        return Err(invalid);
    };
    match &step.assignee {
        None => return Err(LifecycleError::StepNotAssigned),
        Some(held) if held.id == assignee.id => return Err(LifecycleError::SameAssignee),
        Some(_) => {}
    }
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
