//! Application services: load what a decision needs through the ports, ask the domain, commit
//! the outcome in one conditional write. Handlers call these and nothing else.

pub mod dossiers;
pub mod filing;
pub mod input;
pub mod secrets;

use motcua_domain::calendar::Calendar;
use motcua_domain::catalogue::{Agency, Procedure};
use motcua_domain::codes::{AgencyCode, DossierCode};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn parse_code(text: &str) -> ApiResult<DossierCode> {
    DossierCode::parse(text).map_err(|e| ApiError::bad_request("invalid_dossier_code", e.to_string()))
}

pub fn parse_agency(text: &str) -> ApiResult<AgencyCode> {
    AgencyCode::parse(text).map_err(|e| ApiError::bad_request("invalid_agency_code", e.to_string()))
}

pub async fn procedure(state: &AppState, code: &str) -> ApiResult<Procedure> {
    state.catalogue.procedure(code).await?.ok_or_else(ApiError::procedure_not_found)
}

pub async fn agency(state: &AppState, code: &AgencyCode) -> ApiResult<Agency> {
    state
        .catalogue
        .agency(code)
        .await?
        .ok_or_else(|| ApiError::not_found("agency_not_found", "không tìm thấy cơ quan / agency not found"))
}

/// The working-time calendar of `agency`: its hours and the holiday table.
pub async fn calendar(state: &AppState, agency: &Agency) -> ApiResult<Calendar> {
    let holidays = state.catalogue.holidays().await?;
    Calendar::new(agency.working_hours.clone(), holidays.into_iter().map(|h| h.date)).map_err(|e| {
        tracing::error!(agency = %agency.code, error = %e, "agency working hours are invalid");
        ApiError::unprocessable("invalid_working_hours", e.to_string())
    })
}
