//! Read-only queries: the catalogue, due dates, agencies, the applicant's lookup and officers'
//! queues and dossiers.

use super::set::RouteSet;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, FixedOffset};
use motcua_domain::access;
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::{Agency, Channel, OnlineLevel, Procedure};
use motcua_domain::lifecycle::chain::{self, ChainReport};
use motcua_domain::lifecycle::Status;
use motcua_domain::ports::{ProcedureQuery, QueueQuery};
use motcua_domain::text::search_key;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{header, ApiQuery, ClientAddress, DossierPath};
use crate::pagination::{self, page};
use crate::service::{self, dossiers};
use crate::state::AppState;
use crate::views::{vn, ApplicantDossierView, OfficerDossierView, PublicStatusView, QueueItem, QueuePage};

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_procedures, _, _>(procedures)
        .route::<__path_procedure, _, _>(procedure)
        .route::<__path_due_date, _, _>(due_date)
        .route::<__path_agencies, _, _>(agencies)
        .route::<__path_agency, _, _>(agency)
        .route::<__path_colleagues, _, _>(colleagues)
        .route::<__path_lookup, _, _>(lookup)
        .route::<__path_queue, _, _>(queue)
        .route::<__path_officer_dossier, _, _>(officer_dossier)
        .route::<__path_verify, _, _>(verify)
        .merge(super::files::download_router::<R>())
        .merge(super::forms::router::<R>())
        .merge(super::stored::router::<R>())
        .merge(super::archive::router::<R>())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProcedureParams {
    /// Words to find in the code, name or field; diacritics and case are ignored.
    pub q: Option<String>,
    pub agency: Option<String>,
    pub field: Option<String>,
    pub level: Option<OnlineLevel>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePage {
    pub items: Vec<Procedure>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CodeCursor {
    c: String,
}

/// Tra cứu thủ tục hành chính.
#[utoipa::path(get, path = "/v1/procedures", tag = "query", params(ProcedureParams),
    responses((status = 200, body = ProcedurePage), (status = 400, body = ErrorBody)))]
