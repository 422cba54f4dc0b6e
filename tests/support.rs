//! Test helpers shared by the router and end-to-end suites: requests, tokens, sample filings.

#![allow(dead_code)]

use serde_json::{json, Value};

pub const JUSTICE: &str = "000.00.03.H56";
pub const CRIMINAL_RECORD: &str = "2.000488";
pub const BIRTH: &str = "1.001193";

/// A complete online filing for the criminal-record procedure, with distinctive personal data.
pub fn criminal_record_filing(phone: &str) -> Value {
    json!({
        "procedure_code": CRIMINAL_RECORD,
        "applicant": {
            "kind": "citizen",
            "name": "Nguyễn Thị Minh Khai",
            "citizen_id": "079203009876",
            "phone": phone,
            "email": "minhkhai@example.vn"
        },
        "documents": [
            {"component": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "file_name": "to-khai.pdf"},
            {"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd.pdf"}
        ]
    })
}

/// A business registration: its fees come first in the sample catalogue.
pub const BUSINESS: &str = "2.001610";

/// A complete desk filing of a business registration (its reception waits for 50.000 đồng).
pub fn business_filing() -> Value {
    json!({
        "procedure_code": BUSINESS,
        "channel": "direct",
        "applicant": {"kind": "citizen", "name": "Lê Thị Hoa", "citizen_id": "079203004321", "phone": "0987000111"},
        "documents": [
            {"component": "Giấy đề nghị đăng ký doanh nghiệp", "file_name": "de-nghi.pdf"},
            {"component": "Bản sao giấy tờ pháp lý của chủ doanh nghiệp", "file_name": "cccd.pdf"}
        ]
    })
}

/// A complete desk filing for birth registration at the ward.
pub fn birth_filing(channel: &str) -> Value {
    json!({
        "procedure_code": BIRTH,
        "channel": channel,
        "applicant": {"kind": "citizen", "name": "Trần Văn Bình", "citizen_id": "079203001111", "phone": "0987654321"},
        "documents": [
            {"component": "Tờ khai đăng ký khai sinh", "file_name": "to-khai.pdf"},
            {"component": "Giấy chứng sinh", "file_name": "chung-sinh.pdf"}
        ]
    })
}

/// The documents of `filing` that name no upload yet: online, each needs its file.
pub fn without_files(filing: &Value) -> Vec<usize> {
    let documents = filing["documents"].as_array().map(Vec::as_slice).unwrap_or_default();
    (0..documents.len()).filter(|&i| documents[i].get("upload").is_none()).collect()
}

/// The sample scan an online filing's documents get in the tests (a PNG, unlike any PDF a test
/// sends), and its announcement under `name`.
pub fn scan(name: &str) -> (Vec<u8>, Value) {
    let bytes = motcua_domain::documents::kind::samples::png();
    let sha256 = motcua_domain::documents::Sha256::of(&bytes);
    let announcement =
        json!({"file_name": name, "size": bytes.len(), "media_type": "image/png", "sha256": sha256.as_str()});
    (bytes, announcement)
}

/// Document `i` of `filing` attaches `upload` (an announcement's answer, its bytes sent).
pub fn attach(filing: &mut Value, i: usize, upload: &Value) {
    let d = &mut filing["documents"][i];
    d["upload"] = upload["id"].clone();
    d["sha256"] = upload["sha256"].clone();
}

/// `filing` with the sample scan uploaded through the router `app`, as the applicant, for each
/// document that names no upload (suites and benches that call the router in process).
pub async fn with_files_via(app: &axum::Router, mut filing: Value) -> Value {
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt;
    for i in without_files(&filing) {
        let (bytes, announcement) = scan(filing["documents"][i]["file_name"].as_str().unwrap_or("scan.png"));
        let announce = Request::post("/v1/uploads")
            .header("content-type", "application/json")
            .body(Body::from(announcement.to_string()))
            .unwrap();
        let answer = app.clone().oneshot(announce).await.unwrap();
        let status = answer.status();
        let upload: Value = serde_json::from_slice(&to_bytes(answer.into_body(), 1 << 20).await.unwrap()).unwrap();
        assert_eq!(status, 201, "{upload}");
        let put = Request::put(upload["upload"]["url"].as_str().unwrap())
            .header("content-type", "image/png")
            .body(Body::from(bytes))
            .unwrap();
        assert_eq!(app.clone().oneshot(put).await.unwrap().status(), 200);
        attach(&mut filing, i, &upload);
    }
    filing
}

