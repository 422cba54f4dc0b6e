//! A worker of the replay: its own router over the shared store, with its own clock, moving its
//! lives forward to the replay's present.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use motcua_domain::ports::Clock;
use serde_json::Value;
use tower::ServiceExt;

use crate::life::{Life, Who};

/// The replay's clock: the worker sets it before each request.
pub struct SetClock(pub Mutex<DateTime<Utc>>);

impl Clock for SetClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct Worker {
    pub app: Router,
    pub clock: Arc<SetClock>,
    pub tokens: Arc<HashMap<String, String>>,
    pub requests: u64,
    pub late: u64,
}

fn due_of(v: &Value) -> Option<DateTime<Utc>> {
    v["due_at"].as_str().and_then(|d| DateTime::parse_from_rfc3339(d).ok()).map(|d| d.to_utc())
}

/// Where an approval's result document takes the file the replay uploads for it.
pub const UPLOAD_HERE: &str = "<uploaded by the replay>";

/// The signed result file every electronic result of the replay carries.
const RESULT_PDF: &[u8] = b"%PDF-1.4\n% ket qua giai quyet\n%%EOF\n";
/// The scan every document of an online filing carries.
const DOCUMENT_PDF: &[u8] = b"%PDF-1.4\n% tai lieu ho so\n%%EOF\n";

impl Worker {
    /// Uploads `bytes` as `who` (announce, then send the bytes): (id, sha256).
    async fn upload(&mut self, who: &Who, name: &str, bytes: &'static [u8], media_type: &str) -> (String, String) {
        let sha256 = motcua_domain::documents::Sha256::of(bytes).to_string();
        let announce = serde_json::json!({"file_name": name, "size": bytes.len(), "media_type": media_type,
                                          "sha256": sha256});
        let request = match who {
            Who::Officer(id) => {
                Request::post("/v1/counter/uploads").header("authorization", format!("Bearer {}", self.tokens[id]))
            }
            Who::Applicant | Who::Public => Request::post("/v1/uploads"),
        };
        let request =
            request.header("content-type", "application/json").body(Body::from(announce.to_string())).unwrap();
        let answer = self.app.clone().oneshot(request).await.expect("the router answers");
        assert_eq!(answer.status(), StatusCode::CREATED);
        let bytes_back = axum::body::to_bytes(answer.into_body(), 1 << 20).await.unwrap();
        let upload: Value = serde_json::from_slice(&bytes_back).unwrap();
        let url = upload["upload"]["url"].as_str().unwrap();
        let put = Request::put(url).body(Body::from(bytes)).unwrap();
        let answer = self.app.clone().oneshot(put).await.expect("the router answers");
        assert_eq!(answer.status(), StatusCode::OK);
        self.requests += 2;
        (upload["id"].as_str().unwrap().to_owned(), sha256)
    }

    /// Plays `life`'s steps that happen before `now`; whether it has ended.
    pub async fn advance(&mut self, life: &mut Life, now: DateTime<Utc>) -> bool {
        while let Some(at) = life.next_at() {
            if at >= now {
                return false;
            }
            let step = life.steps.pop_front().expect("a next step");
            let path = match (step.action, &life.code) {
                ("file-online", _) => "/v1/dossiers".to_owned(),
                ("file-counter", _) => "/v1/counter/dossiers".to_owned(),
                (action, Some(code)) => format!("/v1/dossiers/{code}/{action}"),
                (action, None) => unreachable!("{action} before the filing"),
            };
            *self.clock.0.lock().unwrap() = at;
            let mut body = step.body.clone();
            // Online, each document comes with its scan; a result with its signed file.
            let field = if step.action == "file-online" { "documents" } else { "results" };
            for r in body.get_mut(field).and_then(Value::as_array_mut).into_iter().flatten() {
                if r.get("upload").is_none_or(|u| u == UPLOAD_HERE) {
                    let (upload, sha256) = match r.get("upload") {
                        Some(_) => self.upload(&step.who, "ket-qua.pdf", RESULT_PDF, "application/pdf").await,
                        None => self.upload(&step.who, "tai-lieu.pdf", DOCUMENT_PDF, "application/pdf").await,
                    };
                    r["upload"] = upload.into();
                    r["sha256"] = sha256.into();
                }
            }
            let mut request = Request::post(&path).header("content-type", "application/json");
            match &step.who {
                Who::Officer(id) => request = request.header("authorization", format!("Bearer {}", self.tokens[id])),
                Who::Applicant => request = request.header("x-lookup-secret", life.secret.as_deref().unwrap()),
                Who::Public => {}
            }
            let answer = self.app.clone().oneshot(request.body(Body::from(body.to_string())).unwrap()).await;
            let answer = answer.expect("the router answers");
            self.requests += 1;
            let status = answer.status();
            let bytes = axum::body::to_bytes(answer.into_body(), 1 << 20).await.unwrap();
            let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            assert!(status == StatusCode::OK || status == StatusCode::CREATED, "{path} at {at}: {status} {v}");
            if life.code.is_none() {
                life.code = v["code"].as_str().map(str::to_owned);
                life.secret = v["lookup_secret"].as_str().map(str::to_owned);
            }
            if matches!(step.action, "file-counter" | "receive" | "accept-supplement") {
                if let Some(due) = due_of(&v) {
                    life.clock = Some((at, due));
                }
            }
            // Late: the result (approval) after the due date, as the reports count it.
            if step.action == "approve" && life.clock.is_some_and(|(_, due)| at > due) {
                self.late += 1;
            }
        }
        life.steps.is_empty()
    }
}
