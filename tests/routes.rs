//! Router tests: every endpoint through `tower::ServiceExt::oneshot` over a temporary SQLite
//! store seeded with the sample province, including each error path.

mod api;
mod support;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use support::*;
use tower::ServiceExt;

#[tokio::test]
async fn catalogue_search_is_diacritic_insensitive_and_paginated() {
    let api = Api::new().await;
    let (s, v) = api.get("/v1/procedures?q=phu%20hieu%20TAXI", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = v["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.iter().any(|n| n.contains("phù hiệu xe taxi")), "{names:?}");
    let (_, v) = api.get("/v1/procedures?q=khai%20sinh", None, None).await;
    assert!(v["items"].as_array().unwrap().len() >= 2);

    let (_, first) = api.get("/v1/procedures?limit=10", None, None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 10);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = api.get(&format!("/v1/procedures?limit=10&cursor={cursor}"), None, None).await;
    assert_ne!(first["items"][0]["code"], second["items"][0]["code"]);
    assert!(first["items"][9]["code"].as_str() < second["items"][0]["code"].as_str());

    assert_eq!(code_of(&api.get("/v1/procedures?cursor=%%%", None, None).await.1), "invalid_cursor");
    assert_eq!(code_of(&api.get("/v1/procedures?cursor=abc", None, None).await.1), "invalid_cursor");
    assert_eq!(code_of(&api.get("/v1/procedures?limit=500", None, None).await.1), "invalid_limit");
    assert_eq!(code_of(&api.get("/v1/procedures?agency=xyz", None, None).await.1), "invalid_agency_code");
    assert_eq!(code_of(&api.get("/v1/procedures?level=level9", None, None).await.1), "invalid_query");
    let (_, by_agency) = api.get(&format!("/v1/procedures?agency={JUSTICE}&level=full"), None, None).await;
    assert!(by_agency["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["agency"] == JUSTICE && p["online_level"] == "full"));
}

#[tokio::test]
async fn procedure_due_date_agencies_and_health() {
    let api = Api::new().await;
    let (s, v) = api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["workflow"].as_array().unwrap().len(), 3);
    assert_eq!(code_of(&api.get("/v1/procedures/9.999999", None, None).await.1), "procedure_not_found");

    // Monday 2 March 2026 09:00 + 10 working days (direct) = Monday 16 March 09:00.
    let at = "2026-03-02T09:00:00%2B07:00";
    let (s, v) = api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?received_at={at}"), None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["due_at"], "2026-03-16T09:00:00+07:00");
    // Online gets the shorter 9 days.
    let (_, v) = api
        .get(&format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?received_at={at}&channel=online"), None, None)
        .await;
    assert_eq!(v["due_at"], "2026-03-13T09:00:00+07:00");
    let (s, v) = api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?received_at=yesterday"), None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));

    let (_, v) = api.get("/v1/agencies?parent=000.00.00.H56", None, None).await;
    assert!(v["items"].as_array().unwrap().len() >= 6);
    assert_eq!(code_of(&api.get("/v1/agencies?parent=bad", None, None).await.1), "invalid_agency_code");
    let (_, first) = api.get("/v1/agencies?limit=3", None, None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, rest) = api.get(&format!("/v1/agencies?cursor={cursor}"), None, None).await;
    assert_eq!(first["items"].as_array().unwrap().len() + rest["items"].as_array().unwrap().len(), 8);
    let (s, v) = api.get(&format!("/v1/agencies/{JUSTICE}"), None, None).await;
    assert_eq!((s, &v["code"]), (StatusCode::OK, &json!(JUSTICE)), "{v}");
    assert!(v["working_hours"]["sessions"].is_array(), "{v}");
    let (s, v) = api.get("/v1/agencies/000.00.99.H56", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::NOT_FOUND, "agency_not_found"));
    assert_eq!(code_of(&api.get("/v1/agencies/bad", None, None).await.1), "invalid_agency_code");
    let (s, v) = api.get("/v1/health", None, None).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, v) = api.get("/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["paths"]["/v1/dossiers/{code}/receive"]["post"].is_object());
    assert!(v["paths"]["/v1/openapi.json"]["get"].is_object());
    assert!(v["components"]["securitySchemes"]["bearer"].is_object());
    let (s, v) = api.get("/v1/nowhere", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::NOT_FOUND, "route_not_found"));
    let (s, v) = api.send(api.call("DELETE", "/v1/health")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
}

#[tokio::test]
async fn submission_rejects_bad_input_and_changes_nothing() {
    let api = Api::new().await;
    let bad = |f: fn(&mut Value)| {
        let mut v = criminal_record_filing("0912345678");
        f(&mut v);
        v
    };
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (bad(|v| v["applicant"]["phone"] = json!("0212345678")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_phone"),
        (bad(|v| v["applicant"]["email"] = json!("not-an-email")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"),
        (bad(|v| v["applicant"]["citizen_id"] = json!("123")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_citizen_id"),
        (bad(|v| v["procedure_code"] = json!("9.999999")), StatusCode::NOT_FOUND, "procedure_not_found"),
        (bad(|v| v["documents"] = json!([])), StatusCode::UNPROCESSABLE_ENTITY, "missing_components"),
        (bad(|_| ()), StatusCode::UNPROCESSABLE_ENTITY, "missing_component_files"),
        (
            bad(|v| v["applicant"]["kind"] = json!("organisation")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "applicant_kind_not_accepted",
        ),
        (bad(|v| v["status"] = json!("resolved")), StatusCode::BAD_REQUEST, "invalid_json"),
        (bad(|v| v["applicant"]["name"] = json!("   ")), StatusCode::UNPROCESSABLE_ENTITY, "applicant_detail_missing"),
        (
            bad(|v| v["procedure_code"] = json!("1.002861")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "applicant_kind_not_accepted",
        ),
    ];
    for (body, status, code) in cases {
        let (s, v) = api.post("/v1/dossiers", None, body).await;
        assert_eq!((s, code_of(&v)), (status, code), "{v}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let mut c = api.call("POST", "/v1/dossiers");
    c.body = Some("{not json".into());
    let (s, v) = api.send(c).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let mut c = api.call("POST", "/v1/dossiers");
    c.body = Some(criminal_record_filing("0912345678").to_string());
    c.content_type = Some("text/plain");
    assert_eq!(code_of(&api.send(c).await.1), "unsupported_media_type");
    let mut c = api.call("POST", "/v1/dossiers");
    c.body = Some(format!("{{\"x\": \"{}\"}}", "a".repeat(300_000)));
    let (s, v) = api.send(c).await;
    assert_eq!((s, code_of(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));

    // Nothing was created: the first real submission gets sequence 0001.
    let (code, _) = api.submit().await;
    assert!(code.ends_with("-0001"), "{code}");
}

#[tokio::test]
async fn idempotency_keys_replay_or_refuse() {
    let api = Api::new().await;
    let body = api.with_files(criminal_record_filing("0912345678")).await.to_string();
    let send = |key: &'static str, body: String| {
        let mut c = api.call("POST", "/v1/dossiers");
        c.key = Some(key);
        c.body = Some(body);
        api.send(c)
    };
    let (s1, v1) = send("k-1", body.clone()).await;
    let (s2, v2) = send("k-1", body.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(v1, v2, "the same key and body answer the same");
    let secret = v1["lookup_secret"].as_str().unwrap();
    let record = api.home.store.dossiers.idempotency("submit", "k-1").await.unwrap().unwrap();
    assert_eq!(record.dossier.to_string(), v1["code"].as_str().unwrap(), "the record names the dossier, no answer");
    let stored = serde_json::to_string(&record).unwrap();
    assert!(!stored.contains(secret), "the lookup secret is never stored in clear");
    let other = criminal_record_filing("0987654321").to_string();
    let (s, v) = send("k-1", other).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "idempotency_key_reused"));
    let (s, v) = send("k-2", body).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "upload_already_attached"), "{v}");
    let (_, v3) = send("k-2", api.with_files(criminal_record_filing("0912345678")).await.to_string()).await;
    assert!(v3["code"].as_str().unwrap().ends_with("-0002"), "a new key is a new dossier");
}

#[tokio::test]
async fn lookup_shows_personal_data_only_with_the_secret() {
    let api = Api::new().await;
    let (code, secret) = api.submit().await;
    let (s, public) = api.get(&format!("/v1/dossiers/{code}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    let text = public.to_string();
    assert!(!text.contains("Minh Khai") && !text.contains("079203009876") && !text.contains("912345678"), "{text}");
    assert_eq!(public["status"], "submitted");
    assert_eq!(public["dvcqg_status"], 1);

    let (s, mine) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["applicant"]["name"], "Nguyễn Thị Minh Khai");
    assert_eq!(mine["timeline"].as_array().unwrap().len(), 1);
    let (s, v) = api.get(&format!("/v1/dossiers/{code}"), None, Some("WRONGWRONGWRONG2")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "lookup_secret_invalid"));
    let (s, v) = api.get("/v1/dossiers/000.00.03.H56-260101-0099", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::NOT_FOUND, "dossier_not_found"));
    let (s, v) = api.get("/v1/dossiers/garbage", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_dossier_code"));

    // Applicant actions need the secret.
    let uri = format!("/v1/dossiers/{code}/withdraw");
    let (s, v) = api.post_secret(&uri, None, json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "lookup_secret_required"));
    let (s, v) = api.post_secret(&uri, Some("nope"), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "lookup_secret_invalid"));
    let (other, other_secret) = api.submit().await;
    assert_ne!(other, code);
    let (s, _) = api.post_secret(&uri, Some(&other_secret), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another dossier's secret does not open this one");
    let (s, v) = api.post_secret(&uri, Some(&secret), json!({"reason": "Không cần nữa"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("withdrawn")));
    let (s, v) = api.post_secret(&uri, Some(&secret), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "invalid_transition"));
}

#[tokio::test]
async fn the_whole_workflow_with_every_officer_error() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let spec = api.token("tuphap.chuyenvien").await;
    let spec2 = api.token("tuphap.chuyenvien2").await;
    let lead = api.token("tuphap.lanhdao").await;
    let police = api.token("congan.chuyenvien").await;
    let other_desk = api.token("taichinh.motcua").await;
    let (code, secret) = api.submit().await;
    let at = |action: &str| format!("/v1/dossiers/{code}/{action}");

    // Authentication and authorisation.
    let (s, v) = api.post(&at("receive"), None, json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let (s, v) = api.post(&at("receive"), Some("not.a.token"), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let (s, v) = api.post(&at("receive"), Some(&other_desk), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "other_agency"));
    let (s, v) = api.post(&at("receive"), Some(&spec), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "missing_role"));
    let (s, v) = api.post(&at("approve"), Some(&lead), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "invalid_transition"));
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&other_desk), None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "other_agency"));
    let (s, v) = api.get(&at("receipt"), Some(&desk), None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "not_received"));

    let (s, v) = api.post(&at("receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "received");
    assert!(v["due_at"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(v["current_step"]["index"], 0);

    let (s, v) = api.get(&at("receipt"), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total_fee_vnd"], 200000);
    assert_eq!(v["received_by"]["id"], "tuphap.motcua");
    assert!(v["components"].as_array().unwrap().iter().all(|c| c["received"] == true));

    let (s, v) = api.post(&at("assign"), Some(&lead), json!({"assignee": "nobody.here"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "assignee_not_found"));
    let (s, v) = api.post(&at("assign"), Some(&lead), json!({"assignee": "tuphap.lanhdao"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "assignee_not_eligible"));
    let (s, v) = api.post(&at("assign"), Some(&lead), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let (s, v) = api.post(&at("assign"), Some(&lead), json!({"assignee": "tuphap.chuyenvien"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("processing")), "{v}");

    let (s, v) = api.post(&at("forward"), Some(&spec2), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "not_assignee"));
    let (s, v) = api.post(&at("forward"), Some(&spec), json!({"assignee": "congan.chuyenvien"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["current_step"]["agency_code"], "000.00.20.H56", "inter-agency step at the police");
    let (_, police_queue) = api.get("/v1/officer/dossiers", Some(&police), None).await;
    assert_eq!(police_queue["items"][0]["code"], code, "the step sits in the police agency's queue");
    let (_, justice_queue) = api.get("/v1/officer/dossiers?status=processing", Some(&desk), None).await;
    assert!(justice_queue["items"].as_array().unwrap().is_empty(), "and not in the justice desk's meanwhile");

    // The police specialist sees the dossier in their own queue and hands it back.
    let (s, q) = api.get("/v1/officer/dossiers?assignee=me", Some(&police), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(q["items"][0]["code"], code);
    let (s, _) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&police), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = api
        .post(&at("forward"), Some(&police), json!({"assignee": "tuphap.lanhdao", "note": "Không có án tích"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (s, v) =
        api.post(&at("extend"), Some(&lead), json!({"reason": "", "new_due_at": "2099-01-01T09:00:00+07:00"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"));
    let (s, v) = api
        .post(&at("extend"), Some(&lead), json!({"reason": "Chờ xác minh", "new_due_at": "2000-01-01T09:00:00+07:00"}))
        .await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "new_due_not_later"));
    let (s, v) =
        api.post(&at("extend"), Some(&lead), json!({"reason": "Chờ xác minh", "new_due_at": "next week"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let (s, v) = api
        .post(&at("extend"), Some(&lead), json!({"reason": "Chờ xác minh", "new_due_at": "2099-01-01T09:00:00+07:00"}))
        .await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "new_due_too_late"), "at most the time again");
    let (_, now) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&lead), None).await;
    let later = a_day_after(now["due_at"].as_str().unwrap());
    let (s, v) = api.post(&at("extend"), Some(&lead), json!({"reason": "Chờ xác minh", "new_due_at": later})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) =
        api.post(&at("extend"), Some(&lead), json!({"reason": "Lần hai", "new_due_at": a_day_after(&later)})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "already_extended"));

    let (s, v) = api.post(&at("approve"), Some(&lead), json!({"note": "Đồng ý"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("resolved")), "{v}");
    let (s, v) = api.post(&at("return"), Some(&desk), json!({"method": "postal"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "waybill_required"));
    let (s, v) = api.post(&at("return"), Some(&desk), json!({"method": "pigeon"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_json"));
    let (s, v) = api.post(&at("return"), Some(&desk), json!({"method": "postal", "waybill": "EB123456789VN"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("returned")));
    assert_eq!(v["dvcqg_status"], 10);
    let card = v["tracking_card"].as_array().unwrap();
    assert_eq!(card.len(), 3, "{card:?}");
    assert_eq!(card[1]["given_by"]["id"], "tuphap.chuyenvien");
    assert_eq!(card[1]["taken_by"]["id"], "congan.chuyenvien");
    assert!(card.iter().all(|r| r["result"].is_string()));

    let rate = format!("/v1/dossiers/{code}/rating");
    let (s, v) = api.post_secret(&rate, Some(&secret), json!({"desk_handling": 3, "disclosure": 2, "attitude": 2, "complaints": 2, "online_service": 2, "verdict": "satisfied"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rating"));
    let (s, v) = api.post_secret(&rate, Some(&secret), rating()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = api.post_secret(&rate, Some(&secret), rating()).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "already_rated"));
}

#[tokio::test]
async fn refusal_supplement_stop_and_counter_reception() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;
    let (code, secret) = api.submit().await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/refuse"), Some(&desk), json!({"reason": " "})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"));
    let (s, v) =
        api.post(&format!("/v1/dossiers/{code}/refuse"), Some(&desk), json!({"reason": "Ngoài phạm vi"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("refused")));

    let (code, secret2) = api.submit().await;
    let rs = format!("/v1/dossiers/{code}/request-supplement");
    let (s, v) = api.post(&rs, Some(&desk), json!({"reason": "Thiếu giấy tờ", "missing": []})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "missing_list_required"));
    let (s, v) =
        api.post(&rs, Some(&desk), json!({"reason": "Thiếu giấy tờ", "missing": ["Bản chụp CCCD rõ nét"]})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("awaiting_supplement")));
    let sup = format!("/v1/dossiers/{code}/supplement");
    let (s, v) = api
        .post_secret(&sup, Some(&secret2), json!({"documents": [{"component": "Không có", "file_name": "x.pdf"}]}))
        .await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_component"));
    let (s, v) = api.post_secret(&sup, Some(&secret), json!({"documents": []})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let doc = json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd-ro.pdf"}]});
    let (s, v) = api.post_secret(&sup, Some(&secret2), doc).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("awaiting_supplement")), "brought, to be checked: {v}");
    let accept = format!("/v1/dossiers/{code}/accept-supplement");
    let (s, v) = api.post(&accept, Some(&lead), json!({})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "missing_role"), "the desk checks what it asked for");
    let (s, v) = api.post(&accept, Some(&desk), json!({})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("submitted")), "{v}");

    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/stop"), Some(&desk), json!({"reason": "x"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "missing_role"));
    let (s, v) =
        api.post(&format!("/v1/dossiers/{code}/stop"), Some(&lead), json!({"reason": "Quyết định dừng"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("stopped")));

    // The ward desk receives a birth registration at the counter and prints the receipt.
    let ward = api.token("nhatrang.motcua").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&ward), birth_filing("direct")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "received");
    assert!(v["receipt"]["due_at"].is_string());
    assert!(v["lookup_secret"].is_string());
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), birth_filing("direct")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "other_agency"));
    let (s, v) = api.post("/v1/counter/dossiers", Some(&ward), birth_filing("online")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "channel_not_offered"));
    let (s, v) = api.post("/v1/counter/dossiers", None, birth_filing("direct")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
}

#[tokio::test]
async fn queue_is_agency_scoped_sorted_and_paginated() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    for _ in 0..5 {
        let (code, _) = api.submit().await;
        api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    }
    let (s, first) = api.get("/v1/officer/dossiers?status=received&limit=3", Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) =
        api.get(&format!("/v1/officer/dossiers?status=received&limit=3&cursor={cursor}"), Some(&desk), None).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert!(second["next_cursor"].is_null());
    let dues: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|d| d["due_at"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = dues.clone();
    sorted.sort();
    assert_eq!(dues, sorted, "soonest due first");
    let other = api.token("taichinh.motcua").await;
    let (_, theirs) = api.get("/v1/officer/dossiers", Some(&other), None).await;
    assert!(theirs["items"].as_array().unwrap().is_empty(), "another agency sees none of them");
    assert_eq!(code_of(&api.get("/v1/officer/dossiers?status=lost", Some(&desk), None).await.1), "invalid_query");
    assert_eq!(code_of(&api.get("/v1/officer/dossiers?assignee=bob", Some(&desk), None).await.1), "invalid_query");
    assert_eq!(code_of(&api.get("/v1/officer/dossiers", None, None).await.1), "unauthenticated");
}

#[tokio::test]
async fn two_concurrent_conflicting_actions_one_wins() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let (code, _) = api.submit().await;
    let (receive_uri, refuse_uri) = (format!("/v1/dossiers/{code}/receive"), format!("/v1/dossiers/{code}/refuse"));
    let receive = api.post(&receive_uri, Some(&desk), json!({}));
    let refuse = api.post(&refuse_uri, Some(&desk), json!({"reason": "Trùng hồ sơ"}));
    let ((s1, v1), (s2, v2)) = tokio::join!(receive, refuse);
    let statuses = [s1, s2];
    assert!(statuses.contains(&StatusCode::OK), "{v1} {v2}");
    assert!(statuses.contains(&StatusCode::CONFLICT), "{v1} {v2}");
    let loser = if s1 == StatusCode::CONFLICT { &v1 } else { &v2 };
    assert!(["conflict", "invalid_transition"].contains(&code_of(loser)));
    let (_, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&desk), None).await;
    assert_eq!(v["history"].as_array().unwrap().len(), 2, "submit + exactly one of the two");
    assert_eq!(v["version"], 2);
}

#[tokio::test]
async fn admin_maintains_the_catalogue() {
    let api = Api::new().await;
    let admin = api.token("admin").await;
    let desk = api.token("tuphap.motcua").await;
    let (_, mut p) = api.get(&format!("/v1/procedures/{BIRTH}"), None, None).await;
    p["name"] = json!("Đăng ký khai sinh (sửa đổi)");
    let uri = format!("/v1/admin/procedures/{BIRTH}");
    let (s, v) = api.put(&uri, &desk, p.clone()).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "missing_role"));
    let (s, _) = api.put(&uri, &admin, p.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (_, got) = api.get(&format!("/v1/procedures/{BIRTH}"), None, None).await;
    assert_eq!(got["name"], "Đăng ký khai sinh (sửa đổi)");
    let mut broken = p.clone();
    broken["workflow"][0]["share_percent"] = json!(10);
    assert_eq!(code_of(&api.put(&uri, &admin, broken).await.1), "invalid_procedure");
    assert_eq!(code_of(&api.put("/v1/admin/procedures/1.000001", &admin, p.clone()).await.1), "path_mismatch");
    let mut unknown_agency = p;
    unknown_agency["agency"] = json!("000.00.99.H56");
    assert_eq!(code_of(&api.put(&uri, &admin, unknown_agency).await.1), "agency_not_found");

    let agency = json!({"code": "000.03.31.H56", "name": "UBND xã Cam Lâm", "parent": "000.00.00.H56", "level": "commune",
        "address": "Cam Lâm", "working_hours": {"sessions": [{"start": "07:30:00", "end": "11:30:00"}, {"start": "13:00:00", "end": "17:00:00"}], "weekdays": [1,2,3,4,5,6]}});
    let (s, v) = api.put("/v1/admin/agencies/000.03.31.H56", &admin, agency.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut bad_hours = agency.clone();
    bad_hours["working_hours"]["sessions"] = json!([]);
    assert_eq!(
        code_of(&api.put("/v1/admin/agencies/000.03.31.H56", &admin, bad_hours).await.1),
        "invalid_working_hours"
    );
    let mut bad_code = agency;
    bad_code["code"] = json!("3.31.H56");
    assert_eq!(code_of(&api.put("/v1/admin/agencies/3.31.H56", &admin, bad_code).await.1), "invalid_json");

    let (s, _) = api
        .put("/v1/admin/holidays/2030", &admin, json!({"holidays": [{"date": "2030-09-02", "name": "Quốc khánh"}]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) =
        api.put("/v1/admin/holidays/2030", &admin, json!({"holidays": [{"date": "2031-01-01", "name": "x"}]})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "holiday_outside_year"));
    assert_eq!(code_of(&api.put("/v1/admin/holidays/abc", &admin, json!({"holidays": []})).await.1), "invalid_year");
    let (s, v) = api.get("/v1/admin/holidays/2030", Some(&admin), None).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"holidays": [{"date": "2030-09-02", "name": "Quốc khánh"}]})));
    let (s, v) = api.get("/v1/admin/holidays/2031", Some(&admin), None).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"holidays": []})), "a year never set has none");
    assert_eq!(code_of(&api.get("/v1/admin/holidays/abc", Some(&admin), None).await.1), "invalid_year");
    assert_eq!(api.get("/v1/admin/holidays/2030", Some(&desk), None).await.0, StatusCode::FORBIDDEN);

    let officer = json!({"id": "camlam.motcua", "name": "Lê Thị Hoa", "agency": "000.03.31.H56", "roles": ["reception"], "phone": null, "email": null});
    let (s, v) = api.put("/v1/admin/officers/camlam.motcua", &admin, officer.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut bad_phone = officer;
    bad_phone["phone"] = json!("123");
    assert_eq!(code_of(&api.put("/v1/admin/officers/camlam.motcua", &admin, bad_phone).await.1), "invalid_json");
    let (s, v) = api.get("/v1/admin/officers?agency=000.03.31.H56", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"][0]["id"], "camlam.motcua");
    assert!(v["items"][0].get("phone").is_none(), "list shows id, name, agency, roles");
    let (s, _) = api.get("/v1/admin/officers", Some(&desk), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = api.get("/v1/admin/officers/camlam.motcua", Some(&admin), None).await;
    assert_eq!((s, &v["name"], &v["agency"]), (StatusCode::OK, &json!("Lê Thị Hoa"), &json!("000.03.31.H56")), "{v}");
    assert!(v.get("phone").is_some(), "the whole record, to edit it");
    for missing in ["camlam.nobody", "NOT%20AN%20ID"] {
        let (s, v) = api.get(&format!("/v1/admin/officers/{missing}"), Some(&admin), None).await;
        assert_eq!((s, code_of(&v)), (StatusCode::NOT_FOUND, "officer_not_found"), "{missing}");
    }
    assert_eq!(api.get("/v1/admin/officers/camlam.motcua", Some(&desk), None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn cors_admits_only_the_configured_portals() {
    let api = Api::new().await;
    let cors = motcua_functions::server::cors_layer(&["https://dichvucong.example.gov.vn".to_owned()]).unwrap();
    let app = api.app.clone().layer(cors);
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/v1/dossiers")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,idempotency-key")
            .body(Body::empty())
            .unwrap()
    };
    let ok = app.clone().oneshot(preflight("https://dichvucong.example.gov.vn")).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://dichvucong.example.gov.vn");
    let other = app.oneshot(preflight("https://evil.example")).await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    assert!(motcua_functions::server::cors_layer(&["dichvucong.example.gov.vn".to_owned()]).is_err());
    assert!(motcua_functions::server::cors_layer(&["https://a.vn/".to_owned()]).is_err());
}

mod garbage_in {
    //! Arbitrary JSON to every write endpoint, as an officer, an admin and an applicant: the
    //! answer is always a well-formed error or success, never a server error.

    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::from),
            prop::sample::select(vec![
                "online",
                "direct",
                "postal",
                "citizen",
                "2.000488",
                "tuphap.chuyenvien",
                "0912345678"
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop::sample::select(vec![
                        "procedure_code",
                        "applicant",
                        "documents",
                        "kind",
                        "name",
                        "citizen_id",
                        "phone",
                        "email",
                        "reason",
                        "missing",
                        "assignee",
                        "note",
                        "new_due_at",
                        "method",
                        "waybill",
                        "desk_handling",
                        "attitude",
                        "verdict",
                        "ease_of_use",
                        "channel",
                        "component",
                        "file_name",
                        "holidays",
                        "code",
                        "roles",
                    ])
                    .prop_map(str::to_owned),
                    inner,
                    0..5,
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn no_body_makes_a_server_error() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (api, code, secret, desk, admin) = runtime.block_on(async {
            let api = Api::new().await;
            let (code, secret) = api.submit().await;
            let desk = api.token("tuphap.motcua").await;
            let admin = api.token("admin").await;
            (api, code, secret, desk, admin)
        });
        let writes: Vec<(&str, String)> =
            ["receive", "refuse", "request-supplement", "assign", "forward", "approve", "stop", "extend", "return"]
                .iter()
                .map(|a| ("officer", format!("/v1/dossiers/{code}/{a}")))
                .chain(
                    ["supplement", "withdraw", "rating"]
                        .iter()
                        .map(|a| ("applicant", format!("/v1/dossiers/{code}/{a}"))),
                )
                .chain([("public", "/v1/dossiers".to_owned()), ("officer", "/v1/counter/dossiers".to_owned())])
                .collect();
        let admin_puts = [
            "/v1/admin/procedures/2.000488",
            "/v1/admin/agencies/000.00.03.H56",
            "/v1/admin/holidays/2027",
            "/v1/admin/officers/tuphap.motcua",
        ];
        let config = ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() };
        proptest!(config, |(body in json_value(), pick in 0usize..100)| {
            runtime.block_on(async {
                let (method, uri, who) = if pick % 5 == 4 {
                    ("PUT", admin_puts[pick % admin_puts.len()].to_owned(), "admin")
                } else {
                    let (who, uri) = &writes[pick % writes.len()];
                    ("POST", uri.clone(), *who)
                };
                let mut c = api.call(method, uri.clone());
                c.body = Some(body.to_string());
                match who {
                    "officer" => c.token = Some(desk.clone()),
                    "admin" => c.token = Some(admin.clone()),
                    "applicant" => c.secret = Some(secret.clone()),
                    _ => {}
                }
                let (status, answer) = api.send(c).await;
                assert!(!status.is_server_error(), "{method} {uri} with {body} → {status} {answer}");
                if !status.is_success() {
                    assert!(answer["error"]["code"].is_string(), "{method} {uri} → {status} {answer}");
                }
            });
        });
    }
}

/// A lookup from the client at `ip`.
async fn lookup_from(api: &Api, ip: [u8; 4], code: &str, secret: &str) -> (StatusCode, Value) {
    let peer = std::net::SocketAddr::from((ip, 40000));
    let mut req = Request::builder().uri(format!("/v1/dossiers/{code}")).header("x-lookup-secret", secret);
    req.extensions_mut().unwrap().insert(axum::extract::ConnectInfo(peer));
    let res = api.app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn guessing_secrets_is_cut_off_per_client_and_never_locks_the_applicant_out() {
    let api = Api::new().await;
    let (code, secret) = api.submit().await;
    let (other, _) = api.submit().await;
    let (guesser, applicant) = ([203, 0, 113, 7], [198, 51, 100, 9]);
    let per_dossier = api.home.public_limits.lookup_failures.max;
    let per_client = api.home.public_limits.lookup_failures_per_client.max;
    for i in 0..per_dossier {
        let (s, v) = lookup_from(&api, guesser, &code, &format!("WRONGSECRET{i:05}")).await;
        assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "lookup_secret_invalid"), "guess {i}");
    }
    let (s, v) = lookup_from(&api, applicant, &code, &secret).await;
    assert_eq!(s, StatusCode::OK, "a much-guessed dossier still opens to its secret (after a pause): {v}");
    for i in per_dossier..per_client {
        let (s, _) = lookup_from(&api, guesser, &other, &format!("WRONGSECRET{i:05}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "guess {i} on another dossier");
    }
    let (s, v) = lookup_from(&api, guesser, &other, "WRONGSECRETAGAIN").await;
    assert_eq!((s, code_of(&v)), (StatusCode::TOO_MANY_REQUESTS, "too_many_lookup_attempts"), "{v}");
    assert!(v["error"]["details"]["retry_after_seconds"].as_i64().unwrap() > 0);
    let (s, _) = lookup_from(&api, guesser, &code, &secret).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the guessing client is refused even a right secret");
    let (s, v) = lookup_from(&api, applicant, &code, &secret).await;
    assert_eq!(s, StatusCode::OK, "the applicant, elsewhere, is not locked out: {v}");
    let (s, v) = api.get(&format!("/v1/dossiers/{code}"), None, None).await;
    assert_eq!((s, v["status"].clone()), (StatusCode::OK, json!("submitted")), "the public status stays open");
}

#[tokio::test]
async fn a_burst_across_a_window_boundary_gets_the_limit_once() {
    let window = chrono::Duration::seconds(6);
    let api = Api::with(|home| home.public_limits.submissions = motcua_domain::limits::RateLimit::new(5, window)).await;
    let limit = api.home.public_limits.submissions;
    // Start just after a boundary, file the limit, then wait for the next boundary.
    let next = |now: chrono::DateTime<chrono::Utc>| limit.window_start(now) + window;
    let wait = |until: chrono::DateTime<chrono::Utc>| {
        tokio::time::sleep(
            (until - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(20),
        )
    };
    // The filings' files are uploaded first: each burst takes a fraction of the window.
    let mut filings = vec![];
    for _ in 0..2 * limit.max {
        filings.push(api.with_files(criminal_record_filing("0912345678")).await);
    }
    wait(next(chrono::Utc::now())).await;
    for filing in filings.drain(..limit.max as usize) {
        let (s, v) = api.post("/v1/dossiers", None, filing).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    wait(next(chrono::Utc::now())).await;
    let mut accepted = 0;
    for filing in filings {
        let (s, v) = api.post("/v1/dossiers", None, filing).await;
        match s {
            StatusCode::CREATED => accepted += 1,
            _ => assert_eq!((s, code_of(&v)), (StatusCode::TOO_MANY_REQUESTS, "too_many_submissions")),
        }
    }
    // A fixed window would take all five again; the sliding one carries the last window's.
    assert!(accepted <= 2, "{accepted} of a second burst right after the boundary were accepted");
}

#[tokio::test]
async fn online_submissions_are_limited_per_client() {
    let api = Api::new().await;
    let max = api.home.public_limits.submissions.max;
    let mut unknown = criminal_record_filing("0912345678");
    unknown["procedure_code"] = json!("9.999999");
    for _ in 0..3 {
        let (s, _) = api.post("/v1/dossiers", None, unknown.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "a refused filing is answered and counts nothing");
    }
    for _ in 0..max {
        api.submit().await;
    }
    let (s, v) = api.file(criminal_record_filing("0912345678")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::TOO_MANY_REQUESTS, "too_many_submissions"), "{v}");
    let ward = api.token("nhatrang.motcua").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&ward), birth_filing("direct")).await;
    assert_eq!(s, StatusCode::CREATED, "the desk is not limited: {v}");
}

/// A filing from `peer` that carries `forwarded` as its `X-Forwarded-For`.
async fn file_via(api: &Api, peer: [u8; 4], forwarded: &str) -> StatusCode {
    let mut req = Request::builder()
        .method("POST")
        .uri("/v1/dossiers")
        .header("content-type", "application/json")
        .header("x-forwarded-for", forwarded);
    req.extensions_mut().unwrap().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((peer, 40000))));
    let body = Body::from(api.with_files(criminal_record_filing("0912345678")).await.to_string());
    api.app.clone().oneshot(req.body(body).unwrap()).await.unwrap().status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_count() {
    let api = Api::with(|home| {
        home.public_limits.submissions = motcua_domain::limits::RateLimit::new(2, chrono::Duration::minutes(10));
        home.trusted_proxies =
            std::sync::Arc::new(motcua_functions::proxies::TrustedProxies::parse("10.0.0.0/8").unwrap());
    })
    .await;
    let (portal, stranger) = ([10, 1, 2, 3], [203, 0, 113, 7]);
    for citizen in ["198.51.100.1", "198.51.100.2"] {
        for _ in 0..2 {
            assert_eq!(
                file_via(&api, portal, citizen).await,
                StatusCode::CREATED,
                "{citizen} files through the portal"
            );
        }
        assert_eq!(
            file_via(&api, portal, citizen).await,
            StatusCode::TOO_MANY_REQUESTS,
            "{citizen} has used its own count"
        );
    }
    // A forged first hop does not buy a fresh count: the portal appended the address it saw.
    assert_eq!(file_via(&api, portal, "192.0.2.99, 198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    // A client that is not a trusted proxy is counted as itself, whatever it forwards.
    for i in 0..2 {
        assert_eq!(file_via(&api, stranger, &format!("192.0.2.{i}")).await, StatusCode::CREATED);
    }
    assert_eq!(file_via(&api, stranger, "192.0.2.50").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_filing_says_how_the_result_should_come_and_the_procedure_must_offer_it() {
    let api = Api::new().await;
    let mut online = criminal_record_filing("0912345678");
    online["result_by"] = json!("online");
    let (s, v) = api.file(online).await;
    assert_eq!(s, StatusCode::CREATED, "a fully online procedure returns online: {v}");
    let (s, v) = api.get(&format!("/v1/dossiers/{}", v["code"].as_str().unwrap()), None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut desk = birth_filing("direct");
    desk["result_by"] = json!("by_pigeon");
    let ward = api.token("nhatrang.motcua").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&ward), desk).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_json"), "{v}");
}

#[tokio::test]
async fn a_receipt_keeps_the_fees_of_its_reception_with_the_reductions_the_desk_recorded() {
    let api = Api::new().await;
    let admin = api.token("admin").await;
    let desk = api.token("tuphap.motcua").await;
    let mut filing = criminal_record_filing("0912345678");
    filing["channel"] = json!("direct");
    let mut unknown = filing.clone();
    unknown["fee_reductions"] = json!([{"fee": "Phí khác", "percent": 50, "legal_basis": "Nghị quyết 20/2021"}]);
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), unknown).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_fee"), "{v}");
    filing["fee_reductions"] = json!([{"fee": "Lệ phí", "percent": 50, "legal_basis": "Nghị quyết 20/2021/NQ-HĐND"}]);
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let line = &v["receipt"]["fees"][0];
    assert_eq!(
        (line["kind"].clone(), line["amount_vnd"].clone(), line["due_vnd"].clone()),
        (json!("charge"), json!(200_000), json!(100_000))
    );
    assert_eq!(line["reduction"]["legal_basis"], "Nghị quyết 20/2021/NQ-HĐND");
    assert_eq!(v["receipt"]["total_fee_vnd"], 100_000);

    // The catalogue's fee rises and a component is added; the receipt reprints as it was.
    let (_, mut p) = api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}"), None, None).await;
    p["fees"][0]["amount_vnd"] = json!(300_000);
    p["components"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Ảnh 4x6", "form": "original", "quantity": 2, "required": false}));
    let (s, v) = api.put(&format!("/v1/admin/procedures/{CRIMINAL_RECORD}"), &admin, p).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, receipt) = api.get(&format!("/v1/dossiers/{code}/receipt"), Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK, "{receipt}");
    assert_eq!(
        (receipt["fees"][0]["amount_vnd"].clone(), receipt["total_fee_vnd"].clone()),
        (json!(200_000), json!(100_000))
    );
    assert!(!receipt.to_string().contains("Ảnh 4x6"), "the components asked for then: {receipt}");
}

#[tokio::test]
async fn an_incomplete_desk_filing_gets_a_supplement_request_or_a_refusal_instead_of_a_receipt() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let mut filing = criminal_record_filing("0912345678");
    filing["channel"] = json!("postal");
    let (s, v) = api.post("/v1/counter/incomplete-dossiers", Some(&desk), filing.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["status"].as_str(), v["receipt"].is_null()), (Some("submitted"), true), "no receipt: {v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let (s, _) = api.get(&format!("/v1/dossiers/{code}/receipt"), Some(&desk), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing to print until it is received");
    let ask = json!({"reason": "Thiếu bản chụp", "missing": ["Bản chụp giấy tờ tùy thân"]});
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/request-supplement"), Some(&desk), ask).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("awaiting_supplement")), "{v}");
    assert!(v["history"][1]["deadline"].is_string() && v["supplement_deadline"] == v["history"][1]["deadline"], "{v}");

    let (s, v) = api.post("/v1/counter/incomplete-dossiers", Some(&desk), filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let other = v["code"].as_str().unwrap();
    let refuse = json!({"reason": "Hồ sơ không thuộc thẩm quyền"});
    let (s, v) = api.post(&format!("/v1/dossiers/{other}/refuse"), Some(&desk), refuse).await;
    assert_eq!(
        (s, v["status"].as_str(), v["dvcqg_status"].as_u64()),
        (StatusCode::OK, Some("refused"), Some(3)),
        "{v}"
    );
}

#[tokio::test]
async fn an_officer_sees_only_their_own_agencys_colleagues() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.get("/v1/officer/colleagues", Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert!(items.len() >= 3, "{v}");
    assert!(items.iter().all(|o| o["agency"] == JUSTICE), "{v}");
    assert!(items.iter().any(|o| o["id"] == "tuphap.lanhdao"), "{v}");
    assert!(items.iter().all(|o| o.get("phone").is_none() && o.get("email").is_none()), "no contact details: {v}");
    let (_, first) = api.get("/v1/officer/colleagues?limit=1", Some(&desk), None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, rest) = api.get(&format!("/v1/officer/colleagues?cursor={cursor}"), Some(&desk), None).await;
    assert_eq!(1 + rest["items"].as_array().unwrap().len(), items.len());
    let other = api.token("nhatrang.motcua").await;
    let (_, v) = api.get("/v1/officer/colleagues", Some(&other), None).await;
    assert!(v["items"].as_array().unwrap().iter().all(|o| o["agency"] != JUSTICE), "{v}");
    let (s, v) = api.get("/v1/officer/colleagues", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    assert_eq!(code_of(&api.get("/v1/officer/colleagues?agency=x", Some(&desk), None).await.1), "invalid_query");
}