async fn procedures(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ProcedureParams>,
) -> ApiResult<Json<ProcedurePage>> {
    let limit = pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(pagination::decode::<CodeCursor>).transpose()?.map(|c| c.c);
    let text = p.q.as_deref().map(search_key).filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.len() > 200) {
        return Err(ApiError::bad_request("invalid_query", "từ khóa quá dài / q is too long"));
    }
    let agency = p.agency.as_deref().map(service::parse_agency).transpose()?;
    let query = ProcedureQuery { text, agency, field: p.field, level: p.level, after, limit: limit + 1 };
    let found = state.catalogue.procedures(query).await?;
    let (items, next_cursor) = page(found, limit, |p| CodeCursor { c: p.code.clone() });
    Ok(Json(ProcedurePage { items, next_cursor }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionParams {
    /// The version in force on this date (YYYY-MM-DD): an earlier one, or one scheduled; the
    /// one in force now when absent.
    #[param(value_type = Option<String>)]
    pub at: Option<chrono::NaiveDate>,
}

/// One procedure with components, fees, times and workflow: the version in force now, or at
/// `at`.
#[utoipa::path(get, path = "/v1/procedures/{code}", tag = "query", params(("code" = String, Path), VersionParams),
    responses((status = 200, body = Procedure), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such procedure, or none in force at `at`")))]
async fn procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(p): ApiQuery<VersionParams>,
) -> ApiResult<Json<Procedure>> {
    let current = service::procedure(&state, &code).await?;
    let Some(at) = p.at else { return Ok(Json(current)) };
    let versions = state.catalogue.procedure_versions(&code).await?;
    // A record kept before versions were is a version too.
    let mut versions = versions;
    let key = motcua_domain::catalogue::versions::version_key(&current);
    if !versions.iter().any(|v| motcua_domain::catalogue::versions::version_key(v) == key) {
        versions.push(current);
    }
    let found = motcua_domain::catalogue::versions::in_force(&versions, at).cloned();
    Ok(Json(found.ok_or(service::Refused::ProcedureNotFound)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DueDateParams {
    /// RFC 3339; now when absent.
    #[param(value_type = Option<String>)]
    pub received_at: Option<DateTime<FixedOffset>>,
    /// `online` may have a shorter time; `direct` when absent.
    pub channel: Option<Channel>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueDate {
    pub due_at: DateTime<FixedOffset>,
}

/// The appointment date this procedure would get if received at that instant.
#[utoipa::path(get, path = "/v1/procedures/{code}/due-date", tag = "query", params(("code" = String, Path), DueDateParams),
    responses((status = 200, body = DueDate), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn due_date(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(p): ApiQuery<DueDateParams>,
) -> ApiResult<Json<DueDate>> {
    let procedure = service::procedure(&state, &code).await?;
    let agency = service::agency(&state, &procedure.agency).await?;
    let calendar = service::calendar(&state, &agency).await?;
    let at = p.received_at.map(|t| vietnam::accepted(t.to_utc())).transpose()?.unwrap_or_else(|| state.clock.now());
    let time = procedure.processing_time_for(p.channel.unwrap_or(Channel::Direct));
    Ok(Json(DueDate { due_at: vn(calendar.appointment(at, time, procedure.cutoff)) }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgencyParams {
    /// Only the children of this agency.
    pub parent: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyPage {
    pub items: Vec<Agency>,
    pub next_cursor: Option<String>,
}

/// The agency tree (all agencies, or the children of `parent`).
#[utoipa::path(get, path = "/v1/agencies", tag = "query", params(AgencyParams),
    responses((status = 200, body = AgencyPage), (status = 400, body = ErrorBody)))]
async fn agencies(State(state): State<AppState>, ApiQuery(p): ApiQuery<AgencyParams>) -> ApiResult<Json<AgencyPage>> {
    let limit = pagination::limit(p.limit)?;
    let parent = p.parent.as_deref().map(service::parse_agency).transpose()?;
    let after = p.cursor.as_deref().map(pagination::decode::<CodeCursor>).transpose()?.map(|c| c.c);
    let found = state.catalogue.agencies(parent.as_ref(), after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |a| CodeCursor { c: a.code.to_string() });
    Ok(Json(AgencyPage { items, next_cursor }))
}

/// One agency: its name, place in the tree, address and working hours.
#[utoipa::path(get, path = "/v1/agencies/{code}", tag = "query", params(("code" = String, Path)),
    responses((status = 200, body = Agency), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn agency(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Json<Agency>> {
    let code = service::parse_agency(&code)?;
    Ok(Json(state.catalogue.agency(&code).await?.ok_or(service::Refused::NoSuchAgency)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// The officers of the signed-in officer's own agency (id, name, agency, roles): whom a step
/// may be given to.
#[utoipa::path(get, path = "/v1/officer/colleagues", tag = "query", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = super::admin::OfficerPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
async fn colleagues(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<super::admin::OfficerPage>> {
    super::admin::officers_page(&state, Some(&officer.agency), p.cursor.as_deref(), p.limit).await.map(Json)
}

/// Tra cứu hồ sơ: with `X-Lookup-Secret` the applicant's full view; without, status and due date only.
#[utoipa::path(get, path = "/v1/dossiers/{code}", tag = "query",
    params(("code" = String, Path), ("X-Lookup-Secret" = Option<String>, Header)),
    responses((status = 200, description = "ApplicantDossierView with the secret, PublicStatusView without", body = ApplicantDossierView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn lookup(
    State(state): State<AppState>,
    DossierPath(code): DossierPath,
    client: ClientAddress,
    headers: HeaderMap,
) -> ApiResult<Response> {
    match header(&headers, "x-lookup-secret") {
        None => Ok(Json(PublicStatusView::of(&dossiers::load(&state, &code).await?.dossier)).into_response()),
        Some(secret) => {
            let (stored, events) = dossiers::load_with_history(&state, &code).await?;
            dossiers::check_secret(&state, &stored, Some(secret), &client).await?;
            Ok(Json(ApplicantDossierView::of(&stored.dossier, &events, state.clock.now())).into_response())
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    pub status: Option<Status>,
    /// `me` for the officer's own queue.
    pub assignee: Option<String>,
    #[param(value_type = Option<String>)]
    pub due_before: Option<DateTime<FixedOffset>>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct QueueCursor {
    d: Option<chrono::DateTime<chrono::Utc>>,
    c: String,
}

/// The work queue of the officer's agency, soonest due first.
#[utoipa::path(get, path = "/v1/officer/dossiers", tag = "query", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = QueuePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn queue(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<QueueParams>,
) -> ApiResult<Json<QueuePage>> {
    let limit = pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(pagination::decode::<QueueCursor>).transpose()?.map(|c| (c.d, c.c));
    let (agency, assignee) = match p.assignee.as_deref() {
        None => (Some(officer.agency.clone()), None),
        Some("me") => (None, Some(officer.id.clone())),
        Some(_) => {
            return Err(ApiError::bad_request("invalid_query", "assignee chỉ nhận `me` / assignee must be `me`"))
        }
    };
    let query = QueueQuery {
        agency,
        status: p.status,
        assignee,
        due_before: p.due_before.map(|d| vietnam::accepted(d.to_utc())).transpose()?,
        after,
        limit: limit + 1,
    };
    let found = state.dossiers.queue(query).await?;
    let (items, next_cursor) = page(found, limit, |d| QueueCursor { d: d.due_at, c: d.code.to_string() });
    let calendar = service::calendar_of(&state, &officer.agency).await?;
    let now = state.clock.now();
    Ok(Json(QueuePage { items: items.iter().map(|d| QueueItem::of(d, now, &calendar)).collect(), next_cursor }))
}

/// The full dossier with personal data, history and tracking card, for officers who handle it.
#[utoipa::path(get, path = "/v1/officer/dossiers/{code}", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn officer_dossier(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    DossierPath(code): DossierPath,
) -> ApiResult<Json<OfficerDossierView>> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    access::may_see(&officer, &stored.dossier, &events)?;
    let mut view = OfficerDossierView::of(&stored.dossier, &events, state.clock.now());
    view.portal_sync = Some(motcua_domain::portal::SyncStanding::of(&state.sync.sync_items(&code).await?));
    let transactions = crate::service::payments::of_dossier(&state, &code).await?;
    view.payment_transactions = Some(transactions.iter().map(crate::views::TransactionView::of).collect());
    Ok(Json(view))
}

/// Recomputes the dossier's history hash chain and reports any break: an event edited, removed
/// or inserted behind the API's back, or a head that no longer matches.
#[utoipa::path(get, path = "/v1/dossiers/{code}/verify", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = ChainView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn verify(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    DossierPath(code): DossierPath,
) -> ApiResult<Json<ChainView>> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    access::may_see(&officer, &stored.dossier, &events)?;
    let d = &stored.dossier;
    let report = chain::verify(&d.code, &events, &d.history_head, d.events);
    if !report.intact {
        tracing::error!(dossier = %d.code, breaks = report.breaks.len(), "history hash chain is broken");
    }
    let files = crate::audit::check_files(state.files.as_ref(), &events).await?;
    if !files.is_empty() {
        tracing::error!(dossier = %d.code, files = files.len(), "files differ from the history");
    }
    Ok(Json(ChainView { code: d.code.to_string(), report, files }))
}

/// The outcome of recomputing a dossier's hash chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainView {
    pub code: String,
    #[serde(flatten)]
    pub report: ChainReport,
    /// Files the history names that storage no longer holds as recorded (a swapped or lost
    /// file); empty when every file is intact.
    pub files: Vec<crate::audit::FileFinding>,
}
