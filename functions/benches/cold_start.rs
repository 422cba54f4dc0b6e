//! Cold starts of every Lambda (docs/performance.md): each function's release binary under the
//! Lambda Runtime API emulator, against moto on loopback, next to a hello-world `lambda_http`
//! function built with the same profile and the SDK floor (`lambda_http`, the DynamoDB client
//! and the same one-`GetItem` warm-up during init, nothing of motcua), all started in turn in
//! every round so that they share the machine's noise. For each: the init (process spawn to its
//! first poll for work), the first request and the second (the first must not pay for
//! connections the init should have opened).
//!
//! `scripts/with-moto cargo bench -p motcua-functions --bench cold_start -- [ROUNDS]` after
//! `cargo build --release -p motcua-functions --bins --examples` (`scripts/perf` does both);
//! `MOTCUA_LAMBDA_BINARIES` names another directory of binaries (default `target/release`).

#[path = "../../tests/emulator.rs"]
mod emulator;
#[path = "../../tests/events.rs"]
mod events;
#[path = "../../tests/support.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use emulator::{Function, Outcome};
use events::{http_event, lambda_env, sns_records, FROM};
use motcua_domain::calendar::vietnam;
use motcua_infra::aws;
use serde_json::{json, Value};

/// A function to start, and the request it gets twice.
struct Case {
    name: &'static str,
    binary: String,
    event: Value,
}

const UNKNOWN: &str = "000.00.03.H56-260101-9999";

fn cases(dir: &str) -> Vec<Case> {
    let officer =
        |method, path: &str, who, body: Option<Value>| http_event(method, path, Some(who), &[], body.as_ref());
    let mut filing = support::criminal_record_filing("0912345678");
    filing["procedure_code"] = json!("9.999999");
    let delivery = json!({"eventType": "Delivery", "mail": {"messageId": "unknown", "destination": ["a@example.vn"],
        "source": FROM, "timestamp": "2026-11-28T01:00:00.000Z"}});
    let sweep = json!({"version": "0", "id": "sweep", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-28T00:00:00Z", "region": "ap-southeast-1",
        "resources": ["arn:aws:events:ap-southeast-1:123456789012:rule/motcua-sweep"], "detail": {}});
    let case = |name, binary: String, event| Case { name, binary, event };
    let bin = |name: &str| format!("{dir}/{name}");
    vec![
        case("hello-world", format!("{dir}/examples/hello_lambda"), http_event("GET", "/", None, &[], None)),
        case("sdk-floor", format!("{dir}/examples/sdk_floor_http"), http_event("GET", "/D#none", None, &[], None)),
        case("submit", bin("submit"), http_event("POST", "/v1/dossiers", None, &[], Some(&filing))),
        case(
            "receive",
            bin("receive"),
            officer("POST", &format!("/v1/dossiers/{UNKNOWN}/receive"), "tuphap.motcua", Some(json!({}))),
        ),
        case(
            "assign",
            bin("assign"),
            officer(
                "POST",
                &format!("/v1/dossiers/{UNKNOWN}/assign"),
                "tuphap.lanhdao",
                Some(json!({"assignee": "tuphap.chuyenvien"})),
            ),
        ),
        case(
            "approve",
            bin("approve"),
            officer("POST", &format!("/v1/dossiers/{UNKNOWN}/approve"), "tuphap.lanhdao", Some(json!({}))),
        ),
        case(
            "rate",
            bin("rate"),
            http_event(
                "POST",
                &format!("/v1/dossiers/{UNKNOWN}/rating"),
                None,
                &[("x-lookup-secret", "ABCDEFGHJKLMNPQR")],
                Some(&support::rating()),
            ),
        ),
        case("query", bin("query"), http_event("GET", &format!("/v1/dossiers/{UNKNOWN}"), None, &[], None)),
        case("admin", bin("admin"), officer("GET", "/v1/admin/officers?agency=000.00.03.H56", "admin", None)),
        case("reports", bin("reports"), officer("GET", "/v1/reports/dossiers?period=2026-03", "tuphap.lanhdao", None)),
        case("notify", bin("notify"), sweep),
        case("receipts", bin("receipts"), sns_records(&[delivery])),
    ]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn timed(f: &mut Function, event: &Value) -> Duration {
    let start = Instant::now();
    let outcome = f.invoke(event).await;
    let took = start.elapsed();
    if let Outcome::Error(e) = outcome {
        panic!("{} failed: {e}\n{}", f.name, f.output());
    }
    took
}

fn main() {
    // `cargo test` runs benchmarks without `--bench`: then one round over this build's debug
    // binaries (built by the same `cargo test`) proves the harness works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10);
    let (rounds, profile) = if measuring { (rounds, "release") } else { (1, "debug") };
    let dir = std::env::var("MOTCUA_LAMBDA_BINARIES")
        .unwrap_or_else(|_| format!("{}/../target/{profile}", env!("CARGO_MANIFEST_DIR")));
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let endpoint = aws::moto_endpoint();
        let config = aws::local_config(&endpoint);
        let table = aws::unique_table("coldstart");
        let store = motcua_infra::dynamo::create_table(&aws_sdk_dynamodb::Client::new(&config), &table).await.unwrap();
        motcua_functions::seed::seed_if_empty(&store, vietnam::to_local(Utc::now()).date()).await.unwrap();
        let env = lambda_env(&endpoint, &table, &[("MOTCUA_LOG", "warn")]);
        let cases = cases(&dir);
        if let Some(missing) = cases.iter().find(|c| !std::path::Path::new(&c.binary).is_file()) {
            panic!(
                "{} is not built: `cargo build -p motcua-functions --bins --examples{}` first",
                missing.binary,
                if measuring { " --release" } else { "" }
            );
        }
        let mut figures: Vec<(Vec<Duration>, Vec<Duration>, Vec<Duration>)> =
            cases.iter().map(|_| Default::default()).collect();
        // One start of each in the first round warms the page cache; it is not counted.
        for round in 0..=rounds {
            for (case, (inits, firsts, seconds)) in cases.iter().zip(figures.iter_mut()) {
                let mut f = Function::spawn(case.name, &case.binary, &env).await;
                let init = f.ready().await;
                let first = timed(&mut f, &case.event).await;
                let second = timed(&mut f, &case.event).await;
                if round > 0 {
                    inits.push(init);
                    firsts.push(first);
                    seconds.push(second);
                }
            }
        }
        let hello = median(figures[0].0.clone());
        let floor = median(figures[1].0.clone());
        println!("cold starts, {rounds} rounds, medians (binaries from {dir}):");
        println!(
            "{:<19} {:>9} {:>8} {:>8} {:>10} {:>10} {:>12}",
            "function", "init ms", "× hello", "× floor", "first ms", "second ms", "first-second"
        );
        for (case, (inits, firsts, seconds)) in cases.iter().zip(figures) {
            let init = median(inits);
            let (first, second) = (median(firsts), median(seconds));
            println!(
                "RESULT {:<12} {:>9.1} {:>8.2} {:>8.2} {:>10.2} {:>10.2} {:>10.2} ms",
                case.name,
                ms(init),
                ms(init) / ms(hello),
                ms(init) / ms(floor),
                ms(first),
                ms(second),
                ms(first) - ms(second)
            );
        }
    });
}
