//! Administration: procedures and workflows, agencies and hours, holidays, officers.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Datelike;
use motcua_domain::catalogue::{Agency, Officer, OfficerId, Procedure};
use motcua_domain::ports::Holiday;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentAdmin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{self, page};
use crate::service;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(put_procedure))
        .routes(routes!(put_agency))
        .routes(routes!(put_holidays))
        .routes(routes!(put_officer))
        .routes(routes!(list_officers))
}

fn path_mismatch() -> ApiError {
    ApiError::unprocessable(
        "path_mismatch",
        "mã trong đường dẫn và nội dung khác nhau / the code in the path and the body differ",
    )
}

async fn require_agency(state: &AppState, code: &motcua_domain::codes::AgencyCode) -> ApiResult<()> {
    match state.catalogue.agency(code).await? {
        Some(_) => Ok(()),
        None => {
            Err(ApiError::unprocessable("agency_not_found", format!("không có cơ quan {code} / unknown agency {code}")))
        }
    }
}

/// Create or replace a procedure and its workflow. Dossiers already received keep their terms.
#[utoipa::path(put, path = "/v1/admin/procedures/{code}", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = Procedure,
    responses((status = 200, body = Procedure), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_procedure(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(code): Path<String>,
    ApiJson(p): ApiJson<Procedure>,
) -> ApiResult<Json<Procedure>> {
    if p.code != code {
        return Err(path_mismatch());
    }
    p.validate().map_err(|e| ApiError::unprocessable("invalid_procedure", e.to_string()))?;
    require_agency(&state, &p.agency).await?;
    for step in &p.workflow {
        if let Some(a) = &step.agency {
            require_agency(&state, a).await?;
        }
    }
    state.catalogue.put_procedure(&p).await?;
    tracing::info!(procedure = %p.code, "procedure saved");
    Ok(Json(p))
}

/// Create or replace an agency with its working hours.
#[utoipa::path(put, path = "/v1/admin/agencies/{code}", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = Agency,
    responses((status = 200, body = Agency), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_agency(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(code): Path<String>,
    ApiJson(a): ApiJson<Agency>,
) -> ApiResult<Json<Agency>> {
    if a.code.as_str() != code {
        return Err(path_mismatch());
    }
    if a.name.trim().is_empty() {
        return Err(ApiError::unprocessable("invalid_agency", "thiếu tên cơ quan / the agency needs a name"));
    }
    a.working_hours.validate().map_err(|e| ApiError::unprocessable("invalid_working_hours", e.to_string()))?;
    if let Some(parent) = &a.parent {
        if parent == &a.code {
            return Err(ApiError::unprocessable(
                "invalid_agency",
                "cơ quan không thể là cấp trên của chính nó / an agency cannot be its own parent",
            ));
        }
        require_agency(&state, parent).await?;
    }
    state.catalogue.put_agency(&a).await?;
    Ok(Json(a))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayList {
    pub holidays: Vec<Holiday>,
}

/// Replace that year's list of non-working dates (public holidays and swap days).
#[utoipa::path(put, path = "/v1/admin/holidays/{year}", tag = "admin", security(("bearer" = [])),
    params(("year" = i32, Path)), request_body = HolidayList,
    responses((status = 200, body = HolidayList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_holidays(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(year): Path<String>,
    ApiJson(list): ApiJson<HolidayList>,
) -> ApiResult<Json<HolidayList>> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (2000..2100).contains(y))
        .ok_or_else(|| ApiError::bad_request("invalid_year", "năm không hợp lệ / year must be 2000-2099"))?;
    if let Some(h) = list.holidays.iter().find(|h| h.date.year() != year) {
        return Err(ApiError::unprocessable(
            "holiday_outside_year",
            format!("{} không thuộc năm {year} / is not in {year}", h.date),
        ));
    }
    if list.holidays.len() > 366 || list.holidays.iter().any(|h| h.name.chars().count() > 200) {
        return Err(ApiError::unprocessable("too_long", "danh sách quá dài / too many or too long entries"));
    }
    state.catalogue.put_holidays(year, &list.holidays).await?;
    Ok(Json(list))
}

/// Create or replace an officer.
#[utoipa::path(put, path = "/v1/admin/officers/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = Officer,
    responses((status = 200, body = Officer), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_officer(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(id): Path<String>,
    ApiJson(o): ApiJson<Officer>,
) -> ApiResult<Json<Officer>> {
    if o.id.as_str() != id {
        return Err(path_mismatch());
    }
    if o.name.trim().is_empty() || o.roles.is_empty() {
        return Err(ApiError::unprocessable(
            "invalid_officer",
            "cần tên và ít nhất một vai trò / name and at least one role are required",
        ));
    }
    require_agency(&state, &o.agency).await?;
    state.catalogue.put_officer(&o).await?;
    Ok(Json(o))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OfficerParams {
    pub agency: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// An officer as listed: id, name, agency, roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerListItem {
    #[schema(value_type = String)]
    pub id: OfficerId,
    pub name: String,
    pub agency: String,
    pub roles: Vec<motcua_domain::catalogue::Role>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerPage {
    pub items: Vec<OfficerListItem>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct IdCursor {
    i: String,
}

/// List officers (id, name, agency, roles).
#[utoipa::path(get, path = "/v1/admin/officers", tag = "admin", security(("bearer" = [])), params(OfficerParams),
    responses((status = 200, body = OfficerPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn list_officers(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    ApiQuery(p): ApiQuery<OfficerParams>,
) -> ApiResult<Json<OfficerPage>> {
    let limit = pagination::limit(p.limit)?;
    let agency = p.agency.as_deref().map(service::parse_agency).transpose()?;
    let after = p.cursor.as_deref().map(pagination::decode::<IdCursor>).transpose()?.map(|c| c.i);
    let found = state.catalogue.officers(agency.as_ref(), after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |o| IdCursor { i: o.id.to_string() });
    let items = items
        .into_iter()
        .map(|o| OfficerListItem { id: o.id, name: o.name, agency: o.agency.to_string(), roles: o.roles })
        .collect();
    Ok(Json(OfficerPage { items, next_cursor }))
}
