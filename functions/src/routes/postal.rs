//! Results and dossiers by post (`docs/postal.md`): the desk posts a result through the postal
//! operator (the approve family, with the other ways of returning it), the applicant has the
//! paper dossier collected (the submit family, with the lookup secret), and the operator posts
//! its signed status callbacks here (the submit family, without a token: the signature is its
//! proof).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::set::RouteSet;
use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header, ApiJson, ClientAddress, DossierPath};
use crate::service::{dossiers, postal};
use crate::state::AppState;
use crate::views::{ApplicantDossierView, OfficerDossierView};

/// The desk's route.
pub fn officer_router<R: RouteSet>() -> R {
    R::empty().route::<__path_post_result, _, _>(post_result)
}

/// The applicant's route and the operator's.
pub fn callback_router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_postal_callback, _, _>(postal_callback)
        .route::<__path_postal_collection, _, _>(postal_collection)
}

/// Where the postal operator collects the paper dossier.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionRequest {
    pub pickup_address: motcua_domain::postal::PostalAddress,
}

/// Gửi hồ sơ qua bưu chính: the postal operator collects the paper dossier at the address given
/// and carries it to the desk (where the procedure takes dossiers by post), while the dossier
/// is submitted or awaits a supplement; the shipment is recorded with its waybill and postage,
/// and each of the operator's updates is the applicant's news. Asking again while one is on its
/// way is refused (`409 shipment_in_progress`).
#[utoipa::path(post, path = "/v1/dossiers/{code}/postal-collection", tag = "submit",
    params(("code" = String, Path, description = "the dossier code"),
        ("X-Lookup-Secret" = String, Header, description = "the dossier's lookup secret")),
    request_body = CollectionRequest,
    responses(
        (status = 200, description = "ordered: the dossier with its shipment", body = ApplicantDossierView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "not submitted nor awaiting a supplement, a collection already on its way, or no operator configured (`postal_not_configured`)", body = ErrorBody),
        (status = 422, description = "the procedure takes no dossier by post (`channel_not_offered`), or the address is refused (`invalid_address`)", body = ErrorBody),
        (status = 429, body = ErrorBody),
        (status = 502, description = "the operator refused the order", body = ErrorBody),
        (status = 503, description = "the operator cannot be reached", body = ErrorBody)))]
async fn postal_collection(
    State(state): State<AppState>,
    DossierPath(code): DossierPath,
    client: ClientAddress,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CollectionRequest>,
) -> ApiResult<Json<ApplicantDossierView>> {
    let loaded = super::actions::with_secret(&state, &code, &client, &headers).await?;
    let (d, events) = postal::collect(&state, loaded, body.pickup_address).await?;
    Ok(Json(ApplicantDossierView::of(&d, &events, state.clock.now())))
}

/// Gửi kết quả qua bưu chính: orders the delivery of the result from the postal operator, to
/// the address the applicant registered, and records the shipment with its waybill and postage;
/// the dossier stays `resolved` until the operator confirms the delivery. Asking again (a lost
/// answer, two officers at once) gets the same order, never a second one. No body.
#[utoipa::path(post, path = "/v1/dossiers/{code}/post-result", tag = "approve",
    params(("code" = String, Path, description = "the dossier code")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "ordered: the dossier with its shipment", body = OfficerDossierView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not resolved, a shipment already with the operator (`shipment_in_progress`), no address registered (`delivery_address_required`), or no operator configured (`postal_not_configured`)", body = ErrorBody),
        (status = 422, description = "the procedure does not return by post (`postal_return_not_offered`)", body = ErrorBody),
        (status = 502, description = "the operator refused the order", body = ErrorBody),
        (status = 503, description = "the operator cannot be reached", body = ErrorBody)))]
async fn post_result(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    DossierPath(code): DossierPath,
) -> ApiResult<Json<OfficerDossierView>> {
    let loaded = dossiers::load_with_history(&state, &code).await?;
    let (d, events) = postal::post_result(&state, &officer, loaded).await?;
    Ok(Json(OfficerDossierView::of(&d, &events, state.clock.now())))
}

/// What the operator is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackTaken {
    /// `100`: taken (news, or known already).
    #[serde(rename = "Status")]
    pub status: &'static str,
    pub taken: postal::Taken,
}

/// The postal operator's status callback: a JSON body (`OrderNumber`, `ItemCode`, `StatusCode`,
/// `StatusMessage`, `StatusTime` as `yyyyMMddHHmmss` Vietnam time) signed in `X-Signature` (hex
/// HMAC-SHA-256 of the body under the shared secret). Believed, it moves the shipment once: a
/// delivery returns the result, a return to the sender brings it back to the desk; a repeat or
/// a stale update is answered as taken and changes nothing.
#[utoipa::path(post, path = "/v1/postal/callback", tag = "submit",
    params(("X-Signature" = String, Header, description = "hex HMAC-SHA-256 of the body under the shared secret")),
    request_body(content = String, description = "the operator's status update (JSON)", content_type = "application/json"),
    responses(
        (status = 200, description = "taken", body = CallbackTaken),
        (status = 400, description = "refused (`postal_callback_refused`): not signed by the operator, unreadable, or about no shipment of ours; nothing changed", body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn postal_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<CallbackTaken>> {
    let taken = postal::callback(&state, &body, header(&headers, "x-signature")).await?;
    Ok(Json(CallbackTaken { status: "100", taken }))
}
