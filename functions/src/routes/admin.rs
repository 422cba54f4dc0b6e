//! Administration: procedures and workflows, agencies and hours, holidays, officers; and the one
//! thing an officer sets on their own record, how they hear of the dossiers given to them.

use super::set::RouteSet;
use axum::extract::{Path, State};
use axum::Json;
use motcua_domain::catalogue::versions::{self, Placement};
use motcua_domain::catalogue::{check_holidays, holiday_year, Agency, Holiday, Officer, OfficerId, Procedure};
use motcua_domain::codes::AgencyCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentAdmin, CurrentOfficer};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{self, page};
use crate::service::{self, Refused};
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_put_procedure, _, _>(put_procedure)
        .route::<__path_put_agency, _, _>(put_agency)
        .route::<__path_get_holidays, _, _>(get_holidays)
        .route::<__path_put_holidays, _, _>(put_holidays)
        .route::<__path_put_officer, _, _>(put_officer)
        .route::<__path_list_officers, _, _>(list_officers)
        .route::<__path_get_officer, _, _>(get_officer)
        .route::<__path_put_my_arrivals, _, _>(put_my_arrivals)
}

/// The code in the path and the one in the body must be the same record's.
fn same_code(in_body: &str, in_path: &str) -> ApiResult<()> {
    if in_body == in_path {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "path_mismatch",
            "mã trong đường dẫn và nội dung khác nhau / the code in the path and the body differ",
        ))
    }
}

/// Every agency a record names must be in the catalogue.
async fn require_agencies(state: &AppState, agencies: &[&AgencyCode]) -> ApiResult<()> {
    for code in agencies {
        service::agency(state, code).await?;
    }
    Ok(())
}

/// Create or replace a procedure and its workflow. Dossiers already received keep their terms.
/// With `effective_from` after today the change is scheduled: the version in force stays until
/// that date (`docs/catalogue.md`, "Versions").
#[utoipa::path(put, path = "/v1/admin/procedures/{code}", tag = "admin", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = Procedure,
    responses((status = 200, body = Procedure, description = "the version as kept (in force now, or scheduled)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "invalid, or `effective_before_current`: dated under the version in force")))]
async fn put_procedure(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(code): Path<String>,
    ApiJson(p): ApiJson<Procedure>,
) -> ApiResult<Json<Procedure>> {
    same_code(&p.code, &code)?;
    p.validate().map_err(Refused::from)?;
    let named: Vec<&AgencyCode> =
        std::iter::once(&p.agency).chain(p.workflow.iter().filter_map(|s| s.agency.as_ref())).collect();
    require_agencies(&state, &named).await?;
    let today = motcua_domain::calendar::vietnam::to_local(state.clock.now()).date();
    let current = state.catalogue.procedure(&p.code).await?;
    let (p, placement) = versions::placed(p, current.as_ref(), today)
        .map_err(|e| ApiError::unprocessable("effective_before_current", e.to_string()))?;
    match placement {
        Placement::InForce => state.catalogue.put_procedure(&p).await?,
        Placement::Scheduled => state.catalogue.schedule_procedure(&p).await?,
    }
    tracing::info!(procedure = %p.code, ?placement, "procedure saved");
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
    same_code(a.code.as_str(), &code)?;
    a.check().map_err(Refused::from)?;
    require_agencies(&state, &a.parent.iter().collect::<Vec<_>>()).await?;
    state.catalogue.put_agency(&a).await?;
    Ok(Json(a))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayList {
    pub holidays: Vec<Holiday>,
}

/// That year's list of non-working dates, as it was last replaced (empty when never set).
#[utoipa::path(get, path = "/v1/admin/holidays/{year}", tag = "admin", security(("bearer" = [])),
    params(("year" = i32, Path)),
    responses((status = 200, body = HolidayList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_holidays(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(year): Path<String>,
) -> ApiResult<Json<HolidayList>> {
    let year = holiday_year(&year).map_err(Refused::from)?;
    let all = state.catalogue.holidays().await?;
    Ok(Json(HolidayList { holidays: all.into_iter().filter(|h| chrono::Datelike::year(&h.date) == year).collect() }))
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
    let year = holiday_year(&year).map_err(Refused::from)?;
    check_holidays(year, &list.holidays).map_err(Refused::from)?;
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
    same_code(o.id.as_str(), &id)?;
    o.check().map_err(Refused::from)?;
    require_agencies(&state, &[&o.agency]).await?;
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
    let agency = p.agency.as_deref().map(service::parse_agency).transpose()?;
    officers_page(&state, agency.as_ref(), p.cursor.as_deref(), p.limit).await.map(Json)
}

/// One page of the officers (of `agency`, or all), as listed.
pub(super) async fn officers_page(
    state: &AppState,
    agency: Option<&AgencyCode>,
    cursor: Option<&str>,
    limit: Option<usize>,
) -> ApiResult<OfficerPage> {
    let limit = pagination::limit(limit)?;
    let after = cursor.map(pagination::decode::<IdCursor>).transpose()?.map(|c| c.i);
    let found = state.catalogue.officers(agency, after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |o| IdCursor { i: o.id.to_string() });
    let items = items
        .into_iter()
        .map(|o| OfficerListItem { id: o.id, name: o.name, agency: o.agency.to_string(), roles: o.roles })
        .collect();
    Ok(OfficerPage { items, next_cursor })
}

/// One officer's whole record, to edit it.
#[utoipa::path(get, path = "/v1/admin/officers/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Officer), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_officer(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Path(id): Path<String>,
) -> ApiResult<Json<Officer>> {
    let id = OfficerId::parse(&id).map_err(|_| Refused::OfficerNotFound)?;
    Ok(Json(state.catalogue.officer(&id).await?.ok_or(Refused::OfficerNotFound)?))
}

/// How an officer hears of the dossiers given to them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsChoice {
    /// `email` (the default), `zalo` (to their phone) or `off`.
    pub arrivals: motcua_domain::notify::arrivals::ArrivalNotices,
}

/// The signed-in officer chooses how they hear of the dossiers given to them (one digest per
/// quarter hour, docs/notifications.md); a choice whose contact their record lacks is refused.
#[utoipa::path(put, path = "/v1/officer/me/arrivals", tag = "admin", security(("bearer" = [])),
    request_body = ArrivalsChoice,
    responses((status = 200, body = ArrivalsChoice), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_my_arrivals(
    State(state): State<AppState>,
    CurrentOfficer(me): CurrentOfficer,
    ApiJson(choice): ApiJson<ArrivalsChoice>,
) -> ApiResult<Json<ArrivalsChoice>> {
    use motcua_domain::notify::arrivals::ArrivalNotices;
    let mut officer = state.catalogue.officer(&me.id).await?.unwrap_or(me);
    let lacking = match choice.arrivals {
        ArrivalNotices::Email => officer.email.is_none().then_some("email"),
        ArrivalNotices::Zalo => officer.phone.is_none().then_some("số điện thoại / phone"),
        ArrivalNotices::Off => None,
    };
    if let Some(what) = lacking {
        return Err(ApiError::unprocessable(
            "arrivals_without_contact",
            format!("hồ sơ cán bộ chưa có {what} / your record has no {what}: ask an administrator to add it"),
        ));
    }
    officer.arrivals = choice.arrivals;
    state.catalogue.put_officer(&officer).await?;
    Ok(Json(choice))
}
