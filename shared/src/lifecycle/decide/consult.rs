//! Xin ý kiến and cho ý kiến (`lifecycle/consultation.rs`): asked by the step holder of an
//! officer of another agency, answered by that officer; neither moves the step or its clock.

use super::super::{Consultation, LifecycleError, MAX_OPEN_CONSULTATIONS};
use super::{text, Draft};
use crate::catalogue::Officer;

/// The longest question or opinion, in characters.
const MAX_TEXT: usize = 4000;

fn limited(text: &str, what: &'static str) -> Result<String, LifecycleError> {
    let t = text::required(text, what)?;
    if t.chars().count() > MAX_TEXT {
        return Err(LifecycleError::TooLong(what));
    }
    Ok(t)
}

pub(super) fn ask(draft: &mut Draft<'_>, officer: &Officer, question: &str) -> Result<(), LifecycleError> {
    let question = limited(question, "question")?;
    let (now, by) = (draft.now(), draft.by.clone());
    let invalid = draft.invalid(super::Action::Consult);
    let d = &mut draft.d;
    let Some(step) = d.step.as_ref() else { return Err(invalid) };
    if &officer.agency == d.step_agency(step.index) {
        return Err(LifecycleError::ConsultOwnAgency);
    }
    let open: Vec<&Consultation> = d.consultations.iter().filter(|c| c.is_open()).collect();
    if open.iter().any(|c| c.asked_of.id == officer.id) {
        return Err(LifecycleError::AlreadyConsulted);
    }
    if open.len() >= MAX_OPEN_CONSULTATIONS {
        return Err(LifecycleError::TooManyConsultations);
    }
    let Some(asked_by) = by else { return Err(invalid) };
    d.consultations.push(Consultation {
        step: step.index,
        asked_at: now,
        asked_by,
        asked_of: officer.reference(),
        agency: officer.agency.clone(),
        question: question.clone(),
        answer: None,
        answered_at: None,
    });
    draft.note = Some(question);
    draft.assignee = Some(officer.reference());
    Ok(())
}

/// The officer acting answers the oldest question put to them.
pub(super) fn answer(draft: &mut Draft<'_>, opinion: &str) -> Result<(), LifecycleError> {
    let opinion = limited(opinion, "opinion")?;
    let now = draft.now();
    let me = draft.by.clone().ok_or(LifecycleError::NotConsulted)?;
    let asked = draft
        .d
        .consultations
        .iter_mut()
        .find(|c| c.is_open() && c.asked_of.id == me.id)
        .ok_or(LifecycleError::NotConsulted)?;
    asked.answer = Some(opinion.clone());
    asked.answered_at = Some(now);
    draft.note = Some(opinion);
    Ok(())
}
