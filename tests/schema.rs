//! `schemathesis` against the real `motcua serve`: it reads `/v1/openapi.json` and generates
//! thousands of requests (examples, boundary and negative cases, random fuzzing, and stateful
//! sequences following the document's links) for every operation, once with an officer's
//! token and once with the administrator's for the admin routes. Every check runs except
//! `positive_data_acceptance` (the document states types, not every business rule: a
//! well-typed request may still be refused with a 422 and its code). A server error, an
//! undocumented status, a response that violates its schema, or a malformed request accepted
//! fails the test.
//!
//! One worker: with several threads, CPython 3.11's `ast.parse` (which hypothesis calls to
//! describe filters) sometimes fails with "AST constructor recursion depth mismatch", a tool
//! error that is not the server's. Examples per operation and phase: `MOTCUA_SCHEMATHESIS_EXAMPLES` (default 30; the long run
//! in docs/security.md uses 500). The tool comes from `.venv` (scripts/test installs it) or
//! `MOTCUA_SCHEMATHESIS`.

mod server;
mod support;

use std::path::PathBuf;
use std::process::Command;

use server::Server;

fn schemathesis() -> PathBuf {
    if let Ok(path) = std::env::var("MOTCUA_SCHEMATHESIS") {
        return path.into();
    }
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/schemathesis"));
    assert!(path.exists(), "{} is missing: run ./scripts/test, which installs it", path.display());
    path
}

/// Runs schemathesis on the operations `paths` selects; returns (cases generated, output).
fn run(server: &Server, token: &str, paths: &str) -> (u64, String) {
    let examples = std::env::var("MOTCUA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "30".into());
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(schemathesis())
        .current_dir(dir.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .args(["run", &format!("{}/v1/openapi.json", server.base)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--include-path-regex", paths])
        .args(["--checks", "all", "--exclude-checks", "positive_data_acceptance"])
        .args(["--max-examples", &examples, "--workers", "1", "--seed", "20261128"])
        .args(["--suppress-health-check", "all", "--no-color"])
        .output()
        .expect("schemathesis runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "schemathesis found failures on {paths}:\n{text}");
    let generated = text
        .lines()
        .find_map(|l| l.trim().split_once(" generated").and_then(|(n, _)| n.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no case count in the output:\n{text}"));
    (generated, text)
}

#[test]
fn generated_requests_find_no_server_error_and_no_schema_violation() {
    let server = Server::start_with(vec![
        ("MOTCUA_SUBMISSION_LIMIT".into(), "1000000/1m".into()),
        ("MOTCUA_LOOKUP_FAILURE_LIMIT".into(), "1000000/1m".into()),
        ("MOTCUA_LOOKUP_CLIENT_LIMIT".into(), "1000000/1m".into()),
    ]);
    let (officer_cases, officer_run) = run(&server, &server.token("tuphap.lanhdao"), "^/v1/(?!admin)");
    let (admin_cases, _) = run(&server, &server.token("admin"), "^/v1/admin");
    let total = officer_cases + admin_cases;
    println!("schemathesis: {total} cases ({officer_cases} officer and public routes, {admin_cases} admin routes)");
    let doc = motcua_functions::routes::openapi();
    let operations = |admin: bool| -> usize {
        doc.paths
            .paths
            .iter()
            .filter(|(path, _)| path.starts_with("/v1/admin") == admin)
            .map(|(_, item)| {
                [&item.get, &item.put, &item.post, &item.delete, &item.patch].iter().filter(|o| o.is_some()).count()
            })
            .sum()
    };
    let tested = format!("Tested: {}", operations(false));
    assert!(officer_run.contains(&tested), "every non-admin operation was tried ({tested}):\n{officer_run}");
    assert!(total >= 1000, "too few cases to mean anything: {total}");
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    assert!(!log.contains("panicked"), "the server panicked:\n{log}");
}
