//! Operations: liveness and store reachability.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health)).routes(routes!(openapi_json))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub store: &'static str,
    pub version: &'static str,
}

/// Liveness and store reachability.
#[utoipa::path(get, path = "/v1/health", tag = "ops",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = state.catalogue.holidays().await.is_ok();
    let status = if reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let health = Health {
        status: if reachable { "ok" } else { "degraded" },
        store: if reachable { "reachable" } else { "unreachable" },
        version: env!("CARGO_PKG_VERSION"),
    };
    (status, Json(health))
}

/// This contract, machine-readable, generated from the routers so it cannot drift.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "ops",
    responses((status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(super::openapi())
}
