//! Rating: the applicant rates the service once, after the result.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use motcua_domain::lifecycle::{Actor, Command, Rating};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::submit::applicant_view;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header, ApiJson};
use crate::service::dossiers;
use crate::state::AppState;
use crate::views::ApplicantDossierView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rate))
}

/// Đánh giá mức độ hài lòng: nine indicators scored 2/1/0, ease of use and a verdict.
#[utoipa::path(post, path = "/v1/dossiers/{code}/rating", tag = "rate",
    params(("code" = String, Path), ("X-Lookup-Secret" = String, Header)),
    request_body = Rating,
    responses((status = 200, body = ApplicantDossierView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn rate(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(rating): ApiJson<Rating>,
) -> ApiResult<Json<ApplicantDossierView>> {
    let loaded = dossiers::load_with_history(&state, &code).await?;
    dossiers::check_secret(&state, &loaded.0, header(&headers, "x-lookup-secret")).await?;
    Ok(applicant_view(dossiers::act(&state, loaded, Actor::Applicant, Command::Rate { rating }).await?))
}
