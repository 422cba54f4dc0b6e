//! A Lambda Runtime API emulator for the tests: it serves the runtime interface
//! (`/2018-06-01/runtime/...`) on loopback to one real Lambda binary, hands it events one at a
//! time, and returns what the function answered. It also records when the function first
//! polled for work (the end of its init).

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

/// What a function answered to one invocation.
#[derive(Debug)]
pub enum Outcome {
    Response(Value),
    Error(Value),
}

struct Invocation {
    id: String,
    payload: String,
    reply: oneshot::Sender<Outcome>,
}

#[derive(Clone)]
struct Shared {
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<Invocation>>>,
    waiting: Arc<Mutex<HashMap<String, oneshot::Sender<Outcome>>>>,
    first_poll: Arc<Mutex<Option<Instant>>>,
    init_error: Arc<Mutex<Option<String>>>,
}

/// One function process and the runtime API it polls.
pub struct Function {
    pub name: String,
    child: Child,
    pub spawned_at: Instant,
    shared: Shared,
    sender: mpsc::Sender<Invocation>,
    next_id: u64,
    logs: Arc<Mutex<String>>,
}

/// Copies a pipe into `logs` as it fills, so the function never blocks on a full pipe.
fn collect(pipe: impl std::io::Read + Send + 'static, logs: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            let mut logs = logs.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
}

async fn next(State(s): State<Shared>) -> Response {
    s.first_poll.lock().unwrap().get_or_insert_with(Instant::now);
    let Some(invocation) = s.queue.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    s.waiting.lock().unwrap().insert(invocation.id.clone(), invocation.reply);
    let deadline =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap() + Duration::from_secs(30);
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).unwrap());
    };
    set("lambda-runtime-aws-request-id", invocation.id.clone());
    set("lambda-runtime-deadline-ms", deadline.as_millis().to_string());
    set("lambda-runtime-invoked-function-arn", "arn:aws:lambda:ap-southeast-1:123456789012:function:test".into());
    set("lambda-runtime-trace-id", format!("Root=1-00000000-{:024x};Sampled=0", rand_id()));
    set("content-type", "application/json".into());
    (StatusCode::OK, headers, invocation.payload).into_response()
}

fn rand_id() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

async fn respond(State(s): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    answer(&s, &id, Outcome::Response(serde_json::from_str(&body).unwrap_or(Value::String(body))))
}

async fn fail(State(s): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    answer(&s, &id, Outcome::Error(serde_json::from_str(&body).unwrap_or(Value::String(body))))
}

fn answer(s: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    match s.waiting.lock().unwrap().remove(id) {
        Some(reply) => {
            let _ = reply.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn init_error(State(s): State<Shared>, body: String) -> StatusCode {
    *s.init_error.lock().unwrap() = Some(body);
    StatusCode::ACCEPTED
}

async fn serve_runtime(shared: Shared) -> SocketAddr {
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(respond))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

impl Function {
    /// Starts `binary` against a new runtime API, with the standard Lambda variables and `env`.
    pub async fn spawn(name: &str, binary: &str, env: &[(String, String)]) -> Self {
        let (sender, receiver) = mpsc::channel(16);
        let shared = Shared {
            queue: Arc::new(tokio::sync::Mutex::new(receiver)),
            waiting: Arc::default(),
            first_poll: Arc::default(),
            init_error: Arc::default(),
        };
        let addr = serve_runtime(shared.clone()).await;
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let spawned_at = Instant::now();
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let logs = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), logs.clone());
        collect(child.stderr.take().unwrap(), logs.clone());
        Self { name: name.into(), child, spawned_at, shared, sender, next_id: 0, logs }
    }

    /// Waits until the function polls for its first event; returns its init time.
    pub async fn ready(&mut self) -> Duration {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(at) = *self.shared.first_poll.lock().unwrap() {
                return at - self.spawned_at;
            }
            if let Some(e) = self.shared.init_error.lock().unwrap().clone() {
                panic!("{} failed its init: {e}", self.name);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited during init ({status}): {}", self.name, self.output());
            }
            assert!(Instant::now() < deadline, "{} did not poll for work within 30 s", self.name);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Sends one event and waits for the function's answer.
    pub async fn invoke(&mut self, payload: &Value) -> Outcome {
        self.next_id += 1;
        let (reply, answer) = oneshot::channel();
        let id = format!("{}-{}", self.name, self.next_id);
        self.sender.send(Invocation { id, payload: payload.to_string(), reply }).await.unwrap();
        match tokio::time::timeout(Duration::from_secs(30), answer).await {
            Ok(Ok(outcome)) => outcome,
            _ => panic!("{} gave no answer: {}", self.name, self.output()),
        }
    }

    /// What the process has written so far.
    pub fn output(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
