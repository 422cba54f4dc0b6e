//! One log line per request, the same on one machine and on Lambda: request id, method, route,
//! path (which names a dossier, never an applicant), status and latency. Never bodies, query
//! strings (a search may hold anything) or headers (tokens, lookup secrets).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::request::RequestContext;

/// Logs each request: request id, method, route, path (which names the dossier, not the
/// applicant), status and latency; never bodies, query strings or headers.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let path = request.uri().path().to_owned();
    let request_id = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(c)) => c.request_id.clone(),
        _ => None,
    };
    let response = next.run(request).await;
    tracing::info!(
        request_id = request_id.as_deref().unwrap_or("-"),
        method = %method,
        route = route.as_deref().unwrap_or("-"),
        path = %path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
