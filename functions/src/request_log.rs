//! One log line per request, the same on one machine and on Lambda: request id, method, the
//! matched route template, the dossier code when the path holds one that parses, status and
//! latency. Never the raw path (a citizen ID or a name typed into a lookup box as a code would
//! land in the logs), bodies, query strings (a search may hold anything) or headers (tokens,
//! lookup secrets).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::request::RequestContext;
use motcua_domain::codes::DossierCode;

/// The dossier code a path names at the route's `{code}`, if the route has one and it parses.
fn dossier_of(route: &str, path: &str) -> Option<DossierCode> {
    let at = route.split('/').position(|segment| segment == "{code}")?;
    if !route.starts_with("/v1/dossiers/") && !route.starts_with("/v1/officer/dossiers/") {
        return None;
    }
    DossierCode::parse(path.split('/').nth(at)?).ok()
}

/// Logs each request: request id, method, route template, dossier code (when it parses),
/// status and latency; never the raw path, bodies, query strings or headers.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let dossier = route.as_deref().and_then(|r| dossier_of(r, request.uri().path()));
    let request_id = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(c)) => c.request_id.clone(),
        _ => None,
    };
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    crate::metrics::observe(method.as_str(), route.as_deref().unwrap_or("-"), status, seconds);
    let store_failed = response.extensions().get::<crate::error::StoreFailed>().is_some();
    crate::emf::request(method.as_str(), route.as_deref().unwrap_or("-"), status, seconds, store_failed);
    tracing::info!(
        request_id = request_id.as_deref().unwrap_or("-"),
        method = %method,
        route = route.as_deref().unwrap_or("-"),
        dossier = dossier.as_ref().map(ToString::to_string).as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        latency_ms = seconds * 1000.0,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_parsed_dossier_code_is_logged() {
        let code = "000.00.03.H56-260302-0001";
        let at = |path: &str| dossier_of("/v1/dossiers/{code}/receive", path).map(|c| c.to_string());
        assert_eq!(at(&format!("/v1/dossiers/{code}/receive")).as_deref(), Some(code));
        assert_eq!(at("/v1/dossiers/079203001234/receive"), None, "a citizen ID is not a code");
        assert_eq!(at("/v1/dossiers/Nguy%E1%BB%85n/receive"), None);
        assert_eq!(dossier_of("/v1/procedures/{code}", "/v1/procedures/2.000488"), None, "not a dossier route");
    }
}
