//! Hand-overs inside the workflow through the API, on both homes: a specialist forwards to the
//! police's inter-agency step, the police officer sends it back with a reason, the leader
//! re-assigns the step to another specialist, and the work goes on to approval. The due date
//! never moves, each act is in the history with its reason, and the tracking card shows every
//! hand-over; sending back from the first step is a clear 409. The step holder asks another agency
//! for an opinion, which an officer of the health department (who could not read the dossier before) answers.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn act(api: &Api, code: &str, officer: &str, action: &str, body: Value) -> (StatusCode, Value) {
    let token = api.token(officer).await;
    api.post(&format!("/v1/dossiers/{code}/{action}"), Some(&token), body).await
}

async fn ok(api: &Api, code: &str, officer: &str, action: &str, body: Value) -> Value {
    let (s, v) = act(api, code, officer, action, body).await;
    assert_eq!(s, StatusCode::OK, "{officer} {action}: {v}");
    v
}

async fn hand_overs_keep_the_due_date(api: Api) {
    let (code, _) = api.submit().await;
    let received = ok(&api, &code, "tuphap.motcua", "receive", json!({})).await;
    let due = received["due_at"].clone();
    ok(&api, &code, "tuphap.lanhdao", "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    let (s, v) = act(&api, &code, "tuphap.chuyenvien", "send-back", json!({"reason": "Sai"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "first_step"));
    ok(&api, &code, "tuphap.chuyenvien", "forward", json!({"assignee": "congan.chuyenvien"})).await;
    let (s, v) = act(&api, &code, "congan.chuyenvien", "send-back", json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a reason is required: {v}");
    let back = ok(&api, &code, "congan.chuyenvien", "send-back", json!({"reason": "Thiếu số định danh"})).await;
    assert_eq!(back["current_step"]["index"], 0);
    assert_eq!(back["current_step"]["assignee"]["id"], "tuphap.chuyenvien", "back to who did it");
    assert_eq!(back["due_at"], due);
    let (s, v) =
        act(&api, &code, "tuphap.chuyenvien", "reassign", json!({"assignee": "tuphap.chuyenvien2", "reason": "x"}))
            .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the leader's act: {v}");
    let (s, v) =
        act(&api, &code, "tuphap.lanhdao", "reassign", json!({"assignee": "tuphap.chuyenvien", "reason": "x"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "same_assignee"));
    let moved = ok(
        &api,
        &code,
        "tuphap.lanhdao",
        "reassign",
        json!({"assignee": "tuphap.chuyenvien2", "reason": "Chuyên viên nghỉ phép"}),
    )
    .await;
    assert_eq!(
        (moved["current_step"]["assignee"]["id"].as_str(), moved["due_at"].clone()),
        (Some("tuphap.chuyenvien2"), due.clone())
    );
    let (s, _) = act(&api, &code, "tuphap.chuyenvien", "forward", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the former holder no longer acts");
    // An opinion from another agency, the step kept and its clock running.
    let (s, v) =
        act(&api, &code, "tuphap.chuyenvien2", "consult", json!({"officer": "tuphap.chuyenvien", "question": "?"}))
            .await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "consult_own_agency"));
    let police = api.token("yte.lanhdao").await;
    let (s, _) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&police), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not theirs before they are asked");
    let question = json!({"officer": "yte.lanhdao", "question": "Đương sự có tiền án không?"});
    let asked = ok(&api, &code, "tuphap.chuyenvien2", "consult", question).await;
    assert_eq!(
        (asked["current_step"]["assignee"]["id"].as_str(), asked["due_at"].clone()),
        (Some("tuphap.chuyenvien2"), due.clone())
    );
    let (s, seen) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&police), None).await;
    assert_eq!(s, StatusCode::OK, "the officer asked reads it: {seen}");
    let (s, v) = act(&api, &code, "congan.chuyenvien", "opinion", json!({"opinion": "x"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "not_consulted"));
    ok(&api, &code, "yte.lanhdao", "opinion", json!({"opinion": "Không có tiền án"})).await;
    ok(&api, &code, "tuphap.chuyenvien2", "forward", json!({"assignee": "congan.chuyenvien"})).await;
    ok(&api, &code, "congan.chuyenvien", "forward", json!({"assignee": "tuphap.lanhdao"})).await;
    let done = ok(&api, &code, "tuphap.lanhdao", "approve", json!({})).await;
    assert_eq!((done["status"].as_str(), done["due_at"].clone()), (Some("resolved"), due));
    let history: Vec<(&str, Option<&str>)> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["note"].as_str()))
        .collect();
    assert!(history.contains(&("send_back", Some("Thiếu số định danh"))), "{history:?}");
    assert!(history.contains(&("reassign", Some("Chuyên viên nghỉ phép"))), "{history:?}");
    assert!(history.contains(&("consult", Some("Đương sự có tiền án không?"))), "{history:?}");
    assert!(history.contains(&("opinion", Some("Không có tiền án"))), "{history:?}");
    let opinion = done["tracking_card"].as_array().unwrap().iter().find(|r| r["kind"] == "consultation").unwrap();
    assert_eq!(
        (opinion["agency_code"].as_str(), opinion["taken_by"]["id"].as_str()),
        (Some("000.00.12.H56"), Some("yte.lanhdao"))
    );
    assert!(opinion["finished_at"].is_string());
    let card: Vec<(u64, Option<&str>)> = done["tracking_card"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "step")
        .map(|r| (r["step"].as_u64().unwrap(), r["taken_by"]["id"].as_str()))
        .collect();
    assert_eq!(
        card,
        [
            (0, Some("tuphap.chuyenvien")),
            (1, Some("congan.chuyenvien")),
            (0, Some("tuphap.chuyenvien")),
            (0, Some("tuphap.chuyenvien2")),
            (1, Some("congan.chuyenvien")),
            (2, Some("tuphap.lanhdao")),
        ],
        "every hand-over has its row"
    );
}

#[tokio::test]
async fn hand_overs_keep_the_due_date_on_sqlite() {
    hand_overs_keep_the_due_date(Api::many_filings().await).await;
}

#[tokio::test]
async fn hand_overs_keep_the_due_date_on_dynamodb() {
    hand_overs_keep_the_due_date(Api::on_dynamodb("handovers").await).await;
}
