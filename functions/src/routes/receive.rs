//! The one-stop desk: reception at the counter and the receipt, beside the desk's actions on
//! online dossiers (receive, refuse, request a supplement: see `actions`).

use super::set::RouteSet;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use motcua_domain::documents::Uploader;
use motcua_domain::lifecycle::{Actor, Family, NewDossier};

use super::submit::answer;
use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header, ClientAddress, DossierPath, RawJson};
use crate::idempotency::IdempotencyKey;
use crate::service::filing::{open_dossier, Filing};
use crate::service::input::CounterRequest;
use crate::service::{self, dossiers, Refused};
use crate::state::AppState;
use crate::views::{Receipt, SubmissionView};

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_counter_receive, _, _>(counter_receive)
        .route::<__path_counter_file, _, _>(counter_file)
        .route::<__path_receipt, _, _>(receipt)
        .merge(super::files::counter_router::<R>())
        .merge(super::actions::of::<{ Family::Receive as u8 }, R>())
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
    at_the_counter(state, officer, headers, body, false).await
}

/// Nhận hồ sơ chưa đầy đủ: a direct or postal filing the desk found incomplete is filed
/// without a receipt (`submitted`), for the desk to answer at once with a supplement request
/// (`request-supplement`) or a refusal (`refuse`).
#[utoipa::path(post, path = "/v1/counter/incomplete-dossiers", tag = "receive",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body = CounterRequest,
    responses((status = 201, body = SubmissionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn counter_file(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    headers: HeaderMap,
    body: RawJson<CounterRequest>,
) -> ApiResult<Response> {
    at_the_counter(state, officer, headers, body, true).await
}

/// Files what the desk was handed: received at once, or `incomplete` and held without a receipt.
async fn at_the_counter(
    state: AppState,
    officer: motcua_domain::catalogue::Officer,
    headers: HeaderMap,
    body: RawJson<CounterRequest>,
    incomplete: bool,
) -> ApiResult<Response> {
    let scope = format!("{}:{}", if incomplete { "counter-incomplete" } else { "counter" }, officer.id);
    let key = IdempotencyKey::parse(scope, header(&headers, "idempotency-key"), &body.bytes)?;
    let req = body.value;
    let applicant = req.applicant.parse()?;
    let notify_by = motcua_domain::notify::ChosenChannels::of(req.notify_by, &applicant)
        .map_err(motcua_domain::lifecycle::LifecycleError::from)
        .map_err(crate::service::Refused::from)?;
    let new = NewDossier {
        channel: req.channel,
        applicant,
        documents: vec![],
        result_by: req.result_by,
        reductions: req.fee_reductions,
        incomplete,
        notify_by,
        delivery_address: req.delivery_address,
    };
    let by = Uploader::Officer { id: officer.id.clone() };
    let filing = Filing { procedure_code: &req.procedure_code, new, documents: req.documents, by };
    Ok(answer(open_dossier(&state, filing, Actor::Officer(&officer), key, None).await?))
}

/// Giấy tiếp nhận hồ sơ và hẹn trả kết quả: for officers (Bearer) or, on one machine, the applicant
/// (X-Lookup-Secret). Behind API Gateway the route sits behind the JWT authorizer: officers only.
#[utoipa::path(get, path = "/v1/dossiers/{code}/receipt", tag = "receive", security((), ("bearer" = [])),
    params(("code" = String, Path), ("X-Lookup-Secret" = Option<String>, Header)),
    responses((status = 200, body = Receipt), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn receipt(
    State(state): State<AppState>,
    DossierPath(code): DossierPath,
    client: ClientAddress,
    request: Parts,
) -> ApiResult<Json<Receipt>> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    if state.auth.presented(&request) {
        let officer = state.officers.of_request(state.auth.as_ref(), &request).await?;
        motcua_domain::access::may_see(&officer, &stored.dossier, &events)?;
    } else {
        dossiers::check_secret(&state, &stored, header(&request.headers, "x-lookup-secret"), &client).await?;
    }
    let d = stored.dossier;
    let procedure = service::procedure(&state, &d.procedure_code).await?;
    let agency = service::agency(&state, &d.agency_code).await?;
    Ok(Json(Receipt::of(&d, &procedure, &agency, &events).ok_or(Refused::NotReceived)?))
}
