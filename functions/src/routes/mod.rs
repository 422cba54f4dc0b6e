//! HTTP routers, one per action family, and the whole API assembled on one port with the
//! conventions of API.md: error shape, body limits, no 500 for anything a client sends.

pub mod admin;
pub mod approve;
pub mod assign;
mod doc;
pub mod ops;
pub mod query;
pub mod rate;
pub mod receive;
pub mod submit;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use motcua_domain::catalogue::Officer;
use motcua_domain::lifecycle::{Actor, Command};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::{ApiError, ApiResult};
use crate::service::dossiers;
use crate::state::AppState;
use crate::views::OfficerDossierView;

/// Largest accepted request body. Documents are referenced, not uploaded here.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Shared by officer action handlers: act, then answer with the officer's view.
pub(crate) async fn officer_act(
    state: &AppState,
    code: &str,
    officer: &Officer,
    command: Command,
) -> ApiResult<Json<OfficerDossierView>> {
    let loaded = dossiers::load_with_history(state, code).await?;
    let (d, events) = dossiers::act(state, loaded, Actor::Officer(officer), command).await?;
    Ok(Json(OfficerDossierView::of(&d, &events)))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua HTTP API", version = "1", description = "One-stop electronic administrative procedures (hệ thống một cửa điện tử)."),
    modifiers(&BearerScheme),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// An action family: the routes one Lambda serves on AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Submit,
    Receive,
    Assign,
    Approve,
    Rate,
    /// Reads: catalogue, lookups, queues, and the operations routes.
    Query,
    Admin,
}

impl Family {
    pub const ALL: [Family; 7] =
        [Family::Submit, Family::Receive, Family::Assign, Family::Approve, Family::Rate, Family::Query, Family::Admin];

    /// The family's name, which is also its Lambda binary's name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Submit => "submit",
            Family::Receive => "receive",
            Family::Assign => "assign",
            Family::Approve => "approve",
            Family::Rate => "rate",
            Family::Query => "query",
            Family::Admin => "admin",
        }
    }

    /// Whether the family files new dossiers (online or at the desk), and so derives lookup
    /// secrets from the server key.
    pub fn files_dossiers(self) -> bool {
        matches!(self, Family::Submit | Family::Receive)
    }

    /// The family's own routes: each Lambda binary names its family's constructor directly
    /// (see [`Family::app`]), so it links no other family's handlers.
    pub const fn routes(self) -> fn() -> OpenApiRouter<AppState> {
        match self {
            Family::Submit => submit::router,
            Family::Receive => receive::router,
            Family::Assign => assign::router,
            Family::Approve => approve::router,
            Family::Rate => rate::router,
            Family::Query => query_and_ops,
            Family::Admin => admin::router,
        }
    }

    pub fn router(self) -> OpenApiRouter<AppState> {
        framed(self.routes()())
    }

    /// This family alone, with the API's conventions, as one Lambda serves it: `routes` is the
    /// family's own constructor (`Family::Submit.routes()` evaluated at compile time in its binary).
    pub fn app(routes: fn() -> OpenApiRouter<AppState>, state: AppState) -> Router {
        finish(framed(routes()), state)
    }
}

/// The query family: lookups, queues and catalogue reads, with the operations routes.
pub fn query_and_ops() -> OpenApiRouter<AppState> {
    query::router().merge(ops::router())
}

fn framed(routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(routes)
}

/// Every family's routes with their OpenAPI description.
pub fn families() -> OpenApiRouter<AppState> {
    Family::ALL.iter().fold(OpenApiRouter::with_openapi(ApiDoc::openapi()), |all, f| all.merge(f.router()))
}

/// The OpenAPI document as served at `/v1/openapi.json`: generated from the routes when the
/// crate was last checked (`functions/openapi.json`, kept equal to [`openapi`] by a test), so
/// that the query Lambda need not link every family's handlers to describe them.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// [`openapi`] as the text `functions/openapi.json` holds.
pub fn openapi_text() -> String {
    serde_json::to_string_pretty(openapi()).unwrap_or_default()
}

/// The OpenAPI document generated from the routes, built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = families().split_for_parts().1;
        doc::document_common_errors(&mut doc);
        doc
    })
}

async fn not_found() -> Response {
    ApiError::not_found("route_not_found", "không có đường dẫn này / no such route").into_response()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lỗi hệ thống / internal error").into_response()
}

/// Turns axum's own plain-text rejections (405, 413 from the limit layer) into the error shape.
async fn error_shape(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || status.is_success() {
        return response;
    }
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "phương thức không được hỗ trợ / method not allowed")
                .into_response()
        }
        StatusCode::PAYLOAD_TOO_LARGE => crate::extract::too_large().into_response(),
        _ => response,
    }
}

/// The whole API on one router, for `motcua serve` and the tests.
pub fn app(state: AppState) -> Router {
    finish(families(), state)
}

/// Routes with the API's conventions: JSON 404 and 405, body limit, panics as JSON 500.
fn finish(routes: OpenApiRouter<AppState>, state: AppState) -> Router {
    routes
        .split_for_parts()
        .0
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::map_response(error_shape))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
}
