//! A procedure change with an effective date, through the admin API on both homes: a version
//! dated later is scheduled (the catalogue and new filings keep the version in force), the
//! catalogue answers the version in force at any date, the change goes in force on its date, a
//! dossier received before keeps its terms, a date under the version in force is refused, and an
//! import's dated row is scheduled once however often the file comes.

mod api;
mod support;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use support::CRIMINAL_RECORD;

async fn procedure(api: &Api, query: &str) -> (StatusCode, Value) {
    api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}{query}"), None, None).await
}

async fn versions_take_effect_on_their_date(api: Api) {
    // Tuesday 1 December 2026, 09:00 in Vietnam.
    api.set_time(Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap());
    let admin = api.token("admin").await;
    let (_, before) = procedure(&api, "").await;
    let (code, secret) = api.submit().await;
    let received = {
        let desk = api.token("tuphap.motcua").await;
        let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    };

    let mut next = before.clone();
    next["name"] = json!("Cấp Phiếu lý lịch tư pháp (thủ tục sửa đổi 2027)");
    next["processing_time"]["amount"] = json!(12.0);
    next["effective_from"] = json!("2027-01-01");
    let (s, kept) = api.put(&format!("/v1/admin/procedures/{CRIMINAL_RECORD}"), &admin, next.clone()).await;
    assert_eq!((s, kept["effective_from"].as_str()), (StatusCode::OK, Some("2027-01-01")), "{kept}");
    assert_eq!(procedure(&api, "").await.1["name"], before["name"], "in force only from its date");
    assert_eq!(procedure(&api, "?at=2026-12-31").await.1["name"], before["name"]);
    let (s, then) = procedure(&api, "?at=2027-01-01").await;
    assert_eq!((s, then["name"].clone()), (StatusCode::OK, next["name"].clone()));
    let (s, v) = procedure(&api, "?at=1.1.2027").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_query"), "{v}");

    let mut under = before.clone();
    under["effective_from"] = json!("2026-06-01");
    let (s, _) = api.put(&format!("/v1/admin/procedures/{CRIMINAL_RECORD}"), &admin, under).await;
    assert_eq!(s, StatusCode::OK, "dated today or earlier, over an undated version: in force now");
    let mut slipping = before.clone();
    slipping["effective_from"] = json!("2026-01-01");
    let (s, v) = api.put(&format!("/v1/admin/procedures/{CRIMINAL_RECORD}"), &admin, slipping).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "effective_before_current"), "{v}");

    // New Year's Day: the version goes in force (as the server's worker and notify's schedule do).
    api.set_time(Utc.with_ymd_and_hms(2027, 1, 1, 0, 30, 0).unwrap());
    motcua_functions::service::catalogue::promote_and_log(api.home.store.catalogue.as_ref(), api.clock_now()).await;
    let (_, now) = procedure(&api, "").await;
    assert_eq!((now["name"].clone(), now["processing_time"]["amount"].clone()), (next["name"].clone(), json!(12.0)));
    let (_, listed) = api.get("/v1/procedures?q=sua%20doi%202027", None, None).await;
    assert_eq!(listed["items"][0]["code"], CRIMINAL_RECORD, "the lists show it: {listed}");
    let (_, mine) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(
        (mine["procedure_name"].clone(), mine["due_at"].clone()),
        (before["name"].clone(), received["due_at"].clone()),
        "a dossier received before keeps its terms"
    );
    assert_eq!(procedure(&api, "?at=2026-12-15").await.1["effective_from"], "2026-06-01");
}

#[tokio::test]
async fn versions_take_effect_on_their_date_on_sqlite() {
    versions_take_effect_on_their_date(Api::new().await).await;
}

#[tokio::test]
async fn versions_take_effect_on_their_date_on_dynamodb() {
    versions_take_effect_on_their_date(Api::on_dynamodb("versions").await).await;
}

async fn import(api: &Api, body: &Value, query: &str) -> Value {
    let auth = format!("Bearer {}", api.token("admin").await);
    let uri = format!("/v1/admin/catalogue/import{query}");
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    let (s, bytes, _) = api.raw("POST", &uri, &headers, Body::from(serde_json::to_vec(body).unwrap())).await;
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(s, StatusCode::OK, "{report}");
    report
}

#[tokio::test]
async fn an_imported_dated_row_is_scheduled_once() {
    let api = Api::new().await;
    api.set_time(Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap());
    let auth = format!("Bearer {}", api.token("admin").await);
    let (_, bytes, _) = api
        .raw("GET", "/v1/admin/catalogue/export?format=json", &[("authorization", auth.as_str())], Body::empty())
        .await;
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    let row = doc["procedures"].as_array_mut().unwrap().iter_mut().find(|r| r["code"] == CRIMINAL_RECORD).unwrap();
    row["name"] = json!("Tên mới từ 2027");
    row["effective_from"] = json!("01/01/2027");
    let first = import(&api, &doc, "").await;
    assert_eq!(
        (first["scheduled"].as_u64(), first["changed"].as_u64(), first["applied"].as_bool()),
        (Some(1), Some(0), Some(true)),
        "{first}"
    );
    let again = import(&api, &doc, "").await;
    assert_eq!(
        (again["scheduled"].as_u64(), again["applied"].as_bool()),
        (Some(0), Some(false)),
        "the same file changes nothing: {again}"
    );
    assert_ne!(procedure(&api, "").await.1["name"], "Tên mới từ 2027");
    let at = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert_eq!(procedure(&api, &format!("?at={at}")).await.1["name"], "Tên mới từ 2027");
}
