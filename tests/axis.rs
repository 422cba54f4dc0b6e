//! Liên thông qua trục, on both homes, against the fake national document axis and the fake
//! postal operator on loopback: a criminal-record dossier whose police step belongs to an agency
//! that runs its own system is handed to it as an edXML package (through the outbox: the axis
//! down, the package goes later), the police's status packets move the step (listed twice, a
//! settlement lost, a forged and a malformed packet among them: each applied once, the others
//! refused and journaled, nothing half-applied), the completion gives the step back, the
//! leader approves and the result goes by post until the operator confirms its delivery.

mod api;
mod support;

use std::sync::Arc;

use api::{code_of, Api};
use axum::http::StatusCode;
use motcua_domain::axis::{Package, StatusCode as Code};
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::ports::{AxisMessage, NoEnclosures};
use motcua_domain::postal::ShipmentState;
use motcua_functions::fakes::axis::{FakeAxis, Faults};
use motcua_functions::fakes::postal::FakePost;
use motcua_infra::axis_http::AxisConfig;
use motcua_infra::channels::ByChannel;
use motcua_infra::outbox_worker::Courier;
use motcua_infra::postal_http::PostalConfig;
use motcua_infra::LocalSink;
use serde_json::{json, Value};

const US: &str = "KHANHHOA-MC";
const SECRET: &str = "khoa-ky-truc-lien-thong";
const POLICE: &str = "000.00.20.H56";

/// Both fakes, `api` turned to them (the police on the axis) and served on loopback for the
/// operator's callbacks; the courier that sends the outbox, hand-overs included.
async fn wired(api: &mut Api, sink: &std::path::Path) -> (FakeAxis, FakePost, Courier) {
    let axis = FakeAxis::new(&[(US, SECRET)]);
    let at = axis.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let adapter = motcua_functions::axis::adapter(AxisConfig {
        url: format!("http://{at}"),
        system_id: US.into(),
        secret: SECRET.into(),
        timeout: std::time::Duration::from_secs(2),
    });
    let post = FakePost::new("KHANHHOA-01", "ma-truy-cap", "khoa-ky-cap-nhat-buu-gui", "http://127.0.0.1:9/unset");
    let post_at = post.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    api.home.postal = Some(motcua_functions::postal::adapter(PostalConfig {
        url: format!("http://{post_at}"),
        customer: "KHANHHOA-01".into(),
        token: "ma-truy-cap".into(),
        secret: "khoa-ky-cap-nhat-buu-gui".into(),
        codes: Default::default(),
        timeout: std::time::Duration::from_secs(2),
    }));
    api.home.axis = Some(adapter.clone());
    api.app = motcua_functions::routes::app(api.home.state());
    let served = motcua_functions::fakes::start(api.app.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    post.set_callback_url(&format!("http://{served}/v1/postal/callback"));
    let base: Arc<dyn motcua_domain::ports::Notifier> = Arc::new(LocalSink::open(sink).unwrap());
    let courier = Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(ByChannel {
            sms: base.clone(),
            email: base,
            zalo: None,
            axis: Some(Arc::new(motcua_functions::axis::sender(&api.home.state(), adapter))),
        }),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    };
    (axis, post, courier)
}

/// The police run their own system: reached through the axis.
async fn police_on_the_axis(api: &Api) {
    let code = motcua_domain::codes::AgencyCode::parse(POLICE).unwrap();
    let mut police = api.home.store.catalogue.agency(&code).await.unwrap().unwrap();
    police.external = true;
    let admin = api.token("admin").await;
    let (s, v) = api.put(&format!("/v1/admin/agencies/{POLICE}"), &admin, serde_json::to_value(&police).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["external"], true);
}

async fn act(api: &Api, officer: &str, code: &str, action: &str, body: Value) -> (StatusCode, Value) {
    let token = api.token(officer).await;
    api.post(&format!("/v1/dossiers/{code}/{action}"), Some(&token), body).await
}