/// `filing`'s documents as the domain holds them once attached: each with the sample scan's
/// file (for benches that call the domain directly).
pub fn attached_documents(filing: &Value) -> Value {
    let (bytes, announcement) = scan("scan.png");
    let mut documents = filing["documents"].clone();
    for (i, d) in documents.as_array_mut().into_iter().flatten().enumerate() {
        d["file"] = json!({"id": format!("{i:032x}"), "sha256": announcement["sha256"], "size": bytes.len(),
            "media_type": "image/png"});
    }
    documents
}

/// Unzips `zip` with Python's `zipfile` (an independent reader) into a new directory, and runs
/// `sha256sum -c` on the manifest there: (the entries, what `sha256sum` printed).
pub fn unzipped_and_checked(zip: &[u8], code: &str) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.zip"), zip).unwrap();
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])\nprint('\\n'.join(z.namelist()))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(dir.path().join("a.zip"))
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    let check = std::process::Command::new("sha256sum")
        .args(["-c", &format!("{code}/manifest.sha256")])
        .current_dir(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    (entries, String::from_utf8(check.stdout).unwrap())
}

pub fn rating() -> Value {
    json!({"desk_handling": 2, "disclosure": 2, "attitude": 2, "complaints": 1, "online_service": 2,
        "ease_of_use": "easy", "verdict": "very_satisfied", "comment": "Nhanh"})
}

/// Everything moto_server holds (slow: read it once per check).
pub fn moto_data() -> Value {
    let url = format!("{}/moto-api/data.json", motcua_infra::aws::moto_endpoint());
    ureq::get(&url).call().unwrap().into_json().unwrap()
}

/// How many SMS to each phone number moto_server has sent.
pub fn moto_sms_per_phone(data: &Value) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    for m in data["sns"]["SMS"].as_array().into_iter().flatten() {
        *out.entry(m["phone_number"].as_str().unwrap_or_default().to_owned()).or_insert(0) += 1;
    }
    out
}

/// How many SMS to `phone` and emails to `email` moto_server (from `scripts/test`) has sent.
pub fn moto_sent(phone: &str, email: &str) -> (usize, usize) {
    let data = moto_data();
    let sms = data["sns"]["SMS"].as_array().unwrap().iter().filter(|m| m["phone_number"] == phone).count();
    let emails = data["ses"]["Message"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["destinations"]["ToAddresses"][0] == email)
        .count();
    (sms, emails)
}

/// A day after `due` (RFC 3339), in Vietnam time: a new due date an extension may set, later
/// than the current one and within the default limit (the processing time again).
pub fn a_day_after(due: &str) -> String {
    let due = chrono::DateTime::parse_from_rfc3339(due).expect("an RFC 3339 due time");
    (due + chrono::Duration::days(1)).to_rfc3339()
}

/// The body `url` (a presigned address) answers, fetched on a blocking thread.
pub async fn fetched(url: &str) -> Vec<u8> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut body = vec![];
        std::io::Read::read_to_end(&mut ureq::get(&url).call().unwrap().into_reader(), &mut body).unwrap();
        body
    })
    .await
    .unwrap()
}

/// Sends `bytes` as the presigned request `upload` says (the `upload` of an announcement), on a
/// blocking thread: the status, 0 when the connection broke.
pub async fn presigned_put(upload: &Value, bytes: Vec<u8>) -> u16 {
    let upload = upload.clone();
    tokio::task::spawn_blocking(move || {
        let mut request = ureq::put(upload["url"].as_str().unwrap());
        for (name, value) in upload["headers"].as_object().unwrap() {
            if !name.eq_ignore_ascii_case("content-length") {
                request = request.set(name, value.as_str().unwrap());
            }
        }
        match request.send_bytes(&bytes) {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(_) => 0,
        }
    })
    .await
    .unwrap()
}
