//! What is held about a person (Law 91/2025/QH15) through the API, on both homes: an
//! administrator names a citizen ID (or a tax code) and a reason, and gets every dossier of the
//! province filed under it, across agencies, with the personal data, documents, processors and
//! recipients each holds, as JSON and as a PDF read back by poppler; each answered request is
//! recorded with its reason and the identifier's keyed digest only; bad requests are refused and
//! recorded nowhere.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use serde_json::{json, Value};
use support::*;

const CITIZEN: &str = "079203009876";

async fn ask(api: &Api, query: &str, body: Value) -> (StatusCode, Value) {
    let token = api.token("admin").await;
    api.post(&format!("/v1/admin/personal-data{query}"), Some(&token), body).await
}

fn codes(report: &Value) -> Vec<&str> {
    report["dossiers"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect()
}

async fn what_is_held_is_listed_and_each_request_recorded(api: Api) {
    // Two criminal-record dossiers of the citizen (one received and assigned), one of another
    // citizen, and a birth registration at the ward under the same ID.
    let (first, _) = api.submit().await;
    let (second, _) = api.submit().await;
    let mut other = criminal_record_filing("0912000002");
    other["applicant"]["citizen_id"] = json!("079203000002");
    let (s, v) = api.file(other).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut birth = birth_filing("direct");
    birth["applicant"]["citizen_id"] = json!(CITIZEN);
    birth["applicant"]["tax_code"] = json!("0101234567");
    let ward = api.token("nhatrang.motcua").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&ward), birth).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let ward_code = v["code"].as_str().unwrap().to_owned();
    for (officer, action, body) in [
        ("tuphap.motcua", "receive", json!({})),
        ("tuphap.lanhdao", "assign", json!({"assignee": "tuphap.chuyenvien"})),
    ] {
        let token = api.token(officer).await;
        let (s, v) = api.post(&format!("/v1/dossiers/{first}/{action}"), Some(&token), body).await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
    }

    let reason = "Đơn đề nghị của chủ thể dữ liệu ngày 01/12/2026";
    let (s, report) = ask(&api, "", json!({"citizen_id": CITIZEN, "reason": reason})).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let mut found = codes(&report);
    found.sort();
    let mut expected = vec![first.as_str(), second.as_str(), ward_code.as_str()];
    expected.sort();
    assert_eq!(found, expected, "across agencies, the other citizen's left out");
    assert_eq!((report["subject"].as_str(), report["kind"].as_str()), (Some(CITIZEN), Some("citizen_id")));
    assert_eq!(report["complete"], true);
    let held = report["dossiers"].as_array().unwrap().iter().find(|d| d["code"] == first.as_str()).unwrap();
    assert_eq!(held["applicant"]["email"], "minhkhai@example.vn");
    assert_eq!(held["documents"].as_array().unwrap().len(), 2);
    let officers: Vec<&str> = held["officers"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(officers, ["tuphap.motcua", "tuphap.lanhdao", "tuphap.chuyenvien"], "{held}");
    assert_eq!(held["procedure_code"], CRIMINAL_RECORD);
    let request = &report["request"];
    assert_eq!((request["reason"].as_str(), request["dossiers"].as_u64()), (Some(reason), Some(3)));
    assert!(!request.to_string().contains(CITIZEN), "the record keeps a digest, never the ID: {request}");

    // The tax code finds the one dossier that gave it.
    let (s, by_tax) = ask(&api, "", json!({"tax_code": "0101234567", "reason": "Yêu cầu của cơ quan thuế"})).await;
    assert_eq!((s, codes(&by_tax)), (StatusCode::OK, vec![ward_code.as_str()]));

    // The printed sheet.
    let token = api.token("admin").await;
    let bearer = format!("Bearer {token}");
    let body = json!({"citizen_id": CITIZEN, "reason": reason}).to_string();
    let headers = [("authorization", bearer.as_str()), ("content-type", "application/json")];
    let (status, bytes, headers) =
        api.raw("POST", "/v1/admin/personal-data?format=pdf", &headers, axum::body::Body::from(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["cache-control"], "private, no-store");
    let (text, qr) = motcua_forms::readback::read(&bytes);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in
        ["DỮ LIỆU CÁ NHÂN", "91/2025/QH15", "Nguyễn Thị Minh Khai", &first, &ward_code, "minhkhai@example.vn", reason]
    {
        assert!(flat.contains(expected), "the sheet says {expected}: {flat}");
    }
    assert!(qr.starts_with("YC-"), "the QR code holds the request's id: {qr}");

    // Refused requests change nothing and are recorded nowhere.
    for (body, code) in [
        (json!({"reason": reason}), "one_identifier"),
        (json!({"citizen_id": CITIZEN, "tax_code": "0101234567", "reason": reason}), "one_identifier"),
        (json!({"citizen_id": "12345", "reason": reason}), "invalid_citizen_id"),
        (json!({"citizen_id": CITIZEN, "reason": "  "}), "invalid_reason"),
    ] {
        let (s, v) = ask(&api, "", body).await;
        assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, code), "{v}");
    }
    let (s, v) = ask(&api, "?format=docx", json!({"citizen_id": CITIZEN, "reason": reason})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "unknown_format"));
    let desk = api.token("tuphap.motcua").await;
    let (s, _) =
        api.post("/v1/admin/personal-data", Some(&desk), json!({"citizen_id": CITIZEN, "reason": reason})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "administrators only");

    let (s, page) = api.get("/v1/admin/personal-data/requests?limit=2", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let cursor = page["next_cursor"].as_str().expect("a third record").to_owned();
    let (_, rest) = api.get(&format!("/v1/admin/personal-data/requests?cursor={cursor}"), Some(&token), None).await;
    let all: Vec<&Value> = page["items"].as_array().unwrap().iter().chain(rest["items"].as_array().unwrap()).collect();
    let kinds: Vec<(&str, u64)> =
        all.iter().map(|r| (r["kind"].as_str().unwrap(), r["dossiers"].as_u64().unwrap())).collect();
    assert_eq!(kinds, [("citizen_id", 3), ("tax_code", 1), ("citizen_id", 3)], "the answered three, in order");
    assert_eq!(all[0]["subject_digest"], all[2]["subject_digest"], "the same person, the same digest");
    assert_eq!(all[0]["officer"]["id"], "admin");
}

#[tokio::test]
async fn what_is_held_is_listed_and_each_request_recorded_on_sqlite() {
    what_is_held_is_listed_and_each_request_recorded(Api::new().await).await;
}

#[tokio::test]
async fn what_is_held_is_listed_and_each_request_recorded_on_dynamodb() {
    what_is_held_is_listed_and_each_request_recorded(Api::on_dynamodb("privacy").await).await;
}
