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
