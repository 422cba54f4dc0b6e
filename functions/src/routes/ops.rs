//! Operations: liveness and store reachability, and the API's OpenAPI document.

use super::set::RouteSet;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_health, _, _>(health).route::<__path_openapi_json, _, _>(openapi_json)
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
async fn openapi_json() -> ([(header::HeaderName, &'static str); 1], &'static str) {
    ([(header::CONTENT_TYPE, "application/json")], super::OPENAPI_JSON)
}

#[cfg(test)]
mod tests {
    /// The served document is the one the routes generate.
    #[test]
    fn the_served_document_is_generated_from_the_routes() {
        let generated = super::super::openapi_text();
        let served: serde_json::Value = serde_json::from_str(super::super::OPENAPI_JSON).unwrap();
        let generated: serde_json::Value = serde_json::from_str(&generated).unwrap();
        assert!(
            served == generated,
            "functions/openapi.json is not what the routes generate: \
             `cargo run --bin motcua -- openapi > functions/openapi.json` rewrites it"
        );
    }
}
