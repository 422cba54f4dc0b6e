//! A fake national document axis (`../shared/INTEGRATIONS.md` §6): `sendEdoc`,
//! `getReceivedEdocList`, `getEdoc` and `updateStatus`, each call's headers checked against the
//! calling system's secret as the axis does. Each system sees what was sent to it until it
//! settles it. A test plays the other agency with [`FakeAxis::deliver`] (a package or status
//! packet from it) and reads what was sent to it with [`FakeAxis::sent_to`]. `POST /fake/faults`
//! `POST /fake/answer` makes an agency answer a package it was sent with a status packet (for
//! demonstrations: `motcua fakes`). `POST /fake/faults` sets what goes wrong next: the axis down, a listing that shows a message twice, a settlement
//! answered but lost (the message comes back: a replay).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use chrono::Timelike;
use motcua_domain::axis::{
    signing, Attachment, Organ, Package, ResponseFor, Signer, Staff, StatusCode as Code, StatusPacket,
};
use motcua_domain::ports::AxisMessage;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::take;

/// What goes wrong next (each counter counts down).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Every call answers 503.
    pub fail_next: u32,
    /// The next listing shows each message twice.
    pub twice_next: u32,
    /// The next settlement is answered OK but not kept: the message is listed again.
    pub lose_settle_next: u32,
}

/// A message on the axis.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub doc_id: String,
    pub from: String,
    pub to: Vec<String>,
    #[serde(skip)]
    pub kind: Option<AxisMessage>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// `done` or `fail`, once the receiver settled it.
    pub settled: Option<String>,
}

#[derive(Default)]
struct Inner {
    messages: Vec<Message>,
    faults: Faults,
    /// Calls refused for their signature.
    refused: u64,
}

/// The fake, shared by its server and the test that plays the other agencies.
#[derive(Clone)]
pub struct FakeAxis {
    inner: Arc<Mutex<Inner>>,
    /// Systems and their secrets.
    systems: Arc<BTreeMap<String, String>>,
}

impl FakeAxis {
    pub fn new(systems: &[(&str, &str)]) -> Self {
        Self {
            inner: Arc::default(),
            systems: Arc::new(systems.iter().map(|(s, k)| ((*s).to_owned(), (*k).to_owned())).collect()),
        }
    }

    pub async fn start(&self, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
        let app = Router::new()
            .route("/sendEdoc", post(send))
            .route("/getReceivedEdocList", post(list))
            .route("/getEdoc", post(get))
            .route("/updateStatus", post(update))
            .route("/fake/faults", post(set_faults))
            .route("/fake/answer", post(answer_route))
            .with_state(self.clone());
        super::start(app, addr).await
    }

    pub fn set_faults(&self, faults: Faults) {
        self.inner.lock().expect("fake axis").faults = faults;
    }

    /// Another agency (`from`) sends `bytes` to `to`; the DocId.
    pub fn deliver(&self, from: &str, to: &str, kind: AxisMessage, bytes: Vec<u8>) -> String {
        let mut inner = self.inner.lock().expect("fake axis");
        let doc_id = format!("{}", 9_000_001 + inner.messages.len());
        inner.messages.push(Message {
            doc_id: doc_id.clone(),
            from: from.into(),
            to: vec![to.into()],
            kind: Some(kind),
            bytes,
            settled: None,
        });
        doc_id
    }

