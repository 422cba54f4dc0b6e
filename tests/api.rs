//! The whole API in process: the routers over a temporary SQLite store seeded with the sample
//! province, called through `tower::ServiceExt::oneshot`.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use motcua_functions::server::Home;
use serde_json::Value;
use tower::ServiceExt;

use std::sync::{Arc, Mutex};

use motcua_domain::ports::Clock;

use crate::support::{criminal_record_filing, CRIMINAL_RECORD};

pub struct Api {
    pub app: Router,
    pub home: Home,
    pub _dir: tempfile::TempDir,
    /// The handlers' clock: the system's, moved on by [`Api::pass`].
    pub clock: Arc<PassingClock>,
}

/// The system clock plus however much time a test let pass.
#[derive(Default)]
pub struct PassingClock {
    passed: Mutex<chrono::Duration>,
}

impl Clock for PassingClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + *self.passed.lock().unwrap()
    }
}

pub struct Call<'a> {
    pub method: &'a str,
    pub uri: String,
    pub token: Option<String>,
    pub secret: Option<String>,
    pub body: Option<String>,
    pub content_type: Option<&'a str>,
    pub key: Option<&'a str>,
}

impl Api {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    /// With submission and upload limits no test reaches (for suites that file many dossiers).
    pub async fn many_filings() -> Self {
        Self::with(|home| {
            let unreached = motcua_domain::limits::RateLimit::new(1_000_000, chrono::Duration::minutes(1));
            home.public_limits.submissions = unreached;
            home.public_limits.uploads = unreached;
        })
        .await
    }

