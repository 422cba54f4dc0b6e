//! A recording proxy for the AWS endpoint: sits on loopback between the code under test and
//! `moto_server`, forwards every request, and remembers which DynamoDB operations it carried
//! (with the index a `Query` used and the item kinds inside a transaction), so a test can check
//! a function's calls against its IAM grants and count the requests of each action.
//!
//! It can also inject faults into a fraction of the requests: a 500 before forwarding, a reset
//! connection before forwarding, a reset after forwarding (the request took effect but its
//! answer is lost), or a delay.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::capacity;

/// One DynamoDB request: its operation and the IAM actions it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub operation: String,
    /// e.g. `dynamodb:GetItem`, `dynamodb:Query` on an index as `dynamodb:Query@gsi1`.
    pub needs: Vec<String>,
    /// The partition it read or wrote (`D#…`, `PR#…`), with the index for a `Query`.
    pub partition: String,
    /// On-demand request units it consumed (see `capacity.rs`).
    pub read_units: f64,
    pub write_units: f64,
}

/// The faults the proxy can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// A 500 InternalServerError, without forwarding.
    ServerError,
    /// The connection is reset before the request is forwarded.
    ResetBefore,
    /// The request is forwarded and takes effect, then the connection is reset: the answer is lost.
    ResetAfter,
    /// The request is forwarded after 300 ms.
    Delay,
}

/// Which fraction of requests get a fault (0 for none), and what was injected.
#[derive(Default)]
pub struct Faults {
    /// Per mille of requests that get a fault.
    pub per_mille: std::sync::atomic::AtomicU32,
    pub injected: Mutex<std::collections::BTreeMap<Fault, usize>>,
    pub requests: std::sync::atomic::AtomicUsize,
}

impl Faults {
    fn pick(&self) -> Option<Fault> {
        use std::sync::atomic::Ordering;
        self.requests.fetch_add(1, Ordering::SeqCst);
        let rate = self.per_mille.load(Ordering::SeqCst);
        if rate == 0 || rand::random::<u32>() % 1000 >= rate {
            return None;
        }
        let fault =
            [Fault::ServerError, Fault::ResetBefore, Fault::ResetAfter, Fault::Delay][rand::random::<usize>() % 4];
        *self.injected.lock().unwrap().entry(fault).or_insert(0) += 1;
        Some(fault)
    }
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    calls: Arc<Mutex<Vec<Call>>>,
    faults: Arc<Faults>,
}

pub struct Recorder {
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<Call>>>,
    pub faults: Arc<Faults>,
}

/// Drops the connection: the handler's task ends without an answer.
fn reset() -> ! {
    std::panic::resume_unwind(Box::new("injected connection reset"))
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
    let fault = if parts.uri.path().starts_with("/moto-api") { None } else { s.faults.pick() };
    match fault {
        Some(Fault::ServerError) => {
            let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}"#;
            return (StatusCode::INTERNAL_SERVER_ERROR, [("content-type", "application/x-amz-json-1.0")], body)
                .into_response();
        }
        Some(Fault::ResetBefore) => reset(),
        Some(Fault::Delay) => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
        _ => {}
    }
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let operation = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix("DynamoDB_20120810."))
        .map(str::to_owned);
    let request_json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let url = format!("{}{}", s.upstream, parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let method = parts.method.to_string();
    let is_head = parts.method == axum::http::Method::HEAD;
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
    if let Some(operation) = operation {
        let answered = answer.as_ref().ok().map(|(status, _, bytes)| (*status, bytes.clone()));
        let call = record(&s.upstream, operation, request_json, answered).await;
        s.calls.lock().unwrap().push(call);
    } else if let Some(call) = s3_call(&parts.method, &parts.uri) {
        s.calls.lock().unwrap().push(call);
    }
    if fault == Some(Fault::ResetAfter) {
        reset();
    }
    match answer {
        Ok((status, mut headers, bytes)) => {
            // A HEAD answer's length is the object's (S3's HeadObject): keep it.
            if !is_head {
                headers.remove("content-length");
            }
            headers.remove("transfer-encoding");
            headers.remove("connection");
            (StatusCode::from_u16(status).unwrap(), headers, Bytes::from(bytes)).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e).into_response(),
    }
}

