//! Trust, attacked: the real `motcua` binary with its history edited behind its back, killed
//! mid-load, and probed for personal data in what it logs and shows the public.

mod server;
mod support;

use std::process::Command;

use serde_json::{json, Value};
use server::Server;

#[test]
fn an_event_edited_behind_the_apis_back_breaks_the_chain() {
    let server = Server::start();
    let (code, secret) = server.submit("0912345678");
    let desk = server.token("tuphap.motcua");
    let received = server.officer(&desk, &code, "receive", json!({"note": "Đủ thành phần"}));
    let head = received["history_head"].as_str().unwrap().to_owned();
    assert_eq!(head.len(), 64, "{received}");
    let (s, mine) = server.request("GET", &format!("/v1/dossiers/{code}"), None, Some(&secret), None);
    assert_eq!(s, 200);
    assert_eq!(mine["history_head"], head.as_str(), "the applicant sees the head too");

    let verify =
        |server: &Server| server.request("GET", &format!("/v1/dossiers/{code}/verify"), Some(&desk), None, None);
    let (s, report) = verify(&server);
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(report["events"], 2);
    let (s, _) = server.request("GET", &format!("/v1/dossiers/{code}/verify"), None, None, None);
    assert_eq!(s, 401, "officers only");

    // Someone with access to the database file rewrites the reception note.
    let db = rusqlite::Connection::open(server.data_dir.join("motcua.sqlite3")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let changed = db
        .execute(
            "UPDATE events SET body = json_set(body, '$.note', 'Thiếu giấy tờ') WHERE dossier = ?1 AND seq = 1",
            [&code],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let (s, report) = verify(&server);
    assert_eq!(s, 200);
    assert_eq!(report["intact"], false, "{report}");
    assert_eq!(report["breaks"], json!([{"seq": 1, "problem": "content_changed"}]), "{report}");

    // The command-line check finds it too, and exits with 1.
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["verify", "--data-dir"])
        .arg(&server.data_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{code}: BROKEN (event 1: ContentChanged)")), "{stdout}");
    assert!(stdout.contains("verified 1 dossiers: 0 intact, 1 broken"), "{stdout}");

    // A second, untouched dossier stays intact; verifying it alone succeeds.
    let (other, _) = server.submit("0987654321");
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["verify", &other, "--data-dir"])
        .arg(&server.data_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let _: Value = report;
}

/// Submits and receives until the server stops answering; returns what was acknowledged:
/// (code, secret, received).
fn load(
    base: String,
    desk: String,
    seed: usize,
    progress: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> Vec<(String, String, bool)> {
    let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(5)).build();
    let mut acked = vec![];
    for n in 0.. {
        let phone = format!("09{:08}", (seed * 1_000_003 + n) % 100_000_000);
        let filed = server::with_files_at(&agent, &base, support::criminal_record_filing(&phone))
            .and_then(|filing| agent.post(&format!("{base}/v1/dossiers")).send_json(filing).map_err(Box::new));
        let response = match filed.map_err(|e| *e) {
            Ok(response) => response,
            Err(ureq::Error::Status(s, r)) => panic!("filing: {s} {}", r.into_string().unwrap_or_default()),
            Err(_) => break,
        };
        let v: Value = response.into_json().unwrap();
        let (code, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
        acked.push((code.clone(), secret, false));
        progress.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n % 2 == 0 {
            let received = agent
                .post(&format!("{base}/v1/dossiers/{code}/receive"))
                .set("authorization", &format!("Bearer {desk}"))
                .send_json(json!({}));
            match received {
                Ok(_) => acked.last_mut().unwrap().2 = true,
                Err(ureq::Error::Status(s, r)) => panic!("receive {code}: {s} {}", r.into_string().unwrap_or_default()),
                Err(_) => break,
            }
        }
    }
    acked
}

/// Every acknowledged filing is there, and every acknowledged reception.
fn check_acknowledged(server: &Server, acked: &[(String, String, bool)]) {
    for (code, secret, received) in acked {
        let (s, v) = server.request("GET", &format!("/v1/dossiers/{code}"), None, Some(secret), None);
        assert_eq!(s, 200, "acknowledged {code} is lost: {v}");
        if *received {
            assert_eq!(v["status"], "received", "{code}: acknowledged reception is lost");
        }
    }
}

#[test]
fn kill_9_during_load_loses_nothing_acknowledged_and_sends_each_notice_once() {
    let rounds: usize = std::env::var("MOTCUA_CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(6);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = vec![
        ("MOTCUA_SUBMISSION_LIMIT".to_owned(), "1000000/1m".to_owned()),
        ("MOTCUA_UPLOAD_LIMIT".to_owned(), "1000000/1m".to_owned()),
    ];
    let mut acked: Vec<(String, String, bool)> = vec![];
    for round in 0..rounds {
        let server = Server::start_in(&data, env.clone());
        check_acknowledged(&server, &acked);
        let desk = server.token("tuphap.motcua");
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let loaders: Vec<_> = (0..4)
            .map(|t| {
                let (base, desk, progress) = (server.base.clone(), desk.clone(), progress.clone());
                std::thread::spawn(move || load(base, desk, round * 10 + t, progress))
            })
            .collect();
        // The kill comes once the load is under way (however slow a shared machine is), at a
        // random moment after.
        let started = std::time::Instant::now();
        while progress.load(std::sync::atomic::Ordering::Relaxed) < 12
            && started.elapsed() < std::time::Duration::from_secs(30)
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(rand::random::<u64>() % 500));
        server.kill();
        for l in loaders {
            acked.extend(l.join().unwrap());
        }
    }
    let server = Server::start_in(&data, env);
    check_acknowledged(&server, &acked);
    assert!(acked.len() > 10 * rounds, "the load made progress: {}", acked.len());

    // Every notice committed is delivered once: the worker catches up after the last restart.
    let db = rusqlite::Connection::open(data.join("motcua.sqlite3")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let undelivered =
        || -> i64 { db.query_row("SELECT count(*) FROM outbox WHERE state != 'delivered'", [], |r| r.get(0)).unwrap() };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while undelivered() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(undelivered(), 0, "every committed notice ends delivered");
    let ids: Vec<String> =
        db.prepare("SELECT id FROM outbox").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let sink = std::fs::read_to_string(data.join("sent-messages.jsonl")).unwrap();
    let mut lines_per_id = std::collections::HashMap::new();
    for line in sink.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("a torn sink line {line:?}: {e}"));
        *lines_per_id.entry(v["id"].as_str().unwrap().to_owned()).or_insert(0) += 1;
    }
    assert_eq!(lines_per_id.len(), ids.len(), "one sink line per committed notice");
    for id in &ids {
        assert_eq!(lines_per_id.get(id), Some(&1), "{id} delivered exactly once");
    }
    let dossiers: i64 = db.query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_motcua")).args(["verify", "--data-dir"]).arg(&data).output().unwrap();
    assert!(out.status.success(), "no half-applied action: {}", String::from_utf8_lossy(&out.stdout));
    println!(
        "{rounds} kill -9 rounds: {} acknowledged filings ({} received), {dossiers} dossiers stored, {} notices each sent once",
        acked.len(),
        acked.iter().filter(|a| a.2).count(),
        ids.len()
    );
}

#[test]
fn personal_data_never_reaches_logs_or_unauthenticated_answers() {
    let server = Server::start_with(vec![("MOTCUA_LOG".into(), "trace".into())]);
    let pii = [
        "Phạm Thị Xuyến Zzyzx",
        "Zzyzx",
        "079299123456",
        "0977123456",
        "977123456",
        "zzyzx.pii@example.vn",
        "Ngõ Bí Mật",
        "Đoàn Văn Qwerty",
    ];
    let mut filing = support::criminal_record_filing("0977123456");
    filing["applicant"] = json!({
        "kind": "citizen", "name": pii[0], "citizen_id": pii[2], "phone": pii[3], "email": pii[5],
        "address": "Số 42 Ngõ Bí Mật, Nha Trang", "delegate_name": pii[7]
    });
    let (s, created) = server.file(filing);
    assert_eq!(s, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    let secret = created["lookup_secret"].as_str().unwrap().to_owned();
    let desk = server.token("tuphap.motcua");
    server.officer(&desk, &code, "receive", json!({}));
    // The holders of the secret and the officers do see it: the data is there to leak.
    let (_, mine) = server.request("GET", &format!("/v1/dossiers/{code}"), None, Some(&secret), None);
    assert!(mine.to_string().contains("Zzyzx"));
    let (_, seen) = server.request("GET", &format!("/v1/officer/dossiers/{code}"), Some(&desk), None, None);
    assert!(seen.to_string().contains("079299123456"));

    // Everything an anonymous caller can reach, including every error it can provoke.
    let mut answers = vec![];
    for (method, path) in [
        ("GET", format!("/v1/dossiers/{code}")),
        ("GET", format!("/v1/dossiers/{code}/receipt")),
        ("GET", format!("/v1/dossiers/{code}/verify")),
        ("GET", format!("/v1/officer/dossiers/{code}")),
        ("GET", "/v1/officer/dossiers".to_owned()),
        ("GET", "/v1/procedures?q=Zzyzx".to_owned()),
        ("GET", "/v1/agencies".to_owned()),
        ("GET", "/v1/health".to_owned()),
        ("GET", "/v1/openapi.json".to_owned()),
        ("GET", "/v1/admin/officers".to_owned()),
        ("POST", format!("/v1/dossiers/{code}/withdraw")),
        ("POST", format!("/v1/dossiers/{code}/receive")),
        ("POST", format!("/v1/dossiers/{code}/rating")),
        ("POST", format!("/v1/dossiers/{code}/supplement")),
        // A citizen ID and a name typed into the lookup box where the code belongs.
        ("GET", format!("/v1/dossiers/{}", pii[2])),
        ("GET", "/v1/dossiers/Zzyzx%20Ph%E1%BA%A1m".to_owned()),
        ("POST", format!("/v1/dossiers/{}/withdraw", pii[2])),
    ] {
        for secret in [None, Some("WRONGWRONGWRONG1")] {
            let (s, v) = server.request(method, &path, None, secret, (method == "POST").then(|| json!({})));
            assert!(s < 500, "{method} {path}: {s}");
            answers.push((format!("{method} {path}"), format!("{s} {v}")));
        }
    }
    // The worker has sent the notices (to the sink, which is not a log).
    server.messages(&code, 2);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.lines().count() > 20, "trace logging was on");
    let requests: Vec<&str> = log.lines().filter(|l| l.contains("request_log")).collect();
    assert!(requests.iter().any(|l| l.contains("/v1/dossiers/{code}")), "requests are logged by their route");
    assert!(
        requests.iter().any(|l| l.contains("dossier") && l.contains(&code)),
        "a code that parses is logged as the dossier"
    );
    for text in pii {
        assert!(!log.contains(text), "`{text}` leaked into the server log");
        for (request, answer) in &answers {
            assert!(!answer.contains(text), "`{text}` leaked to an anonymous caller: {request} → {answer}");
        }
    }
}
