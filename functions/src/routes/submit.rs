//! Applicant actions: online submission, supplement, withdrawal.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_domain::catalogue::Channel;
use motcua_domain::lifecycle::{Actor, Command, NewDossier};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header as header_value, ApiJson, ClientAddress, JsonOrEmpty, RawJson};
use crate::service::filing::{open_dossier, Answer, IdempotencyKey};
use crate::service::input::{documents, DocumentInput, SubmitRequest};
use crate::service::{dossiers, guard, input};
use crate::state::AppState;
use crate::views::{ApplicantDossierView, SubmissionView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit)).routes(routes!(supplement)).routes(routes!(withdraw))
}

pub fn answer(a: Answer) -> Response {
    (a.status, [(header::CONTENT_TYPE, "application/json")], a.body).into_response()
}

/// Nộp hồ sơ trực tuyến.
#[utoipa::path(post, path = "/v1/dossiers", tag = "submit",
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body returns the same answer")),
    request_body = SubmitRequest,
    responses(
        (status = 201, description = "filed; the lookup secret is shown this once", body = SubmissionView),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    body: RawJson<SubmitRequest>,
) -> ApiResult<Response> {
    let key = IdempotencyKey::parse("submit".into(), header_value(&headers, "idempotency-key"), &body.bytes)?;
    let req = body.value;
    let new =
        NewDossier { channel: Channel::Online, applicant: req.applicant.parse()?, documents: documents(req.documents) };
    let limit = guard::submission_use(&state, &client);
    Ok(answer(open_dossier(&state, &req.procedure_code, new, Actor::Applicant, key, Some(limit)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementRequest {
    pub documents: Vec<DocumentInput>,
    pub note: Option<String>,
}

/// Bổ sung hồ sơ: the applicant adds the requested documents; the clock restarts.
#[utoipa::path(post, path = "/v1/dossiers/{code}/supplement", tag = "submit",
    params(("code" = String, Path), ("X-Lookup-Secret" = String, Header)),
    request_body = SupplementRequest,
    responses((status = 200, body = ApplicantDossierView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn supplement(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SupplementRequest>,
) -> ApiResult<Json<ApplicantDossierView>> {
    let loaded = dossiers::load_with_history(&state, &code).await?;
    dossiers::check_secret(&state, &loaded.0, header_value(&headers, "x-lookup-secret")).await?;
    let command = Command::Supplement { documents: input::documents(req.documents), note: req.note };
    Ok(applicant_view(dossiers::act(&state, loaded, Actor::Applicant, command).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub reason: Option<String>,
}

/// Rút hồ sơ: the applicant withdraws before the result.
#[utoipa::path(post, path = "/v1/dossiers/{code}/withdraw", tag = "submit",
    params(("code" = String, Path), ("X-Lookup-Secret" = String, Header)),
    request_body(content = Option<WithdrawRequest>),
    responses((status = 200, body = ApplicantDossierView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn withdraw(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonOrEmpty(req): JsonOrEmpty<WithdrawRequest>,
) -> ApiResult<Json<ApplicantDossierView>> {
    let loaded = dossiers::load_with_history(&state, &code).await?;
    dossiers::check_secret(&state, &loaded.0, header_value(&headers, "x-lookup-secret")).await?;
    let command = Command::Withdraw { reason: req.reason };
    Ok(applicant_view(dossiers::act(&state, loaded, Actor::Applicant, command).await?))
}

/// The applicant's answer to an action: the dossier with its history.
pub fn applicant_view(
    (d, events): (motcua_domain::lifecycle::Dossier, Vec<motcua_domain::lifecycle::HistoryEvent>),
) -> Json<ApplicantDossierView> {
    Json(ApplicantDossierView::of(&d, &events))
}
