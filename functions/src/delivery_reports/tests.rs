use std::io::Write;

use base64::Engine;
use serde_json::json;

use super::*;

/// A CloudWatch Logs subscription payload carrying `messages`.
pub fn logs_payload(messages: &[String]) -> Value {
    let batch = json!({
        "messageType": "DATA_MESSAGE", "owner": "123456789012",
        "logGroup": "sns/ap-southeast-1/123456789012/DirectPublishToPhoneNumber",
        "logStream": "stream", "subscriptionFilters": ["motcua-sms-receipts"],
        "logEvents": messages.iter().enumerate()
            .map(|(i, m)| json!({"id": i.to_string(), "timestamp": 1_795_860_000_000u64, "message": m}))
            .collect::<Vec<_>>()
    });
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(batch.to_string().as_bytes()).unwrap();
    let data = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
    json!({"awslogs": {"data": data}})
}

#[test]
fn sns_records_carry_ses_events() {
    let payload = json!({"Records": [
        {"EventSource": "aws:sns", "Sns": {"Type": "Notification", "Message": "{\"eventType\":\"Delivery\"}"}},
        {"EventSource": "aws:sns", "Sns": {"Type": "Notification", "Message": "second"}}
    ]});
    let Ok(Delivery::SesEvents(events)) = delivery_of(&payload) else { panic!("not read") };
    assert_eq!(events, vec!["{\"eventType\":\"Delivery\"}".to_owned(), "second".to_owned()]);
}

#[test]
fn log_batches_are_unzipped() {
    let Ok(Delivery::SmsLogs(logs)) = delivery_of(&logs_payload(&["one".into(), "two".into()])) else {
        panic!("not read")
    };
    assert_eq!(logs, vec!["one".to_owned(), "two".to_owned()]);
}

#[test]
fn other_events_fail_the_invocation() {
    assert!(matches!(delivery_of(&json!({"hello": "world"})), Err(UnknownEvent::Neither)));
    assert!(matches!(delivery_of(&json!({"Records": [{"body": "sqs"}]})), Err(UnknownEvent::Neither)));
    assert!(matches!(delivery_of(&json!({"awslogs": {"data": "not base64!"}})), Err(UnknownEvent::Logs(_))));
    let not_gzip = base64::engine::general_purpose::STANDARD.encode("plain");
    assert!(matches!(delivery_of(&json!({"awslogs": {"data": not_gzip}})), Err(UnknownEvent::Logs(_))));
}
