//! Proof under AWS faults: a proxy on loopback between the SDK and `moto_server` fails a share
//! of the requests (500s, connections reset before or after the request took effect, delays).
//! Every action either completes or fails cleanly with a retryable error; retried filings keep
//! their code; no dossier is filed twice, no transaction is half-applied, no notice is sent
//! twice.
//!
//! Filings: `MOTCUA_FAULT_FILINGS` (default 30; the long run in docs/reliability.md uses 300).

mod api;
mod capacity;
mod recorder;
mod support;

use std::sync::Arc;

use api::{code_of, Api};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::chain;
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::notify::DeliveryState;
use motcua_domain::ports::{Clock, Outbox};
use motcua_functions::server::Stores;
use motcua_infra::aws::{local_config, moto_endpoint, unique_table};
use motcua_infra::outbox_worker::Courier;
use motcua_infra::{AwsNotifier, DynamoStore, Senders};
use recorder::Recorder;
use serde_json::json;
use support::*;

fn filings() -> usize {
    std::env::var("MOTCUA_FAULT_FILINGS").ok().and_then(|v| v.parse().ok()).unwrap_or(30)
}
/// Faults per thousand requests while the load runs.
const FAULT_RATE: u32 = 200;
const ATTEMPTS: usize = 30;

/// Retryable answers: the store was unavailable, or a write raced.
fn retryable(s: StatusCode) -> bool {
    s == StatusCode::SERVICE_UNAVAILABLE || s == StatusCode::CONFLICT
}

struct MovingClock(std::sync::Mutex<chrono::DateTime<Utc>>);

