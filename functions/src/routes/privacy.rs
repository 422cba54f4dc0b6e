//! What is held about a person (admin family, `docs/privacy.md`): an administrator asks, for a
//! citizen ID or a tax code and with a reason, for every dossier of the province filed under it
//! and the personal data each holds, as JSON or as a printed PDF; each request is recorded
//! first, and the records are listed. The identifier travels in the body, never the address,
//! so no access log holds it.

use super::set::RouteSet;
use axum::extract::State;
use axum::http::{header as h, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_domain::privacy::{self, Subject, SubjectReport, SubjectRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentAdmin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{self, page};
use crate::service;
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_held_data, _, _>(held_data).route::<__path_requests, _, _>(requests)
}

/// Whom a request is about, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldDataRequest {
    /// Số định danh cá nhân (12 digits); or
    pub citizen_id: Option<String>,
    /// mã số thuế (10 digits, or a branch's 10-3).
    pub tax_code: Option<String>,
    /// The request's reason or legal ground (the data subject's letter, an authority's request).
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HeldDataParams {
    /// `json` (the default) or `pdf`.
    pub format: Option<String>,
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// The report printed: issued by the administrator's agency under the authority above it.
async fn pdf(
    state: &AppState,
    officer: &motcua_domain::catalogue::Officer,
    report: &SubjectReport,
) -> ApiResult<Response> {
    let agency = service::agency(state, &officer.agency).await?;
    let parent = service::forms::parent_name(state.catalogue.as_ref(), &agency).await?;
    // An administrator of the province itself issues it under the province, from its system.
    let (authority, unit) = match parent {
        Some(parent) => (parent, agency.name),
        None => (agency.name, "Hệ thống thông tin giải quyết thủ tục hành chính".to_owned()),
    };
    let issuer =
        motcua_forms::subject::Issuer { authority: &authority, unit: &unit, place: state.forms.place.as_deref() };
    let mut response = motcua_forms::render(&motcua_forms::subject::sheet(report, &issuer)).into_response();
    let headers = response.headers_mut();
    headers.insert(h::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"du-lieu-ca-nhan-{}.pdf\"", report.request.id))
    {
        headers.insert(h::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Dữ liệu cá nhân đang lưu giữ: every dossier of the province filed under a citizen ID or tax
/// code, with the personal data each holds, who processed it and where its data went (Law
/// 91/2025/QH15). The request is recorded (who, when, why, the identifier's keyed digest) before
/// the answer.
#[utoipa::path(post, path = "/v1/admin/personal-data", tag = "admin", security(("bearer" = [])),
    params(HeldDataParams), request_body = HeldDataRequest,
    responses((status = 200, body = SubjectReport, description = "JSON; with `format=pdf`, the printed sheet (`application/pdf`)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn held_data(
    State(state): State<AppState>,
    CurrentAdmin(officer): CurrentAdmin,
    ApiQuery(p): ApiQuery<HeldDataParams>,
    ApiJson(body): ApiJson<HeldDataRequest>,
) -> ApiResult<Response> {
    let as_pdf = match p.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "unknown_format",
                format!("không có định dạng `{other}`: json hoặc pdf / no format `{other}`: json or pdf"),
            ))
        }
    };
    let invalid = |e: privacy::InvalidRequest| ApiError::bad_request(e.code(), e.to_string());
    let subject = Subject::parse(body.citizen_id.as_deref(), body.tax_code.as_deref()).map_err(invalid)?;
    let reason = privacy::reason(&body.reason).map_err(invalid)?;
    let report = service::privacy::report(&state, &officer, subject, reason).await?;
    let response = if as_pdf { pdf(&state, &officer, &report).await? } else { Json(report).into_response() };
    Ok(no_store(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestsParams {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct RequestsCursor {
    p: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRequestPage {
    pub items: Vec<SubjectRequest>,
    pub next_cursor: Option<String>,
}

/// The record of requests for what is held about a person, in the order they were made.
#[utoipa::path(get, path = "/v1/admin/personal-data/requests", tag = "admin", security(("bearer" = [])),
    params(RequestsParams),
    responses((status = 200, body = SubjectRequestPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn requests(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    ApiQuery(p): ApiQuery<RequestsParams>,
) -> ApiResult<Json<SubjectRequestPage>> {
    let limit = pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(pagination::decode::<RequestsCursor>).transpose()?.map(|c| c.p);
    let found = state.subject_requests.subject_requests(after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |r| RequestsCursor { p: r.position() });
    Ok(Json(SubjectRequestPage { items, next_cursor }))
}
