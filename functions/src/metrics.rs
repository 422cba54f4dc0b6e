//! The one machine's figures in the Prometheus text format (`GET /metrics`, `docs/operations.md`,
//! *Monitoring*): requests by method, route template and status, their latency as histograms,
//! store errors, and, read at each scrape, the outbox's open messages with the age of the
//! oldest and the national portal's sync queue. Routes are templates (`/v1/dossiers/{code}`),
//! never paths, so no dossier code or personal data becomes a label. The registry is global
//! (every router of the process counts into it) and counts only once `/metrics` is mounted.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Latency {
    /// Requests at or under each bound (cumulative, as exposed).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency.
    latency: BTreeMap<(String, String), Latency>,
}

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

static STORE_ERRORS: AtomicU64 = AtomicU64::new(0);

/// Whether anyone can read the figures: set when `/metrics` is mounted. Until then requests
/// are not counted (a Lambda, or a server without a token, never serves them).
static SERVED: AtomicBool = AtomicBool::new(false);

/// Counts one answered request; `route` is the matched template (`-` when none matched).
pub fn observe(method: &str, route: &str, status: u16, seconds: f64) {
    if !SERVED.load(Ordering::Relaxed) {
        return;
    }
    let Ok(mut r) = registry().lock() else { return };
    *r.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
    let l = r.latency.entry((method.to_owned(), route.to_owned())).or_default();
    l.count += 1;
    l.sum += seconds;
    for (bucket, bound) in l.buckets.iter_mut().zip(BUCKETS) {
        if seconds <= bound {
            *bucket += 1;
        }
    }
}

/// Counts one store failure answered to a client (unavailable, or data that could not be read).
pub fn store_error() {
    STORE_ERRORS.fetch_add(1, Ordering::Relaxed);
}

/// What the store says at a scrape.
#[derive(Debug, Clone, Default)]
pub struct Queues {
    /// The outbox (on SQLite): messages waiting for an attempt (`created`), being handed over
    /// (`sending`), and seconds since the oldest of them was raised (0 when none is open).
    pub outbox: Option<(u64, u64, f64)>,
    /// National portal sync items waiting, and parked after failing for good.
    pub sync_pending: u64,
    pub sync_parked: u64,
}

/// A label value as the text format wants it.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The text exposition of everything counted, and of `queues`.
pub fn render(queues: &Queues) -> String {
    let mut out = String::new();
    if let Ok(r) = registry().lock() {
        head(
            &mut out,
            "motcua_http_requests_total",
            "counter",
            "HTTP requests answered, by route template and status.",
        );
        for ((method, route, status), n) in &r.requests {
            let (method, route) = (label(method), label(route));
            let _ = writeln!(
                out,
                "motcua_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let name = "motcua_http_request_duration_seconds";
        head(&mut out, name, "histogram", "Time to answer HTTP requests, by route template.");
        for ((method, route), l) in &r.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", label(method), label(route));
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", l.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", l.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", l.count);
        }
    }
    head(&mut out, "motcua_store_errors_total", "counter", "Store failures answered to clients (503, 500).");
    let _ = writeln!(out, "motcua_store_errors_total {}", STORE_ERRORS.load(Ordering::Relaxed));
    if let Some((created, sending, oldest)) = queues.outbox {
        head(&mut out, "motcua_outbox_open_messages", "gauge", "Notices not yet handed over, by delivery state.");
        let _ = writeln!(out, "motcua_outbox_open_messages{{state=\"created\"}} {created}");
        let _ = writeln!(out, "motcua_outbox_open_messages{{state=\"sending\"}} {sending}");
        head(&mut out, "motcua_outbox_oldest_open_seconds", "gauge", "Age of the oldest notice not yet handed over.");
        let _ = writeln!(out, "motcua_outbox_oldest_open_seconds {oldest}");
    }
    head(&mut out, "motcua_portal_sync_items", "gauge", "National portal sync items, by state.");
    let _ = writeln!(out, "motcua_portal_sync_items{{state=\"pending\"}} {}", queues.sync_pending);
    let _ = writeln!(out, "motcua_portal_sync_items{{state=\"parked\"}} {}", queues.sync_parked);
    out
}

/// The scrapers' token, from `MOTCUA_METRICS_TOKEN` (or `_FILE`): none, no `/metrics`.
pub fn token_from_env() -> Result<Option<String>, String> {
    let Some(token) = motcua_infra::settings::secret(&motcua_infra::settings::env, "MOTCUA_METRICS_TOKEN")? else {
        return Ok(None);
    };
    if token.chars().count() < 24 {
        return Err("MOTCUA_METRICS_TOKEN: at least 24 characters (a random token)".into());
    }
    Ok(Some(token))
}

/// `GET /metrics` for a scraper presenting `token` as a bearer token (401 otherwise), with the
/// outbox read from `outbox` (one machine's SQLite) and the sync queue from `sync`.
pub fn router(
    token: String,
    outbox: Option<motcua_infra::SqliteStore>,
    sync: std::sync::Arc<dyn motcua_domain::ports::SyncQueue>,
) -> axum::Router {
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let scrape = move |headers: HeaderMap| {
        let (token, outbox, sync) = (token.clone(), outbox.clone(), sync.clone());
        async move {
            let presented = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
            let presented = presented.and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
            if !motcua_domain::mac::same(presented.as_bytes(), token.as_bytes()) {
                return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
            }
            let mut queues = Queues::default();
            if let Some(store) = outbox {
                match store.open_messages().await {
                    Ok((created, sending, oldest)) => {
                        let age = oldest.map(|o| (chrono::Utc::now() - o).num_milliseconds() as f64 / 1000.0);
                        queues.outbox = Some((created, sending, age.unwrap_or(0.0).max(0.0)));
                    }
                    Err(e) => tracing::warn!(error = %e, "metrics: cannot read the outbox"),
                }
            }
            match sync.sync_counts().await {
                Ok(c) => (queues.sync_pending, queues.sync_parked) = (c.pending, c.parked),
                Err(e) => tracing::warn!(error = %e, "metrics: cannot count the sync queue"),
            }
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], render(&queues)).into_response()
        }
    };
    SERVED.store(true, Ordering::Relaxed);
    axum::Router::new().route("/metrics", axum::routing::get(scrape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_template_with_cumulative_buckets() {
        SERVED.store(true, Ordering::Relaxed);
        observe("GET", "/v1/metrics-test/{code}", 200, 0.003);
        observe("GET", "/v1/metrics-test/{code}", 200, 0.2);
        observe("GET", "/v1/metrics-test/{code}", 404, 20.0);
        let text = render(&Queues { outbox: Some((2, 0, 1.5)), ..Queues::default() });
        let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_owned);
        let labels = "method=\"GET\",route=\"/v1/metrics-test/{code}\"";
        assert_eq!(
            line(&format!("motcua_http_requests_total{{{labels},status=\"200\"}}")).unwrap().split(' ').next_back(),
            Some("2")
        );
        let bucket = |le: &str| line(&format!("motcua_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}}"));
        assert!(bucket("0.0025").unwrap().ends_with(" 0"));
        assert!(bucket("0.005").unwrap().ends_with(" 1"));
        assert!(bucket("0.25").unwrap().ends_with(" 2"));
        assert!(bucket("10").unwrap().ends_with(" 2"), "20 s is past every bound");
        assert!(bucket("+Inf").unwrap().ends_with(" 3"));
        assert!(text.contains("motcua_outbox_open_messages{state=\"created\"} 2"));
        assert!(text.contains("motcua_outbox_oldest_open_seconds 1.5"));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