impl Clock for MovingClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// A new table on moto behind a fault-injecting proxy (injecting nothing yet): the proxy, the
/// SDK configuration through it, the table's name and the store over it.
async fn behind_a_faulty_proxy(prefix: &str) -> (Recorder, aws_config::SdkConfig, String, DynamoStore) {
    let moto = moto_endpoint();
    let proxy = Recorder::start(&moto).await;
    let table = unique_table(prefix);
    motcua_infra::dynamo::create_table(&aws_sdk_dynamodb::Client::new(&local_config(&moto)), &table).await.unwrap();
    // The SDK's own retries stay on (as in production), with short back-offs to keep this fast.
    let retry = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(std::time::Duration::from_millis(20))
        .with_max_backoff(std::time::Duration::from_millis(200));
    let config = local_config(&proxy.endpoint()).to_builder().retry_config(retry).build();
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), &table);
    (proxy, config, table, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn actions_complete_or_fail_cleanly_under_injected_faults() {
    let (proxy, config, _, store) = behind_a_faulty_proxy("faults").await;
    let api = Api::over(Stores::of(store.clone(), None)).await;
    let desk = api.token("tuphap.motcua").await;

    // Their files are uploaded before the faults begin (the next test files under them).
    let mut prepared = vec![];
    for _ in 0..filings() {
        let phone = format!("09{:08}", rand::random::<u32>() % 100_000_000);
        prepared.push((api.with_files(criminal_record_filing(&phone)).await.to_string(), phone));
    }
    proxy.inject(FAULT_RATE);
    let mut statuses = std::collections::BTreeMap::new();
    let mut codes = vec![];
    for (i, (filing, phone)) in prepared.into_iter().enumerate() {
        let key = format!("fault-{}-{i}", rand::random::<u32>());
        let mut code: Option<String> = None;
        for attempt in 0..ATTEMPTS {
            let mut c = api.call("POST", "/v1/dossiers");
            c.body = Some(filing.clone());
            c.key = Some(&key);
            let (s, v) = api.send(c).await;
            *statuses.entry(s.as_u16()).or_insert(0usize) += 1;
            assert!(!s.is_server_error() || s == StatusCode::SERVICE_UNAVAILABLE, "filing {i}: {s} {v}");
            if s == StatusCode::CREATED {
                code = Some(v["code"].as_str().unwrap().to_owned());
                break;
            }
            assert!(retryable(s), "filing {i}, attempt {attempt}: {s} {v}");
        }
        let code = code.unwrap_or_else(|| panic!("filing {i} never went through"));
        // The same key again answers with the same dossier.
        for _ in 0..ATTEMPTS {
            let mut c = api.call("POST", "/v1/dossiers");
            c.body = Some(filing.clone());
            c.key = Some(&key);
            let (s, v) = api.send(c).await;
            if s == StatusCode::CREATED {
                assert_eq!(v["code"], code.as_str(), "a replay names the same dossier");
                break;
            }
            assert!(retryable(s), "replay: {s} {v}");
        }
        codes.push((code, phone));
    }
    for (code, _) in &codes {
        let path = format!("/v1/dossiers/{code}/receive");
        let mut done = false;
        for _ in 0..ATTEMPTS {
            let (s, v) = api.post(&path, Some(&desk), json!({})).await;
            *statuses.entry(s.as_u16()).or_insert(0usize) += 1;
            assert!(!s.is_server_error() || s == StatusCode::SERVICE_UNAVAILABLE, "receive {code}: {s} {v}");
            // An earlier attempt may have landed although its answer was lost.
            if s == StatusCode::OK || (s == StatusCode::CONFLICT && code_of(&v) == "invalid_transition") {
                done = true;
                break;
            }
            assert!(retryable(s), "receive {code}: {s} {v}");
        }
        assert!(done, "{code} was never received");
    }

    // The notices go out through the same faulty proxy.
    let notifier = AwsNotifier::new(
        &config,
        Senders {
            sms_sender_id: None,
            email_from: "khong-tra-loi@motcua.example.gov.vn".into(),
            configuration_set: None,
            sms_receipts: false,
            email_receipts: false,
        },
    );
    let clock = Arc::new(MovingClock(std::sync::Mutex::new(Utc::now())));
    let courier = Courier {
        outbox: Arc::new(store.clone()),
        notifier: Arc::new(notifier),
        enclosures: Arc::new(motcua_functions::enclosures::PrintedForms {
            dossiers: Arc::new(store.clone()),
            catalogue: Arc::new(store.clone()),
            settings: Default::default(),
        }),
        limits: Arc::new(store.clone()),
        clock: clock.clone(),
        caps: SmsCaps { per_dossier_per_day: 100, per_phone_per_day: 100 },
    };
    for _ in 0..60 {
        courier.drain_once().await;
        courier.sweep_once().await;
        *clock.0.lock().unwrap() += Duration::minutes(20);
    }
    let injected = proxy.faults.injected.lock().unwrap().clone();
    let requests = proxy.faults.requests.load(std::sync::atomic::Ordering::SeqCst);
    proxy.inject(0);
    for _ in 0..5 {
        courier.drain_once().await;
        courier.sweep_once().await;
        *clock.0.lock().unwrap() += Duration::hours(2);
    }

    // No duplicate dossier, no half-applied transaction.
    let all = motcua_functions::audit::all_codes(api.home.store.dossiers.as_ref(), api.home.store.catalogue.as_ref())
        .await
        .unwrap();
    let mut filed: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    filed.sort();
    assert_eq!(all, filed, "exactly one dossier per filing");
    let mut states = std::collections::BTreeMap::new();
    let sent = moto_sms_per_phone(&moto_data());
    for (code, phone) in &codes {
        let code = DossierCode::parse(code).unwrap();
        let d = store_get(&store, &code).await;
        let events = motcua_domain::ports::DossierStore::history(&store, &code).await.unwrap();
        assert_eq!(events.len(), 2, "{code}: filed and received, once each");
        assert_eq!(d.version, 2);
        assert!(chain::verify(&code, &events, &d.history_head, d.events).intact, "{code}");
        // Each notice reached the provider at most once.
        let mut delivered = 0;
        for seq in 0..2 {
            let id = format!("{code}:{seq}:sms");
            let m = store.message(&id).await.unwrap().unwrap_or_else(|| panic!("{id} is in the outbox"));
            assert!(m.state.is_final(), "{id} is not stuck: {:?}", m.state);
            delivered += usize::from(m.state == DeliveryState::Delivered);
            *states.entry(m.state.as_str()).or_insert(0usize) += 1;
        }
        let international = format!("+84{}", &phone[1..]);
        let sms = sent.get(&international).copied().unwrap_or(0);
        assert!(sms <= 2, "{code}: {sms} SMS for 2 notices");
        assert!(sms >= delivered, "{code}: every delivered notice was sent");
    }
    println!("{requests} AWS requests, faults injected: {injected:?}; API answers: {statuses:?}; notices: {states:?}");
}

/// Files with real files while S3 and DynamoDB fail a share of their requests: every step
/// completes or fails with a retryable answer, every acknowledged filing holds its file (kept,
/// attached once, its hash in the chain) and no upload is attached twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn files_arrive_and_attach_once_under_injected_faults() {
    use motcua_domain::documents::{kind::samples, Sha256, UploadState};
    use motcua_domain::ports::{FileCheck, FileStore, UploadStore};
    let (proxy, config, table, store) = behind_a_faulty_proxy("faults-files").await;
    motcua_infra::files::S3Files::new(&local_config(&moto_endpoint()), table.as_str()).create_bucket().await.unwrap();
    let files = Arc::new(motcua_infra::files::S3Files::new(&config, table.as_str()));
    let api = Api::over_with_files(Stores::of(store.clone(), None), files.clone()).await;

    proxy.inject(FAULT_RATE);
    let mut statuses = std::collections::BTreeMap::new();
    let mut filed = vec![];
    // Announces a file and sends its bytes until both went through: its upload id.
    let send = |i: usize, bytes: Vec<u8>, media_type: &'static str| {
        let api = &api;
        async move {
            let sha256 = Sha256::of(&bytes);
            let announce = json!({"file_name": "tai-lieu", "size": bytes.len(), "media_type": media_type, "sha256": sha256.as_str()});
            let mut answers = vec![];
            let mut upload = None;
            for _ in 0..ATTEMPTS {
                let (s, v) = api.post("/v1/uploads", None, announce.clone()).await;
                answers.push(s.as_u16());
                if s == StatusCode::CREATED {
                    upload = Some(v);
                    break;
                }
                assert!(retryable(s), "announce {i}: {s} {v}");
            }
            let upload = upload.unwrap_or_else(|| panic!("upload {i} was never announced"));
            let mut sent = false;
            for _ in 0..ATTEMPTS {
                if presigned_put(&upload["upload"], bytes.clone()).await == 200 {
                    sent = true;
                    break;
                }
            }
            assert!(sent, "the bytes of {i} never reached the bucket");
            (upload["id"].as_str().unwrap().to_owned(), sha256, answers)
        }
    };
    for i in 0..filings().min(10) {
        let mut pdf = samples::pdf();
        pdf.extend(format!("% filing {i} {}\n", rand::random::<u64>()).as_bytes());
        let (id, sha256, answers) = send(i, pdf, "application/pdf").await;
        let (scan, scan_sha256, more) = send(i, samples::png(), "image/png").await;
        for s in answers.into_iter().chain(more) {
            *statuses.entry(s).or_insert(0usize) += 1;
        }
        let mut filing = criminal_record_filing(&format!("09{:08}", rand::random::<u32>() % 100_000_000));
        filing["documents"][0] =
            json!({"component": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "upload": id, "sha256": sha256.as_str()});
        filing["documents"][1] =
            json!({"component": "Bản chụp giấy tờ tùy thân", "upload": scan, "sha256": scan_sha256.as_str()});
        let key = format!("fault-files-{}-{i}", rand::random::<u32>());
        let mut code = None;
        for attempt in 0..ATTEMPTS {
            let mut c = api.call("POST", "/v1/dossiers");
            c.body = Some(filing.to_string());
            c.key = Some(&key);
            let (s, v) = api.send(c).await;
            *statuses.entry(s.as_u16()).or_insert(0usize) += 1;
            if s == StatusCode::CREATED {
                code = Some(v["code"].as_str().unwrap().to_owned());
                break;
            }
            assert!(retryable(s), "filing {i}, attempt {attempt}: {s} {v}");
        }
        filed.push((code.unwrap_or_else(|| panic!("filing {i} never went through")), id, sha256));
    }
    proxy.inject(0);

    let all = motcua_functions::audit::all_codes(api.home.store.dossiers.as_ref(), api.home.store.catalogue.as_ref())
        .await
        .unwrap();
    assert_eq!(all.len(), filed.len(), "exactly one dossier per filing");
    for (code, id, sha256) in &filed {
        let code = DossierCode::parse(code).unwrap();
        let d = store_get(&store, &code).await;
        let file = d.documents[0].file.clone().expect("the filing holds its file");
        assert_eq!((&file.id.to_string(), &file.sha256), (id, sha256));
        let upload = store.upload(&file.id).await.unwrap().unwrap();
        assert_eq!(upload.state, UploadState::Attached { dossier: code.clone() }, "attached to its own dossier");
        assert_eq!(files.check(&file).await.unwrap(), FileCheck::Intact, "{code}: kept");
        let events = motcua_domain::ports::DossierStore::history(&store, &code).await.unwrap();
        assert_eq!(events[0].files[0], file);
        assert!(chain::verify(&code, &events, &d.history_head, d.events).intact, "{code}");
    }
    let injected = proxy.faults.injected.lock().unwrap().clone();
    println!("files under faults: injected {injected:?}; API answers: {statuses:?}");
}

async fn store_get(store: &DynamoStore, code: &DossierCode) -> motcua_domain::lifecycle::Dossier {
    motcua_domain::ports::DossierStore::get(store, code).await.unwrap().unwrap().dossier
}
