//! The physical floor of the one-machine store (docs/performance.md): how many transactions a
//! second SQLite commits when each writes exactly the rows of one online submission (dossier,
//! first event, its outbox messages, the day's sequence, the client's submission counter), with
//! the store's own connection settings (WAL, `synchronous=FULL`), from one thread: SQLite
//! has one writer, so this is what any server over this file can reach at most.
//!
//! The rows are copied from one real submission made through the router, so their sizes and
//! indexes are the server's. `scripts/bench-http` runs it next to the HTTP load (`oha`) so both figures
//! come from the same minutes of the same machine.
//!
//! `cargo bench -p motcua-functions --bench sqlite_floor -- [SECONDS]` (default 10); prints one
//! `RESULT` line.

#[path = "../../tests/support.rs"]
mod support;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use motcua_functions::server::{Home, Stores};
use motcua_infra::SqliteStore;
use rusqlite::types::Value;
use tower::ServiceExt;

fn main() {
    // `cargo test` runs benchmarks without `--bench`: then a fifth of a second proves it works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let seconds: f64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10.0);
    let seconds = if measuring { seconds } else { 0.2 };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motcua.sqlite3");
    let store = SqliteStore::open(&path).unwrap();
    let template = file_one(&store, dir.path());
    let conn = store.raw_connection().unwrap();
    drop(store);

    let (committed, elapsed) = copies(&conn, &template, Duration::from_secs_f64(seconds));
    let rate = committed as f64 / elapsed.as_secs_f64();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "RESULT raw submission transactions: {committed} in {:.1} s = {rate:.0}/s ({:.0} µs each); database {:.1} MB",
        elapsed.as_secs_f64(),
        1e6 / rate,
        size as f64 / 1e6
    );
}

/// Files one dossier through the router, as `motcua serve` would, and returns its code.
fn file_one(store: &SqliteStore, data: &std::path::Path) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let home = Home::open_on(data, Stores::of(store.clone(), Some(store.clone()))).await.unwrap();
        let app = motcua_functions::routes::app(home.state());
        let filing = support::with_files_via(&app, support::criminal_record_filing("0912345678")).await;
        let request = Request::post("/v1/dossiers")
            .header("content-type", "application/json")
            .body(Body::from(filing.to_string()))
            .unwrap();
        let answer = app.oneshot(request).await.unwrap();
        assert_eq!(answer.status(), 201);
        let body = axum::body::to_bytes(answer.into_body(), 1 << 20).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["code"].as_str().unwrap().to_owned()
    })
}

/// One table's rows, read once: its columns and values.
struct Rows {
    columns: Vec<String>,
    values: Vec<Vec<Value>>,
}

fn rows(conn: &rusqlite::Connection, table: &str, key: &str, template: &str) -> Rows {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {key} = ?1")).unwrap();
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let values = stmt
        .query_map([template], |r| (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<Vec<Vec<Value>>, _>>()
        .unwrap();
    Rows { columns, values }
}

impl Rows {
    fn insert(&self, table: &str) -> String {
        let marks: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {table} ({}) VALUES ({})", self.columns.join(", "), marks.join(", "))
    }

    /// Inserts each row with `column` set to `value` (the copy's own key) and, when given, the
    /// `unique` column to `<value>-<row>` (a key of the table itself).
    fn copy(&self, conn: &rusqlite::Connection, table: &str, column: &str, value: &str, unique: Option<&str>) {
        let position = |name: &str| self.columns.iter().position(|c| c == name).unwrap();
        let (at, own) = (position(column), unique.map(position));
        let mut stmt = conn.prepare_cached(&self.insert(table)).unwrap();
        let mut row = Vec::with_capacity(self.columns.len());
        for (i, template) in self.values.iter().enumerate() {
            row.clear();
            row.extend(template.iter().cloned());
            row[at] = Value::Text(value.to_owned());
            if let Some(own) = own {
                row[own] = Value::Text(format!("{value}-{i}"));
            }
            stmt.execute(rusqlite::params_from_iter(row.iter())).unwrap();
        }
    }
}

/// Commits copies of `template`'s rows (read once, written with bound values through cached
/// statements), one submission a transaction, for `duration`.
fn copies(conn: &rusqlite::Connection, template: &str, duration: Duration) -> (u64, Duration) {
    let dossier = rows(conn, "dossiers", "code", template);
    let events = rows(conn, "events", "dossier", template);
    let outbox = rows(conn, "outbox", "dossier", template);
    assert_eq!(dossier.values.len(), 1);
    assert!(!outbox.values.is_empty(), "a submission notifies the applicant");
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < duration {
        n += 1;
        let code = format!("{template}-{n}");
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        dossier.copy(conn, "dossiers", "code", &code, None);
        events.copy(conn, "events", "dossier", &code, None);
        // Message ids are the table's key: each copy gets its own.
        outbox.copy(conn, "outbox", "dossier", &code, Some("id"));
        conn.prepare_cached(
            "INSERT INTO sequences (agency, day, last) VALUES ('bench', '2026-12-01', 1)
             ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .unwrap()
        .query_row([], |_| Ok(()))
        .unwrap();
        conn.prepare_cached(
            "INSERT INTO limits (key, window_start, used, expires_at) VALUES ('submit:127.0.0.1', '2026-12-01', 1, '9999')
             ON CONFLICT (key, window_start) DO UPDATE SET used = used + 1",
        )
        .unwrap()
        .execute([])
        .unwrap();
        conn.execute_batch("COMMIT").unwrap();
    }
    (n, start.elapsed())
}
