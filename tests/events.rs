//! Lambda events as AWS delivers them, for the emulator tests and the cold-start benchmark: API
//! Gateway HTTP API (payload 2.0) requests with JWT authorizer claims, and SNS records; and the
//! environment the functions get, pointed at moto.

#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::emulator::Outcome;

/// The address the functions send email from (verified with SES first).
pub const FROM: &str = "khong-tra-loi@motcua.example.gov.vn";

/// The environment template.yaml gives every function, with AWS at `endpoint` (moto) and the
/// table `table`, plus `extra`.
pub fn lambda_env(endpoint: &str, table: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let server_key = "ab".repeat(32);
    [
        ("AWS_REGION", "ap-southeast-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_ENDPOINT_URL", endpoint),
        ("MOTCUA_TABLE", table),
        // The table's name is a valid bucket name too: each home gets its own bucket.
        ("MOTCUA_BUCKET", table),
        ("MOTCUA_SERVER_KEY", server_key.as_str()),
        ("MOTCUA_EMAIL_FROM", FROM),
        ("MOTCUA_SMS_SENDER_ID", "MOTCUA"),
    ]
    .iter()
    .chain(extra)
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The claims API Gateway's JWT authorizer passes on for a seed officer.
pub fn claims(officer: &str) -> Value {
    let o = motcua_functions::seed::officers().into_iter().find(|o| o.id.as_str() == officer).unwrap();
    let roles: Vec<String> =
        o.roles.iter().map(|r| serde_json::to_value(r).unwrap().as_str().unwrap().to_owned()).collect();
    json!({"sub": o.id.as_str(), "name": o.name, "agency": o.agency.as_str(), "roles": format!("[{}]", roles.join(" ")),
           "iss": "https://cognito-idp.ap-southeast-1.amazonaws.com/pool", "aud": "client"})
}

/// An API Gateway HTTP API (payload 2.0) event.
pub fn http_event(
    method: &str,
    path: &str,
    officer: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Value {
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut h: HashMap<String, String> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    h.insert("host".into(), "api.example.gov.vn".into());
    if body.is_some() {
        h.insert("content-type".into(), "application/json".into());
    }
    let mut context = json!({
        "accountId": "123456789012", "apiId": "api", "domainName": "api.example.gov.vn", "domainPrefix": "api",
        "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9", "userAgent": "test"},
        "requestId": format!("req-{}", rand::random::<u32>()), "routeKey": format!("{method} {raw_path}"),
        "stage": "$default", "time": "28/Nov/2026:10:00:00 +0000", "timeEpoch": 1_795_860_000_000u64
    });
    if let Some(officer) = officer {
        context["authorizer"] = json!({"jwt": {"claims": claims(officer), "scopes": null}});
    }
    json!({
        "version": "2.0", "routeKey": format!("{method} {raw_path}"), "rawPath": raw_path, "rawQueryString": query,
        "headers": h, "requestContext": context,
        "body": body.map(|b| b.to_string()), "isBase64Encoded": false
    })
}

/// Status and JSON body of an HTTP function's answer.
pub fn http_answer(outcome: Outcome) -> (u16, Value) {
    let Outcome::Response(r) = outcome else { panic!("the function failed: {outcome:?}") };
    let body = r["body"].as_str().unwrap_or("null");
    (r["statusCode"].as_u64().unwrap() as u16, serde_json::from_str(body).unwrap_or(Value::String(body.into())))
}

/// SNS notification records carrying `messages` (as SES event publishing sends them).
pub fn sns_records(messages: &[Value]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({"EventSource": "aws:sns", "EventVersion": "1.0",
                   "EventSubscriptionArn": "arn:aws:sns:ap-southeast-1:123456789012:receipts:1",
                   "Sns": {"Type": "Notification", "MessageId": "n-1", "Subject": null, "Message": m.to_string(),
                           "TopicArn": "arn:aws:sns:ap-southeast-1:123456789012:receipts",
                           "Timestamp": "2026-11-28T01:00:00.000Z", "SignatureVersion": "1"}})
        })
        .collect();
    json!({"Records": records})
}
