//! Officers hear of what arrives in their hands, on both homes: three dossiers assigned to one
//! specialist within a quarter hour are written as arrivals with the assignments, nothing goes
//! out before the quarter hour ends, then one digest lists the three, once, however often the
//! courier passes; an officer who chose `off` hears nothing; a dossier one gives oneself is no
//! news; an officer sets their own choice, refused without the contact it needs.

mod api;
mod support;

use std::sync::Arc;

use api::Api;
use axum::http::StatusCode;
use motcua_domain::catalogue::OfficerId;
use motcua_domain::contact::Email;
use motcua_domain::notify::arrivals::{self, ArrivalNotices};
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::notify::DeliveryState;
use motcua_domain::ports::NoEnclosures;
use motcua_infra::outbox_worker::Courier;
use motcua_infra::LocalSink;
use serde_json::json;

async fn choose(api: &Api, id: &str, arrivals: ArrivalNotices) {
    let catalogue = &api.home.store.catalogue;
    let mut officer = catalogue.officer(&OfficerId::parse(id).unwrap()).await.unwrap().unwrap();
    officer.email = Some(Email::parse(&format!("{id}@tuphap.example.vn")).unwrap());
    officer.arrivals = arrivals;
    catalogue.put_officer(&officer).await.unwrap();
}

async fn received(api: &Api) -> String {
    let (code, _) = api.submit().await;
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    code
}

async fn officers_hear_of_what_arrives_once_a_quarter_hour(api: Api) {
    choose(&api, "tuphap.chuyenvien", ArrivalNotices::Email).await;
    choose(&api, "tuphap.chuyenvien2", ArrivalNotices::Off).await;
    let lead = api.token("tuphap.lanhdao").await;
    // At the start of a quarter hour, so the three fall in one.
    let now = api.clock_now();
    api.set_time(arrivals::window_start(now) + arrivals::WINDOW);
    let mut codes = vec![];
    for to in ["tuphap.chuyenvien", "tuphap.chuyenvien", "tuphap.chuyenvien2", "tuphap.chuyenvien"] {
        let code = received(&api).await;
        let (s, v) = api.post(&format!("/v1/dossiers/{code}/assign"), Some(&lead), json!({"assignee": to})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if to == "tuphap.chuyenvien" {
            codes.push(code);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let sink = dir.path().join("sent.jsonl");
    let courier = Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(LocalSink::open(&sink).unwrap()),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    };
    let key = arrivals::key(&OfficerId::parse("tuphap.chuyenvien").unwrap(), api.clock_now());
    let digest_id = format!("{key}:digest:email");
    let sent_to_them = || {
        std::fs::read_to_string(&sink)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("tuphap.chuyenvien@"))
            .map(str::to_owned)
            .collect::<Vec<String>>()
    };
    courier.drain_once().await;
    assert!(sent_to_them().is_empty(), "nothing before the quarter hour ends");
    assert_eq!(api.home.store.outbox.under(&key).await.unwrap().len(), 3, "an arrival per assignment, kept");

    api.pass(arrivals::WINDOW + arrivals::SETTLE);
    for _ in 0..3 {
        courier.drain_once().await;
    }
    let sent = sent_to_them();
    assert_eq!(sent.len(), 1, "one digest: {sent:?}");
    for code in &codes {
        assert!(sent[0].contains(code.as_str()), "{code} listed: {}", sent[0]);
    }
    let digest = api.home.store.outbox.message(&digest_id).await.unwrap().expect("the digest");
    assert_eq!(digest.state, DeliveryState::Delivered);
    for stored in api.home.store.outbox.under(&key).await.unwrap() {
        assert_eq!(stored.state, DeliveryState::Delivered, "{}", stored.message.id);
    }
    assert!(
        !std::fs::read_to_string(&sink).unwrap().contains("tuphap.chuyenvien2@"),
        "an officer who chose `off` hears nothing"
    );
}

#[tokio::test]
async fn officers_hear_of_what_arrives_once_a_quarter_hour_on_sqlite() {
    officers_hear_of_what_arrives_once_a_quarter_hour(Api::many_filings().await).await;
}

#[tokio::test]
async fn officers_hear_of_what_arrives_once_a_quarter_hour_on_dynamodb() {
    officers_hear_of_what_arrives_once_a_quarter_hour(Api::on_dynamodb("arrivals").await).await;
}

#[tokio::test]
async fn an_officer_chooses_how_they_hear_of_arrivals() {
    let api = Api::new().await;
    let token = api.token("tuphap.chuyenvien").await;
    let choose = |arrivals: &'static str| {
        let mut c = api.call("PUT", "/v1/officer/me/arrivals");
        c.token = Some(token.clone());
        c.body = Some(json!({ "arrivals": arrivals }).to_string());
        api.send(c)
    };
    let (s, v) = choose("zalo").await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("arrivals_without_contact")));
    let (s, v) = choose("off").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let me = api.home.store.catalogue.officer(&OfficerId::parse("tuphap.chuyenvien").unwrap()).await.unwrap();
    assert_eq!(me.unwrap().arrivals, ArrivalNotices::Off);
    let (s, _) = choose("sms").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "not a choice");
    let mut c = api.call("PUT", "/v1/officer/me/arrivals");
    c.body = Some(json!({"arrivals": "off"}).to_string());
    assert_eq!(api.send(c).await.0, StatusCode::UNAUTHORIZED);
}
