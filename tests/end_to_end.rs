//! End to end: the real `motcua` binary on a free port with a temporary data directory, driven
//! over HTTP through the whole lifecycle, with the local SMS/email sink and server logs checked.

mod operations;
mod server;
mod support;

use std::time::{Duration, Instant};

use server::{read_sink, Server};

use serde_json::{json, Value};
use support::*;

#[test]
fn a_dossier_lives_its_whole_life_over_http() {
    let server = Server::start();
    let desk = server.token("tuphap.motcua");
    let spec = server.token("tuphap.chuyenvien");
    let police = server.token("congan.chuyenvien");
    let lead = server.token("tuphap.lanhdao");

    // Online submission → reception (due date by the calendar) → assign → forward → approve → return → rate.
    let (code, secret) = server.submit("0912345678");
    let received = server.officer(&desk, &code, "receive", json!({}));
    let (_, expected) = server.request(
        "GET",
        &format!(
            "/v1/procedures/{CRIMINAL_RECORD}/due-date?channel=online&received_at={}",
            received["received_at"].as_str().unwrap().replace('+', "%2B")
        ),
        None,
        None,
        None,
    );
    assert_eq!(received["due_at"], expected["due_at"], "the due date is the calendar's");
    server.officer(&lead, &code, "assign", json!({"assignee": "tuphap.chuyenvien"}));
    server.officer(&spec, &code, "forward", json!({"assignee": "congan.chuyenvien"}));
    server.officer(&police, &code, "forward", json!({"assignee": "tuphap.lanhdao"}));
    server.officer(&lead, &code, "approve", json!({}));
    let returned = server.officer(&desk, &code, "return", json!({"method": "counter"}));
    assert_eq!(returned["status"], "returned");
    let card = returned["tracking_card"].as_array().unwrap();
    assert_eq!(card.len(), 3);
    assert_eq!(card[0]["given_by"]["id"], "tuphap.motcua");
    assert_eq!(card[2]["taken_by"]["id"], "tuphap.lanhdao");
    let (s, v) = server.request("POST", &format!("/v1/dossiers/{code}/rating"), None, Some(&secret), Some(rating()));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["rating"]["verdict"], "very_satisfied");

    // submitted, received, result ready, returned: one SMS each (the email is only a fallback).
    let sent = server.messages(&code, 4);
    assert_eq!(sent.len(), 4, "{sent:#?}");
    for kind in ["submitted", "received", "result_ready", "returned"] {
        let of_kind: Vec<_> = sent.iter().filter(|m| m["kind"] == kind).collect();
        assert_eq!(of_kind.len(), 1, "{kind}");
        let sms = of_kind[0];
        assert_eq!(sms["channel"], "sms");
        assert_eq!(sms["recipient"], "+84912345678");
        assert!(sms["text"].as_str().unwrap().is_ascii());
        assert!((1..=2).contains(&sms["segments"].as_u64().unwrap()));
    }
    let received_sms = sent.iter().find(|m| m["kind"] == "received" && m["channel"] == "sms").unwrap();
    assert!(received_sms["text"].as_str().unwrap().contains("Ngay hen tra ket qua"));

    // Supplement: the clock stops and is recomputed from the supplement's acceptance.
    let (code, secret) = server.submit("0987000111");
    let before = server.officer(&desk, &code, "receive", json!({}));
    server.officer(
        &desk,
        &code,
        "request-supplement",
        json!({"reason": "Ảnh mờ", "missing": ["Bản chụp CCCD rõ nét"]}),
    );
    std::thread::sleep(Duration::from_millis(1100));
    let (s, after) = server.request(
        "POST",
        &format!("/v1/dossiers/{code}/supplement"),
        None,
        Some(&secret),
        Some(json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd-2.pdf"}]})),
    );
    assert_eq!(s, 200, "{after}");
    assert_eq!(after["status"], "awaiting_supplement", "brought, to be checked");
    let after = server.officer(&desk, &code, "accept-supplement", json!({}));
    assert_eq!(after["status"], "received");
    let (_, view) = server.request("GET", &format!("/v1/officer/dossiers/{code}"), Some(&desk), None, None);
    let supplemented_at = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "accept_supplement")
        .map(|e| e["at"].as_str().unwrap().replace('+', "%2B"))
        .unwrap();
    let (_, recomputed) = server.request(
        "GET",
        &format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?channel=online&received_at={supplemented_at}"),
        None,
        None,
        None,
    );
    assert_eq!(after["due_at"], recomputed["due_at"], "the full time runs again from the supplement");
    assert!(after["due_at"].as_str().unwrap() >= before["due_at"].as_str().unwrap());
    let kinds: Vec<String> = server.messages(&code, 8).iter().map(|m| m["kind"].as_str().unwrap().to_owned()).collect();
    assert!(
        kinds.contains(&"supplement_requested".to_owned()) && kinds.contains(&"supplement_received".to_owned()),
        "{kinds:?}"
    );

    // Extension with apology, once.
    let (_, current) = server.request("GET", &format!("/v1/officer/dossiers/{code}"), Some(&lead), None, None);
    let later = support::a_day_after(current["due_at"].as_str().unwrap());
    let apology =
        server.officer(&lead, &code, "extend", json!({"reason": "Chờ kết quả xác minh", "new_due_at": later}));
    assert_eq!(apology["due_at"], later.as_str());
    let (s, v) = server.request(
        "POST",
        &format!("/v1/dossiers/{code}/extend"),
        Some(&lead),
        None,
        Some(json!({"reason": "Lần nữa", "new_due_at": support::a_day_after(&later)})),
    );
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("already_extended")));
    let apology_sms = server.messages(&code, 10).into_iter().find(|m| m["kind"] == "apology" && m["channel"] == "sms");
    let promised = chrono::DateTime::parse_from_rfc3339(&later).unwrap().format("%d/%m/%Y").to_string();
    assert!(apology_sms.unwrap()["text"].as_str().unwrap().contains(&promised));

    // Refusal and withdrawal.
    let (code, _) = server.submit("0912000222");
    let refused = server.officer(&desk, &code, "refuse", json!({"reason": "Không thuộc thẩm quyền"}));
    assert_eq!((refused["status"].as_str(), refused["dvcqg_status"].as_u64()), (Some("refused"), Some(3)));
    assert!(server.messages(&code, 4).iter().any(|m| m["kind"] == "refused"));
    let (code, secret) = server.submit("0912000333");
    let (s, v) = server.request("POST", &format!("/v1/dossiers/{code}/withdraw"), None, Some(&secret), None);
    assert_eq!((s, v["status"].as_str()), (200, Some("withdrawn")));

    // Each message was written exactly once.
    let every: Vec<Value> = std::fs::read_to_string(server.data_dir.join("sent-messages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids: Vec<&str> = every.iter().map(|m| m["id"].as_str().unwrap()).collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "no message delivered twice");

    // Personal data never reaches the logs.
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("transition committed"), "the server logged its work");
    for secret_text in ["Minh Khai", "079203009876", "912345678", "minhkhai@example.vn"] {
        assert!(!log.contains(secret_text), "`{secret_text}` leaked into the log");
    }
}

