//! A province-year (docs/performance.md): generates a year of one province (1,600 procedures,
//! 158 agencies, by default 300,000 dossiers with a realistic mix of channels, supplements,
//! refusals, withdrawals, stops and late results, through their whole lives), replays it into a
//! SQLite store through the real router in time order, and at 10k, 100k and 300k dossiers
//! measures the replay's throughput, the database's size per dossier and the latency of lookups
//! and of officers' queues: the store must not slow down as the year fills it.
//!
//! `cargo bench -p motcua-functions --bench province_year -- [DOSSIERS] [WORKERS]`
//! (defaults 300000 and 2; `scripts/perf --quick` runs 30000). With `MOTCUA_YEAR_DIR` set, the
//! year is written there and kept; `... -- measure DIR` then measures that year again in a fresh
//! process (to compare with the replay's own figures, or under `perf record`).

mod catalogue;
mod life;
mod measure;
mod replay;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Datelike, NaiveDate, Utc, Weekday};
use motcua_domain::calendar::vietnam;
use motcua_domain::limits::RateLimit;
use motcua_functions::server::{Home, Stores};
use motcua_infra::SqliteStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use life::Life;
use replay::{SetClock, Worker};

const YEAR: i32 = 2026;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    if let Some(dir) = std::env::args().skip_while(|a| a != "measure").nth(1) {
        return rt.block_on(measure_kept(std::path::Path::new(&dir)));
    }
    let mut args = std::env::args().skip(1).filter_map(|a| a.parse::<usize>().ok());
    // `cargo test` runs benchmarks without `--bench`: then a small year proves it works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let total = if measuring { args.next().unwrap_or(300_000) } else { 400 };
    let workers = args.next().unwrap_or(2).max(1);
    rt.block_on(run(total, workers));
}

/// The year's working days (Monday to Friday, not the seed's holidays).
fn working_days() -> Vec<NaiveDate> {
    let holidays: Vec<NaiveDate> = motcua_functions::seed::holidays(YEAR).into_iter().map(|h| h.date).collect();
    NaiveDate::from_ymd_opt(YEAR, 1, 1)
        .unwrap()
        .iter_days()
        .take_while(|d| d.year() == YEAR)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(d))
        .collect()
}

/// Measures a year kept in `dir` by an earlier run, as its last checkpoint did.
async fn measure_kept(dir: &std::path::Path) {
    let path = dir.join("motcua.sqlite3");
    assert!(path.exists(), "no year in {}: run with MOTCUA_YEAR_DIR={0} first", dir.display());
    let store = SqliteStore::open(&path).unwrap();
    let home = Home::open_on(dir, Stores::of(store.clone(), Some(store.clone()))).await.unwrap();
    // A year kept by an earlier release: filed under today's search terms first, as the server
    // does at its start.
    if store.refile_pending().await.unwrap() {
        let started = Instant::now();
        motcua_functions::server::refile(home.state(), store.clone()).await;
        println!("filed again under today's search terms in {:.1} s", started.elapsed().as_secs_f64());
    }
    let codes: Vec<String> = {
        let conn = store.raw_connection().unwrap();
        let mut select = conn.prepare("SELECT code FROM dossiers").unwrap();
        let codes = select.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        codes
    };
    let all: Vec<&str> = codes.iter().map(String::as_str).collect();
    measure::checkpoint(&home, &store, &path, &all, "fresh process").await;
}

