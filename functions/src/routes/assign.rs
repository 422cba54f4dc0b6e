//! The internal workflow: giving a step to an officer and handing over to the next step.

use axum::extract::{Path, State};
use axum::Json;
use motcua_domain::lifecycle::Command;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::officer_act;
use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, JsonOrEmpty};
use crate::service::dossiers;
use crate::state::AppState;
use crate::views::OfficerDossierView;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(assign)).routes(routes!(forward))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The officer id to give the current step to.
    pub assignee: String,
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardRequest {
    /// Optionally, who takes the next step.
    pub assignee: Option<String>,
    pub note: Option<String>,
}

/// Phân công: give the current step to an officer of the step's agency and role.
#[utoipa::path(post, path = "/v1/dossiers/{code}/assign", tag = "assign", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = AssignRequest,
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn assign(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    let assignee = dossiers::officer(&state, &req.assignee).await?;
    officer_act(&state, &code, &officer, Command::Assign { assignee, note: req.note }).await
}

/// Chuyển bước: finish the current step and hand over to the next.
#[utoipa::path(post, path = "/v1/dossiers/{code}/forward", tag = "assign", security(("bearer" = [])),
    params(("code" = String, Path)), request_body(content = Option<ForwardRequest>),
    responses((status = 200, body = OfficerDossierView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn forward(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path(code): Path<String>,
    JsonOrEmpty(req): JsonOrEmpty<ForwardRequest>,
) -> ApiResult<Json<OfficerDossierView>> {
    let assignee = match req.assignee {
        Some(id) => Some(dossiers::officer(&state, &id).await?),
        None => None,
    };
    officer_act(&state, &code, &officer, Command::Forward { assignee, note: req.note }).await
}
