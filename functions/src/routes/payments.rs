//! Online payment (`docs/integrations.md`): the applicant opens a payment with the lookup secret
//! and is sent to the platform's page; the platform posts its signed callback here. Both are
//! served by the submit family, the callback without a token (its signature is its proof). So
//! is the other provider's callback: the SMS gateway's delivery reports, proven by the token of
//! the address registered with it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_domain::payment::Callback;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::set::RouteSet;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ClientAddress, DossierPath};
use crate::service::payments;
use crate::state::AppState;
use crate::views::vn;
use chrono::{DateTime, FixedOffset};

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_start_payment, _, _>(start_payment)
        .route::<__path_payment_callback, _, _>(payment_callback)
        .route::<__path_sms_reports, _, _>(sms_reports)
}

/// A payment opened at the platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentStarted {
    /// Our reference (`MaThamChieu`), as the platform and its receipt show it.
    pub reference: String,
    pub amount_vnd: u64,
    /// The platform's page: send the payer there.
    pub pay_url: String,
    /// After this, if the payer has not finished, the platform is asked how it stands.
    pub expires_at: DateTime<FixedOffset>,
}

/// Thanh toán trực tuyến: opens a payment of what the dossier owes (it must be awaiting
/// payment) and answers the platform's page to send the payer to. An earlier payment still in
/// progress is asked about first, so a payer is never charged twice (`409
/// payment_in_progress`, or `already_paid` when it went through).
#[utoipa::path(post, path = "/v1/dossiers/{code}/payments", tag = "submit",
    params(("code" = String, Path, description = "the dossier code"),
        ("X-Lookup-Secret" = String, Header, description = "the dossier's lookup secret")),
    responses(
        (status = 201, description = "opened: send the payer to `pay_url`", body = PaymentStarted),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 502, description = "the platform refused to open it", body = ErrorBody),
        (status = 503, description = "the platform cannot be reached", body = ErrorBody)))]
async fn start_payment(
    State(state): State<AppState>,
    DossierPath(code): DossierPath,
    client: ClientAddress,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let loaded = super::actions::with_secret(&state, &code, &client, &headers).await?;
    let started = payments::start(&state, &loaded, &client.0).await?;
    let t = started.transaction;
    let body = PaymentStarted {
        expires_at: vn(t.created_at + payments::payer_window()),
        reference: t.reference,
        amount_vnd: t.amount_vnd,
        pay_url: started.pay_url,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The payment platform's callback (IPN): believed only when its signature holds and it names
/// a transaction we opened, for its amount. Taken, a payment moves the dossier on once (a
/// repeat is answered as taken and changes nothing). The answer is the platform's reply
/// (`MaLoi` `00` taken, `99` not), signed; a refusal also carries our `error` object.
#[utoipa::path(post, path = "/v1/payments/callback", tag = "submit",
    request_body = Callback,
    responses(
        (status = 200, description = "taken (`MaLoi` 00)"),
        (status = 400, description = "refused (`MaLoi` 99): not signed by the platform, or not about a payment of ours", body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn payment_callback(State(state): State<AppState>, ApiJson(callback): ApiJson<Callback>) -> ApiResult<Response> {
    let answer = payments::callback(&state, &callback).await?;
    let mut reply = answer.reply;
    match answer.refusal {
        None => Ok((StatusCode::OK, Json(reply)).into_response()),
        Some(why) => {
            if let Some(body) = reply.as_object_mut() {
                let error = json!({"code": "payment_callback_refused", "message": why, "details": {}});
                body.insert("error".into(), error);
            }
            Ok((StatusCode::BAD_REQUEST, Json(reply)).into_response())
        }
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportToken {
    /// The token of the callback address registered with the gateway.
    token: Option<String>,
}

/// The SMS gateway's delivery reports (one, or a list, as JSON in the shape its settings
/// describe): each settles the message the gateway took under that id, once; a repeat changes
/// nothing. `404 sms_reports_off` where the server takes none.
#[utoipa::path(post, path = "/v1/callbacks/sms", tag = "submit",
    params(ReportToken),
    request_body(content = String, description = "the gateway's report or list of reports (JSON)", content_type = "application/json"),
    responses(
        (status = 200, description = "taken", body = crate::service::sms_reports::ReportsTaken),
        (status = 400, description = "unreadable: nothing applied", body = ErrorBody),
        (status = 401, description = "no token, or not this server's", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn sms_reports(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<ReportToken>,
    body: axum::body::Bytes,
) -> ApiResult<Json<crate::service::sms_reports::ReportsTaken>> {
    Ok(Json(crate::service::sms_reports::take(&state, q.token.as_deref(), &body).await?))
}
