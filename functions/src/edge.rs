//! The public edge on AWS: an optional CloudFront distribution with a WAF web ACL in front of
//! the HTTP API (template parameter `Edge`, `docs/operations.md`, *The public edge*).
//!
//! CloudFront adds a header only it knows ([`HEADER`], its value a secret the stack generates)
//! to every request it forwards. With the edge on, each function reads that secret at init
//! (`MOTCUA_EDGE_SECRET_ARN`) and answers anything that lacks it `403 not_through_the_edge`:
//! the API's own address cannot be used to go around the web ACL's rate and reputation rules.
//! A request that carries it came from one of CloudFront's servers, so the address CloudFront
//! appended to `X-Forwarded-For` names the client for the per-client limits
//! ([`crate::proxies::TrustedProxies::client_behind_edge`]). The header is taken off the
//! request before any handler sees it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The header CloudFront adds with the edge's secret.
pub const HEADER: &str = "x-motcua-edge";

/// The edge's secret, as the functions compare it.
#[derive(Clone)]
pub struct Edge {
    secret: Arc<[u8]>,
}

impl std::fmt::Debug for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Edge { secret: <hidden> }")
    }
}

/// Marks a request that came through the edge (its secret header matched).
#[derive(Debug, Clone, Copy)]
pub struct ThroughEdge;

impl Edge {
    /// The edge whose header carries `secret` (at least 32 characters, trimmed).
    pub fn new(secret: &str) -> Result<Self, String> {
        match secret.trim() {
            s if s.len() >= 32 => Ok(Self { secret: s.as_bytes().into() }),
            _ => Err("the edge's secret must be at least 32 characters".into()),
        }
    }

    fn admits(&self, request: &Request) -> bool {
        let mut values = request.headers().get_all(HEADER).iter();
        match (values.next(), values.next()) {
            (Some(value), None) => motcua_domain::mac::same(value.as_bytes(), &self.secret),
            _ => false,
        }
    }
}

/// `403 not_through_the_edge` for a request without the edge's header; else the request, marked
/// [`ThroughEdge`] and without the header.
pub async fn only_through(State(edge): State<Edge>, mut request: Request, next: Next) -> Response {
    if !edge.admits(&request) {
        return ApiError::forbidden(
            "not_through_the_edge",
            "hãy gọi API qua địa chỉ công khai của nó / call the API at its public address, not the gateway's own",
        )
        .into_response();
    }
    request.headers_mut().remove(HEADER);
    request.extensions_mut().insert(ThroughEdge);
    next.run(request).await
}

/// `app` behind `edge`, when there is one.
pub fn guard(app: axum::Router, edge: Option<Edge>) -> axum::Router {
    match edge {
        Some(edge) => app.layer(axum::middleware::from_fn_with_state(edge, only_through)),
        None => app,
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    async fn call(headers: &[(&str, &str)]) -> (StatusCode, String) {
        let seen = |request: Request| async move {
            let marked = request.extensions().get::<ThroughEdge>().is_some();
            let header = request.headers().get(HEADER).is_some();
            format!("marked={marked} header={header}")
        };
        let app = guard(axum::Router::new().route("/v1/health", get(seen)), Some(Edge::new(SECRET).unwrap()));
        let mut request = axum::http::Request::builder().uri("/v1/health");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn only_requests_carrying_the_edges_secret_get_through_and_lose_the_header() {
        assert_eq!(call(&[(HEADER, SECRET)]).await, (StatusCode::OK, "marked=true header=false".into()));
        for refused in [vec![], vec![(HEADER, "0123456789abcdef0123456789abcdeX")], vec![(HEADER, "")]] {
            let (status, body) = call(&refused).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{refused:?}");
            assert!(body.contains("not_through_the_edge") && !body.contains(SECRET), "{body}");
        }
        let twice = [(HEADER, SECRET), (HEADER, "forged")];
        assert_eq!(call(&twice).await.0, StatusCode::FORBIDDEN, "a second value is not ignored");
        assert!(Edge::new("short").is_err());
        assert!(!format!("{:?}", Edge::new(SECRET).unwrap()).contains(SECRET));
    }
}
