//! Decisions: approval, stopping, extension with apology, and returning the result.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, FixedOffset};
use motcua_domain::lifecycle::{Command, ReturnMethod};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::officer_act;
use super::receive::{NoteRequest, ReasonRequest};
use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, JsonOrEmpty};
use crate::state::AppState;
use crate::views::OfficerDossierView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(approve))
        .routes(routes!(stop))
        .routes(routes!(extend))
        .routes(routes!(return_result))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    pub reason: String,
    /// The new appointment, RFC 3339 (e.g. `2026-03-12T16:00:00+07:00`).
    #[schema(value_type = String, format = DateTime)]
    pub new_due_at: DateTime<FixedOffset>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub method: ReturnMethod,
    /// Required for `postal`.
    pub waybill: Option<String>,
}

/// Phê duyệt: the leader approves at the last step; the result is ready.
#[utoipa::path(post, path = "/v1/dossiers/{code}/approve", tag = "approve", security(("bearer" = [])),
    params(("code" = String, Path)), request_body(content = Option<NoteRequest>),
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    JsonOrEmpty(req): JsonOrEmpty<NoteRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::Approve { note: req.note }).await
}

/// Dừng xử lý, with a written reason.
#[utoipa::path(post, path = "/v1/dossiers/{code}/stop", tag = "approve", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReasonRequest,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn stop(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::Stop { reason: req.reason }).await
}

/// Xin lỗi và hẹn lại: a new due date, once, before the current one passes.
#[utoipa::path(post, path = "/v1/dossiers/{code}/extend", tag = "approve", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ExtendRequest,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn extend(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ExtendRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    let command = Command::Extend { reason: req.reason, new_due_at: req.new_due_at.to_utc() };
    officer_act(&state, &code, &officer, command).await
}

/// Trả kết quả: at the counter, by post (waybill) or online.
#[utoipa::path(post, path = "/v1/dossiers/{code}/return", tag = "approve", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ReturnRequest,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_result(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<ReturnRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    officer_act(&state, &code, &officer, Command::Return { method: req.method, waybill: req.waybill }).await
}