async fn view(api: &Api, code: &str) -> Value {
    let token = api.token("tuphap.lanhdao").await;
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn receive_round(api: &Api) -> Value {
    let admin = api.token("admin").await;
    let (s, v) = api.post("/v1/admin/axis/receive", Some(&admin), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn round(applied: u64, repeats: u64, refused: u64, left: u64) -> Value {
    json!({"applied": applied, "repeats": repeats, "refused": refused, "left": left})
}

fn axis_events(v: &Value) -> usize {
    v["history"].as_array().unwrap().iter().filter(|e| e["action"] == "axis_status").count()
}

async fn a_dossier_runs_through_the_police_on_the_axis_and_home_by_post(mut api: Api) {
    let dir = tempfile::tempdir().unwrap();
    let (code, secret, _) = api.submit_with_file().await;
    let address = json!({"recipient": "Nguyễn Thị Minh Khai", "phone": "0912345678", "street": "12 Trần Phú",
                         "commune": "Phường Nha Trang", "province": "Khánh Hòa"});
    let (s, v) = api
        .post_secret(&format!("/v1/dossiers/{code}/postal-return"), Some(&secret), json!({"delivery_address": address}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(act(&api, "tuphap.motcua", &code, "receive", json!({})).await.0, StatusCode::OK);
    let (s, _) = act(&api, "tuphap.lanhdao", &code, "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    assert_eq!(s, StatusCode::OK);

    // Without an axis, a hand-over to an agency on it is refused and changes nothing.
    police_on_the_axis(&api).await;
    let (s, v) = act(&api, "tuphap.chuyenvien", &code, "forward", json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "axis_not_configured"), "{v}");
    let (axis, post, courier) = wired(&mut api, &dir.path().join("sink.jsonl")).await;
    // The police's step goes to their system, not to one of their officers.
    let (s, v) = act(&api, "tuphap.chuyenvien", &code, "forward", json!({"assignee": "congan.chuyenvien"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "external_step_takes_no_assignee"), "{v}");
    let (s, v) = act(&api, "tuphap.chuyenvien", &code, "forward", json!({"note": "Đề nghị tra cứu lý lịch"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let exchange = v["exchanges"][0].clone();
    assert_eq!((exchange["agency"].as_str(), exchange["state"].as_str()), (Some(POLICE), Some("sent")), "{v}");
    assert_eq!(v["current_step"]["index"], 1);
    assert!(v["current_step"]["assignee"].is_null(), "{}", v["current_step"]);
    let document_id = exchange["document_id"].as_str().unwrap().to_owned();
    // While away, nobody here holds or gives the step.
    let (s, v) = act(&api, "congan.lanhdao", &code, "assign", json!({"assignee": "congan.chuyenvien"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "step_with_other_agency"), "{v}");

    // The axis is down when the outbox first tries: the package goes on the next attempt, once.
    axis.set_faults(Faults { fail_next: 1, ..Faults::default() });
    courier.drain_once().await;
    assert!(axis.sent_to(POLICE).is_empty());
    api.pass(chrono::Duration::minutes(10));
    courier.drain_once().await;
    courier.drain_once().await;
    let sent = axis.sent_to(POLICE);
    assert_eq!(sent.len(), 1, "one package");
    let (doc_id, kind, bytes, _) = sent[0].clone();
    assert_eq!(kind, AxisMessage::Document);
    let package = Package::parse(&bytes).expect("a package of the standard");
    assert_eq!(package.document_id(), document_id);
    assert_eq!((package.to.id.as_str(), package.to.name.as_str()), (POLICE, "Công an tỉnh"));
    assert_eq!(package.attachments.len(), 2, "the dossier's files travel with it");
    assert_eq!(package.attachments[0].bytes, motcua_domain::documents::kind::samples::pdf());
    assert!(package.content.contains(&code), "{}", package.content);

    // Arrived, listed twice by the axis: applied once.
    axis.answer(POLICE, "Công an tỉnh Khánh Hòa", &doc_id, Code::Arrived, "").unwrap();
    axis.set_faults(Faults { twice_next: 1, ..Faults::default() });
    assert_eq!(receive_round(&api).await, round(1, 0, 0, 0));
    // Accepted, its settlement lost: given again, a repeat, nothing written.
    axis.answer(POLICE, "Công an tỉnh Khánh Hòa", &doc_id, Code::Accepted, "Đã tiếp nhận").unwrap();
    axis.set_faults(Faults { lose_settle_next: 1, ..Faults::default() });
    assert_eq!(receive_round(&api).await, round(1, 0, 0, 0));
    assert_eq!(receive_round(&api).await, round(0, 1, 0, 0));
    let v = view(&api, &code).await;
    assert_eq!((axis_events(&v), v["exchanges"][0]["state"].as_str()), (2, Some("accepted")));
    assert_eq!(v["history"].as_array().unwrap().last().unwrap()["actor"], json!({"kind": "agency", "agency": POLICE}));
    // Another agency answering for the police, and a packet that is no XML of the standard:
    // refused, journaled, nothing applied.
    axis.answer(POLICE, "x", &doc_id, Code::Processing, "").unwrap();
    let forged = axis.sent_to(US).last().unwrap().2.clone();
    let forged = String::from_utf8(forged).unwrap().replace(&format!(">{POLICE}<"), ">000.00.99.H56<");
    axis.deliver("000.00.99.H56", US, AxisMessage::Status, forged.into_bytes());
    axis.deliver(
        POLICE,
        US,
        AxisMessage::Status,
        b"<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]><x>&a;</x>".to_vec(),
    );
    assert_eq!(receive_round(&api).await, round(1, 0, 2, 0));
    let v = view(&api, &code).await;
    assert_eq!((axis_events(&v), v["exchanges"][0]["state"].as_str()), (3, Some("processing")));
    let admin = api.token("admin").await;
    let (s, journal) = api.get("/v1/admin/axis/journal?limit=50", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{journal}");
    let entries = journal["items"].as_array().unwrap();
    let outcomes: Vec<&str> = entries.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "refused").count(), 2, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == "sent").count(), 1, "{outcomes:?}");
    assert!(entries.iter().all(|e| e["sha256"].as_str().unwrap().len() == 64));
    assert!(entries.iter().any(|e| e["reason"].as_str().unwrap_or_default().contains("comes from 000.00.99.H56")));

    // Completed: the step comes back, the leader approves, the result goes by post.
    axis.answer(POLICE, "Công an tỉnh Khánh Hòa", &doc_id, Code::Completed, "Không có án tích").unwrap();
    assert_eq!(receive_round(&api).await, round(1, 0, 0, 0));
    let v = view(&api, &code).await;
    assert_eq!(
        (v["current_step"]["index"].as_u64(), v["exchanges"][0]["state"].as_str()),
        (Some(2), Some("completed"))
    );
    let note = v["history"].as_array().unwrap().last().unwrap()["note"].as_str().unwrap().to_owned();
    assert!(note.contains("Không có án tích"), "{note}");
    // Their reply document follows, its settlement lost: its file kept once, for officers only.
    let pdf = motcua_domain::documents::kind::samples::pdf();
    axis.reply(POLICE, "Công an tỉnh Khánh Hòa", &doc_id, "Kết quả tra cứu lý lịch", &[("ket-qua.pdf", pdf.clone())])
        .unwrap();
    axis.set_faults(Faults { lose_settle_next: 1, ..Faults::default() });
    assert_eq!(receive_round(&api).await, round(1, 0, 0, 0));
    assert_eq!(receive_round(&api).await, round(0, 1, 0, 0));
    let v = view(&api, &code).await;
    let reply = &v["exchanges"][0]["replies"][0];
    assert_eq!(reply["subject"], "Kết quả tra cứu lý lịch", "{v}");
    assert_eq!(v["exchanges"][0]["replies"].as_array().unwrap().len(), 1);
    let file = reply["files"][0]["file"]["id"].as_str().unwrap().to_owned();
    let leader = api.token("tuphap.lanhdao").await;
    let bearer = format!("Bearer {leader}");
    let (s, bytes, _) = api
        .raw(
            "GET",
            &format!("/v1/officer/dossiers/{code}/files/{file}"),
            &[("authorization", &bearer)],
            Default::default(),
        )
        .await;
    assert_eq!((s, bytes), (StatusCode::OK, pdf), "the reply's file, as the police sent it");
    let (s, _, _) = api
        .raw("GET", &format!("/v1/dossiers/{code}/files/{file}"), &[("x-lookup-secret", &secret)], Default::default())
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "between agencies: not the applicant's to read");
    // A document that replies to nothing of ours: refused.
    axis.deliver(POLICE, US, AxisMessage::Document, package.to_xml());
    assert_eq!(receive_round(&api).await, round(0, 0, 1, 0));
    let (s, v) = act(&api, "tuphap.lanhdao", &code, "approve", json!({})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("resolved")), "{v}");
    // A late packet about the finished hand-over: refused, the dossier untouched.
    axis.answer(POLICE, "Công an tỉnh Khánh Hòa", &doc_id, Code::Processing, "").unwrap();
    assert_eq!(receive_round(&api).await, round(0, 0, 1, 0));
    let (s, v) = act(&api, "tuphap.motcua", &code, "post-result", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let reference = format!("{code}-BC01");
    let delivered = post.advance(&reference, ShipmentState::Delivered, chrono::Utc::now()).await.unwrap();
    assert_eq!(delivered.iter().map(|d| d.http_status).collect::<Vec<_>>(), [200]);
    let v = view(&api, &code).await;
    assert_eq!((v["status"].as_str(), v["result"]["method"].as_str()), (Some("returned"), Some("postal")));
    let (s, mine) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let leader = api.token("tuphap.lanhdao").await;
    let (s, chain) = api.get(&format!("/v1/dossiers/{code}/verify"), Some(&leader), None).await;
    assert_eq!((s, &chain["intact"]), (StatusCode::OK, &json!(true)), "{chain}");
}

#[tokio::test]
async fn on_one_machine() {
    a_dossier_runs_through_the_police_on_the_axis_and_home_by_post(Api::many_filings().await).await;
}

#[tokio::test]
async fn on_dynamodb() {
    a_dossier_runs_through_the_police_on_the_axis_and_home_by_post(Api::on_dynamodb("axis").await).await;
}
