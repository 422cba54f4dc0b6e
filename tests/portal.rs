//! The national portal's sync on both homes, against the fake portal on loopback
//! (`motcua_functions::fakes::portal`): dossiers walk random lifecycles through the whole API
//! while the portal fails, loses answers, answers too late, refuses, expires sessions and goes
//! down, and on DynamoDB the store's own requests fail under the fault-injecting proxy. Then
//! every transition has reached the portal exactly once and in order per dossier: its books
//! hold each dossier's records and progress lines as the history gives them, no gap, no repeat.

mod api;
mod capacity;
mod recorder;
mod support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use api::Api;
use axum::http::StatusCode;
use chrono::Duration;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::portal::{update_at, NationalCode};
use motcua_functions::fakes::portal::{FakePortal, Faults};
use motcua_functions::server::Stores;
use motcua_infra::portal_http::PortalConfig;
use motcua_infra::portal_worker::PortalCourier;
use serde_json::{json, Value};
use support::*;

const DOSSIERS: usize = 5;
/// A procedure with no national code.
const UNMAPPED: &str = "2.999488";
const MOVES: usize = 30;

/// What a walk may try next: (officer, or `None` for the applicant; action; body).
fn menu() -> Vec<(Option<&'static str>, &'static str, Value)> {
    vec![
        (Some("tuphap.motcua"), "receive", json!({})),
        (Some("tuphap.motcua"), "refuse", json!({"reason": "Sai thẩm quyền"})),
        (
            Some("tuphap.motcua"),
            "request-supplement",
            json!({"reason": "Thiếu", "missing": ["Bản chụp giấy tờ tùy thân"]}),
        ),
        (None, "supplement", json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "b.pdf"}]})),
        (Some("tuphap.motcua"), "accept-supplement", json!({})),
        (Some("tuphap.lanhdao"), "assign", json!({"assignee": "tuphap.chuyenvien"})),
        (Some("tuphap.chuyenvien"), "forward", json!({"assignee": "congan.chuyenvien"})),
        (Some("congan.chuyenvien"), "forward", json!({"assignee": "tuphap.lanhdao"})),
        (Some("tuphap.lanhdao"), "approve", json!({})),
        (Some("tuphap.motcua"), "return", json!({"method": "counter"})),
        (None, "rating", rating()),
    ]
}

fn national() -> Value {
    json!({"procedure": CRIMINAL_RECORD, "national_code": "2.000488", "field_code": "G09-TP01",
        "field_name": "Lý lịch tư pháp"})
}