#[test]
fn the_server_runs_on_dynamodb_and_notifies_through_sns_and_ses() {
    let endpoint = motcua_infra::aws::moto_endpoint();
    let from = "khong-tra-loi@motcua.example.gov.vn";
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let config = motcua_infra::aws::local_config(&endpoint);
        aws_sdk_ses::Client::new(&config).verify_email_identity().email_address(from).send().await.unwrap();
    });
    let table = motcua_infra::aws::unique_table("serve");
    let env: Vec<(String, String)> = [
        ("MOTCUA_STORE", "dynamodb"),
        ("MOTCUA_TABLE", table.as_str()),
        ("MOTCUA_CREATE_TABLE", "true"),
        ("MOTCUA_NOTIFIER", "aws"),
        ("MOTCUA_EMAIL_FROM", from),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_REGION", "ap-southeast-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let server = Server::start_with(env);
    let phone = format!("09{:08}", rand::random::<u32>() % 100_000_000);
    let (code, secret) = server.submit(&phone);
    let desk = server.token("tuphap.motcua");
    let received = server.officer(&desk, &code, "receive", json!({}));
    assert_eq!(received["status"], "received");
    let (s, v) = server.request("GET", "/v1/officer/dossiers?status=received", Some(&desk), None, None);
    assert_eq!(s, 200);
    assert!(v["items"].as_array().unwrap().iter().any(|d| d["code"] == code.as_str()), "{v}");

    // The outbox worker sends through moto's SNS: submitted + received, by SMS (the email is
    // the fallback, not needed).
    let international = format!("+84{}", &phone[1..]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while moto_sent(&international, "minhkhai@example.vn").0 < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(moto_sent(&international, "minhkhai@example.vn").0, 2);
    assert!(
        read_sink(&server.data_dir.join("sent-messages.jsonl"), &code).is_empty(),
        "nothing went to the local sink"
    );

    // A second server on the same table (not creating it) sees the same dossier.
    let mut env = server.env.clone();
    env.retain(|(k, _)| k != "MOTCUA_CREATE_TABLE");
    drop(server);
    let again = Server::start_with(env);
    let (s, v) = again.request("GET", &format!("/v1/dossiers/{code}"), None, Some(&secret), None);
    assert_eq!((s, v["status"].as_str()), (200, Some("received")), "{v}");

    // The table's first backfill runs against it; this release listed its final messages already.
    let checkpoint = again.data_dir.with_extension("backfill.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["backfill", "final-messages", "--page", "5", "--checkpoint"])
        .arg(&checkpoint)
        .envs(again.env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("finished;") && said.contains(" 0 rewritten"), "{said}");
}
