//! Fees paid before processing, through the whole API: a business registration (its fees come
//! first in the sample catalogue) received at the desk waits for its fees with no appointment,
//! the applicant is told what to pay, no step can be taken, and the desk's record of the whole
//! amount against a receipt starts the clock; the views show what was owed and paid, and how.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use support::business_filing;

#[tokio::test]
async fn a_reception_waits_for_its_fees_until_the_desk_records_them() {
    let api = Api::new().await;
    let desk = api.token("taichinh.motcua").await;
    let lead = api.token("taichinh.lanhdao").await;
    let spec = api.token("taichinh.chuyenvien").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), business_filing()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let secret = v["lookup_secret"].as_str().unwrap().to_owned();
    let (_, view) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&desk), None).await;
    assert_eq!(view["status"], "awaiting_payment");
    assert!(view["due_at"].is_null(), "no appointment before the fees: {view}");
    assert_eq!(view["fees"], json!({"owed_vnd": 50000, "first": true, "payments": []}));
    let pending = api.home.store.outbox.pending(chrono::Utc::now() + Duration::minutes(1), 50).await.unwrap();
    let notice = pending.iter().find(|m| m.message.dossier_code == code).expect("a notice");
    assert!(
        notice.message.text.contains("50.000 dong"),
        "what to pay (an SMS, without diacritics): {}",
        notice.message.text
    );

    let at = |a: &str| format!("/v1/dossiers/{code}/{a}");
    let (s, v) = api.post(&at("assign"), Some(&lead), json!({"assignee": "taichinh.chuyenvien"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "invalid_transition"), "nothing moves before the fees");
    let (s, v) = api.post(&at("record-payment"), Some(&desk), json!({"amount_vnd": 20000, "receipt": "BL-9"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_amount"), "{v}");
    assert_eq!(v["error"]["details"], json!({"owed_vnd": 50000, "paid_vnd": 20000}));
    let (s, _) = api.post(&at("record-payment"), Some(&spec), json!({"amount_vnd": 50000, "receipt": "BL-9"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the desk's act");
    let (s, v) = api.post(&at("record-payment"), Some(&desk), json!({"amount_vnd": 50000, "receipt": 9})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (s, paid) =
        api.post(&at("record-payment"), Some(&desk), json!({"amount_vnd": 50000, "receipt": "BL-0009"})).await;
    assert_eq!(s, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "received");
    assert!(paid["due_at"].is_string(), "the clock started: {paid}");
    assert_eq!(paid["fees"]["payments"][0]["channel"], "counter");
    assert_eq!(paid["fees"]["payments"][0]["reference"], "BL-0009");
    let history = paid["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["payment"]["amount_vnd"], 50000);
    let (s, _) = api.post(&at("record-payment"), Some(&desk), json!({"amount_vnd": 50000, "receipt": "BL-0010"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "paid once");
    let (s, v) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["fees"]["payments"][0]["amount_vnd"], 50000, "the applicant sees it");
    let (s, _) = api.post(&at("assign"), Some(&lead), json!({"assignee": "taichinh.chuyenvien"})).await;
    assert_eq!(s, StatusCode::OK, "processing goes on once paid");
}
