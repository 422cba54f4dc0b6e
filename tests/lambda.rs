//! The real Lambda binaries under the Lambda Runtime API emulator, against moto's DynamoDB,
//! SNS and SES: API Gateway HTTP API (v2) events with JWT authorizer claims drive a dossier
//! through its life across the `submit`, `receive`, `assign`, `approve`, `rate` and `query`
//! functions, DynamoDB stream events drive `notify` (the document axis's hand-overs included),
//! and SES events (through SNS) and SMS
//! delivery-status logs (through CloudWatch Logs) drive `receipts`.

mod capacity;
mod emulator;
mod events;
mod identity_provider;
mod recorder;
mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;
use emulator::{Function, Outcome};
use events::{http_answer, http_event, lambda_env, sns_records, FROM};
use motcua_domain::calendar::vietnam;
use motcua_infra::aws;
use motcua_infra::dynamo::{create_table, DynamoStore};
use recorder::{Call, Recorder};
use serde_json::{json, Value};
use support::{criminal_record_filing, presigned_put, rating};

struct Home {
    store: DynamoStore,
    env: Vec<(String, String)>,
}

async fn home() -> Home {
    let endpoint = aws::moto_endpoint();
    let config = aws::local_config(&endpoint);
    let table = aws::unique_table("lambda");
    let store = create_table(&aws_sdk_dynamodb::Client::new(&config), &table).await.unwrap();
    let today = vietnam::to_local(Utc::now()).date();
    motcua_functions::seed::seed_if_empty(&store, today).await.unwrap();
    aws_sdk_ses::Client::new(&config).verify_email_identity().email_address(FROM).send().await.unwrap();
    motcua_infra::files::S3Files::new(&config, table.as_str()).create_bucket().await.unwrap();
    // The server key as the template gives it: the ARN of its secret, read at init.
    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let key = secrets
        .create_secret()
        .name(format!("{table}-server-key"))
        .secret_string("ab".repeat(32))
        .send()
        .await
        .unwrap();
    let mut env = lambda_env(&endpoint, &table, &[]);
    env.retain(|(k, _)| k != "MOTCUA_SERVER_KEY");
    env.push(("MOTCUA_SERVER_KEY_ARN".into(), key.arn().unwrap().to_owned()));
    Home { store, env }
}

/// The binary of a function: this build's, or the one in `MOTCUA_LAMBDA_BINARIES` (a directory,
/// e.g. `target/release`) to measure release builds.
fn binary(name: &str) -> String {
    if let Ok(dir) = std::env::var("MOTCUA_LAMBDA_BINARIES") {
        return format!("{dir}/{name}");
    }
    let built = match name {
        "submit" => env!("CARGO_BIN_EXE_submit"),
        "receive" => env!("CARGO_BIN_EXE_receive"),
        "assign" => env!("CARGO_BIN_EXE_assign"),
        "approve" => env!("CARGO_BIN_EXE_approve"),
        "rate" => env!("CARGO_BIN_EXE_rate"),
        "query" => env!("CARGO_BIN_EXE_query"),
        "admin" => env!("CARGO_BIN_EXE_admin"),
        "reports" => env!("CARGO_BIN_EXE_reports"),
        "notify" => env!("CARGO_BIN_EXE_notify"),
        "receipts" => env!("CARGO_BIN_EXE_receipts"),
        "web" => env!("CARGO_BIN_EXE_web"),
        other => panic!("no binary {other}"),
    };
    built.to_owned()
}

/// A running function, with the recorder between it and moto.
struct Lambda {
    name: &'static str,
    f: Function,
    calls: Recorder,
    /// (what was asked, the DynamoDB calls it made), for every invocation.
    log: Vec<(String, Vec<Call>)>,
    /// How many stream records each invocation carried, by what was asked.
    records: std::collections::HashMap<String, usize>,
}

async fn start(home: &Home, name: &'static str) -> Lambda {
    start_with(home, name, &[]).await
}

/// `name` with `extra` environment variables besides the home's.
async fn start_with(home: &Home, name: &'static str, extra: &[(String, String)]) -> Lambda {
    let calls = Recorder::start(&aws::moto_endpoint()).await;
    let mut env = home.env.clone();
    env.extend(extra.iter().cloned());
    env.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL".into(), calls.endpoint()));
    let mut f = Function::spawn(name, &binary(name), &env).await;
    let init = f.ready().await;
    println!("{name}: init {:.1} ms (spawn to first poll for work)", init.as_secs_f64() * 1000.0);
    let warm_up = calls.take();
    // The pages hold no table: they reach everything through the families' functions.
    let opened = if name == "web" { 0 } else { 1 };
    assert_eq!(
        warm_up.len(),
        opened,
        "{name} opens its DynamoDB connection during init (and only its own): {warm_up:?}"
    );
    Lambda { name, f, calls, log: vec![], records: Default::default() }
}

impl Lambda {
    async fn invoke(&mut self, what: &str, payload: &Value) -> Outcome {
        let outcome = self.f.invoke(payload).await;
        self.records.insert(what.to_owned(), payload["Records"].as_array().map_or(1, Vec::len));
        self.log.push((what.to_owned(), self.calls.take()));
        outcome
    }

    fn output(&self) -> String {
        self.f.output()
    }

    /// Every call stayed inside the function's IAM grants, no call scanned, and no
    /// invocation wrote more than one transaction (the stream consumer: one per record, each
    /// history item's tallies with its counted marker).
    fn check_calls_against_grants(&self) {
        let grants = motcua_functions::permissions::of(self.name).unwrap();
        for (what, calls) in &self.log {
            for call in calls {
                for need in &call.needs {
                    let allowed = match need.split_once('@') {
                        Some((_, index)) => grants.indexes.contains(&index),
                        None if need.starts_with("s3:") => grants.other.contains(&need.as_str()),
                        None => grants.table.contains(&need.as_str()),
                    };
                    assert!(allowed, "{} ({what}) calls {need}, which template.yaml does not grant it", self.name);
                }
                assert_ne!(call.operation, "Scan", "{what} scans");
            }
            let transactions = calls.iter().filter(|c| c.operation == "TransactWriteItems").count();
            // One write per record or message taken (a stream batch, a round of the axis).
            let most = self.records.get(what).copied().unwrap_or(1);
            assert!(transactions <= most, "{what} wrote {transactions} transactions");
        }
    }

    /// `what: N requests, W write units, R read units: GetItem, Query, …` for each invocation,
    /// for the docs and `scripts/aws-cost`.
    fn request_counts(&self) -> Vec<String> {
        self.log
            .iter()
            .map(|(what, calls)| {
                let ops: Vec<String> = calls
                    .iter()
                    .map(|c| {
                        let partition = c.partition.split('#').next().unwrap_or_default();
                        if partition.is_empty() {
                            c.operation.clone()
                        } else {
                            format!("{} {partition}", c.operation)
                        }
                    })
                    .collect();
                let wru: f64 = calls.iter().map(|c| c.write_units).sum();
                let rru: f64 = calls.iter().map(|c| c.read_units).sum();
                format!(
                    "{:<10} {:<38} {:>2} requests {wru:>4} WRU {rru:>4} RRU: {}",
                    self.name,
                    what,
                    calls.len(),
                    ops.join(", ")
                )
            })
            .collect()
    }
}

