//! Liên thông qua trục: forwarding into a step of an agency that runs its own system hands it
//! over as a package (sent by the outbox); while it is away nobody here holds the step; its
//! status packets are recorded, a refusal sends the dossier back to the step before, and a
//! completion finishes the step and opens the next.

use super::super::{Action, Dossier, LifecycleError};
use super::{clock, Draft};
use crate::axis::exchange::{self, Exchange, ExchangeState, Reply, ReplyFile};
use crate::axis::{StatusCode, StatusPacket};
use crate::calendar::vietnam;

/// What nobody here may do while another agency holds the step: hold, give or finish it.
pub(super) fn not_while_away(d: &Dossier, action: Action) -> Result<(), LifecycleError> {
    let step_work = matches!(
        action,
        Action::Assign
            | Action::Reassign
            | Action::Forward
            | Action::SendBack
            | Action::Consult
            | Action::Approve
            | Action::RequestSupplement
    );
    match exchange::live(d) {
        Some(x) if step_work => Err(LifecycleError::WithOtherAgency(x.agency.to_string())),
        _ => Ok(()),
    }
}

/// Hands the step just opened (`draft.d.step`) to its agency, when that agency is reached through
/// the axis: no officer here holds it; the package goes out with the commit.
pub(super) fn hand_over_if_external(draft: &mut Draft<'_>) -> Result<(), LifecycleError> {
    let Some(step) = draft.d.step.as_ref() else { return Ok(()) };
    let agency = draft.d.step_agency(step.index).clone();
    if !draft.ctx.external.contains(&agency) {
        return Ok(());
    }
    if draft.assignee.is_some() {
        return Err(LifecycleError::ExternalStepTakesNoAssignee(agency.to_string()));
    }
    let now = draft.now();
    let seq = draft.d.events;
    let document_id = Exchange::document_id_for(&draft.d.code, seq, vietnam::to_local(now).date());
    draft.note = Some(match draft.note.take() {
        Some(note) => format!("Chuyển liên thông qua trục tới {agency} ({document_id}). {note}"),
        None => format!("Chuyển liên thông qua trục tới {agency} ({document_id})"),
    });
    draft.d.exchanges.push(Exchange {
        step: step.index,
        agency,
        document_id,
        sent_seq: seq,
        sent_at: now,
        sent_by: draft.by.clone(),
        state: ExchangeState::Sent,
        updated_at: now,
        taken: vec![],
        replies: vec![],
    });
    Ok(())
}

/// A reply document from the agency a step was handed to (judged news by the caller, checked
/// again here), its files kept by the caller: recorded on the hand-over, its files attached to
/// the event (so the history's chain covers them).
pub(super) fn reply(
    draft: &mut Draft<'_>,
    package: &crate::axis::Package,
    files: Vec<ReplyFile>,
) -> Result<(), LifecycleError> {
    if exchange::judge_reply(&draft.d, package)? == exchange::Judged::Repeat {
        return Err(LifecycleError::InvalidTransition { action: Action::AxisStatus, status: draft.d.status });
    }
    let answered = package.response_for.as_ref().map(|r| r.document_id.clone()).unwrap_or_default();
    let code = format!("{}/{}", package.code_number, package.code_notation);
    let note = format!("{}: văn bản trả lời số {code}. {}", package.from.name.trim(), package.subject.trim());
    draft.note = Some(note.chars().take(2000).collect());
    draft.files = files.iter().map(|f| f.file.clone()).collect();
    let reply = Reply {
        document_id: package.document_id(),
        code,
        subject: package.subject.chars().take(500).collect(),
        received_at: draft.now(),
        files,
    };
    exchange::keep_reply(&mut draft.d, &answered, reply);
    Ok(())
}

/// Opens step `index` for `holder`, or hands it over when its agency is on the axis too.
fn give(
    draft: &mut Draft<'_>,
    index: usize,
    holder: Option<crate::catalogue::OfficerRef>,
) -> Result<(), LifecycleError> {
    let now = draft.now();
    let mut progress = clock::step(&draft.d, index, now, None, draft.ctx);
    let external = draft.ctx.external.contains(draft.d.step_agency(index));
    if let Some(holder) = holder.filter(|_| !external) {
        progress.assignee = Some(holder.clone());
        progress.taken_at = Some(now);
        draft.assignee = Some(holder);
    }
    draft.d.step = Some(progress);
    hand_over_if_external(draft)
}

/// A status packet, judged news by the caller ([`exchange::judge`], checked again here).
pub(super) fn status(draft: &mut Draft<'_>, packet: &StatusPacket) -> Result<(), LifecycleError> {
    if exchange::judge(&draft.d, packet)? == exchange::Judged::Repeat {
        return Err(LifecycleError::InvalidTransition { action: Action::AxisStatus, status: draft.d.status });
    }
    let now = draft.now();
    exchange::record(&mut draft.d, packet, now);
    let said = packet.description.trim();
    let staff =
        packet.staff.as_ref().map(|s| format!(" ({}, {})", s.name.trim(), s.department.trim())).unwrap_or_default();
    let mut note = format!("{}: {}{staff}", packet.from.name.trim(), packet.code.name_vi());
    if !said.is_empty() {
        note = format!("{note}. {said}");
    }
    draft.note = Some(note.chars().take(2000).collect());
    let index = draft.d.step.as_ref().map(|s| s.index).unwrap_or(0);
    match packet.code {
        StatusCode::Rejected => {
            // Back to the step before, for whoever finished it; the first step stays, for a
            // leader to give again.
            if let Some(previous) = index.checked_sub(1) {
                give(draft, previous, super::forward::finished_by(&draft.d, previous))?;
            }
        }
        StatusCode::Completed => {
            let next = index + 1;
            clock::finish_step(&mut draft.d, now, None, draft.ctx);
            // The next step is open to its role at its agency (a leader may give it to one
            // officer); an external last step stays, unheld, for the dossier agency's leader to
            // approve.
            if next < draft.d.terms.workflow.len() {
                give(draft, next, None)?;
            }
        }
        _ => {}
    }
    Ok(())
}
