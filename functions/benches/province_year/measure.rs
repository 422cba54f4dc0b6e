//! What a checkpoint measures: the database's size per dossier, and the latency of a public
//! lookup (random dossiers of the year), of officers' queues (the busiest desk's first page,
//! a specialist's own dossiers), of searches (a random dossier's applicant by citizen ID or tax
//! code, and by full name, as its agency's desk) and of the II.06a report (the whole province
//! for the year, and for one month) through the router, in process.
//!
//! The replay's own process carries the generator's lives and a heap churned by a million
//! requests, and a process's lookups on this 2-vCPU VM settle at about 40 or about 80 µs
//! depending on where its threads land. So the year is also copied at each checkpoint and, at
//! the end, every copy is measured by fresh processes in turn (`measure DIR`), `SIDE_BY_SIDE`
//! rounds: ratios from the same minutes, as a server restarted over that data would see it.
//!
//! Lookups are measured twice: first as the replay left the machine, then with the file read
//! once into the OS page cache, as a server that has run a while has it. The first depends on
//! what the OS kept: this development VM's host reclaims the page cache of an idle guest (3 GB
//! cached fell to 0.85 GB with 20 GB free), and a SQLite point read from a cold file costs about
//! 110 µs against 15 µs warm, whatever the file's size.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use motcua_functions::server::Home;
use motcua_infra::SqliteStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tower::ServiceExt;

const LOOKUPS: usize = 2_000;
/// Rounds of `LOOKUPS` once the file is cached; the median round is reported.
const WARM_ROUNDS: usize = 5;
const QUEUE_READS: usize = 300;
/// Searches of random dossiers' applicants, by ID and by full name, each as the dossier's desk.
const SEARCHES: usize = 300;
/// II.06a reports of the whole province, for the year and for June.
const REPORT_READS: usize = 21;
/// Rounds of fresh processes over every copy of the year.
const SIDE_BY_SIDE: usize = 3;

/// Median and 99th percentile.
fn quantiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[(times.len() * 99) / 100])
}

async fn timed(app: &Router, uri: &str, token: Option<&str>) -> Duration {
    answered(app, uri, token).await.0
}

/// The time a request took, and its answer.
async fn answered(app: &Router, uri: &str, token: Option<&str>) -> (Duration, axum::body::Bytes) {
    let mut request = Request::get(uri);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let start = Instant::now();
    let answer = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = answer.status();
    let body = axum::body::to_bytes(answer.into_body(), 4 << 20).await.unwrap();
    let took = start.elapsed();
    assert_eq!(status, 200, "{uri}");
    (took, body)
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// Copies the year so far (its database, checkpointed, and the data directory's keys) to
/// `dir/at-CHECKPOINT`, for `side_by_side`.
pub fn snapshot(dir: &Path, checkpoint: usize) -> PathBuf {
    let copy = dir.join(format!("at-{checkpoint}"));
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "motcua.sqlite3" || name.ends_with(".key") {
            std::fs::copy(entry.path(), copy.join(&*name)).unwrap();
        }
    }
    copy
}

/// Measures each kept year in a fresh process, round after round (one round if there is only one).
pub fn side_by_side(years: &[PathBuf]) {
    let me = std::env::current_exe().unwrap();
    let rounds = if years.len() > 1 { SIDE_BY_SIDE } else { 1 };
    for round in 1..=rounds {
        println!("side by side, round {round} of {rounds}:");
        for year in years {
            let measured = std::process::Command::new(&me).arg("measure").arg(year).status().unwrap();
            assert!(measured.success(), "measuring {} failed", year.display());
        }
    }
}

/// Reads the whole file once, so its pages are in the OS page cache; returns the time taken.
fn warm(path: &Path) -> Duration {
    let start = Instant::now();
    let mut file = std::fs::File::open(path).unwrap();
    std::io::copy(&mut file, &mut std::io::sink()).unwrap();
    start.elapsed()
}

/// `LOOKUPS` public lookups of random dossiers of `codes`.
async fn lookups(app: &Router, codes: &[&str], rng: &mut StdRng) -> Vec<Duration> {
    let mut times = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let code = codes[rng.gen_range(0..codes.len())];
        times.push(timed(app, &format!("/v1/dossiers/{code}"), None).await);
    }
    times
}

/// What the searches took.
struct Searches {
    by_id: Vec<Duration>,
    by_name: Vec<Duration>,
    /// By full name, the newest only (`limit=1`): the same work at any size of the year.
    newest: Vec<Duration>,
    /// Dossiers the name searches found, and examined, in all.
    found: usize,
    examined: usize,
}