    /// The agency `organ` (named `organ_name`) answers the package `doc_id` it was sent with a
    /// status packet `code`, as its own system would: to the system that sent the package. The
    /// packet's DocId; none when `organ` was sent no such package.
    pub fn answer(&self, organ: &str, organ_name: &str, doc_id: &str, code: Code, description: &str) -> Option<String> {
        let (sender, package) = {
            let inner = self.inner.lock().expect("fake axis");
            let m = inner.messages.iter().find(|m| m.doc_id == doc_id && m.to.iter().any(|t| t == organ))?;
            (m.from.clone(), Package::parse(&m.bytes).ok()?)
        };
        let now = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now());
        let packet = StatusPacket {
            response_for_organ: package.from.id.clone(),
            response_for_code: format!("{}/{}", package.code_number, package.code_notation),
            response_for_date: package.promulgated,
            document_id: package.document_id(),
            from: Organ { id: organ.into(), name: organ_name.into() },
            code,
            description: description.into(),
            // Whole seconds, as the axis keeps them; one later than the last answer.
            at: now.with_nanosecond(0).unwrap_or(now) + chrono::Duration::seconds(self.answers()),
            staff: Some(Staff {
                department: "Bộ phận tiếp nhận".into(), name: "Cán bộ tiếp nhận".into()
            }),
        };
        Some(self.deliver(organ, &sender, AxisMessage::Status, packet.to_xml()))
    }

    /// The agency `organ` replies to the package `doc_id` it was sent with a document of its
    /// own (`subject`, its files `attachments` as (name, bytes)), as its system would: an edXML
    /// package naming ours in its `ResponseFor`. The reply's DocId; none when `organ` was sent no
    /// such package.
    pub fn reply(
        &self,
        organ: &str,
        organ_name: &str,
        doc_id: &str,
        subject: &str,
        files: &[(&str, Vec<u8>)],
    ) -> Option<String> {
        let (sender, ours) = {
            let inner = self.inner.lock().expect("fake axis");
            let m = inner.messages.iter().find(|m| m.doc_id == doc_id && m.to.iter().any(|t| t == organ))?;
            (m.from.clone(), Package::parse(&m.bytes).ok()?)
        };
        let now = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now());
        let number = 100 + self.answers();
        let reply = Package {
            from: Organ { id: organ.into(), name: organ_name.into() },
            to: ours.from.clone(),
            code_number: number.to_string(),
            code_notation: "PV06".into(),
            place: String::new(),
            promulgated: now.date(),
            type_code: "18".into(),
            type_name: "Công văn".into(),
            subject: subject.into(),
            content: String::new(),
            signer: Signer {
                competence: "KT.".into(), position: "Phó Giám đốc".into(), full_name: "Cán bộ ký".into()
            },
            due: None,
            response_for: Some(ResponseFor {
                organ_id: ours.from.id.clone(),
                code: format!("{}/{}", ours.code_number, ours.code_notation),
                promulgated: ours.promulgated,
                document_id: ours.document_id(),
            }),
            trace: vec![],
            attachments: files
                .iter()
                .enumerate()
                .map(|(i, (name, bytes))| Attachment {
                    content_id: format!("{:04}", i + 1),
                    name: (*name).into(),
                    content_type: "application/pdf".into(),
                    description: (*name).into(),
                    bytes: bytes.clone(),
                })
                .collect(),
        };
        Some(self.deliver(organ, &sender, AxisMessage::Document, reply.to_xml()))
    }

    fn answers(&self) -> i64 {
        let inner = self.inner.lock().expect("fake axis");
        inner.messages.iter().filter(|m| m.kind == Some(AxisMessage::Status)).count() as i64
    }

    /// What was sent to `organ`: (DocId, kind, bytes, settled), oldest first.
    pub fn sent_to(&self, organ: &str) -> Vec<(String, AxisMessage, Vec<u8>, Option<String>)> {
        let inner = self.inner.lock().expect("fake axis");
        inner
            .messages
            .iter()
            .filter(|m| m.to.iter().any(|t| t == organ))
            .map(|m| (m.doc_id.clone(), m.kind.unwrap_or(AxisMessage::Document), m.bytes.clone(), m.settled.clone()))
            .collect()
    }

    /// Calls refused for their signature.
    pub fn refused(&self) -> u64 {
        self.inner.lock().expect("fake axis").refused
    }

    /// The call's signed parameters, or why it is not answered.
    fn admit(&self, headers: &HeaderMap) -> Result<BTreeMap<String, String>, Unanswered> {
        let mut inner = self.inner.lock().expect("fake axis");
        if take(&mut inner.faults.fail_next) {
            return Err(Unanswered::Down);
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        signing::verify(header, |system| self.systems.get(system).cloned()).map_err(|why| {
            inner.refused += 1;
            Unanswered::Signature(why)
        })
    }
}

/// Why a call gets no answer of the protocol.
enum Unanswered {
    Down,
    Signature(String),
}

impl IntoResponse for Unanswered {
    fn into_response(self) -> Response {
        match self {
            Unanswered::Down => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            Unanswered::Signature(why) => {
                Json(json!({"status": "FAIL", "ErrorCode": "401", "ErrorDesc": why})).into_response()
            }
        }
    }
}

