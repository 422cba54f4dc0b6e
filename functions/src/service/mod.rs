//! Application services: load what a decision needs through the ports, ask the domain, commit
//! the outcome in one conditional write. Handlers call these and nothing else.

pub mod axis;
pub mod catalogue;
pub mod dossiers;
mod error;
pub mod files;
pub mod filing;
pub mod forms;
pub mod guard;
pub mod indicators;
pub mod input;
pub mod payments;
pub mod postal;
pub mod privacy;
pub mod reports;
pub mod search;
pub mod secrets;
pub mod sms_reports;
pub mod workload;

pub use error::{Refused, ServiceResult};

use motcua_domain::calendar::Calendar;
use motcua_domain::catalogue::{Agency, Procedure, WorkflowStep};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::Holiday;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Every item of a paged list, `size` at a time: `page` reads the items after a key (the first
/// page with none), `key` names an item's position.
pub async fn every<T, K, Fut>(
    size: usize,
    key: impl Fn(&T) -> K,
    mut page: impl FnMut(Option<K>) -> Fut,
) -> ServiceResult<Vec<T>>
where
    Fut: std::future::Future<Output = motcua_domain::ports::StoreResult<Vec<T>>>,
{
    let mut out: Vec<T> = Vec::new();
    loop {
        let items = page(out.last().map(&key)).await?;
        let done = items.len() < size;
        out.extend(items);
        if done {
            return Ok(out);
        }
    }
}

pub fn parse_agency(text: &str) -> ApiResult<AgencyCode> {
    AgencyCode::parse(text).map_err(|e| ApiError::bad_request("invalid_agency_code", e.to_string()))
}

pub async fn procedure(state: &AppState, code: &str) -> ServiceResult<Procedure> {
    state.catalogue.procedure(code).await?.ok_or(Refused::ProcedureNotFound)
}

pub async fn agency(state: &AppState, code: &AgencyCode) -> ServiceResult<Agency> {
    state.catalogue.agency(code).await?.ok_or_else(|| Refused::AgencyNotFound(code.clone()))
}

fn calendar_with(agency: &Agency, holidays: &[Holiday]) -> ServiceResult<Calendar> {
    Calendar::new(agency.working_hours.clone(), holidays.iter().map(|h| h.date)).map_err(|e| {
        tracing::error!(agency = %agency.code, error = %e, "agency working hours are invalid");
        Refused::InvalidWorkingHours(e.to_string())
    })
}

/// The working-time calendar of `agency`: its hours and the holiday table.
pub async fn calendar(state: &AppState, agency: &Agency) -> ServiceResult<Calendar> {
    calendar_with(agency, &state.catalogue.holidays().await?)
}

/// The calendar of the agency `code` (a queue's time left is counted in the reader's).
pub async fn calendar_of(state: &AppState, code: &AgencyCode) -> ServiceResult<Calendar> {
    calendar(state, &agency(state, code).await?).await
}

/// The calendar of `home` and those of the other agencies holding steps of `workflows`.
pub async fn calendars(state: &AppState, home: &Agency, workflows: &[&[WorkflowStep]]) -> ServiceResult<StepAgencies> {
    let holidays = state.catalogue.holidays().await?;
    let mut others: Vec<(AgencyCode, Calendar)> = Vec::new();
    let mut external = Vec::new();
    for code in workflows.iter().flat_map(|w| w.iter()).filter_map(|s| s.agency.as_ref()) {
        if code == &home.code || others.iter().any(|(a, _)| a == code) {
            continue;
        }
        // A step agency missing from the catalogue keeps the home agency's hours.
        if let Some(agency) = state.catalogue.agency(code).await? {
            others.push((code.clone(), calendar_with(&agency, &holidays)?));
            if agency.external {
                external.push(agency.code);
            }
        }
    }
    Ok(StepAgencies { calendar: calendar_with(home, &holidays)?, others, external })
}

/// What a decision needs of the agencies a dossier's workflow passes through.
pub struct StepAgencies {
    /// The dossier agency's calendar.
    pub calendar: Calendar,
    /// The other agencies' calendars.
    pub others: Vec<(AgencyCode, Calendar)>,
    /// The agencies reached through the document axis.
    pub external: Vec<AgencyCode>,
}