async fn run(total: usize, workers: usize) {
    let temporary = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("MOTCUA_YEAR_DIR").map_or_else(|| temporary.path().to_owned(), Into::into);
    let path = dir.join("motcua.sqlite3");
    assert!(!path.exists(), "{} holds a year already", dir.display());
    std::fs::create_dir_all(&dir).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let mut home = Home::open_on(&dir, Stores::of(store.clone(), Some(store.clone()))).await.unwrap();
    home.public_limits.submissions = RateLimit::new(u32::MAX, chrono::Duration::minutes(1));
    home.public_limits.uploads = RateLimit::new(u32::MAX, chrono::Duration::minutes(1));
    let province = Arc::new(catalogue::build(home.store.catalogue.as_ref()).await);
    let mut tokens = HashMap::new();
    for staff in province.staff.values() {
        for id in [&staff.desk, &staff.specialist, &staff.leader] {
            tokens.insert(id.as_str().to_owned(), home.token(id.as_str(), 24 * 30).await.unwrap());
        }
    }
    let tokens = Arc::new(tokens);
    println!(
        "province-year: {} agencies, {} procedures, {total} dossiers over {YEAR}, {workers} workers",
        province.agencies.len(),
        province.procedures.len()
    );

    // Filing moments in order through the year's working hours; procedures drawn with the
    // provincial departments (the seed's procedures) taking 30 % of the traffic.
    let days = working_days();
    let mut rng = StdRng::seed_from_u64(20261128);
    let seeded = motcua_functions::seed::procedures().unwrap().len();
    let mut pool: Vec<Vec<Life>> = (0..workers).map(|_| Vec::new()).collect();
    let mut workers: Vec<Worker> = (0..workers)
        .map(|_| {
            let clock = Arc::new(SetClock(Mutex::new(Utc::now())));
            let mut state = home.state();
            state.clock = clock.clone();
            Worker { app: motcua_functions::routes::app(state), clock, tokens: tokens.clone(), requests: 0, late: 0 }
        })
        .collect();
    let year_end = vietnam::from_local(NaiveDate::from_ymd_opt(YEAR, 12, 31).unwrap().and_hms_opt(17, 0, 0).unwrap());
    let filed_at = |i: usize, rng: &mut StdRng| {
        let day = days[i * days.len() / total];
        let minute = rng.gen_range(7 * 60 + 30..16 * 60 + 30);
        vietnam::from_local(day.and_hms_opt(minute / 60, minute % 60, 0).unwrap())
    };

    let checkpoints: Vec<usize> =
        [10_000, 100_000, 300_000].into_iter().filter(|&c| c < total).chain([total]).collect();
    let mut codes: Vec<String> = Vec::with_capacity(total);
    let mut fates: BTreeMap<String, usize> = BTreeMap::new();
    let mut channels: BTreeMap<String, usize> = BTreeMap::new();
    let mut supplemented = 0usize;
    let mut next = 0usize;
    let mut per_agency: HashMap<String, usize> = HashMap::new();
    let mut snapshots = Vec::new();
    for &checkpoint in &checkpoints {
        let started = Instant::now();
        let requests_before: u64 = workers.iter().map(|w| w.requests).sum();
        let mut lives: Vec<Life> = Vec::new();
        while next < checkpoint {
            let p = if rng.gen_bool(0.3) {
                &province.procedures[rng.gen_range(0..seeded)]
            } else {
                &province.procedures[rng.gen_range(seeded..province.procedures.len())]
            };
            let filed = filed_at(next, &mut rng);
            let life = life::plan(&mut rng, &province, p, filed);
            *per_agency.entry(p.agency.to_string()).or_default() += 1;
            *channels.entry(format!("{:?}", life.channel).to_lowercase()).or_default() += 1;
            *fates.entry(format!("{:?}", life.fate).to_lowercase()).or_default() += 1;
            supplemented += life.supplemented as usize;
            lives.push(life);
            next += 1;
        }
        // The present at this checkpoint: the next filing's moment, or the year's end.
        let now = if next < total { filed_at(next, &mut StdRng::seed_from_u64(0)) } else { year_end };
        let shares = pool.len();
        for (i, life) in lives.into_iter().enumerate() {
            pool[i % shares].push(life);
        }
        let (w, p, mut ended) = advance_all(workers, pool, now).await;
        (workers, pool) = (w, p);
        codes.append(&mut ended);
        let elapsed = started.elapsed();
        let requests: u64 = workers.iter().map(|w| w.requests).sum::<u64>() - requests_before;
        let open: usize = pool.iter().map(Vec::len).sum();
        println!(
            "replayed to {checkpoint} dossiers ({}): {requests} requests in {:.1} s = {:.0} requests/s; {open} dossiers open",
            now.format("%Y-%m-%d"),
            elapsed.as_secs_f64(),
            requests as f64 / elapsed.as_secs_f64()
        );
        let all: Vec<&str> =
            codes.iter().map(String::as_str).chain(pool.iter().flatten().filter_map(|l| l.code.as_deref())).collect();
        measure::checkpoint(&home, &store, &path, &all, "replay process").await;
        if checkpoint < total {
            snapshots.push(measure::snapshot(&dir, checkpoint));
        }
    }
    let late: u64 = workers.iter().map(|w| w.late).sum();
    println!("mix: channels {channels:?}; planned fates {fates:?}; {supplemented} supplements; {late} approved after the due date");
    let busiest = per_agency.iter().max_by_key(|(_, n)| **n).map(|(a, n)| format!("{a} ({n})")).unwrap_or_default();
    println!("busiest agency: {busiest}");
    snapshots.push(dir);
    measure::side_by_side(&snapshots);
}

/// Advances every worker's lives to `now`, the workers side by side; returns the workers, the
/// lives still open and the codes of those that ended.
async fn advance_all(
    workers: Vec<Worker>,
    pool: Vec<Vec<Life>>,
    now: chrono::DateTime<Utc>,
) -> (Vec<Worker>, Vec<Vec<Life>>, Vec<String>) {
    let tasks: Vec<_> = workers
        .into_iter()
        .zip(pool)
        .map(|(mut worker, lives)| {
            tokio::spawn(async move {
                let mut ended = Vec::new();
                let mut open = Vec::new();
                for mut life in lives {
                    if worker.advance(&mut life, now).await {
                        ended.push(life.code.take().unwrap_or_default());
                    } else {
                        open.push(life);
                    }
                }
                (worker, open, ended)
            })
        })
        .collect();
    let (mut workers, mut pool, mut codes) = (Vec::new(), Vec::new(), Vec::new());
    for task in tasks {
        let (worker, open, mut ended) = task.await.unwrap();
        workers.push(worker);
        pool.push(open);
        codes.append(&mut ended);
    }
    (workers, pool, codes)
}