/// The claims API Gateway's JWT authorizer attaches for a seeded officer (list claims as
/// API Gateway writes them: `[a b]`).
async fn call(f: &mut Lambda, method: &str, path: &str, officer: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let route = path.split('?').next().unwrap_or(path).to_owned();
    http_answer(f.invoke(&format!("{method} {route}"), &http_event(method, path, officer, &[], body.as_ref())).await)
}

async fn act(f: &mut Lambda, officer: &str, code: &str, action: &str, body: Value) -> Value {
    let event = http_event("POST", &format!("/v1/dossiers/{code}/{action}"), Some(officer), &[], Some(&body));
    let (status, v) = http_answer(f.invoke(&format!("POST /v1/dossiers/{{code}}/{action}"), &event).await);
    assert_eq!(status, 200, "{action}: {v}");
    v
}

/// `filing` with the sample scan sent to the bucket, announced through `submit`, for each
/// document that names no upload.
async fn with_files(submit: &mut Lambda, mut filing: Value) -> Value {
    for i in support::without_files(&filing) {
        let (bytes, announcement) = support::scan("cccd.png");
        let (status, upload) = call(submit, "POST", "/v1/uploads", None, Some(announcement)).await;
        assert_eq!(status, 201, "{upload}");
        assert_eq!(presigned_put(&upload["upload"], bytes).await, 200);
        support::attach(&mut filing, i, &upload);
    }
    filing
}

