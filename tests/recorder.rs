//! A recording proxy for the AWS endpoint: sits on loopback between one Lambda binary and
//! `moto_server`, forwards every request unchanged, and remembers which DynamoDB operations it
//! carried (with the index a `Query` used and the item kinds inside a transaction), so a test
//! can check a function's calls against its IAM grants and count the requests of each action.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

/// One DynamoDB request: its operation and the IAM actions it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub operation: String,
    /// e.g. `dynamodb:GetItem`, `dynamodb:Query` on an index as `dynamodb:Query@gsi1`.
    pub needs: Vec<String>,
    /// The partition it read or wrote (`D#…`, `PR#…`), with the index for a `Query`.
    pub partition: String,
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

pub struct Recorder {
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
}

fn needs(operation: &str, body: &serde_json::Value) -> Vec<String> {
    match operation {
        "TransactWriteItems" => {
            let mut out: Vec<String> = body["TransactItems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item.as_object()?.keys().next().cloned())
                .map(|kind| match kind.as_str() {
                    "Put" => "dynamodb:PutItem".to_owned(),
                    "Update" => "dynamodb:UpdateItem".to_owned(),
                    "Delete" => "dynamodb:DeleteItem".to_owned(),
                    _ => "dynamodb:ConditionCheckItem".to_owned(),
                })
                .collect();
            out.sort();
            out.dedup();
            out
        }
        "Query" => match body["IndexName"].as_str() {
            Some(index) => vec![format!("dynamodb:Query@{index}")],
            None => vec!["dynamodb:Query".into()],
        },
        other => vec![format!("dynamodb:{other}")],
    }
}

async fn forward(State(s): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    if let Some(target) = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        if let Some(operation) = target.strip_prefix("DynamoDB_20120810.") {
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let partition = match (&json["Key"]["pk"]["S"], &json["ExpressionAttributeValues"][":pk"]["S"]) {
                (serde_json::Value::String(pk), _) => pk.clone(),
                (_, serde_json::Value::String(pk)) => match json["IndexName"].as_str() {
                    Some(index) => format!("{index}:{pk}"),
                    None => pk.clone(),
                },
                _ => String::new(),
            };
            s.calls.lock().unwrap().push(Call {
                operation: operation.into(),
                needs: needs(operation, &json),
                partition,
            });
        }
    }
    let url = format!("{}{}", s.upstream, parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let method = parts.method.to_string();
    let headers = parts.headers.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let mut request = ureq::request(&method, &url);
        for (name, value) in &headers {
            if !matches!(name.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
                request = request.set(name.as_str(), value.to_str().unwrap_or_default());
            }
        }
        let response = match request.send_bytes(&body) {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let status = response.status();
        let mut headers = HeaderMap::new();
        for name in response.headers_names() {
            if let (Ok(n), Some(v)) = (HeaderName::try_from(name.as_str()), response.header(&name)) {
                if let Ok(v) = HeaderValue::from_str(v) {
                    headers.insert(n, v);
                }
            }
        }
        let mut bytes = vec![];
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).map_err(|e| e.to_string())?;
        Ok((status, headers, bytes))
    })
    .await
    .unwrap();
    match answer {
        Ok((status, mut headers, bytes)) => {
            headers.remove("content-length");
            headers.remove("transfer-encoding");
            headers.remove("connection");
            (StatusCode::from_u16(status).unwrap(), headers, Bytes::from(bytes)).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e).into_response(),
    }
}

impl Recorder {
    pub async fn start(upstream: &str) -> Self {
        let calls = Arc::new(Mutex::new(vec![]));
        let shared = Shared { upstream: upstream.trim_end_matches('/').into(), calls: calls.clone() };
        let app = Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, calls }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The calls since the last `take`.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}
