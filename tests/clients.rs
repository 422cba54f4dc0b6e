//! The OpenAPI document as portals use it: they generate their clients from
//! `/v1/openapi.json`. The document must validate (openapi-spec-validator), and the two
//! generators portals use must read it whole: openapi-python-client without a single warning
//! (it drops any schema it cannot read, and with it every operation answering with that schema)
//! and with a class for every schema but the unions it inlines, and openapi-typescript with a
//! type for every schema. The tools come from `.venv` and `.node` (scripts/test installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(dir: &str, name: &str) -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(dir).join(name);
    assert!(path.exists(), "{} is missing: run ./scripts/test, which installs it", path.display());
    path
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("the tool runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    text
}

/// The document's component schemas, with whether each is a union (`oneOf`).
fn schemas(doc: &serde_json::Value) -> Vec<(String, bool)> {
    doc["components"]["schemas"]
        .as_object()
        .expect("the document has component schemas")
        .iter()
        .map(|(name, schema)| (name.clone(), schema.get("oneOf").is_some()))
        .collect()
}

fn read_all(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "py"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[test]
fn the_document_validates_and_both_generators_read_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, motcua_functions::routes::openapi_text()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    let schemas = schemas(&doc);
    assert!(schemas.len() > 50, "the document describes its schemas");

    run(Command::new(tool(".venv/bin", "openapi-spec-validator")).arg(&spec));

    // The generator formats its output with ruff from the same environment.
    let venv_bin = tool(".venv", "bin");
    let path = format!("{}:{}", venv_bin.display(), std::env::var("PATH").unwrap_or_default());
    let python = run(Command::new(venv_bin.join("openapi-python-client"))
        .current_dir(dir.path())
        .env("PATH", path)
        .args(["generate", "--path", "openapi.json", "--output-path", "python", "--meta", "none"]));
    assert!(!python.to_lowercase().contains("warning"), "openapi-python-client warned:\n{python}");
    let models = read_all(&dir.path().join("python/models"));
    for (name, union) in &schemas {
        if !union {
            assert!(
                models.contains(&format!("class {name}:")) || models.contains(&format!("class {name}(")),
                "openapi-python-client made no class for {name}"
            );
        }
    }

    let typescript = run(Command::new(tool(".node/node_modules/.bin", "openapi-typescript"))
        .current_dir(dir.path())
        .args(["openapi.json", "-o", "api.ts"]));
    assert!(!typescript.to_lowercase().contains("warn"), "openapi-typescript warned:\n{typescript}");
    let types = std::fs::read_to_string(dir.path().join("api.ts")).unwrap();
    for (name, _) in &schemas {
        assert!(types.contains(&format!("        {name}: ")), "openapi-typescript made no type for {name}");
    }
}
