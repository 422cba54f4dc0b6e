//! Operations on one machine (`docs/operations.md`): a backup taken from the real `motcua`
//! binary's data directory while filings arrive, restored into a new directory and checked;
//! a damaged backup, a damaged file and a non-empty target, each refused.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server::Server;
use crate::support::criminal_record_filing;

fn motcua(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua")).args(args).args(paths).output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_backup_taken_under_filings_restores_every_filing_acknowledged_before_it() {
    let server = Server::start_with(vec![("MOTCUA_SUBMISSION_LIMIT".into(), "1000000/1m".into())]);
    let work = tempfile::tempdir().unwrap();
    let acknowledged: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let (stop, counter) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let filers: Vec<_> = (0..2)
        .map(|_| {
            let (base, acknowledged, stop, counter) =
                (server.base.clone(), acknowledged.clone(), stop.clone(), counter.clone());
            std::thread::spawn(move || {
                let agent = ureq::agent();
                while !stop.load(Ordering::Relaxed) {
                    let phone = format!("0912{:06}", counter.fetch_add(1, Ordering::Relaxed));
                    let filing = crate::server::with_files_at(&agent, &base, criminal_record_filing(&phone)).unwrap();
                    let answer: serde_json::Value =
                        agent.post(&format!("{base}/v1/dossiers")).send_json(filing).unwrap().into_json().unwrap();
                    let code = answer["code"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push((code, Instant::now()));
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 10 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let backup = work.path().join("motcua-backup.tar.gz");
    let began = Instant::now();
    let out = motcua(&["backup", "--data-dir"], &[&server.data_dir, Path::new("--to"), &backup]);
    assert!(out.status.success(), "{}", text(&out));
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    filers.into_iter().for_each(|f| f.join().unwrap());
    let acknowledged = acknowledged.lock().unwrap().clone();
    let before: Vec<&String> = acknowledged.iter().filter(|(_, at)| *at < began).map(|(c, _)| c).collect();
    assert!(before.len() >= 10 && acknowledged.len() > before.len(), "filings went on during the backup");

    let again = motcua(&["backup", "--data-dir"], &[&server.data_dir, Path::new("--to"), &backup]);
    assert!(!again.status.success() && text(&again).contains("exists already"), "{}", text(&again));
    let restored = work.path().join("restored");
    let out = motcua(&["restore"], &[&backup, Path::new("--data-dir"), &restored]);
    assert!(out.status.success(), "{}", text(&out));
    let out = motcua(&["restore"], &[&backup, Path::new("--data-dir"), &restored]);
    assert!(!out.status.success() && text(&out).contains("not empty"), "{}", text(&out));
    for key in ["jwt-signing.key", "lookup-secret.key"] {
        assert_eq!(
            std::fs::read(restored.join(key)).unwrap(),
            std::fs::read(server.data_dir.join(key)).unwrap(),
            "{key} comes back"
        );
    }
    let out = motcua(&["check", "--data-dir"], &[&restored]);
    assert!(out.status.success(), "{}", text(&out));
    let report = text(&out);
    assert!(report.contains("database: intact") && report.contains("stored files: 1 read, 0 damaged"), "{report}");
    assert!(report.contains(" intact, 0 broken, 0 not found"), "{report}");

    // The restored directory serves every filing acknowledged before the backup began.
    drop(server);
    let back = Server::start_in(&restored, vec![]);
    let desk = back.token("tuphap.motcua");
    for code in &before {
        let (status, dossier) = back.request("GET", &format!("/v1/officer/dossiers/{code}"), Some(&desk), None, None);
        assert_eq!(status, 200, "{code}: {dossier}");
        let documents = dossier["documents"].as_array().unwrap();
        let file = documents.iter().find_map(|d| d["file"]["id"].as_str()).unwrap();
        let path = format!("/v1/officer/dossiers/{code}/files/{file}");
        let response =
            ureq::get(&format!("{}{path}", back.base)).set("authorization", &format!("Bearer {desk}")).call();
        assert_eq!(response.map(|r| r.status()).unwrap_or(0), 200, "{code}: its file");
    }
    back.kill();

    // A stored file changed on disk is named by `check`.
    let stored = std::fs::read_dir(restored.join("files/sha256"))
        .unwrap()
        .flat_map(|shard| std::fs::read_dir(shard.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .next()
        .unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&stored, bytes).unwrap();
    let out = motcua(&["check", "--data-dir"], &[&restored]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("DAMAGED (its bytes do not hash to its name)"), "{}", text(&out));

    // A backup cut short is refused, and leaves no directory behind.
    let bytes = std::fs::read(&backup).unwrap();
    let cut = work.path().join("cut.tar.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let target = work.path().join("from-cut");
    let out = motcua(&["restore"], &[&cut, Path::new("--data-dir"), &target]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(!target.exists(), "nothing is left half-restored");
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".motcua-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Files with `criminal_record_filing` from two threads until `stop`, or until the server no
/// longer answers; the codes answered 201, each with when.
fn file_until(base: &str, stop: &Arc<AtomicBool>, first_phone: usize) -> Vec<std::thread::JoinHandle<Vec<String>>> {
    let counter = Arc::new(AtomicUsize::new(first_phone));
    (0..2)
        .map(|_| {
            let (base, stop, counter) = (base.to_owned(), stop.clone(), counter.clone());
            std::thread::spawn(move || {
                let agent = ureq::agent();
                let mut acknowledged = vec![];
                while !stop.load(Ordering::Relaxed) {
                    let phone = format!("0913{:06}", counter.fetch_add(1, Ordering::Relaxed));
                    let Ok(filing) = crate::server::with_files_at(&agent, &base, criminal_record_filing(&phone)) else {
                        break;
                    };
                    match agent.post(&format!("{base}/v1/dossiers")).send_json(filing) {
                        Ok(r) if r.status() == 201 => {
                            let answer: serde_json::Value = r.into_json().unwrap();
                            acknowledged.push(answer["code"].as_str().unwrap().to_owned());
                        }
                        _ => break,
                    }
                }
                acknowledged
            })
        })
        .collect()
}

/// SIGTERM under a load of filings, with the SMS gateway answering slowly: the server finishes
/// the requests in flight and stops its outbox worker between two messages; started again, it
/// sends the rest. Every filing answered 201 is there, with its SMS sent exactly once.
#[test]
fn sigterm_under_load_loses_nothing_acknowledged_and_sends_nothing_twice() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let gateway = motcua_functions::fakes::sms::FakeSms::new("tinh", "mat-khau");
    let addr = runtime.block_on(gateway.start("127.0.0.1:0".parse().unwrap())).unwrap();
    gateway.set_faults(motcua_functions::fakes::sms::Faults {
        slow_next: u32::MAX,
        slow_ms: 400,
        ..Default::default()
    });
    let env: Vec<(String, String)> = [
        ("MOTCUA_SUBMISSION_LIMIT", "1000000/1m".to_owned()),
        ("MOTCUA_SMS", "gateway".to_owned()),
        ("MOTCUA_SMS_GATEWAY_URL", format!("http://{addr}/vnpt")),
        ("MOTCUA_SMS_GATEWAY_PRESET", "vnpt".to_owned()),
        ("MOTCUA_SMS_GATEWAY_BRAND", "UBND TINH".to_owned()),
        ("MOTCUA_SMS_GATEWAY_USERNAME", "tinh".to_owned()),
        ("MOTCUA_SMS_GATEWAY_PASSWORD", "mat-khau".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let mut server = Server::start_in(&data, env.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let filers = file_until(&server.base, &stop, 0);
    while gateway.taken().len() < 3 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let term = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop within 30 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}: {}", std::fs::read_to_string(&server.log).unwrap_or_default());
    assert!(std::fs::read_to_string(&server.log).unwrap().contains("motcua stopped"));
    stop.store(true, Ordering::Relaxed);
    let acknowledged: Vec<String> = filers.into_iter().flat_map(|f| f.join().unwrap()).collect();
    let sent_before = gateway.taken().len();
    assert!(sent_before < acknowledged.len(), "the slow gateway left messages for the next start");
    gateway.set_faults(motcua_functions::fakes::sms::Faults::default());

    let back = Server::start_in(&data, env);
    let desk = back.token("tuphap.motcua");
    for code in &acknowledged {
        let (status, _) = back.request("GET", &format!("/v1/officer/dossiers/{code}"), Some(&desk), None, None);
        assert_eq!(status, 200, "{code} was acknowledged");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.iter().any(|code| !gateway.taken().iter().any(|t| t.text.contains(code.as_str()))) {
        assert!(Instant::now() < deadline, "the SMS of every acknowledged filing goes out after the restart");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let taken = gateway.taken();
    let mut ids: Vec<&str> = taken.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    let all = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), all, "a message went to the gateway twice");
    for code in &acknowledged {
        assert_eq!(taken.iter().filter(|t| t.text.contains(code.as_str())).count(), 1, "{code}: one SMS");
    }
    // The message in flight at SIGTERM was settled before the worker stopped: none was left
    // claimed, to be closed as a technical failure (its fate unknown) after the restart.
    let db = rusqlite::Connection::open(data.join("motcua.sqlite3")).unwrap();
    let undelivered: i64 =
        db.query_row("SELECT count(*) FROM outbox WHERE state != 'delivered'", [], |r| r.get(0)).unwrap();
    assert_eq!(undelivered, 0, "every message delivered");
}

/// `GET /metrics` behind its token: requests by route template (never a path, so no code or
/// personal data), the outbox's open messages; no token configured, no route.
#[test]
fn metrics_are_served_to_the_scraper_holding_the_token() {
    const TOKEN: &str = "scraper-token-0123456789abcdef";
    let server = Server::start_with(vec![("MOTCUA_METRICS_TOKEN".into(), TOKEN.into())]);
    let (code, _) = server.submit("0912000777");
    let scrape = |token: Option<&str>| {
        let mut request = ureq::get(&format!("{}/metrics", server.base));
        if let Some(t) = token {
            request = request.set("authorization", &format!("Bearer {t}"));
        }
        match request.call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(scrape(None).0, 401);
    assert_eq!(scrape(Some("scraper-token-0123456789abcdeX")).0, 401);
    let (status, text) = scrape(Some(TOKEN));
    assert_eq!(status, 200);
    assert!(
        text.contains(r#"motcua_http_requests_total{method="POST",route="/v1/dossiers",status="201"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"motcua_http_request_duration_seconds_count{method="POST",route="/v1/dossiers"} 1"#));
    assert!(
        text.contains("motcua_outbox_open_messages{state=\"created\"}") && text.contains("motcua_store_errors_total 0")
    );
    assert!(!text.contains(&code) && !text.contains("912000777"), "no code, no phone: {text}");

    let plain = Server::start();
    let (status, _) = plain.request("GET", "/metrics", None, None, None);
    assert_eq!(status, 404, "off unless a token is configured");
}

/// A data directory written by the previous release (schema 15: `tests/fixtures/upgrade-schema15.*`,
/// made with `scripts/make-upgrade-fixture.py` against that release's `motcua serve`, then
/// `motcua backup`) is restored and served by this one: its migrations run, the applicant's
/// lookup secret still opens their dossier, the company filed before longer names had their
/// pairs of words is found by two of them once the server has filed it again, and every chain
/// is intact.
#[test]
fn a_data_directory_of_the_previous_release_is_served() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let known: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures.join("upgrade-schema15.json")).unwrap()).unwrap();
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let out = motcua(&["restore"], &[&fixtures.join("upgrade-schema15.tar.gz"), Path::new("--data-dir"), &data]);
    assert!(out.status.success() && text(&out).contains("(schema 15)"), "{}", text(&out));

    let server = Server::start_in(&data, vec![]);
    let received = &known["received"];
    let (status, dossier) = server.request(
        "GET",
        &format!("/v1/dossiers/{}", received["code"].as_str().unwrap()),
        None,
        received["lookup_secret"].as_str(),
        None,
    );
    assert_eq!((status, dossier["status"].as_str()), (200, Some("received")), "{dossier}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&server.log).unwrap_or_default().contains("every dossier is filed") {
        assert!(Instant::now() < deadline, "the older dossiers were not filed again");
        std::thread::sleep(Duration::from_millis(100));
    }
    let desk = server.token("gtvt.motcua");
    let (status, found) = server.request("GET", "/v1/officer/search?name=minh%20phat", Some(&desk), None, None);
    assert_eq!(status, 200, "{found}");
    let codes: Vec<&str> = found["items"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, [known["filed"]["code"].as_str().unwrap()], "{found}");
    server.kill();

    let out = motcua(&["check", "--data-dir"], &[&data]);
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    let (version, latest) =
        motcua_infra::sqlite::copies::schema_version(&data.join(motcua_functions::server::DATABASE)).unwrap();
    assert_eq!(version, latest, "every migration ran");
    assert!(
        report.contains(&format!("database: intact (schema {latest})"))
            && report.contains("verified 2 dossiers: 2 intact"),
        "{report}"
    );
}
