//! A backlog of national-portal sync items drained (docs/performance.md, "The national portal's
//! backlog"): `N` desk filings (default 10,000) commit with the sync off, so `N` items wait; then
//! the courier sends them all to the fake portal, run as its own process (`motcua fakes`) so
//! that its books do not count against this one's memory. Printed: the drain's rate against the
//! floor (the same adapter sending one update over and over, no queue), and this process's
//! resident memory before, at its peak during, and after the drain.
//!
//! `cargo bench -p motcua-functions --bench portal_backlog -- [N]` (release profile; `scripts/perf`
//! runs it).

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use motcua_functions::server::Home;
use motcua_infra::portal_http::PortalConfig;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Resident memory now, in KiB (Linux).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn filing(i: usize) -> Value {
    json!({
        "procedure_code": "2.000488",
        "channel": "direct",
        "applicant": {"kind": "citizen", "name": format!("Người nộp {i}"), "citizen_id": format!("079203{:06}", i % 1_000_000), "phone": "0912345678"},
        "documents": [
            {"component": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "file_name": "to-khai.pdf"},
            {"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd.pdf"}
        ]
    })
}

struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo test` runs benchmarks without `--bench`: then a small backlog proves it works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let n: usize =
        if measuring { std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000) } else { 200 };
    let dir = tempfile::tempdir().unwrap();
    let home = Home::open(dir.path()).await.unwrap();
    let app = motcua_functions::routes::app(home.state());
    let desk = home.token("tuphap.motcua", 12).await.unwrap();
    let started = Instant::now();
    for i in 0..n {
        let request = Request::post("/v1/counter/dossiers")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {desk}"))
            .body(Body::from(filing(i).to_string()))
            .unwrap();
        let answer = app.clone().oneshot(request).await.unwrap();
        let status = answer.status();
        if status != 201 {
            let body = answer.into_body().collect().await.unwrap().to_bytes();
            panic!("filing {i}: {status} {}", String::from_utf8_lossy(&body));
        }
    }
    let counts = home.store.sync.sync_counts().await.unwrap();
    println!("{n} desk filings in {:.1} s: {} sync items pending", started.elapsed().as_secs_f64(), counts.pending);

    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["fakes", "--portal", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .expect("the motcua binary (cargo builds it with the bench)");
    let _fake = Fake(child);
    let config = PortalConfig {
        url: format!("http://127.0.0.1:{port}"),
        auth_path: "/auth".into(),
        integration_path: "/integration".into(),
        username: "demo".into(),
        password: "demo".into(),
        unit_code: "000.00.00.H56".into(),
        dst_code: String::new(),
        timeout: Duration::from_secs(6),
    };
    let portal = motcua_functions::portal::adapter(config);
    // Wait for the fake to listen.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The floor: one update sent again and again through the same adapter, no queue.
    let sample = {
        let code = home.store.sync.due_items(chrono::Utc::now() + chrono::Duration::hours(1), 1).await.unwrap();
        let code = code[0].dossier.clone();
        let (stored, history) = home.store.dossiers.get_with_history(&code).await.unwrap().unwrap();
        let national =
            motcua_functions::seed::national_codes().unwrap().into_iter().find(|c| c.procedure == "2.000488");
        let unit = |a: &motcua_domain::codes::AgencyCode| a.to_string();
        motcua_domain::portal::update_at(&stored.dossier, &history, 0, None, national.as_ref(), &unit).unwrap()
    };
    let floor_n = n.min(2_000);
    let t = Instant::now();
    for _ in 0..floor_n {
        portal.send(&sample).await.unwrap();
    }
    let floor = floor_n as f64 / t.elapsed().as_secs_f64();

    let courier = home.portal_courier(portal);
    let before = rss_kib();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let t = Instant::now();
    let mut sent = 0;
    loop {
        let n = courier.drain_due().await;
        if n == 0 {
            break;
        }
        sent += n;
    }
    let seconds = t.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    let after = rss_kib();
    let left = home.store.sync.sync_counts().await.unwrap();
    assert_eq!((left.pending, left.parked), (0, 0), "the backlog drained");
    println!(
        "drained {sent} items in {seconds:.1} s: {:.0} items/s; floor (the adapter alone, {floor_n} sends): {floor:.0}/s; drain at {:.0} % of the floor",
        sent as f64 / seconds,
        100.0 * sent as f64 / seconds / floor
    );
    println!(
        "resident memory: {:.1} MiB before, {:.1} MiB at the peak (+{:.1}), {:.1} MiB after",
        before as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
        (peak.load(Ordering::Relaxed) - before) as f64 / 1024.0,
        after as f64 / 1024.0
    );
}
