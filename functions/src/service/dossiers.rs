//! Actions on existing dossiers and the views of them.

use motcua_domain::catalogue::Officer;
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::Upload;
use motcua_domain::lifecycle::{decide, Actor, Command, Context, Dossier, HistoryEvent};
use motcua_domain::notify::messages_for;
use motcua_domain::ports::{Commit, StoredDossier};

use super::{Refused, ServiceResult};
use crate::state::AppState;

pub async fn load(state: &AppState, code: &DossierCode) -> ServiceResult<StoredDossier> {
    state.dossiers.get(code).await?.ok_or(Refused::DossierNotFound)
}

/// The dossier and its history, read together (one request on DynamoDB).
pub async fn load_with_history(
    state: &AppState,
    code: &DossierCode,
) -> ServiceResult<(StoredDossier, Vec<HistoryEvent>)> {
    state.dossiers.get_with_history(code).await?.ok_or(Refused::DossierNotFound)
}

pub use super::guard::check_secret;

/// Decides `command` on the dossier (attaching the uploads it names) and commits the outcome conditioned on the version read;
/// returns the new dossier with `history` (the one read with the dossier) and its new event.
pub async fn act(
    state: &AppState,
    loaded: (StoredDossier, Vec<HistoryEvent>),
    actor: Actor<'_>,
    command: (Command, Vec<Upload>),
) -> ServiceResult<(Dossier, Vec<HistoryEvent>)> {
    act_settling(state, loaded, actor, command, None).await
}

/// [`act`], settling the payment transaction `settle` in the same write (the platform's
/// confirmation of a payment: both or neither).
pub async fn act_settling(
    state: &AppState,
    (stored, mut history): (StoredDossier, Vec<HistoryEvent>),
    actor: Actor<'_>,
    (command, attach): (Command, Vec<Upload>),
    settle: Option<motcua_domain::payment::Transaction>,
) -> ServiceResult<(Dossier, Vec<HistoryEvent>)> {
    let current = stored.dossier;
    super::files::check_dossier_size(state, Some(&current), &attach)?;
    let action = command.action();
    let (t, agency) = decision(state, &current, actor, command).await?;
    let mut outbox = t.notice.map(|n| messages_for(n, &t.dossier, &t.event, &agency)).unwrap_or_default();
    outbox.extend(arrival(state, &t.dossier, &t.event).await?);
    outbox.extend(motcua_domain::axis::exchange::handover(&t.dossier, &t.event));
    let commit = Commit {
        settle,
        search: vec![],
        dossier: t.dossier.clone(),
        expected_version: Some(current.version),
        event: t.event.clone(),
        outbox,
        lookup_secret_hash: None,
        idempotency: None,
        limit: None,
        attach,
        keep: motcua_domain::documents::kept(&t.dossier, &t.event),
        tally: motcua_domain::reports::tally(Some(&current), &t.dossier, t.event.at),
    };
    if let Some(most) = commit.files_that_fit() {
        return Err(Refused::TooManyFiles { files: commit.attach.len(), most });
    }
    state.dossiers.commit(commit).await?;
    tracing::info!(dossier = %current.code, action = action.as_str(), to = t.dossier.status.as_str(), "transition committed");
    history.push(t.event);
    Ok((t.dossier, history))
}

/// What the table decides of `command` on `current` now, with the dossier agency's record.
async fn decision(
    state: &AppState,
    current: &Dossier,
    actor: Actor<'_>,
    command: Command,
) -> ServiceResult<(motcua_domain::lifecycle::Transition, motcua_domain::catalogue::Agency)> {
    let procedure = super::procedure(state, &current.procedure_code).await?;
    let agency = super::agency(state, &current.agency_code).await?;
    let workflows = [current.terms.workflow.as_slice(), procedure.workflow.as_slice()];
    let steps = super::calendars(state, &agency, &workflows).await?;
    let ctx = Context {
        now: state.clock.now(),
        calendar: &steps.calendar,
        step_calendars: &steps.others,
        procedure: &procedure,
        external: &steps.external,
    };
    let t = decide(current, actor, command, &ctx)?;
    if state.axis.is_none() && motcua_domain::axis::exchange::handover(&t.dossier, &t.event).is_some() {
        return Err(Refused::AxisNotConfigured);
    }
    Ok((t, agency))
}

/// Whether the table would take `command` on `current` now, committing nothing: asked before
/// an outside system is called for an action (the postal operator's order), so nothing is
/// ordered for a dossier that could not record it.
pub async fn trial(state: &AppState, current: &Dossier, actor: Actor<'_>, command: Command) -> ServiceResult<()> {
    decision(state, current, actor, command).await.map(|_| ())
}

/// Looks up an officer named in a request body (an assignee).
pub async fn officer(state: &AppState, id: &str) -> ServiceResult<Officer> {
    let id = motcua_domain::catalogue::OfficerId::parse(id).map_err(|e| Refused::InvalidOfficerId(e.to_string()))?;
    state.catalogue.officer(&id).await?.ok_or(Refused::AssigneeNotFound)
}

/// The arrival `e` gives the officer it names as assignee, for their quarter hour's digest
/// ([`motcua_domain::notify::arrivals`]), as their record says they want to hear of it.
async fn arrival(
    state: &AppState,
    d: &Dossier,
    e: &HistoryEvent,
) -> ServiceResult<Option<motcua_domain::notify::OutgoingMessage>> {
    let Some(to) = &e.assignee else { return Ok(None) };
    let Some(officer) = state.catalogue.officer(&to.id).await? else { return Ok(None) };
    Ok(motcua_domain::notify::arrivals::arrival(&officer, d, e))
}