fn unique_phone() -> String {
    format!("09{:08}", rand::random::<u32>() % 100_000_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_lives_its_whole_life_across_the_lambdas() {
    let home = home().await;
    let mut submit = start(&home, "submit").await;
    let mut receive = start(&home, "receive").await;
    let mut assign = start(&home, "assign").await;
    let mut approve = start(&home, "approve").await;
    let mut rate = start(&home, "rate").await;
    let mut query = start(&home, "query").await;

    let phone = unique_phone();
    let filing = with_files(&mut submit, criminal_record_filing(&phone)).await;
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    let secret = created["lookup_secret"].as_str().unwrap().to_owned();

    let received = act(&mut receive, "tuphap.motcua", &code, "receive", json!({})).await;
    assert_eq!(received["status"], "received");
    assert!(received["due_at"].is_string());
    act(&mut assign, "tuphap.lanhdao", &code, "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    act(&mut assign, "tuphap.chuyenvien", &code, "forward", json!({"assignee": "congan.chuyenvien"})).await;
    let (_, queue) = call(&mut query, "GET", "/v1/officer/dossiers", Some("congan.chuyenvien"), None).await;
    assert!(queue["items"].as_array().unwrap().iter().any(|d| d["code"] == code.as_str()), "in the police's queue");
    act(&mut assign, "congan.chuyenvien", &code, "forward", json!({"assignee": "tuphap.lanhdao"})).await;
    act(&mut approve, "tuphap.lanhdao", &code, "approve", json!({})).await;
    let returned = act(&mut approve, "tuphap.motcua", &code, "return", json!({"method": "counter"})).await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["tracking_card"].as_array().unwrap().len(), 3);
    // Seven events written by four different functions form one intact hash chain.
    let path = format!("/v1/dossiers/{code}/verify");
    let (status, chain) = call(&mut query, "GET", &path, Some("tuphap.lanhdao"), None).await;
    assert_eq!(status, 200, "{chain}");
    assert_eq!((chain["intact"].clone(), chain["events"].clone()), (json!(true), json!(7)), "{chain}");
    assert_eq!(chain["head"], returned["history_head"]);

    let rated = rate
        .invoke(
            "POST /v1/dossiers/{code}/rating",
            &http_event(
                "POST",
                &format!("/v1/dossiers/{code}/rating"),
                None,
                &[("x-lookup-secret", &secret)],
                Some(&rating()),
            ),
        )
        .await;
    let (status, v) = http_answer(rated);
    assert_eq!(status, 200, "{v}");
    let looked_up = query
        .invoke(
            "GET /v1/dossiers/{code} (applicant)",
            &http_event("GET", &format!("/v1/dossiers/{code}"), None, &[("x-lookup-secret", &secret)], None),
        )
        .await;
    let (status, v) = http_answer(looked_up);
    assert_eq!((status, v["status"].as_str()), (200, Some("returned")));
    assert_eq!(v["rating"]["verdict"], "very_satisfied");

    // Everything the lifecycle wrote is in the table: 7 events after the opening one.
    let history = motcua_domain::ports::DossierStore::history(&home.store, &code.parse().unwrap()).await.unwrap();
    assert_eq!(history.len(), 8);

    // The history items carry their report tallies; the stream names them by their keys only
    // and notify reads each from the table, twice.
    let mut notify = start(&home, "notify").await;
    let mut reports = start(&home, "reports").await;
    let events = stream_images(&home.store, &code, "E#").await;
    let records: Vec<Value> = events
        .iter()
        .filter(|e| e.get("tally").is_some())
        .enumerate()
        .map(|(i, e)| record(100 + i as u32, "INSERT", e))
        .collect();
    assert!(records.len() >= 4, "filing, reception, steps, approval and rating move counters: {}", records.len());
    for round in ["the history's records", "the same records again"] {
        let Outcome::Response(answer) = notify.invoke(round, &json!({"Records": records})).await else {
            panic!("notify failed: {}", notify.output())
        };
        assert_eq!(answer["batchItemFailures"], json!([]), "{}", notify.output());
    }
    let today = vietnam::to_local(Utc::now()).date();
    let path = format!("/v1/reports/dossiers?from={today}&to={today}");
    let (status, report) = call(&mut reports, "GET", &path, Some("tuphap.lanhdao"), None).await;
    assert_eq!(status, 200, "{report}");
    let total = &report["total"];
    assert_eq!(
        (total["received"]["total"].clone(), total["received"]["online"].clone()),
        (json!(1), json!(1)),
        "{report}"
    );
    assert_eq!(
        (total["resolved"]["total"].clone(), total["resolved"]["early"].clone()),
        (json!(1), json!(1)),
        "counted once"
    );
    assert_eq!(total["in_progress"]["total"], 0);
    notify.check_calls_against_grants();
    reports.check_calls_against_grants();

    // Every request is also a line of its family's figures (embedded metric format).
    let figures = receive.output();
    assert!(
        figures.contains(r#""Dimensions":[["Family"]]"#)
            && figures.contains(r#""Family":"receive""#)
            && figures.contains(r#""Route":"/v1/dossiers/{code}/receive""#),
        "{figures}"
    );
    let mut counts = vec![];
    for f in [submit, receive, assign, approve, rate, query, reports] {
        assert!(!f.output().contains(&phone[1..]), "no phone number in the logs");
        f.check_calls_against_grants();
        counts.extend(f.request_counts());
    }
    println!("DynamoDB requests per invocation:\n{}", counts.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_straight_to_the_bucket_and_back_by_presigned_addresses() {
    let home = home().await;
    let mut submit = start(&home, "submit").await;
    let mut receive = start(&home, "receive").await;
    let mut query = start(&home, "query").await;
    let pdf = motcua_domain::documents::kind::samples::pdf();
    let sha256 = motcua_domain::documents::Sha256::of(&pdf);
    let announce = json!({"file_name": "Tờ khai.pdf", "size": pdf.len(), "media_type": "application/pdf", "sha256": sha256.as_str()});
    let (status, upload) = call(&mut submit, "POST", "/v1/uploads", None, Some(announce.clone())).await;
    assert_eq!(status, 201, "{upload}");
    assert!(upload["upload"]["url"].as_str().unwrap().contains("X-Amz-Signature="), "a presigned S3 address");
    let id = upload["id"].as_str().unwrap().to_owned();
    // Filing before the bytes arrived is refused; then they go to S3, never through a Lambda.
    let mut filing = criminal_record_filing(&unique_phone());
    filing["documents"][0] =
        json!({"component": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "upload": id, "sha256": sha256.as_str()});
    let filing = with_files(&mut submit, filing).await;
    let (status, v) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing.clone())).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("upload_incomplete")), "{v}");
    assert_eq!(presigned_put(&upload["upload"], pdf.clone()).await, 200);
    let (status, state) = call(&mut submit, "GET", &format!("/v1/uploads/{id}"), None, None).await;
    assert_eq!((status, state["state"].as_str()), (200, Some("stored")), "{state}");
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    let secret = created["lookup_secret"].as_str().unwrap().to_owned();

    // A lie is noticed once the bytes are in: a PDF announced as PNG.
    let mut png = announce.clone();
    png["media_type"] = json!("image/png");
    let (_, lying) = call(&mut receive, "POST", "/v1/counter/uploads", Some("tuphap.motcua"), Some(png)).await;
    assert_eq!(presigned_put(&lying["upload"], pdf.clone()).await, 200);
    let path = format!("/v1/uploads/{}", lying["id"].as_str().unwrap());
    let (status, v) = call(&mut submit, "GET", &path, None, None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("file_type_mismatch")), "{v}");

    // The applicant and the desk get a short-lived address; another agency gets nothing.
    let event =
        http_event("GET", &format!("/v1/dossiers/{code}/files/{id}"), None, &[("x-lookup-secret", &secret)], None);
    let Outcome::Response(answer) = query.invoke("GET /v1/dossiers/{code}/files/{id}", &event).await else { panic!() };
    assert_eq!(answer["statusCode"], 303, "{answer}");
    let fetched = support::fetched(answer["headers"]["location"].as_str().unwrap()).await;
    assert_eq!(fetched, pdf);
    let officer_path = format!("/v1/officer/dossiers/{code}/files/{id}");
    let (status, _) = call(&mut query, "GET", &officer_path, Some("tuphap.motcua"), None).await;
    assert_eq!(status, 303);
    let (status, _) = call(&mut query, "GET", &officer_path, Some("taichinh.motcua"), None).await;
    assert_eq!(status, 404);
    for f in [&submit, &receive, &query] {
        f.check_calls_against_grants();
    }
    println!(
        "requests per invocation:\n{}",
        [submit, receive, query].iter().flat_map(|f| f.request_counts()).collect::<Vec<_>>().join("\n")
    );
}

/// The applicant's document store on DynamoDB: a scan the desk digitised (receive) is listed
/// for its owner (query) and reused by their next online filing (submit) without an upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digitised_scan_is_kept_for_its_owner_and_reused_across_the_lambdas() {
    let home = home().await;
    let mut submit = start(&home, "submit").await;
    let mut receive = start(&home, "receive").await;
    let mut query = start(&home, "query").await;
    let (bytes, announcement) = support::scan("cccd.png");
    let (status, scan) =
        call(&mut receive, "POST", "/v1/counter/uploads", Some("tuphap.motcua"), Some(announcement)).await;
    assert_eq!(status, 201, "{scan}");
    assert_eq!(presigned_put(&scan["upload"], bytes).await, 200);
    let citizen_id = format!("0792{:08}", rand::random::<u32>() % 100_000_000);
    let mut filing = criminal_record_filing(&unique_phone());
    filing["applicant"]["citizen_id"] = json!(citizen_id);
    filing["channel"] = json!("direct");
    filing["documents"][1] = json!({"component": "Bản chụp giấy tờ tùy thân", "upload": scan["id"],
        "sha256": scan["sha256"], "particulars": {"number": citizen_id}});
    let (status, first) = call(&mut receive, "POST", "/v1/counter/dossiers", Some("tuphap.motcua"), Some(filing)).await;
    assert_eq!(status, 201, "{first}");
    let (code, secret) = (first["code"].as_str().unwrap(), first["lookup_secret"].as_str().unwrap());
    let path = format!("/v1/dossiers/{code}/stored-documents");
    let listed = query
        .invoke(
            "GET /v1/dossiers/{code}/stored-documents",
            &http_event("GET", &path, None, &[("x-lookup-secret", secret)], None),
        )
        .await;
    let (status, list) = http_answer(listed);
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"][0]["id"], scan["id"], "{list}");
    assert_eq!(list["items"][0]["provenance"]["origin"], "digitised");

    let mut second = with_files(&mut submit, criminal_record_filing(&unique_phone())).await;
    second["applicant"]["citizen_id"] = json!(citizen_id);
    second["documents"][1] = json!({"component": "Bản chụp giấy tờ tùy thân", "stored": scan["id"]});
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(second)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap();
    let (status, seen) =
        call(&mut query, "GET", &format!("/v1/officer/dossiers/{code}"), Some("tuphap.motcua"), None).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["documents"][1]["reused"]["id"], scan["id"], "{seen}");
    assert_eq!(seen["documents"][1]["file"]["id"], scan["id"]);

    // The archive export goes to the bucket and comes back by a presigned address.
    let path = format!("/v1/officer/dossiers/{code}/archive");
    let event = http_event("GET", &path, Some("tuphap.motcua"), &[], None);
    let Outcome::Response(answer) = query.invoke("GET /v1/officer/dossiers/{code}/archive", &event).await else {
        panic!("the export failed")
    };
    assert_eq!(answer["statusCode"], 303, "{answer}\n{}", query.output());
    let zip = support::fetched(answer["headers"]["location"].as_str().unwrap()).await;
    let (entries, _) = support::unzipped_and_checked(&zip, code);
    assert_eq!(entries.iter().filter(|e| e.contains("/files/")).count(), 2, "{entries:?}");
    for f in [&submit, &receive, &query] {
        f.check_calls_against_grants();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_routes_trust_only_the_authorizer() {
    let home = home().await;
    let mut query = start(&home, "query").await;
    // A bearer token the gateway did not verify (no authorizer claims) is not enough.
    let forged =
        http_event("GET", "/v1/officer/dossiers", None, &[("authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")], None);
    let (status, v) = http_answer(query.invoke("forged token", &forged).await);
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthenticated")));
    let (status, _) = call(&mut query, "GET", "/v1/officer/dossiers", Some("tuphap.motcua"), None).await;
    assert_eq!(status, 200);
    let (status, v) = call(&mut query, "GET", "/v1/procedures?q=ly%20lich%20tu%20phap", None, None).await;
    assert_eq!(status, 200);
    assert!(!v["items"].as_array().unwrap().is_empty());
    let (status, v) = call(&mut query, "GET", "/v1/nowhere", None, None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("route_not_found")));
}

/// The table's items under a dossier whose sort key starts with `prefix`, as DynamoDB stream
/// JSON (`{"S": …}` / `{"N": …}`).
async fn stream_images(store: &DynamoStore, code: &str, prefix: &str) -> Vec<Value> {
    let out = store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
        .expression_attribute_values(":pk", AttributeValue::S(format!("D#{code}")))
        .expression_attribute_values(":prefix", AttributeValue::S(prefix.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.items()
        .iter()
        .map(|item| {
            let image: serde_json::Map<String, Value> = item
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        AttributeValue::S(s) => json!({"S": s}),
                        AttributeValue::N(n) => json!({"N": n}),
                        other => panic!("unexpected attribute {other:?}"),
                    };
                    (k.clone(), v)
                })
                .collect();
            Value::Object(image)
        })
        .collect()
}

