//! The pages call the HTTP API as any portal would over the network: the same routes, the same
//! validation, the same errors (a form shows the API's message for a field), the same
//! per-client limits (the browser's address goes along). Nothing a page does reaches the store
//! another way. On one machine the API is called in process; on AWS through the family
//! functions that serve it ([`super::invoke`]).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

/// The API's answer: its status and JSON body (`Null` when it had none or was not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// The API's error code (`error.code`), if it refused.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

    /// The API's error message, if it refused.
    pub fn message(&self) -> String {
        self.body["error"]["message"].as_str().unwrap_or("không thực hiện được / could not be done").to_owned()
    }
}

/// The most the pages read of an answer (a queue page, a dossier with its history).
const MOST: usize = 8 << 20;

/// The API, as the pages reach it.
#[derive(Clone)]
pub struct Api {
    via: Via,
}

#[derive(Clone)]
enum Via {
    /// The API's router, called in process.
    InProcess(axum::Router),
    /// The family functions, invoked.
    Functions(std::sync::Arc<super::invoke::Functions>),
}

/// One call: method, path with query, and what goes with it.
pub struct Call<'a> {
    pub method: Method,
    pub path: String,
    /// The officer's bearer token (from the session cookie).
    pub token: Option<&'a str>,
    pub headers: Vec<(&'static str, String)>,
    pub json: Option<Value>,
    /// A body of bytes with its content type, instead of JSON (a file's content).
    pub bytes: Option<(Vec<u8>, String)>,
    /// Where the browser's request came from, for the per-client limits.
    pub origin: Option<Origin>,
}

/// Where a browser's request came from, as the API reads a client's address: the connection's
/// peer (one machine) or API Gateway's request context (AWS), the `X-Forwarded-For` it came
/// with, and whether it came through the public edge. A page's call to the API carries them,
/// so the API counts the browser, not the pages, against its per-client limits.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub peer: Option<SocketAddr>,
    pub context: Option<lambda_http::request::RequestContext>,
    pub forwarded_for: Vec<axum::http::HeaderValue>,
    pub through_edge: bool,
}

impl Origin {
    /// The origin of the request whose parts are `parts`.
    pub fn of(parts: &axum::http::request::Parts) -> Self {
        Self {
            peer: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0),
            context: parts.extensions.get::<lambda_http::request::RequestContext>().cloned(),
            forwarded_for: parts.headers.get_all("x-forwarded-for").iter().cloned().collect(),
            through_edge: parts.extensions.get::<crate::edge::ThroughEdge>().is_some(),
        }
    }
}

impl<'a> Call<'a> {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            token: None,
            headers: vec![],
            json: None,
            bytes: None,
            origin: None,
        }
    }

    pub fn post(path: impl Into<String>, json: Value) -> Self {
        Self { method: Method::POST, json: Some(json), ..Self::get(path) }
    }

    pub fn put(path: impl Into<String>, json: Value) -> Self {
        Self { method: Method::PUT, json: Some(json), ..Self::get(path) }
    }

    pub fn post_bytes(path: impl Into<String>, bytes: Vec<u8>, content_type: &str) -> Self {
        Self { method: Method::POST, bytes: Some((bytes, content_type.to_owned())), ..Self::get(path) }
    }

    pub fn put_bytes(path: impl Into<String>, bytes: Vec<u8>, content_type: &str) -> Self {
        Self { method: Method::PUT, bytes: Some((bytes, content_type.to_owned())), ..Self::get(path) }
    }

    pub fn by(mut self, token: Option<&'a str>) -> Self {
        self.token = token;
        self
    }

    pub fn from(mut self, origin: &Origin) -> Self {
        self.origin = Some(origin.clone());
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl Api {
    /// The API's `router`, called in process.
    pub fn new(router: axum::Router) -> Self {
        Self { via: Via::InProcess(router) }
    }

    /// The API through its family `functions`.
    pub fn through(functions: super::invoke::Functions) -> Self {
        Self { via: Via::Functions(std::sync::Arc::new(functions)) }
    }

    pub async fn call(&self, call: Call<'_>) -> Answer {
        let (status, _, bytes) = self.raw(call).await;
        Answer { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// The answer as it came: status, headers and body (a PDF), read whole.
    pub async fn raw(&self, call: Call<'_>) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
        let (parts, body) = self.stream(call).await.into_parts();
        let bytes = axum::body::to_bytes(body, MOST).await.unwrap_or_default();
        (parts.status, parts.headers, bytes)
    }

    /// The answer as the API gives it, its body not yet read (a file, passed on as it comes).
    pub async fn stream(&self, call: Call<'_>) -> axum::response::Response {
        let mut request = Request::builder().method(call.method).uri(&call.path);
        if let Some(token) = call.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value.as_str());
        }
        let body = match (call.json, call.bytes) {
            (Some(json), _) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            (None, Some((bytes, kind))) => {
                request = request.header(header::CONTENT_TYPE, kind);
                Body::from(bytes)
            }
            (None, None) => Body::empty(),
        };
        let Ok(mut request) = request.body(body) else {
            let refused = refusal("invalid_request", "địa chỉ không hợp lệ / invalid address").to_string();
            let mut response = axum::response::Response::new(Body::from(refused));
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return response;
        };
        for value in call.origin.iter().flat_map(|o| &o.forwarded_for) {
            request.headers_mut().append("x-forwarded-for", value.clone());
        }
        let router = match &self.via {
            Via::InProcess(router) => router.clone(),
            Via::Functions(functions) => return functions.call(request, call.origin).await,
        };
        if let Some(origin) = call.origin {
            if let Some(peer) = origin.peer {
                request.extensions_mut().insert(ConnectInfo(peer));
            }
            if let Some(context) = origin.context {
                request.extensions_mut().insert(context);
            }
            if origin.through_edge {
                request.extensions_mut().insert(crate::edge::ThroughEdge);
            }
        }
        let Ok(response) = router.oneshot(request).await;
        response
    }
}

/// An error body in the API's shape, for what the pages refuse themselves.
pub fn refusal(code: &str, message: &str) -> Value {
    serde_json::json!({"error": {"code": code, "message": message, "details": {}}})
}
