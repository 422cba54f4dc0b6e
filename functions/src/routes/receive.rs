//! The one-stop desk: reception at the counter, accepting or refusing online dossiers,
//! requesting a supplement, and the receipt.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use motcua_domain::lifecycle::{Actor, Command, NewDossier};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::officer_act;
use super::submit::answer;
use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{header, ApiJson, JsonOrEmpty, RawJson};
use crate::service::filing::{open_dossier, IdempotencyKey};
use crate::service::input::{documents, CounterRequest};
use crate::service::{self, dossiers};
use crate::state::AppState;
use crate::views::{OfficerDossierView, Receipt, SubmissionView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(counter_receive))
        .routes(routes!(receive))
        .routes(routes!(refuse))
        .routes(routes!(request_supplement))
        .routes(routes!(receipt))
}

/// Tiếp nhận trực tiếp hoặc qua bưu chính: received at once, receipt returned.
#[utoipa::path(post, path = "/v1/counter/dossiers", tag = "receive",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body = CounterRequest,
    responses((status = 201, body = SubmissionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn counter_receive(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    headers: HeaderMap,
    body: RawJson<CounterRequest>,
) -> ApiResult<Response> {
    let scope = format!("counter:{}", officer.id);
    let key = IdempotencyKey::parse(scope, header(&headers, "idempotency-key"), &body.bytes)?;
    let req = body.value;
    let new =
        NewDossier { channel: req.channel, applicant: req.applicant.parse()?, documents: documents(req.documents) };
    Ok(answer(open_dossier(&state, &req.procedure_code, new, Actor::Officer(&officer), key, None).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementRequestBody {
    pub reason: String,
    /// Everything that is missing: the law allows one request, and it must be complete.
    pub missing: Vec<String>,
}

/// Tiếp nhận hồ sơ trực tuyến: sets received_at and due_at by the working-time calendar.
#[utoipa::path(post, path = "/v1/dossiers/{code}/receive", tag = "receive", security(("bearer" = [])),
    params(("code" = String, Path)), request_body(content = Option<NoteRequest>),
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn receive(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    JsonOrEmpty(req): JsonOrEmpty<NoteRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::Receive { note: req.note }).await
}

/// Từ chối tiếp nhận, with a reason.
#[utoipa::path(post, path = "/v1/dossiers/{code}/refuse", tag = "receive", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReasonRequest,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn refuse(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::Refuse { reason: req.reason }).await
}

/// Yêu cầu bổ sung: lists everything missing; the clock stops.
#[utoipa::path(post, path = "/v1/dossiers/{code}/request-supplement", tag = "receive", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = SupplementRequestBody,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn request_supplement(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<SupplementRequestBody>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::RequestSupplement { reason: req.reason, missing: req.missing }).await
}

/// Giấy tiếp nhận hồ sơ và hẹn trả kết quả: for officers (Bearer) or, on one machine, the applicant
/// (X-Lookup-Secret). Behind API Gateway the route sits behind the JWT authorizer: officers only.
#[utoipa::path(get, path = "/v1/dossiers/{code}/receipt", tag = "receive", security((), ("bearer" = [])),
    params(("code" = String, Path), ("X-Lookup-Secret" = Option<String>, Header)),
    responses((status = 200, body = Receipt), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn receipt(State(state): State<AppState>, Path(code): Path<String>, request: Parts) -> ApiResult<Json<Receipt>> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    if state.auth.presented(&request) {
        let officer = state.auth.authenticate(&request)?;
        dossiers::check_officer_may_see(&officer, &stored.dossier)?;
    } else {
        dossiers::check_secret(&state, &stored, header(&request.headers, "x-lookup-secret")).await?;
    }
    let d = stored.dossier;
    let procedure = service::procedure(&state, &d.procedure_code).await?;
    let agency = service::agency(&state, &d.agency_code).await?;
    Receipt::of(&d, &procedure, &agency, &events).map(Json).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "not_received",
            "hồ sơ chưa được tiếp nhận / the dossier has not been received yet",
        )
    })
}