/// An S3 request the code under test made (not a presigned one a client sends), as the IAM
/// action it needs: the SDK names each operation in the `x-id` query parameter.
fn s3_call(method: &axum::http::Method, uri: &axum::http::Uri) -> Option<Call> {
    let query = uri.query().unwrap_or("");
    if query.contains("X-Amz-Signature=") || uri.path().starts_with("/moto-api") {
        return None;
    }
    let operation = match query.split('&').find_map(|p| p.strip_prefix("x-id=")) {
        Some(op) => op.to_owned(),
        None if method == axum::http::Method::HEAD => "HeadObject".to_owned(),
        None => return None,
    };
    let need = match operation.as_str() {
        "GetObject" | "HeadObject" => "s3:GetObject",
        "PutObject" | "CopyObject" => "s3:PutObject",
        "DeleteObject" => "s3:DeleteObject",
        other => return Some(Call::s3(other, "s3:unknown")),
    };
    Some(Call::s3(&operation, need))
}

impl Call {
    fn s3(operation: &str, need: &str) -> Self {
        Call {
            operation: operation.to_owned(),
            needs: vec![need.to_owned()],
            partition: "S3".into(),
            read_units: 0.0,
            write_units: 0.0,
        }
    }
}

/// What one DynamoDB request was and what it consumed.
async fn record(upstream: &str, operation: String, json: serde_json::Value, answer: Option<(u16, Vec<u8>)>) -> Call {
    let partition = match (&json["Key"]["pk"]["S"], &json["ExpressionAttributeValues"][":pk"]["S"]) {
        (serde_json::Value::String(pk), _) => pk.clone(),
        (_, serde_json::Value::String(pk)) => match json["IndexName"].as_str() {
            Some(index) => format!("{index}:{pk}"),
            None => pk.clone(),
        },
        _ => String::new(),
    };
    let (status, reply) = answer.unwrap_or((0, Vec::new()));
    let reply: serde_json::Value = serde_json::from_slice(&reply).unwrap_or_default();
    let consistent = json["ConsistentRead"].as_bool().unwrap_or(false);
    let (mut read_units, mut write_units) = (0.0, 0.0);
    match operation.as_str() {
        "GetItem" => read_units = capacity::read_units(capacity::item_size(&reply["Item"]), consistent),
        "Query" | "Scan" => {
            let bytes = reply["Items"].as_array().into_iter().flatten().map(capacity::item_size).sum();
            read_units = capacity::read_units(bytes, consistent);
        }
        "PutItem" if status == 200 => write_units = capacity::write_units(&json["Item"], false),
        "UpdateItem" if status == 200 => {
            let after = item_after(upstream, &json["TableName"], &json["Key"]).await;
            write_units = capacity::write_units(&after, false);
        }
        // A refused conditional write still costs its unit.
        "UpdateItem" | "PutItem" | "DeleteItem" => write_units = 1.0,
        "TransactWriteItems" => {
            for item in json["TransactItems"].as_array().into_iter().flatten() {
                write_units += match (item.get("Put"), item.get("Update")) {
                    (Some(put), _) => capacity::write_units(&put["Item"], true),
                    (_, Some(update)) if status == 200 => {
                        capacity::write_units(&item_after(upstream, &update["TableName"], &update["Key"]).await, true)
                    }
                    _ => 2.0,
                };
            }
        }
        _ => {}
    }
    Call { needs: needs(&operation, &json), operation, partition, read_units, write_units }
}

/// The item at `key` now, read from moto behind the recorder's back (not recorded).
async fn item_after(upstream: &str, table: &serde_json::Value, key: &serde_json::Value) -> serde_json::Value {
    let url = format!("{upstream}/");
    let body = serde_json::json!({"TableName": table, "Key": key, "ConsistentRead": true}).to_string();
    tokio::task::spawn_blocking(move || {
        let answer = ureq::post(&url)
            .set("x-amz-target", "DynamoDB_20120810.GetItem")
            .set("content-type", "application/x-amz-json-1.0")
            .set("authorization", "AWS4-HMAC-SHA256 Credential=test/20261128/ap-southeast-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
            .send_string(&body)
            .ok()?;
        let v: serde_json::Value = answer.into_json().ok()?;
        Some(v["Item"].clone())
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_default()
}

impl Recorder {
    pub async fn start(upstream: &str) -> Self {
        let calls = Arc::new(Mutex::new(vec![]));
        let faults = Arc::new(Faults::default());
        let shared =
            Shared { upstream: upstream.trim_end_matches('/').into(), calls: calls.clone(), faults: faults.clone() };
        let app = Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, calls, faults }
    }

    /// Injects a fault into `per_mille` of the requests from now on (0: none).
    pub fn inject(&self, per_mille: u32) {
        self.faults.per_mille.store(per_mille, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The calls since the last `take`.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}