/// The fake portal on loopback, and the adapter's settings for it (a short timeout, so a slow
/// answer is a timeout).
async fn fake_portal() -> (FakePortal, PortalConfig) {
    let fake = FakePortal::new("tinh-khanhhoa", "mat-khau");
    let at = motcua_functions::fakes::start(fake.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config = PortalConfig {
        url: format!("http://{at}"),
        auth_path: "/auth".into(),
        integration_path: "/integration".into(),
        username: "tinh-khanhhoa".into(),
        password: "mat-khau".into(),
        unit_code: "000.00.00.H56".into(),
        dst_code: "H56".into(),
        timeout: StdDuration::from_millis(300),
    };
    (fake, config)
}

/// Each dossier walks `MOVES` random steps of the menu (refused steps change nothing).
async fn walk(api: &Api, dossiers: &[(String, String)]) -> usize {
    let menu = menu();
    let mut tokens = std::collections::HashMap::new();
    for id in menu.iter().filter_map(|(o, _, _)| *o) {
        tokens.insert(id, api.token(id).await);
    }
    let mut acknowledged = 0;
    for m in 0..MOVES {
        for (code, secret) in dossiers {
            let (officer, action, body) = &menu[(rand::random::<usize>() + m) % menu.len()];
            let mut call = api.call("POST", format!("/v1/dossiers/{code}/{action}"));
            call.body = Some(body.to_string());
            match officer {
                Some(id) => call.token = Some(tokens[id].clone()),
                None => call.secret = Some(secret.clone()),
            }
            let (s, v) = api.send(call).await;
            assert!(!s.is_server_error() || s == StatusCode::SERVICE_UNAVAILABLE, "{action} → {s} {v}");
            acknowledged += usize::from(s == StatusCode::OK);
        }
    }
    acknowledged
}

/// Passes time and drains until nothing is pending (the faults have run out by then).
async fn settle(api: &Api, courier: &PortalCourier) {
    for _ in 0..200 {
        match api.home.store.sync.sync_counts().await {
            Ok(c) if c.pending == 0 => {
                assert_eq!(c.parked, 0, "nothing parked: {:?}", api.home.store.sync.parked_items(10).await);
                return;
            }
            _ => {}
        }
        api.pass(Duration::minutes(3));
        courier.drain_due().await;
    }
    panic!("the queue never drained: {:?}", api.home.store.sync.sync_counts().await);
}

/// What the portal should hold of `code`: each event's record and progress line, in order, a
/// record equal to the one before it sent (and applied) once.
async fn expected(api: &Api, code: &DossierCode) -> (Vec<Value>, Vec<Value>) {
    let (stored, history) = api.home.store.dossiers.get_with_history(code).await.unwrap().unwrap();
    let mut names = std::collections::BTreeMap::new();
    let actors = history.iter().filter_map(|e| e.acting_agency().cloned());
    for a in actors.chain([stored.dossier.agency_code.clone()]) {
        if let Some(found) = api.home.store.catalogue.agency(&a).await.unwrap() {
            names.insert(a, found.name);
        }
    }
    let unit = |a: &AgencyCode| names.get(a).cloned().unwrap_or_else(|| a.to_string());
    let national: NationalCode = serde_json::from_value(national()).unwrap();
    let items = api.home.store.sync.sync_items(code).await.unwrap();
    let (mut records, mut lines): (Vec<Value>, Vec<Value>) = (vec![], vec![]);
    for e in &history {
        let documents = items.iter().find(|i| i.seq == e.seq).and_then(|i| i.documents).map(|n| n as usize);
        let u = update_at(&stored.dossier, &history, e.seq, documents, Some(&national), &unit).unwrap();
        let record = serde_json::to_value(&u.dossier).unwrap();
        if records.last() != Some(&record) {
            records.push(record);
        }
        if let Some(p) = u.progress {
            let line = serde_json::to_value(&p).unwrap();
            if lines.last() != Some(&line) {
                lines.push(line);
            }
        }
    }
    (records, lines)
}

/// The whole proof over `api`'s home; `store_faults` turns the store's own faults on and off.
async fn every_transition_reaches_the_portal_once_in_order(api: Api, store_faults: impl Fn(bool)) {
    let (fake, config) = fake_portal().await;
    let admin = api.token("admin").await;
    let (s, v) = api.put(&format!("/v1/admin/national-codes/{CRIMINAL_RECORD}"), &admin, national()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let courier = api.home.portal_courier(motcua_functions::portal::adapter(config));
    let mut dossiers = vec![];
    for _ in 0..DOSSIERS {
        dossiers.push(api.submit().await);
    }
    // The portal misbehaves while the dossiers move and the courier sends in the background.
    fake.set_faults(Faults {
        fail_next: 2,
        lose_next: 2,
        slow_next: 2,
        slow_ms: 600,
        refuse_next: 1,
        ..Faults::default()
    });
    store_faults(true);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(courier.clone().run(StdDuration::from_millis(20), stopped));
    let acknowledged = walk(&api, &dossiers[..2]).await;
    fake.set_faults(Faults { expire_sessions: true, down_for_ms: 400, lose_next: 2, ..Faults::default() });
    let acknowledged = acknowledged + walk(&api, &dossiers[2..]).await;
    let _ = stop.send(true);
    background.await.unwrap();
    // The portal is back up before the retries come due.
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    settle(&api, &courier).await;
    store_faults(false);
    settle(&api, &courier).await;

    let books = fake.books();
    let mut transitions = 0;
    for (code, _) in &dossiers {
        let code = DossierCode::parse(code).unwrap();
        let (records, lines) = expected(&api, &code).await;
        let key = code.to_string();
        let brief = |rs: &[Value]| -> Vec<String> {
            rs.iter()
                .map(|r| {
                    format!(
                        "{}/{}/{}",
                        r["TrangThaiHoSo"],
                        r["NgayHenTra"],
                        r["DanhSachHoSoBoSung"].as_array().map_or(0, |a| a.len())
                    )
                })
                .collect()
        };
        let held = books.records.get(&key).cloned().unwrap_or_default();
        assert_eq!(brief(&held), brief(&records), "{code}: every record once, in order");
        assert_eq!(held, records, "{code}: every record once, in order");
        assert_eq!(books.progress.get(&key).cloned().unwrap_or_default(), lines, "{code}: every progress line once");
        let items = api.home.store.sync.sync_items(&code).await.unwrap();
        assert!(items.iter().all(|i| i.state == motcua_domain::portal::SyncState::Acknowledged), "{items:?}");
        transitions += items.len();
        let officer = api.token("tuphap.motcua").await;
        let (s, view) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&officer), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(view["portal_sync"]["pending"], 0);
        assert_eq!(view["portal_sync"]["acknowledged"], items.len() as u64 - 1);
    }
    assert_eq!(transitions, DOSSIERS + acknowledged, "one item per filing and per acknowledged action");
    assert!(books.repeats > 0, "lost and late answers were sent again and taken as repeats: {books:?}");
    assert!(books.logins >= 2, "an expired session was renewed");
    println!(
        "{transitions} transitions; portal: {} calls, {} repeats, {} logins",
        books.calls, books.repeats, books.logins
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_transition_reaches_the_portal_once_in_order_on_sqlite() {
    every_transition_reaches_the_portal_once_in_order(Api::many_filings().await, |_| {}).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_transition_reaches_the_portal_once_in_order_on_dynamodb_under_faults() {
    let moto = motcua_infra::aws::moto_endpoint();
    let proxy = Arc::new(recorder::Recorder::start(&moto).await);
    let table = motcua_infra::aws::unique_table("portal");
    let direct = aws_sdk_dynamodb::Client::new(&motcua_infra::aws::local_config(&moto));
    motcua_infra::dynamo::create_table(&direct, &table).await.unwrap();
    let retry = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(StdDuration::from_millis(20))
        .with_max_backoff(StdDuration::from_millis(200));
    let config = motcua_infra::aws::local_config(&proxy.endpoint()).to_builder().retry_config(retry).build();
    // Counting as it commits, as `motcua serve --store dynamodb` does (no stream consumer here).
    let store = motcua_infra::DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), &table).counting_inline();
    let api = Api::over(Stores::of(store, None)).await;
    let faults = proxy.clone();
    every_transition_reaches_the_portal_once_in_order(api, move |on| faults.inject(if on { 100 } else { 0 })).await;
    let injected = proxy.faults.injected.lock().unwrap().clone();
    println!("store faults injected: {injected:?}");
}

#[tokio::test]
async fn an_unmapped_procedure_parks_visibly_until_its_code_is_set_and_reconciled() {
    let (fake, config) = fake_portal().await;
    let mut api = Api::many_filings().await;
    let admin = api.token("admin").await;
    let (s, v) = api.post("/v1/admin/portal/reconcile", Some(&admin), json!({"parked": true})).await;
    assert_eq!((s, api::code_of(&v)), (StatusCode::CONFLICT, "portal_not_configured"));

    let portal = motcua_functions::portal::adapter(config);
    api.home.portal = Some(portal.clone());
    api.app = motcua_functions::routes::app(api.home.state());
    let courier = api.home.portal_courier(portal);
    // A procedure the province added without its national code.
    let mut added = api.home.store.catalogue.procedure(CRIMINAL_RECORD).await.unwrap().unwrap();
    added.code = UNMAPPED.into();
    let (s, v) =
        api.put(&format!("/v1/admin/procedures/{UNMAPPED}"), &admin, serde_json::to_value(&added).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut filing = criminal_record_filing("0912345678");
    filing["procedure_code"] = json!(UNMAPPED);
    let (s, v) = api.file(filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    courier.drain_due().await;
    let (s, status) = api.get("/v1/admin/portal/sync", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{status}");
    assert_eq!((status["pending"].as_u64(), status["parked"].as_u64()), (Some(0), Some(1)));
    assert_eq!(status["parked_items"][0]["dossier"], code.as_str());
    assert!(status["parked_items"][0]["reason"].as_str().unwrap().contains(UNMAPPED));
    let officer = api.token("tuphap.motcua").await;
    let (_, view) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&officer), None).await;
    assert_eq!(view["portal_sync"]["parked"]["seq"], 0);
    assert!(view["portal_sync"]["acknowledged"].is_null());
    // A later transition waits behind the parked one.
    let (s, _) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&officer), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    courier.drain_due().await;
    assert!(fake.books().records.is_empty(), "nothing sent while the first item is parked");

    let bad = json!({"procedure": UNMAPPED, "national_code": "x y", "field_code": "a", "field_name": "b"});
    let (s, v) = api.put(&format!("/v1/admin/national-codes/{UNMAPPED}"), &admin, bad).await;
    assert_eq!((s, api::code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_national_code"));
    let unknown = json!({"procedure": "9.999999", "national_code": "9.999999", "field_code": "a", "field_name": "b"});
    let (s, _) = api.put("/v1/admin/national-codes/9.999999", &admin, unknown).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mapped = json!({"procedure": UNMAPPED, "national_code": "2.000488", "field_code": "G09-TP01",
        "field_name": "Lý lịch tư pháp"});
    let (s, _) = api.put(&format!("/v1/admin/national-codes/{UNMAPPED}"), &admin, mapped).await;
    assert_eq!(s, StatusCode::OK);
    let (s, listed) = api.get("/v1/admin/national-codes?limit=100", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let items = listed["items"].as_array().unwrap();
    assert!(items.iter().any(|c| c["procedure"] == UNMAPPED && c["national_code"] == "2.000488"), "{listed}");
    assert!(items.iter().any(|c| c["procedure"] == CRIMINAL_RECORD), "the sample catalogue's codes are seeded");

    let (s, v) = api.post("/v1/admin/portal/reconcile", Some(&admin), json!({"parked": true})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["results"][0]["dossier"], code.as_str());
    assert_eq!((v["results"][0]["portal"].as_str(), v["results"][0]["requeued"].as_bool()), (None, Some(true)));
    courier.drain_due().await;
    let books = fake.books();
    let statuses: Vec<&str> = books.records[&code].iter().map(|r| r["TrangThaiHoSo"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["1", "2"], "both events, in order, once the code exists");
    let lead = api.token("tuphap.lanhdao").await;
    let today = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now()).date();
    let (s, card) = api.get(&format!("/v1/reports/score-card?from={today}&to={today}"), Some(&lead), None).await;
    assert_eq!(s, StatusCode::OK, "{card}");
    let sync = card["total"]["components"].as_array().unwrap().iter().find(|c| c["key"] == "status_sync").unwrap();
    assert_eq!((sync["inputs"][0]["numerator"].as_i64(), sync["points"].as_f64()), (Some(1), Some(6.0)), "{sync}");
    let (_, status) = api.get("/v1/admin/portal/sync", Some(&admin), None).await;
    assert_eq!((status["pending"].as_u64(), status["parked"].as_u64()), (Some(0), Some(0)));
    let (s, v) = api.post("/v1/admin/portal/reconcile", Some(&admin), json!({"dossiers": [code]})).await;
    assert_eq!(
        (s, v["results"][0]["portal"].as_str(), v["results"][0]["requeued"].as_bool()),
        (StatusCode::OK, Some("2"), Some(false))
    );
    let (s, v) = api.post("/v1/admin/portal/reconcile", Some(&admin), json!({"dossiers": ["nope"]})).await;
    assert_eq!((s, api::code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_dossier_code"));
    let (s, _) = api.get("/v1/admin/portal/sync", Some(&officer), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