/// `SEARCHES` searches for random dossiers' applicants, by ID and by full name, each as a
/// reception officer of the dossier's agency.
async fn searches(home: &Home, app: &Router, codes: &[&str], rng: &mut StdRng) -> Searches {
    let mut tokens: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Searches { by_id: vec![], by_name: vec![], newest: vec![], found: 0, examined: 0 };
    for _ in 0..SEARCHES {
        let code = motcua_domain::codes::DossierCode::parse(codes[rng.gen_range(0..codes.len())]).unwrap();
        let d = home.store.dossiers.get(&code).await.unwrap().unwrap().dossier;
        let agency = d.agency_code.to_string();
        if !tokens.contains_key(&agency) {
            let officers = home.store.catalogue.officers(Some(&d.agency_code), None, 50).await.unwrap();
            let desk = officers.iter().find(|o| o.has_role(motcua_domain::catalogue::Role::Reception)).unwrap();
            tokens.insert(agency.clone(), home.token(desk.id.as_str(), 1).await.unwrap());
        }
        let token = &tokens[&agency];
        let a = &d.applicant;
        let id = a
            .citizen_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .or_else(|| a.tax_code.as_ref().map(|t| t.as_str().to_owned()));
        if let Some(id) = id {
            out.by_id.push(timed(app, &format!("/v1/officer/search?id={id}"), Some(token)).await);
        }
        // As an officer types it without diacritics (ASCII in the address, as a client encodes it).
        let name = motcua_domain::search::words(&a.name).join("%20");
        let (took, body) = answered(app, &format!("/v1/officer/search?name={name}"), Some(token)).await;
        out.by_name.push(took);
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        out.found += page["items"].as_array().map_or(0, Vec::len);
        out.examined += page["examined"].as_u64().unwrap_or(0) as usize;
        out.newest.push(timed(app, &format!("/v1/officer/search?name={name}&limit=1"), Some(token)).await);
    }
    out
}

/// Measures the year so far; `process` says which process measures (the replay's own, or a fresh one).
pub async fn checkpoint(home: &Home, store: &SqliteStore, path: &Path, codes: &[&str], process: &str) {
    let dossiers = codes.len();
    let conn = store.raw_connection().unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let app = motcua_functions::routes::app(home.state());
    let mut rng = StdRng::seed_from_u64(dossiers as u64);
    let (c50, c99) = quantiles(lookups(&app, codes, &mut rng).await);
    let warming = warm(path);
    let mut rounds = Vec::with_capacity(WARM_ROUNDS);
    for _ in 0..WARM_ROUNDS {
        rounds.push(quantiles(lookups(&app, codes, &mut rng).await));
    }
    rounds.sort();
    let (l50, l99) = rounds[WARM_ROUNDS / 2];
    let desk = home.token("tuphap.motcua", 1).await.unwrap();
    let specialist = home.token("tuphap.chuyenvien", 1).await.unwrap();
    let (mut queue, mut own) = (Vec::new(), Vec::new());
    for _ in 0..QUEUE_READS {
        queue.push(timed(&app, "/v1/officer/dossiers", Some(&desk)).await);
        own.push(timed(&app, "/v1/officer/dossiers?assignee=me", Some(&specialist)).await);
    }
    let (q50, q99) = quantiles(queue);
    let (o50, o99) = quantiles(own);
    let s = searches(home, &app, codes, &mut rng).await;
    let ((i50, i99), (n50, n99), (f50, f99)) = (quantiles(s.by_id), quantiles(s.by_name), quantiles(s.newest));
    println!(
        "RESULT {dossiers} dossiers, {process}: search by ID p50 {} p99 {}; by full name p50 {} p99 {} \
         ({:.1} found, {:.1} examined a search); the newest by full name p50 {} p99 {}",
        micros(i50),
        micros(i99),
        micros(n50),
        micros(n99),
        s.found as f64 / SEARCHES as f64,
        s.examined as f64 / SEARCHES as f64,
        micros(f50),
        micros(f99)
    );
    let inspector = home.token("kiemsoat", 1).await.unwrap();
    let (mut year, mut month) = (Vec::new(), Vec::new());
    for _ in 0..REPORT_READS {
        year.push(timed(&app, "/v1/reports/dossiers?period=2026", Some(&inspector)).await);
        month.push(timed(&app, "/v1/reports/dossiers?period=2026-06", Some(&inspector)).await);
    }
    let ((y50, y99), (m50, m99)) = (quantiles(year), quantiles(month));
    println!(
        "RESULT {dossiers} dossiers, {process}: database {:.1} MB ({:.2} KB a dossier); lookup as left p50 {} p99 {}; \
         file cached in {:.1} s; lookup p50 {} p99 {}; desk queue p50 {} p99 {}; own queue p50 {} p99 {}; \
         II.06a of the province: year p50 {} p99 {}, month p50 {} p99 {}",
        size as f64 / 1e6,
        size as f64 / 1e3 / dossiers as f64,
        micros(c50),
        micros(c99),
        warming.as_secs_f64(),
        micros(l50),
        micros(l99),
        micros(q50),
        micros(q99),
        micros(o50),
        micros(o99),
        micros(y50),
        micros(y99),
        micros(m50),
        micros(m99)
    );
}