    /// Over stores opened already (a DynamoDB table, say).
    pub async fn over(stores: motcua_functions::server::Stores) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut home = Home::open_on(dir.path(), stores).await.unwrap();
        home.public_limits.submissions = motcua_domain::limits::RateLimit::new(1_000_000, chrono::Duration::minutes(1));
        Self::serving(home, dir)
    }

    /// Over a new table of moto's DynamoDB named after `name`, counting reports as it commits
    /// (as `motcua serve --store dynamodb` does: no stream consumer runs here).
    pub async fn on_dynamodb(name: &str) -> Self {
        let moto = motcua_infra::aws::moto_endpoint();
        let client = aws_sdk_dynamodb::Client::new(&motcua_infra::aws::local_config(&moto));
        let table = motcua_infra::aws::unique_table(name);
        let store = motcua_infra::dynamo::create_table(&client, &table).await.unwrap().counting_inline();
        Self::over(motcua_functions::server::Stores::of(store, None)).await
    }

    /// Over stores opened already, keeping files in `files` (an S3 bucket, say) instead of the
    /// data directory.
    pub async fn over_with_files(
        stores: motcua_functions::server::Stores,
        files: Arc<dyn motcua_domain::ports::FileStore>,
    ) -> Self {
        let mut api = Self::over(stores).await;
        let mut state = api.home.state();
        state.files = files;
        state.local_files = None;
        api.app = motcua_functions::routes::app(state);
        api
    }

    pub async fn with(adjust: impl FnOnce(&mut Home)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut home = Home::open(dir.path()).await.unwrap();
        adjust(&mut home);
        Self::serving(home, dir)
    }

    fn serving(mut home: Home, dir: tempfile::TempDir) -> Self {
        let clock = Arc::new(PassingClock::default());
        home.clock = clock.clone();
        let app = motcua_functions::routes::app(home.state());
        Self { app, home, _dir: dir, clock }
    }

    /// Sets the handlers' clock to `at` (as it passes from now on).
    pub fn set_time(&self, at: chrono::DateTime<chrono::Utc>) {
        *self.clock.passed.lock().unwrap() = at - chrono::Utc::now();
    }

    /// The handlers' now.
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        motcua_domain::ports::Clock::now(self.clock.as_ref())
    }

    /// Lets `time` pass for the handlers (tokens still live by the system clock).
    pub fn pass(&self, time: chrono::Duration) {
        *self.clock.passed.lock().unwrap() += time;
    }

    pub async fn token(&self, officer: &str) -> String {
        self.home.token(officer, 1).await.unwrap()
    }

    pub fn call<'a>(&self, method: &'a str, uri: impl Into<String>) -> Call<'a> {
        Call { method, uri: uri.into(), token: None, secret: None, body: None, content_type: None, key: None }
    }

    pub async fn send(&self, c: Call<'_>) -> (StatusCode, Value) {
        let mut req = Request::builder().method(c.method).uri(c.uri);
        if let Some(t) = c.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(s) = c.secret {
            req = req.header("x-lookup-secret", s);
        }
        if let Some(k) = c.key {
            req = req.header("idempotency-key", k);
        }
        let body = match c.body {
            Some(b) => {
                req = req.header("content-type", c.content_type.unwrap_or("application/json"));
                Body::from(b)
            }
            None => Body::empty(),
        };
        let res = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        (status, value)
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut c = self.call("POST", uri);
        c.token = token.map(str::to_owned);
        c.body = Some(body.to_string());
        self.send(c).await
    }

    pub async fn post_secret(&self, uri: &str, secret: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut c = self.call("POST", uri);
        c.secret = secret.map(str::to_owned);
        c.body = Some(body.to_string());
        self.send(c).await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>, secret: Option<&str>) -> (StatusCode, Value) {
        let mut c = self.call("GET", uri);
        c.token = token.map(str::to_owned);
        c.secret = secret.map(str::to_owned);
        self.send(c).await
    }

    pub async fn put(&self, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let mut c = self.call("PUT", uri);
        c.token = Some(token.to_owned());
        c.body = Some(body.to_string());
        self.send(c).await
    }

    /// Sends raw bytes; answers the status, the body's bytes and the headers.
    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        (parts.status, body.collect().await.unwrap().to_bytes().to_vec(), parts.headers)
    }

    /// Announces and sends `bytes` as a PDF (as the applicant, or as the officer holding
    /// `token`); answers the upload as announced.
    pub async fn uploaded(&self, token: Option<&str>, name: &str, bytes: &[u8]) -> Value {
        self.uploaded_as(token, name, bytes, "application/pdf").await
    }

    /// Announces and sends `bytes` of `media_type`, as [`Api::uploaded`].
    pub async fn uploaded_as(&self, token: Option<&str>, name: &str, bytes: &[u8], media_type: &str) -> Value {
        let route = if token.is_some() { "/v1/counter/uploads" } else { "/v1/uploads" };
        let sha256 = motcua_domain::documents::Sha256::of(bytes);
        let body = serde_json::json!({"file_name": name, "size": bytes.len(), "media_type": media_type, "sha256": sha256.as_str()});
        let (s, v) = self.post(route, token, body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["state"], "pending");
        let url = v["upload"]["url"].as_str().unwrap().to_owned();
        let (s, body, _) = self.raw("PUT", &url, &[("content-type", media_type)], Body::from(bytes.to_vec())).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        v
    }

    /// `filing` with the sample scan uploaded, as the applicant, for each document that names
    /// no upload: online, a required component is its file.
    pub async fn with_files(&self, filing: Value) -> Value {
        crate::support::with_files_via(&self.app, filing).await
    }

    /// Files `filing` online, each of its documents with an uploaded file.
    pub async fn file(&self, filing: Value) -> (StatusCode, Value) {
        let filing = self.with_files(filing).await;
        self.post("/v1/dossiers", None, filing).await
    }

    /// Files the criminal-record request online with its form as an uploaded PDF:
    /// (code, secret, the form's upload id).
    pub async fn submit_with_file(&self) -> (String, String, String) {
        let upload = self.uploaded(None, "Tờ khai.pdf", &motcua_domain::documents::kind::samples::pdf()).await;
        let mut filing = criminal_record_filing("0912345678");
        filing["documents"][0] = serde_json::json!({
            "component": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "upload": upload["id"], "sha256": upload["sha256"]});
        let (s, v) = self.file(filing).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = upload["id"].as_str().unwrap().to_owned();
        (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned(), id)
    }

    /// Files the criminal-record request online: (code, secret).
    pub async fn submit(&self) -> (String, String) {
        let (s, v) = self.file(criminal_record_filing("0912345678")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned())
    }
}

impl Api {
    /// A new due date an extension may set on a criminal-record dossier received today: a day
    /// after the date such a dossier gets (within the default limit, the time again).
    pub async fn extension_date(&self) -> String {
        let (s, v) = self.get(&format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?channel=online"), None, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        crate::support::a_day_after(v["due_at"].as_str().unwrap())
    }
}

pub fn code_of(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}
