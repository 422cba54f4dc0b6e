//! The catalogue as a file, through the admin API on both homes: the sample province round-trips
//! through export and import unchanged; a change is reported field by field and written once;
//! a refused file writes nothing (unless the refused are skipped) and names each error's sheet,
//! row and column; a workbook written by another program (openpyxl, from PyPI: shared strings,
//! numeric cells, a formula) reads as the spreadsheet shows it; 1,600 procedures import in
//! batches on DynamoDB.

mod api;
mod support;

use std::process::Command;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn import(api: &Api, token: &str, query: &str, media: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let uri = format!("/v1/admin/catalogue/import{query}");
    let auth = format!("Bearer {token}");
    let (s, bytes, _) =
        api.raw("POST", &uri, &[("authorization", &auth), ("content-type", media)], Body::from(body)).await;
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn export(api: &Api, token: &str, format: &str) -> Vec<u8> {
    let auth = format!("Bearer {token}");
    let uri = format!("/v1/admin/catalogue/export?format={format}");
    let (s, bytes, _) = api.raw("GET", &uri, &[("authorization", &auth)], Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    bytes
}

fn totals(report: &Value) -> [u64; 4] {
    ["added", "changed", "unchanged", "refused"].map(|k| report[k].as_u64().unwrap_or(u64::MAX))
}

fn errors(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{} {} {}: {}",
                e["sheet"].as_str().unwrap(),
                e["row"],
                e["column"].as_str().unwrap_or("-"),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Edits the JSON catalogue `doc`: `f(sheet rows)`.
fn edited(doc: &Value, sheet: &str, f: impl FnOnce(&mut Vec<Value>)) -> Vec<u8> {
    let mut doc = doc.clone();
    f(doc[sheet].as_array_mut().unwrap());
    serde_json::to_vec(&doc).unwrap()
}

#[tokio::test]
async fn the_catalogue_goes_out_and_comes_back_through_the_admin_api() {
    let api = Api::new().await;
    let admin = api.token("admin").await;
    let xlsx = export(&api, &admin, "xlsx").await;
    let (s, report) = import(&api, &admin, "", XLSX, xlsx.clone()).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(
        (totals(&report), report["applied"].as_bool()),
        ([0, 0, 32, 0], Some(false)),
        "the sample province as it is"
    );

    // A change and an addition, reported field by field and written once.
    let doc: Value = serde_json::from_slice(&export(&api, &admin, "json").await).unwrap();
    let mut doc2 = doc.clone();
    let rows = doc2["procedures"].as_array_mut().unwrap();
    let first = rows[0]["code"].as_str().unwrap().to_owned();
    rows[0]["name"] = json!("Tên mới của thủ tục");
    let mut added = rows[1].clone();
    added["code"] = json!("9.000001");
    rows.push(added.clone());
    let from = added["code"].clone();
    let old = doc["procedures"][1]["code"].clone();
    for sheet in ["components", "fees", "steps"] {
        let copies: Vec<Value> = doc2[sheet]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["procedure"] == old)
            .map(|r| {
                let mut r = r.clone();
                r["procedure"] = from.clone();
                r
            })
            .collect();
        doc2[sheet].as_array_mut().unwrap().extend(copies);
    }
    let body = serde_json::to_vec(&doc2).unwrap();
    let (s, report) = import(&api, &admin, "?dry_run=true", "application/json", body.clone()).await;
    assert_eq!((s, totals(&report), report["applied"].as_bool()), (StatusCode::OK, [1, 1, 31, 0], Some(false)));
    let (s, _) = api.get("/v1/procedures/9.000001", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a dry run writes nothing");
    let (s, report) = import(&api, &admin, "", "application/json", body.clone()).await;
    assert_eq!((s, totals(&report), report["applied"].as_bool()), (StatusCode::OK, [1, 1, 31, 0], Some(true)));
    let changed = report["items"].as_array().unwrap().iter().find(|i| i["outcome"] == "changed").unwrap();
    assert_eq!((changed["code"].as_str(), changed["changed"].clone()), (Some(first.as_str()), json!(["name"])));
    let (s, p) = api.get("/v1/procedures/9.000001", None, None).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (_, p) = api.get(&format!("/v1/procedures/{first}"), None, None).await;
    assert_eq!(p["name"], "Tên mới của thủ tục", "read afresh through the catalogue cache");
    let (_, report) = import(&api, &admin, "", "application/json", body).await;
    assert_eq!((totals(&report), report["applied"].as_bool()), ([0, 0, 33, 0], Some(false)), "the same file twice");

    // Refused rows: nothing written, each error where it is; skipping them writes the rest.
    let bad = edited(&doc2, "fees", |fees| fees[0]["amount_vnd"] = json!("hai trăm"));
    let mut bad: Value = serde_json::from_slice(&bad).unwrap();
    let fee_owner = bad["fees"][0]["procedure"].clone();
    bad["procedures"].as_array_mut().unwrap().iter_mut().for_each(|p| {
        if p["code"] == json!("9.000001") {
            p["name"] = json!("Đổi tên nhưng bị từ chối?");
        }
    });
    let steps = bad["steps"].as_array_mut().unwrap();
    let share = steps.iter().position(|s| s["procedure"] == json!("9.000001")).unwrap();
    steps[share]["share_percent"] = json!("10");
    let body = serde_json::to_vec(&bad).unwrap();
    let (s, v) = import(&api, &admin, "", "application/json", body.clone()).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "catalogue_invalid"), "{v}");
    let listed = errors(&v["error"]["details"]);
    assert!(listed.iter().any(|e| e.starts_with("fees 1 amount_vnd: `hai trăm`")), "{listed:?}");
    assert!(listed.iter().any(|e| e.starts_with(&format!("steps {} share_percent:", share + 1))), "{listed:?}");
    assert_eq!(v["error"]["details"]["refused"], 2);
    assert_eq!(api.get("/v1/procedures/9.000001", None, None).await.1["name"], added["name"], "nothing written");
    let (s, v) = import(&api, &admin, "?skip_invalid=true", "application/json", body).await;
    assert_eq!((s, totals(&v), v["applied"].as_bool()), (StatusCode::OK, [0, 0, 31, 2], Some(false)), "{v}");
    assert!(v["items"].as_array().unwrap().iter().any(|i| i["code"] == fee_owner && i["outcome"] == "refused"));

    // A file error stops everything, skip or not.
    let no_steps = {
        let mut d = doc2.clone();
        d.as_object_mut().unwrap().remove("steps");
        serde_json::to_vec(&d).unwrap()
    };
    let (s, v) = import(&api, &admin, "?skip_invalid=true", "application/json", no_steps).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "catalogue_invalid"));
    assert_eq!(errors(&v["error"]["details"]), ["steps 0 -: thiếu bảng / missing sheet `steps`"]);

    // What is not a catalogue.
    let (s, v) = import(&api, &admin, "", "text/csv", b"code,name\n".to_vec()).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let (s, v) = import(&api, &admin, "", XLSX, b"PK\x03\x04 not a workbook".to_vec()).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "unreadable_catalogue"));
    let (s, v) = import(&api, &admin, "", XLSX, vec![b'x'; 6 * 1024 * 1024]).await;
    assert_eq!((s, code_of(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"), "{v}");
    let lead = api.token("tuphap.lanhdao").await;
    let (s, _) = import(&api, &lead, "?dry_run=true", XLSX, xlsx).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// Python from the project's virtual environment (scripts/test installs openpyxl into it).
fn python() -> std::path::PathBuf {
    let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python"));
    assert!(path.exists(), "{} is missing: run ./scripts/test, which installs it", path.display());
    path
}

#[tokio::test]
async fn a_workbook_from_another_program_reads_as_the_spreadsheet_shows_it() {
    let api = Api::new().await;
    let admin = api.token("admin").await;
    let doc = export(&api, &admin, "json").await;
    let dir = tempfile::tempdir().unwrap();
    let (json_path, plain, with_formula) =
        (dir.path().join("c.json"), dir.path().join("plain.xlsx"), dir.path().join("formula.xlsx"));
    std::fs::write(&json_path, &doc).unwrap();
    // openpyxl writes shared strings; whole numbers go in as numeric cells, as a person types them.
    let script = r#"
import json, sys, openpyxl
doc = json.load(open(sys.argv[1]))
def book(formula):
    wb = openpyxl.Workbook(); wb.remove(wb.active)
    for name in ["steps", "fees", "components", "procedures"]:
        ws = wb.create_sheet(name)
        header = sorted({k for row in doc[name] for k in row})
        ws.append(header)
        for row in doc[name]:
            cells = []
            for h in header:
                v = row.get(h)
                cells.append(int(v) if isinstance(v, str) and v.isdigit() and h != "code" and h != "procedure" else v)
            ws.append(cells)
    if formula:
        wb["fees"]["A2"] = "=100*2"
    return wb
book(False).save(sys.argv[2]); book(True).save(sys.argv[3])
"#;
    let out =
        Command::new(python()).arg("-c").arg(script).arg(&json_path).arg(&plain).arg(&with_formula).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (s, v) = import(&api, &admin, "?dry_run=true", XLSX, std::fs::read(&plain).unwrap()).await;
    assert_eq!((s, totals(&v)), (StatusCode::OK, [0, 0, 32, 0]), "{}", errors(&v).join("\n"));
    let (s, v) = import(&api, &admin, "?dry_run=true", XLSX, std::fs::read(&with_formula).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    let listed = errors(&v);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("fees 2 amount_vnd: ô chứa công thức"), "{listed:?}");
}

/// `n` procedures made from the sample's, each under its own national code.
fn many(doc: &Value, n: usize) -> Vec<u8> {
    let mut out = json!({"procedures": [], "components": [], "fees": [], "steps": []});
    let samples = doc["procedures"].as_array().unwrap();
    for i in 0..n {
        let template = &samples[i % samples.len()];
        let (old, code) = (template["code"].clone(), json!(format!("8.{i:06}")));
        let mut p = template.clone();
        p["code"] = code.clone();
        p["name"] = json!(format!("{} ({i})", template["name"].as_str().unwrap()));
        out["procedures"].as_array_mut().unwrap().push(p);
        for sheet in ["components", "fees", "steps"] {
            for r in doc[sheet].as_array().unwrap().iter().filter(|r| r["procedure"] == old) {
                let mut r = r.clone();
                r["procedure"] = code.clone();
                out[sheet].as_array_mut().unwrap().push(r);
            }
        }
    }
    serde_json::to_vec(&out).unwrap()
}

#[tokio::test]
async fn sixteen_hundred_procedures_import_in_batches_on_dynamodb() {
    let api = Api::on_dynamodb("catalogue").await;
    let admin = api.token("admin").await;
    let doc: Value = serde_json::from_slice(&export(&api, &admin, "json").await).unwrap();
    assert_eq!(doc["procedures"].as_array().unwrap().len(), 32, "the sample province, imported at seeding");
    let body = many(&doc, 1_600);
    assert!(body.len() < 5 * 1024 * 1024, "{} bytes: within what the route takes", body.len());
    let started = std::time::Instant::now();
    let (s, v) = import(&api, &admin, "", "application/json", body.clone()).await;
    assert_eq!(
        (s, totals(&v), v["applied"].as_bool()),
        (StatusCode::OK, [1600, 0, 0, 0], Some(true)),
        "{}",
        errors(&v).join("\n")
    );
    println!("1,600 procedures imported on DynamoDB (moto) in {:?}", started.elapsed());
    let (s, found) = api.get("/v1/procedures/8.001599", None, None).await;
    assert_eq!((s, found["name"].as_str().map(|n| n.ends_with("(1599)"))), (StatusCode::OK, Some(true)));
    let (_, listed) = api.get("/v1/procedures?limit=100&q=1599", None, None).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|p| p["code"] == "8.001599"), "searchable: {listed}");
    let (s, v) = import(&api, &admin, "", "application/json", body).await;
    assert_eq!((s, totals(&v), v["applied"].as_bool()), (StatusCode::OK, [0, 0, 1600, 0], Some(false)));
}