/// A stream record naming `image`'s item by its keys only, as the table's `KEYS_ONLY` stream
/// sends it: `notify` reads what it needs from the table.
fn record(seq: u32, name: &str, image: &Value) -> Value {
    let keys: serde_json::Map<String, Value> =
        ["pk", "sk"].iter().filter_map(|k| image.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    json!({
        "eventID": format!("event-{seq}"), "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "ap-southeast-1",
        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-1:123456789012:table/motcua/stream/2026-11-28T00:00:00.000",
        "dynamodb": {"ApproximateCreationDateTime": 1_795_860_000.0, "Keys": keys,
                     "SequenceNumber": format!("{seq:021}"), "SizeBytes": 512, "StreamViewType": "KEYS_ONLY"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_sends_stream_records_once_and_reports_only_the_failed_one() {
    let home = home().await;
    let mut submit = start(&home, "submit").await;
    let mut notify = start(&home, "notify").await;
    let phone = unique_phone();
    let email = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    // With a phone and an email: one SMS, the email kept as its fallback.
    let mut filing = criminal_record_filing(&phone);
    filing["applicant"]["email"] = json!(email);
    let filing = with_files(&mut submit, filing).await;
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    // With an email only: one email.
    let other_email = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    let mut filing = criminal_record_filing(&unique_phone());
    filing["applicant"]["phone"] = Value::Null;
    filing["applicant"]["email"] = json!(other_email);
    let filing = with_files(&mut submit, filing).await;
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let other = created["code"].as_str().unwrap().to_owned();

    let sms = stream_images(&home.store, &code, "M#").await;
    assert_eq!(sms.len(), 1, "one message for the submission, on the primary channel");
    let mail = stream_images(&home.store, &other, "M#").await;
    assert_eq!(mail.len(), 1);
    let dossier = stream_images(&home.store, &code, "#DOSSIER").await;
    let broken = json!({"pk": {"S": format!("D#{code}")}});
    let batch = json!({"Records": [
        record(1, "INSERT", &dossier[0]),
        record(2, "INSERT", &sms[0]),
        record(3, "INSERT", &broken),
        record(4, "INSERT", &mail[0]),
        record(5, "MODIFY", &sms[0]),
    ]});
    let answer = match notify.invoke("a batch of 5 records", &batch).await {
        Outcome::Response(a) => a,
        other => panic!("notify failed: {other:?}"),
    };
    assert_eq!(answer["batchItemFailures"], json!([{"itemIdentifier": format!("{:021}", 3)}]), "{}", notify.output());
    let international = format!("+84{}", &phone[1..]);
    assert_eq!(support::moto_sent(&international, &email), (1, 0), "the SMS reached them: no fallback");
    assert_eq!(support::moto_sent("+84000000000", &other_email), (0, 1));

    // The stream redelivers the batch: nothing is sent again, the broken record still fails.
    let Outcome::Response(again) = notify.invoke("the same batch again", &batch).await else { panic!("notify failed") };
    assert_eq!(again["batchItemFailures"].as_array().unwrap().len(), 1);
    assert_eq!(support::moto_sent(&international, &email), (1, 0), "sent once per notification id");
    assert_eq!(support::moto_sent("+84000000000", &other_email), (0, 1));
    for c in [&code, &other] {
        let outbox = stream_images(&home.store, c, "M#").await;
        assert_eq!(outbox[0]["state"], json!({"S": "delivered"}), "{c}");
    }

    // The sweeper's schedule: nothing is due or stuck, nothing is sent.
    let schedule = json!({"version": "0", "id": "sweep-1", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-28T00:00:00Z", "region": "ap-southeast-1",
        "resources": ["arn:aws:events:ap-southeast-1:123456789012:rule/motcua-sweep"], "detail": {}});
    let Outcome::Response(_) = notify.invoke("a scheduled sweep", &schedule).await else { panic!("sweep failed") };
    assert_eq!(support::moto_sent(&international, &email), (1, 0));
    // It publishes the outbox's lag as an embedded-metric-format line: nothing is due.
    let emf = notify.output();
    assert!(emf.contains(r#""OutboxDue":0.0"#) && emf.contains(r#""OutboxOldestDueSeconds":0.0"#), "{emf}");
    // The deadline warnings' schedule (its input names the job): read within the grants.
    let warnings = json!({"job": "deadline_warnings"});
    let Outcome::Response(_) = notify.invoke("the deadline warnings", &warnings).await else {
        panic!("the deadline warnings failed: {}", notify.output())
    };
    let Outcome::Error(_) = notify.invoke("an unknown event", &json!({"hello": "world"})).await else {
        panic!("an event notify cannot read must fail, not be dropped")
    };
    assert!(!notify.output().contains(&phone[1..]), "no phone number in the logs");
    notify.check_calls_against_grants();
    println!("DynamoDB requests per invocation:\n{}", notify.request_counts().join("\n"));
}

/// The outbox item of `code` on `channel`, as stream JSON.
async fn outbox_item(store: &DynamoStore, code: &str, channel: &str) -> Value {
    let items = stream_images(store, code, "M#").await;
    let suffix = format!(":{channel}");
    items
        .into_iter()
        .find(|m| m["sk"]["S"].as_str().unwrap().ends_with(&suffix))
        .unwrap_or_else(|| panic!("no {channel} message"))
}

fn ses_event(kind: &str, provider_id: &str, to: &str) -> Value {
    let mut event = json!({"eventType": kind, "mail": {"messageId": provider_id, "destination": [to],
        "source": FROM, "timestamp": "2026-11-28T01:00:00.000Z"}});
    if kind == "Bounce" {
        event["bounce"] = json!({"bounceType": "Permanent", "bounceSubType": "General",
                                 "bouncedRecipients": [{"emailAddress": to}]});
    }
    event
}

/// A CloudWatch Logs subscription batch of SNS SMS delivery-status log entries.
fn sms_logs(entries: &[Value]) -> Value {
    use base64::Engine;
    use std::io::Write;
    let batch = json!({"messageType": "DATA_MESSAGE", "owner": "123456789012",
        "logGroup": "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber/Failure", "logStream": "s",
        "subscriptionFilters": ["f"],
        "logEvents": entries.iter().enumerate()
            .map(|(i, e)| json!({"id": i.to_string(), "timestamp": 1_795_860_000_000u64, "message": e.to_string()}))
            .collect::<Vec<_>>()});
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(batch.to_string().as_bytes()).unwrap();
    json!({"awslogs": {"data": base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap())}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_settle_awaited_messages_once_and_fall_back() {
    let mut home = home().await;
    let config = aws::local_config(&aws::moto_endpoint());
    let set = format!("motcua-events-{}", rand::random::<u32>());
    aws_sdk_ses::Client::new(&config)
        .create_configuration_set()
        .configuration_set(aws_sdk_ses::types::ConfigurationSet::builder().name(&set).build().unwrap())
        .send()
        .await
        .unwrap();
    home.env.push(("MOTCUA_SES_CONFIGURATION_SET".into(), set));
    home.env.push(("MOTCUA_DELIVERY_RECEIPTS".into(), "sms,email".into()));
    let mut submit = start(&home, "submit").await;
    let mut notify = start(&home, "notify").await;
    let mut receipts = start(&home, "receipts").await;

    // One applicant with a phone and an email (SMS first), one with an email only.
    let phone = unique_phone();
    let email = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    let mut filing = criminal_record_filing(&phone);
    filing["applicant"]["email"] = json!(email);
    let filing = with_files(&mut submit, filing).await;
    let (_, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    let with_phone = created["code"].as_str().unwrap().to_owned();
    let other_email = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    let mut filing = criminal_record_filing(&unique_phone());
    filing["applicant"]["phone"] = Value::Null;
    filing["applicant"]["email"] = json!(other_email);
    let filing = with_files(&mut submit, filing).await;
    let (_, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    let email_only = created["code"].as_str().unwrap().to_owned();

    let sms = outbox_item(&home.store, &with_phone, "sms").await;
    let mail = outbox_item(&home.store, &email_only, "email").await;
    for (seq, m) in [(1, &sms), (2, &mail)] {
        let batch = json!({"Records": [record(seq, "INSERT", m)]});
        let Outcome::Response(_) = notify.invoke("a new message, awaiting receipts", &batch).await else {
            panic!("notify failed")
        };
    }
    let sms = outbox_item(&home.store, &with_phone, "sms").await;
    let mail = outbox_item(&home.store, &email_only, "email").await;
    for m in [&sms, &mail] {
        assert_eq!(m["state"], json!({"S": "sending"}), "handed over, awaiting its receipt: {m}");
    }
    let sms_id = sms["provider_id"]["S"].as_str().unwrap().to_owned();
    let mail_id = mail["provider_id"]["S"].as_str().unwrap().to_owned();

    // The carrier says the number opted out: a permanent failure, and the email fallback.
    let opted_out = json!({"notification": {"messageId": sms_id, "timestamp": "2026-11-28 01:00:00.000"},
        "delivery": {"destination": format!("+84{}", &phone[1..]), "smsType": "Transactional",
                     "providerResponse": "Phone number is opted out"},
        "status": "FAILURE"});
    let Outcome::Response(tally) =
        receipts.invoke("an SMS failure log", &sms_logs(std::slice::from_ref(&opted_out))).await
    else {
        panic!("receipts failed: {}", receipts.output())
    };
    assert_eq!(tally["settled"], 1, "{tally}");
    assert_eq!(outbox_item(&home.store, &with_phone, "sms").await["state"], json!({"S": "permanent_failure"}));
    assert_eq!(outbox_item(&home.store, &with_phone, "email").await["state"], json!({"S": "created"}), "fallback");

    // SES delivered the email; the same notification comes twice, then a late bounce and a
    // report about a message nobody awaits.
    let delivered = ses_event("Delivery", &mail_id, &other_email);
    let events = sns_records(&[delivered.clone(), delivered, ses_event("Bounce", &mail_id, &other_email)]);
    let Outcome::Response(tally) = receipts.invoke("SES events, repeated", &events).await else { panic!() };
    assert_eq!((tally["settled"].as_u64(), tally["unchanged"].as_u64()), (Some(1), Some(2)), "{tally}");
    assert_eq!(outbox_item(&home.store, &email_only, "email").await["state"], json!({"S": "delivered"}));
    let stranger = sns_records(&[
        ses_event("Delivery", "not-ours", "x@example.vn"),
        json!({"eventType": "Send",
        "mail": {"messageId": "not-ours"}}),
    ]);
    let Outcome::Response(tally) = receipts.invoke("a report for no message", &stranger).await else { panic!() };
    assert_eq!((tally["unknown"].as_u64(), tally["ignored"].as_u64()), (Some(1), Some(1)), "{tally}");
    let Outcome::Response(tally) = receipts.invoke("the SMS log again", &sms_logs(&[opted_out])).await else {
        panic!()
    };
    assert_eq!(tally["unchanged"], 1, "a final state never moves: {tally}");
    assert_eq!(stream_images(&home.store, &with_phone, "M#").await.len(), 2, "the fallback is created once");
    let unreadable = sns_records(&[json!({"eventType": "Delivery", "mail": {"destination": [email]}})]);
    let Outcome::Response(tally) = receipts.invoke("an unreadable report", &unreadable).await else { panic!() };
    assert_eq!(tally["unreadable"], 1);
    let Outcome::Error(_) = receipts.invoke("an unknown event", &json!({"hello": "world"})).await else {
        panic!("an event receipts cannot read must fail, not be dropped")
    };

    let output = receipts.output();
    assert!(
        !output.contains(&phone[1..]) && !output.contains("cong-dan-"),
        "no phone or address in the logs: {output}"
    );
    receipts.check_calls_against_grants();
    notify.check_calls_against_grants();
    println!("DynamoDB requests per invocation:\n{}", receipts.request_counts().join("\n"));
}

/// The fake national portal on loopback, its password in a Secrets Manager secret on moto, and
/// the variables that point `notify` and `admin` at both.
async fn portal_env() -> (motcua_functions::fakes::portal::FakePortal, Vec<(String, String)>) {
    let fake = motcua_functions::fakes::portal::FakePortal::new("tinh", "mat-khau-bi-mat");
    let at = motcua_functions::fakes::start(fake.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&aws::local_config(&aws::moto_endpoint()));
    let name = aws::unique_table("dvcqg");
    let created = secrets.create_secret().name(&name).secret_string("mat-khau-bi-mat").send().await.unwrap();
    let env = [
        ("MOTCUA_DVCQG_URL", format!("http://{at}")),
        ("MOTCUA_DVCQG_USERNAME", "tinh".into()),
        ("MOTCUA_DVCQG_UNIT", "000.00.00.H56".into()),
        ("MOTCUA_DVCQG_PASSWORD_SECRET", created.arn().unwrap().to_owned()),
    ];
    (fake, env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_syncs_each_dossier_to_the_portal_in_order_and_admin_reconciles() {
    let home = home().await;
    let (fake, portal) = portal_env().await;
    let national = motcua_domain::portal::NationalCode {
        procedure: support::CRIMINAL_RECORD.into(),
        national_code: "2.000488".into(),
        field_code: "G09-TP01".into(),
        field_name: "Lý lịch tư pháp".into(),
    };
    motcua_domain::ports::NationalCodes::put_national_code(&home.store, &national).await.unwrap();
    let mut submit = start(&home, "submit").await;
    let mut receive = start(&home, "receive").await;
    let mut notify = start_with(&home, "notify", &portal).await;
    let mut admin = start_with(&home, "admin", &portal).await;

    let phone = unique_phone();
    let filing = with_files(&mut submit, criminal_record_filing(&phone)).await;
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    act(&mut receive, "tuphap.motcua", &code, "receive", json!({})).await;

    // The stream hands notify the two sync items, in reverse and then again: each goes once,
    // in order.
    let items = stream_images(&home.store, &code, "S#").await;
    assert_eq!(items.len(), 2, "one sync item per transition, written with it");
    let records: Vec<Value> =
        items.iter().rev().enumerate().map(|(i, e)| record(200 + i as u32, "INSERT", e)).collect();
    for round in ["the sync items", "the same sync items again"] {
        let Outcome::Response(answer) = notify.invoke(round, &json!({"Records": records})).await else {
            panic!("notify failed: {}", notify.output())
        };
        assert_eq!(answer["batchItemFailures"], json!([]), "{}", notify.output());
    }
    let books = fake.books();
    let statuses: Vec<&str> = books.records[&code].iter().map(|r| r["TrangThaiHoSo"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["1", "2"]);
    assert_eq!(books.progress[&code].len(), 1, "the reception's progress line");
    assert_eq!(books.logins, 1, "one session, its password read from the secret");

    let schedule = json!({"version": "0", "id": "sweep-2", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-28T00:00:00Z", "region": "ap-southeast-1", "resources": [],
        "detail": {}});
    let Outcome::Response(_) = notify.invoke("a scheduled sweep with the portal", &schedule).await else {
        panic!("sweep failed: {}", notify.output())
    };
    // The function's output is read from its pipe as it comes: wait for the metrics line.
    for _ in 0..100 {
        if notify.output().contains(r#""PortalSyncParked":0"#) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(notify.output().contains(r#""PortalSyncParked":0"#), "the queue's counts as metrics: {}", notify.output());

    let (status, answer) =
        call(&mut admin, "POST", "/v1/admin/portal/reconcile", Some("admin"), Some(json!({"dossiers": [code]}))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["portal"], "2");
    assert_eq!(answer["results"][0]["requeued"], false);
    for f in [&notify, &admin] {
        assert!(!f.output().contains("mat-khau-bi-mat"), "no password in the logs");
        assert!(!f.output().contains(&phone[1..]), "no phone number in the logs");
        f.check_calls_against_grants();
    }
    println!("DynamoDB requests per invocation:\n{}", notify.request_counts().join("\n"));
}

/// The fake document axis on loopback (this system `KHANHHOA-MC`), its key in a Secrets Manager
/// secret on moto, and the variables that point `assign`, `admin` and `notify` at both.
async fn axis_env() -> (motcua_functions::fakes::axis::FakeAxis, Vec<(String, String)>) {
    let key = "khoa-ky-truc-lien-thong-tinh";
    let fake = motcua_functions::fakes::axis::FakeAxis::new(&[("KHANHHOA-MC", key)]);
    let at = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&aws::local_config(&aws::moto_endpoint()));
    let created = secrets.create_secret().name(aws::unique_table("axis")).secret_string(key).send().await.unwrap();
    let env = [
        ("MOTCUA_AXIS_URL", format!("http://{at}")),
        ("MOTCUA_AXIS_SYSTEM_ID", "KHANHHOA-MC".into()),
        ("MOTCUA_AXIS_SECRET_ARN", created.arn().unwrap().to_owned()),
    ];
    (fake, env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_goes_to_another_agencys_system_over_the_axis_and_comes_back() {
    use motcua_domain::ports::{CatalogueReader, CatalogueWriter};
    let home = home().await;
    let police = motcua_domain::codes::AgencyCode::parse("000.00.20.H56").unwrap();
    let mut agency = home.store.agency(&police).await.unwrap().unwrap();
    agency.external = true;
    home.store.put_agency(&agency).await.unwrap();
    let (fake, axis) = axis_env().await;
    let mut submit = start(&home, "submit").await;
    let mut receive = start(&home, "receive").await;
    let mut assign = start_with(&home, "assign", &axis).await;
    let mut notify = start_with(&home, "notify", &axis).await;
    let mut admin = start_with(&home, "admin", &axis).await;
    let mut query = start(&home, "query").await;

    let filing = with_files(&mut submit, criminal_record_filing(&unique_phone())).await;
    let (status, created) = call(&mut submit, "POST", "/v1/dossiers", None, Some(filing)).await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_owned();
    act(&mut receive, "tuphap.motcua", &code, "receive", json!({})).await;
    act(&mut assign, "tuphap.lanhdao", &code, "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    let forwarded = act(&mut assign, "tuphap.chuyenvien", &code, "forward", json!({})).await;
    assert_eq!(forwarded["exchanges"][0]["state"], "sent", "{forwarded}");

    // The stream gives notify the hand-over: the package goes to the police with the files.
    let handover = outbox_item(&home.store, &code, "axis").await;
    let batch = json!({"Records": [record(1, "INSERT", &handover)]});
    let Outcome::Response(answer) = notify.invoke("the hand-over", &batch).await else {
        panic!("notify failed: {}", notify.output())
    };
    assert_eq!(answer["batchItemFailures"], json!([]), "{}", notify.output());
    let sent = fake.sent_to("000.00.20.H56");
    assert_eq!(sent.len(), 1, "{}", notify.output());
    let package = motcua_domain::axis::Package::parse(&sent[0].2).unwrap();
    assert_eq!(package.attachments.len(), 2, "the dossier's files, read from the bucket");
    assert_eq!(package.document_id(), forwarded["exchanges"][0]["document_id"].as_str().unwrap());

    // The police answer: admin reads it on demand, notify on its schedule.
    fake.answer("000.00.20.H56", "Công an tỉnh", &sent[0].0, motcua_domain::axis::StatusCode::Accepted, "").unwrap();
    let pdf = motcua_domain::documents::kind::samples::pdf();
    fake.reply("000.00.20.H56", "Công an tỉnh", &sent[0].0, "Kết quả tra cứu", &[("ket-qua.pdf", pdf)]).unwrap();
    let (status, round) = call(&mut admin, "POST", "/v1/admin/axis/receive", Some("admin"), None).await;
    assert_eq!(
        (status, &round["applied"]),
        (200, &json!(2)),
        "the packet and the reply, its file to the bucket: {round}"
    );
    admin.records.insert("POST /v1/admin/axis/receive".into(), 2);
    fake.answer("000.00.20.H56", "Công an tỉnh", &sent[0].0, motcua_domain::axis::StatusCode::Completed, "").unwrap();
    let schedule = json!({"version": "0", "id": "sweep-3", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-28T00:00:00Z", "region": "ap-southeast-1", "resources": [],
        "detail": {}});
    let Outcome::Response(_) = notify.invoke("a scheduled sweep with the axis", &schedule).await else {
        panic!("sweep failed: {}", notify.output())
    };
    let (status, v) =
        call(&mut query, "GET", &format!("/v1/officer/dossiers/{code}"), Some("tuphap.lanhdao"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["current_step"]["index"].as_u64(), v["exchanges"][0]["state"].as_str()),
        (Some(2), Some("completed"))
    );
    let (status, journal) = call(&mut admin, "GET", "/v1/admin/axis/journal", Some("admin"), None).await;
    assert_eq!(status, 200, "{journal}");
    let outcomes: Vec<&str> =
        journal["items"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["sent", "applied", "applied", "applied"]);
    let reply = v["exchanges"][0]["replies"][0]["files"][0]["file"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/officer/dossiers/{code}/files/{reply}");
    let (status, _) = call(&mut query, "GET", &path, Some("tuphap.lanhdao"), None).await;
    assert_eq!(status, 303, "to a presigned address of the reply's file in the bucket");
    for f in [&assign, &notify, &admin] {
        assert!(!f.output().contains("khoa-ky-truc-lien-thong-tinh"), "no key in the logs");
        f.check_calls_against_grants();
    }
}

/// The public edge on (`MOTCUA_EDGE_SECRET_ARN`, as the template sets it with `Edge=true`): the
/// real submit binary reads the secret at init, refuses a request without CloudFront's header
/// (the API's own address cannot go around the web ACL), and counts the per-client limit against
/// the address CloudFront appended, not against CloudFront's server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_edge_only_cloudfronts_requests_are_served_and_each_viewer_has_its_own_count() {
    let home = home().await;
    let secret = "edge-secret-".repeat(4);
    let arn = aws_sdk_secretsmanager::Client::new(&aws::local_config(&aws::moto_endpoint()))
        .create_secret()
        .name(format!("{}-edge", home.store.table()))
        .secret_string(&secret)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    let mut plain = start(&home, "submit").await;
    let mut filings = vec![];
    for _ in 0..3 {
        filings.push(with_files(&mut plain, criminal_record_filing(&unique_phone())).await);
    }
    let extra = [("MOTCUA_EDGE_SECRET_ARN".to_owned(), arn), ("MOTCUA_SUBMISSION_LIMIT".to_owned(), "1/1h".to_owned())];
    let mut submit = start_with(&home, "submit", &extra).await;
    let (status, refused) = file_through(&mut submit, &filings[0], &[]).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (403, Some("not_through_the_edge")), "{refused}");
    let (status, _) = file_through(
        &mut submit,
        &filings[0],
        &[(motcua_functions::edge::HEADER, "edge-secret-forged-but-long-enough-to-test")],
    )
    .await;
    assert_eq!(status, 403, "a wrong secret is refused too");
    let first = [(motcua_functions::edge::HEADER, secret.as_str()), ("x-forwarded-for", "198.51.100.1")];
    let (status, created) = file_through(&mut submit, &filings[0], &first).await;
    assert_eq!(status, 201, "through the edge: {created}");
    let (status, limited) = file_through(&mut submit, &filings[1], &first).await;
    assert_eq!((status, limited["error"]["code"].as_str()), (429, Some("too_many_submissions")), "{limited}");
    // Another viewer behind the same CloudFront server (the event's sourceIp) has its own count.
    let second = [(motcua_functions::edge::HEADER, secret.as_str()), ("x-forwarded-for", "198.51.100.2, 203.0.113.9")];
    let (status, created) = file_through(&mut submit, &filings[2], &second).await;
    assert_eq!(status, 201, "{created}");
    assert!(!submit.output().contains(&secret), "the secret is never logged");
}

/// An online filing through `submit` carrying `headers`.
async fn file_through(submit: &mut Lambda, filing: &Value, headers: &[(&str, &str)]) -> (u16, Value) {
    let event = http_event("POST", "/v1/dossiers", None, headers, Some(filing));
    http_answer(submit.invoke("POST /v1/dossiers", &event).await)
}

/// What a page answered: status, headers, the cookies it set, the body as text.
struct Page {
    status: u16,
    headers: Value,
    cookies: Vec<String>,
    body: String,
}

async fn page(web: &mut Lambda, what: &str, event: Value) -> Page {
    let Outcome::Response(r) = web.invoke(what, &event).await else { panic!("{what}: the function failed") };
    let body = r["body"].as_str().unwrap_or_default();
    let body = if r["isBase64Encoded"] == true {
        use base64::Engine;
        String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(body).unwrap()).into_owned()
    } else {
        body.to_owned()
    };
    let cookies = r["cookies"].as_array().into_iter().flatten().filter_map(|c| c.as_str().map(str::to_owned)).collect();
    Page { status: r["statusCode"].as_u64().unwrap() as u16, headers: r["headers"].clone(), cookies, body }
}

/// A browser's request as API Gateway hands it on: `cookie` sent, `body` (bytes of
/// `content_type`) base64-encoded.
fn browser_event(method: &str, path: &str, cookie: &str, body: Option<(&str, &[u8])>) -> Value {
    use base64::Engine;
    let mut event = http_event(method, path, None, &[("cookie", cookie)], None);
    if let Some((content_type, bytes)) = body {
        event["headers"]["content-type"] = json!(content_type);
        event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
        event["isBase64Encoded"] = json!(true);
    }
    event
}

fn value_of(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// The Lambda service's `Invoke` as the pages' function calls it: each family's real function
/// under the emulator, invoked with the event the pages hand it (its answer, or its failure as
/// `X-Amz-Function-Error`). Each family's function keeps its own recorder, so its calls are
/// checked against its own grants.
struct Invokable {
    endpoint: String,
    families: std::sync::Arc<std::collections::HashMap<String, tokio::sync::Mutex<Lambda>>>,
}

impl Invokable {
    async fn start(home: &Home, extra: &[(String, String)]) -> Self {
        use axum::extract::{Path, State};
        use axum::response::IntoResponse;
        type Families = std::sync::Arc<std::collections::HashMap<String, tokio::sync::Mutex<Lambda>>>;
        let mut families = std::collections::HashMap::new();
        for family in motcua_functions::routes::Family::ALL {
            let lambda = start_with(home, family.name(), extra).await;
            families.insert(format!("motcua-{}", family.name()), tokio::sync::Mutex::new(lambda));
        }
        let families: Families = std::sync::Arc::new(families);
        async fn invoke(
            State(families): State<Families>,
            Path(name): Path<String>,
            payload: String,
        ) -> axum::response::Response {
            let Some(lambda) = families.get(&name) else {
                return (axum::http::StatusCode::NOT_FOUND, "{\"Type\":\"User\",\"message\":\"Function not found\"}")
                    .into_response();
            };
            let event: Value = serde_json::from_str(&payload).unwrap();
            let what = event["routeKey"].as_str().unwrap_or("?").to_owned();
            match lambda.lock().await.invoke(&what, &event).await {
                Outcome::Response(answer) => axum::Json(answer).into_response(),
                Outcome::Error(error) => ([("x-amz-function-error", "Unhandled")], axum::Json(error)).into_response(),
            }
        }
        let app = axum::Router::new()
            .route("/2015-03-31/functions/{name}/invocations", axum::routing::post(invoke))
            .with_state(families.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { endpoint, families }
    }

    /// The pages' environment: where the Lambda service is, and each family's function.
    fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![("AWS_ENDPOINT_URL_LAMBDA".to_owned(), self.endpoint.clone())];
        for family in motcua_functions::routes::Family::ALL {
            let variable = format!("MOTCUA_FUNCTION_{}", family.name().to_uppercase());
            env.push((variable, format!("motcua-{}", family.name())));
        }
        env
    }

    /// What each family's function was asked, and every call it made inside its grants.
    async fn check(&self) -> Vec<String> {
        let mut asked = vec![];
        for lambda in self.families.values() {
            let lambda = lambda.lock().await;
            lambda.check_calls_against_grants();
            asked.extend(lambda.log.iter().map(|(what, _)| format!("{} {what}", lambda.name)));
            assert!(!lambda.output().contains("079203003333"), "no personal data in {}'s logs", lambda.name);
        }
        asked.sort();
        asked
    }
}

/// The pages' own function: a citizen files online with two scans (straight to the bucket by
/// presigned addresses), and a desk officer signs in through the identity provider and finds
/// the filing in the queue. The pages invoke the family functions (each the real binary under
/// the emulator) for every call to the API; every call of each function inside its grants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_serve_citizens_and_sign_officers_in_through_the_provider() {
    use identity_provider::{IdentityProvider, CLIENT};
    let idp = IdentityProvider::start("localhost");
    idp.signs_in("nhatrang.motcua", "000.01.31.H56", "reception", "Cán bộ một cửa phường");
    let home = home().await;
    let config = aws::local_config(&aws::moto_endpoint());
    let table = home.env.iter().find(|(k, _)| k == "MOTCUA_TABLE").unwrap().1.clone();
    let name = format!("{table}-web-sign-in");
    aws_sdk_secretsmanager::Client::new(&config)
        .create_secret()
        .name(&name)
        .secret_string(json!({"client_id": CLIENT, "client_secret": "the-clients-secret"}).to_string())
        .send()
        .await
        .unwrap();
    let functions = Invokable::start(&home, &[]).await;
    let mut extra = vec![
        ("MOTCUA_OIDC_ISSUER".to_owned(), idp.issuer.clone()),
        ("MOTCUA_WEB_SIGN_IN_SECRET_NAME".to_owned(), name),
    ];
    extra.extend(functions.env());
    let mut web = start_with(&home, "web", &extra).await;

    let start = page(&mut web, "GET /", browser_event("GET", "/?q=khai%20sinh", "", None)).await;
    assert_eq!(start.status, 200, "{}", web.output());
    assert!(start.body.contains("Đăng ký khai sinh"), "{}", start.body);
    let policy = start.headers["content-security-policy"].as_str().unwrap().to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    // The script may send files straight to the bucket (here the endpoint the SDK is pointed at,
    // the recorder in front of moto).
    assert!(policy.contains("connect-src 'self' http://127.0.0.1:"), "{policy}");
    let form = page(
        &mut web,
        "GET /procedures/{code}/file",
        browser_event("GET", &format!("/procedures/{}/file", support::BIRTH), "", None),
    )
    .await;
    let cookie = form.cookies.iter().find(|c| c.starts_with("motcua_form=")).unwrap();
    assert!(cookie.contains("Secure"), "cookies go over TLS only on AWS: {cookie}");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let (token, attempt) = (value_of(&form.body, "form_token"), value_of(&form.body, "attempt"));
    let png = motcua_domain::documents::kind::samples::png();
    let pdf = motcua_domain::documents::kind::samples::pdf();
    let boundary = "motcua-lambda-boundary";
    let mut body = Vec::new();
    for (k, v) in [
        ("form_token", token.as_str()),
        ("attempt", attempt.as_str()),
        ("kind", "citizen"),
        ("name", "Võ Thị Lan"),
        ("citizen_id", "079203003333"),
        ("phone", "0987000222"),
    ] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
    }
    for (k, file, bytes) in [("doc-0", "to-khai.png", &png), ("doc-1", "chung-sinh.pdf", &pdf)] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").bytes());
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    let kind = format!("multipart/form-data; boundary={boundary}");
    let filing = browser_event("POST", &format!("/procedures/{}/file", support::BIRTH), &cookie, Some((&kind, &body)));
    let filed = page(&mut web, "POST /procedures/{code}/file", filing).await;
    assert_eq!(filed.status, 201, "{}\n{}", filed.body, web.output());
    let code = filed.body.split("id=\"filed-code\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    use motcua_domain::ports::DossierStore;
    let dossier = home.store.get(&motcua_domain::codes::DossierCode::parse(&code).unwrap()).await.unwrap().unwrap();
    assert_eq!(dossier.dossier.documents.iter().filter(|d| d.file.is_some()).count(), 2, "both scans are kept");

    // The desk officer signs in through the provider (the callback at the API's own address).
    let started = page(
        &mut web,
        "GET /officer/sign-in/start",
        browser_event("GET", "/officer/sign-in/start?next=%2Fofficer", "", None),
    )
    .await;
    assert_eq!(started.status, 303);
    let flow =
        started.cookies.iter().find(|c| c.starts_with("motcua_signin=")).unwrap().split(';').next().unwrap().to_owned();
    let authorize = started.headers["location"].as_str().unwrap().to_owned();
    assert!(authorize.contains("redirect_uri=https%3A%2F%2Fapi.example.gov.vn%2Fofficer%2Fcallback"), "{authorize}");
    let back = tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        agent.get(&authorize).call().unwrap().header("location").unwrap().to_owned()
    })
    .await
    .unwrap();
    let callback = back.strip_prefix("https://api.example.gov.vn").unwrap().to_owned();
    let signed = page(&mut web, "GET /officer/callback", browser_event("GET", &callback, &flow, None)).await;
    assert_eq!(signed.status, 200, "{}\n{}", signed.body, web.output());
    let session =
        signed.cookies.iter().find(|c| c.starts_with("motcua_session=")).unwrap().split(';').next().unwrap().to_owned();
    let queue = page(&mut web, "GET /officer", browser_event("GET", "/officer", &session, None)).await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Cán bộ một cửa phường") && queue.body.contains(&code), "{}", queue.body);
    // Receives it from the dossier's page: the receive function acts as the officer the
    // pages vouch for (their verified claims, as the gateway's authorizer passes them on).
    let opened = page(
        &mut web,
        "GET /officer/dossiers/{code}",
        browser_event("GET", &format!("/officer/dossiers/{code}"), &session, None),
    )
    .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let form_cookie = opened
        .cookies
        .iter()
        .find(|c| c.starts_with("motcua_form="))
        .map_or(cookie.clone(), |c| c.split(';').next().unwrap().to_owned());
    let cookies = format!("{session}; {form_cookie}");
    let token = value_of(&opened.body, "form_token");
    let form = format!("form_token={token}");
    let receive = browser_event(
        "POST",
        &format!("/officer/dossiers/{code}/receive"),
        &cookies,
        Some(("application/x-www-form-urlencoded", form.as_bytes())),
    );
    let received = page(&mut web, "POST /officer/dossiers/{code}/receive", receive).await;
    assert_eq!(received.status, 303, "{}\n{}", received.body, web.output());
    assert!(received.headers["location"].as_str().unwrap().ends_with("?done=receive"), "{:?}", received.headers);
    let history = home.store.history(&motcua_domain::codes::DossierCode::parse(&code).unwrap()).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.to_status, motcua_domain::lifecycle::Status::Received);
    let by = serde_json::to_value(&last.actor).unwrap();
    assert_eq!(by["id"], "nhatrang.motcua", "the officer, not the pages: {by}");
    // A forged session token never reaches a function.
    let forged = browser_event("GET", "/officer", "motcua_session=eyJhbGciOiJSUzI1NiJ9.e30.c2ln", None);
    assert_ne!(page(&mut web, "GET /officer", forged).await.status, 200);
    assert!(!web.output().contains("079203003333"), "no personal data in the logs");
    web.check_calls_against_grants();
    let asked = functions.check().await;
    for call in [
        "submit POST /v1/dossiers",
        "submit POST /v1/uploads",
        "query GET /v1/officer/dossiers",
        "receive POST /v1/dossiers/{code}/receive",
    ] {
        assert!(asked.iter().any(|a| a == call), "{call} went to its family's function: {asked:?}");
    }
}