fn kind_of(params: &BTreeMap<String, String>) -> AxisMessage {
    match params.get("messagetype").map(String::as_str) {
        Some("status") => AxisMessage::Status,
        _ => AxisMessage::Document,
    }
}

async fn send(State(fake): State<FakeAxis>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let params = match fake.admit(&headers) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let to: Vec<String> = params.get("to").and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    if to.is_empty() || body.is_empty() {
        return Json(json!({"status": "FAIL", "ErrorCode": "400", "ErrorDesc": "to and a body are required"}))
            .into_response();
    }
    let from = params.get("systemid").cloned().unwrap_or_default();
    let mut inner = fake.inner.lock().expect("fake axis");
    let doc_id = format!("{}", 9_000_001 + inner.messages.len());
    inner.messages.push(Message {
        doc_id: doc_id.clone(),
        from,
        to,
        kind: Some(kind_of(&params)),
        bytes: body.to_vec(),
        settled: None,
    });
    Json(json!({"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "DocId": doc_id})).into_response()
}

async fn list(State(fake): State<FakeAxis>, headers: HeaderMap) -> Response {
    let params = match fake.admit(&headers) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let me = params.get("systemid").cloned().unwrap_or_default();
    let kind = kind_of(&params);
    let mut inner = fake.inner.lock().expect("fake axis");
    let twice = take(&mut inner.faults.twice_next);
    let mut data: Vec<serde_json::Value> = inner
        .messages
        .iter()
        .filter(|m| m.settled.is_none() && m.kind == Some(kind) && m.to.contains(&me))
        .map(|m| json!({"docId": m.doc_id, "from": m.from, "to": me, "messageType": kind.as_str(), "serviceType": "eDoc"}))
        .collect();
    if twice {
        data.extend(data.clone());
    }
    Json(json!({"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "data": data})).into_response()
}

async fn get(State(fake): State<FakeAxis>, headers: HeaderMap) -> Response {
    let params = match fake.admit(&headers) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let me = params.get("systemid").cloned().unwrap_or_default();
    let id = params.get("docId").cloned().unwrap_or_default();
    let inner = fake.inner.lock().expect("fake axis");
    match inner.messages.iter().find(|m| m.doc_id == id && m.to.contains(&me)) {
        Some(m) => {
            let data = base64::engine::general_purpose::STANDARD.encode(&m.bytes);
            Json(json!({"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "data": data})).into_response()
        }
        None => {
            Json(json!({"status": "FAIL", "ErrorCode": "404", "ErrorDesc": "no such document for you"})).into_response()
        }
    }
}

async fn update(State(fake): State<FakeAxis>, headers: HeaderMap) -> Response {
    let params = match fake.admit(&headers) {
        Ok(p) => p,
        Err(r) => return r.into_response(),
    };
    let me = params.get("systemid").cloned().unwrap_or_default();
    let id = params.get("docId").cloned().unwrap_or_default();
    let status = params.get("status").cloned().unwrap_or_default();
    if !["processing", "done", "fail"].contains(&status.as_str()) {
        return Json(json!({"status": "FAIL", "ErrorCode": "400", "ErrorDesc": "status is processing, done or fail"}))
            .into_response();
    }
    let mut inner = fake.inner.lock().expect("fake axis");
    let lose = take(&mut inner.faults.lose_settle_next);
    match inner.messages.iter_mut().find(|m| m.doc_id == id && m.to.contains(&me)) {
        Some(m) => {
            if status != "processing" && !lose {
                m.settled = Some(status);
            }
            Json(json!({"status": "OK", "ErrorCode": "0", "ErrorDesc": ""})).into_response()
        }
        None => {
            Json(json!({"status": "FAIL", "ErrorCode": "404", "ErrorDesc": "no such document for you"})).into_response()
        }
    }
}

/// `POST /fake/answer`: an agency answers a package it was sent.
#[derive(Debug, Deserialize)]
struct AnswerRequest {
    organ: String,
    #[serde(default)]
    organ_name: Option<String>,
    doc_id: String,
    /// `01`…`06`, `13`, `15`, `16`.
    code: String,
    #[serde(default)]
    description: String,
}

async fn answer_route(State(fake): State<FakeAxis>, Json(r): Json<AnswerRequest>) -> Response {
    let Some(code) = Code::parse(&r.code) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "code is 01 to 06, 13, 15 or 16").into_response();
    };
    let name = r.organ_name.unwrap_or_else(|| r.organ.clone());
    match fake.answer(&r.organ, &name, &r.doc_id, code, &r.description) {
        Some(doc_id) => Json(json!({"doc_id": doc_id})).into_response(),
        None => (StatusCode::NOT_FOUND, "no such package was sent to that agency").into_response(),
    }
}

async fn set_faults(State(fake): State<FakeAxis>, Json(faults): Json<Faults>) -> StatusCode {
    fake.set_faults(faults);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use motcua_domain::ports::{AxisError, DocumentAxis};
    use motcua_infra::axis_http::{AxisConfig, AxisHttp};

    use super::*;

    const US: &str = "000.00.03.H56";
    const POLICE: &str = "000.00.20.H56";

    fn adapter(at: std::net::SocketAddr, secret: &str) -> AxisHttp {
        AxisHttp::new(AxisConfig {
            url: format!("http://{at}"),
            system_id: US.into(),
            secret: secret.into(),
            timeout: std::time::Duration::from_secs(5),
        })
    }

    fn status(document_id: &str) -> StatusPacket {
        StatusPacket {
            response_for_organ: US.into(),
            response_for_code: "12/STP-HCTP".into(),
            response_for_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            document_id: document_id.into(),
            from: Organ { id: POLICE.into(), name: "Công an tỉnh".into() },
            code: Code::Accepted,
            description: String::new(),
            at: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(10, 0, 0).unwrap(),
            staff: None,
        }
    }

    /// The adapter and the fake speak the same signed protocol: a package goes out, a status
    /// comes back and is listed until settled; a listing twice, a settlement lost and a wrong
    /// secret behave as the axis would.
    #[tokio::test]
    async fn the_adapter_sends_lists_fetches_and_settles_against_the_fake_axis() {
        let fake = FakeAxis::new(&[(US, "bi-mat-cua-tinh"), (POLICE, "bi-mat-cong-an")]);
        let at = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let axis = adapter(at, "bi-mat-cua-tinh");

        let doc = axis.send(&[POLICE.into()], AxisMessage::Document, b"<edXML/>".to_vec()).await.unwrap();
        let sent = fake.sent_to(POLICE);
        assert_eq!((sent.len(), sent[0].0.as_str(), sent[0].2.as_slice()), (1, doc.as_str(), &b"<edXML/>"[..]));

        let answer = fake.deliver(POLICE, US, AxisMessage::Status, status("x").to_xml());
        assert!(
            axis.waiting(AxisMessage::Document).await.unwrap().is_empty(),
            "documents and statuses are listed apart"
        );
        fake.set_faults(Faults { twice_next: 1, ..Faults::default() });
        let waiting = axis.waiting(AxisMessage::Status).await.unwrap();
        assert_eq!(waiting.len(), 2, "listed twice: the reader must take it once");
        assert_eq!((waiting[0].doc_id.as_str(), waiting[0].from.as_str()), (answer.as_str(), POLICE));
        let bytes = axis.fetch(&answer).await.unwrap();
        assert_eq!(StatusPacket::parse(&bytes).unwrap(), status("x"));
        fake.set_faults(Faults { lose_settle_next: 1, ..Faults::default() });
        axis.settle(&answer, true).await.unwrap();
        assert_eq!(axis.waiting(AxisMessage::Status).await.unwrap().len(), 1, "a lost settlement: listed again");
        axis.settle(&answer, true).await.unwrap();
        assert!(axis.waiting(AxisMessage::Status).await.unwrap().is_empty());
        assert!(matches!(axis.fetch("404").await, Err(AxisError::Refused(_))));

        let stranger = adapter(at, "not-the-secret");
        assert!(matches!(stranger.waiting(AxisMessage::Status).await, Err(AxisError::Refused(_))));
        assert_eq!(fake.refused(), 1);
        fake.set_faults(Faults { fail_next: 1, ..Faults::default() });
        assert!(matches!(axis.waiting(AxisMessage::Status).await, Err(AxisError::Unavailable(_))));
    }
}
