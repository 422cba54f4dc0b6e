//! Online submission, beside the applicant's own actions on the dossier (supplement and
//! withdrawal: see `actions`).

use super::set::RouteSet;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_domain::catalogue::Channel;
use motcua_domain::documents::Uploader;
use motcua_domain::lifecycle::{Actor, Family, NewDossier};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header as header_value, ClientAddress, RawJson};
use crate::idempotency::IdempotencyKey;
use crate::service::filing::{open_dossier, Answer, Filing};
use crate::service::guard;
use crate::service::input::SubmitRequest;
use crate::state::AppState;
use crate::views::SubmissionView;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_submit, _, _>(submit)
        .merge(super::files::public_router::<R>())
        .merge(super::payments::router::<R>())
        .merge(super::postal::callback_router::<R>())
        .merge(super::actions::of::<{ Family::Submit as u8 }, R>())
}

/// A filing's answer: `201` with the submission view (or the first answer's status, replayed).
pub fn answer(a: Answer) -> Response {
    (a.status, Json(a.view)).into_response()
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
    let applicant = req.applicant.parse()?;
    let notify_by = motcua_domain::notify::ChosenChannels::of(req.notify_by, &applicant)
        .map_err(motcua_domain::lifecycle::LifecycleError::from)
        .map_err(crate::service::Refused::from)?;
    let new = NewDossier {
        channel: Channel::Online,
        applicant,
        documents: vec![],
        result_by: req.result_by,
        reductions: vec![],
        incomplete: false,
        notify_by,
        delivery_address: req.delivery_address,
    };
    let limit = guard::submission_use(&state, &client).await?;
    let filing = Filing { procedure_code: &req.procedure_code, new, documents: req.documents, by: Uploader::Public };
    Ok(answer(open_dossier(&state, filing, Actor::Applicant, key, Some(limit)).await?))
}
