//! Actions on existing dossiers and the views of them.

use motcua_domain::catalogue::Officer;
use motcua_domain::lifecycle::{decide, Actor, Command, Context, Dossier, HistoryEvent};
use motcua_domain::notify::messages_for;
use motcua_domain::ports::{Commit, StoredDossier};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn load(state: &AppState, code: &str) -> ApiResult<StoredDossier> {
    let code = super::parse_code(code)?;
    state.dossiers.get(&code).await?.ok_or_else(ApiError::dossier_not_found)
}

/// The dossier and its history, read together (one request on DynamoDB).
pub async fn load_with_history(state: &AppState, code: &str) -> ApiResult<(StoredDossier, Vec<HistoryEvent>)> {
    let code = super::parse_code(code)?;
    state.dossiers.get_with_history(&code).await?.ok_or_else(ApiError::dossier_not_found)
}

pub use super::guard::check_secret;

/// Whether `officer` works on `d`: its agency, or the agency of one of its workflow steps.
pub fn officer_may_see(officer: &Officer, d: &Dossier) -> bool {
    officer.agency == d.agency_code || (0..d.terms.workflow.len()).any(|i| d.step_agency(i) == &officer.agency)
}

pub fn check_officer_may_see(officer: &Officer, d: &Dossier) -> ApiResult<()> {
    if officer_may_see(officer, d) {
        Ok(())
    } else {
        Err(ApiError::forbidden("other_agency", "hồ sơ thuộc cơ quan khác / the dossier belongs to another agency"))
    }
}

/// Decides `command` on the dossier and commits the outcome conditioned on the version read;
/// returns the new dossier with `history` (the one read with the dossier) and its new event.
pub async fn act(
    state: &AppState,
    (stored, mut history): (StoredDossier, Vec<HistoryEvent>),
    actor: Actor<'_>,
    command: Command,
) -> ApiResult<(Dossier, Vec<HistoryEvent>)> {
    let current = stored.dossier;
    let procedure = super::procedure(state, &current.procedure_code).await?;
    let agency = super::agency(state, &current.agency_code).await?;
    let workflows = [current.terms.workflow.as_slice(), procedure.workflow.as_slice()];
    let (calendar, step_calendars) = super::calendars(state, &agency, &workflows).await?;
    let ctx =
        Context { now: state.clock.now(), calendar: &calendar, step_calendars: &step_calendars, procedure: &procedure };
    let action = command.action();
    let t = decide(&current, actor, command, &ctx)?;
    let outbox = t.notice.map(|n| messages_for(n, &t.dossier, &t.event, &agency)).unwrap_or_default();
    let commit = Commit {
        dossier: t.dossier.clone(),
        expected_version: Some(current.version),
        event: t.event.clone(),
        outbox,
        lookup_secret_hash: None,
        idempotency: None,
        limit: None,
    };
    state.dossiers.commit(commit).await?;
    tracing::info!(dossier = %current.code, action = action.as_str(), to = t.dossier.status.as_str(), "transition committed");
    history.push(t.event);
    Ok((t.dossier, history))
}

/// Looks up an officer named in a request body (an assignee).
pub async fn officer(state: &AppState, id: &str) -> ApiResult<Officer> {
    let id = motcua_domain::catalogue::OfficerId::parse(id)
        .map_err(|e| ApiError::unprocessable("invalid_officer_id", e.to_string()))?;
    state.catalogue.officer(&id).await?.ok_or_else(|| {
        ApiError::unprocessable("assignee_not_found", "không tìm thấy cán bộ được giao / assignee not found")
    })
}
