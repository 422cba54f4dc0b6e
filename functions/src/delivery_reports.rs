//! `receipts`: the providers' delivery reports, applied to the outbox. Two kinds of event
//! reach it:
//!
//! - SNS notifications whose `Message` is an SES event (the configuration set publishes
//!   delivery, bounce, complaint and reject events to the delivery-receipts topic);
//! - CloudWatch Logs subscription batches of SNS SMS delivery-status logs (`awslogs.data`,
//!   gzip and base64).
//!
//! Each report settles the message handed over under that provider id, if it is still in
//! `sending` (see [`motcua_domain::notify::delivery::after_delivery_report`]): duplicates and reports
//! arriving out of order or after a final state change nothing, so retries are harmless. A
//! store failure fails the invocation (the asynchronous invocation is retried, then goes to
//! the dead-letter queue); a report that cannot be read is logged without its content and
//! skipped, since no retry could read it. Reports carry addresses and phone numbers: none is
//! ever logged.

use std::io::Read;

use base64::Engine;
use motcua_domain::notify::reports::{self, ProviderReport, UnreadableReport};
use motcua_domain::ports::Outbox;
use motcua_infra::outbox_worker::{apply_report, Applied};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an invocation brings.
#[derive(Debug)]
pub enum Delivery {
    /// SES events, one per SNS record.
    SesEvents(Vec<String>),
    /// SMS delivery-status log entries.
    SmsLogs(Vec<String>),
}

/// An event `receipts` cannot take: it fails the invocation, so nothing is dropped unread.
#[derive(Debug, thiserror::Error)]
pub enum UnknownEvent {
    #[error("receipts: neither SNS records nor a CloudWatch Logs batch")]
    Neither,
    #[error("receipts: unreadable CloudWatch Logs data: {0}")]
    Logs(String),
}

#[derive(Deserialize)]
struct LogsBatch {
    #[serde(rename = "logEvents", default)]
    log_events: Vec<LogEntry>,
}

#[derive(Deserialize)]
struct LogEntry {
    message: String,
}

/// Tells the two kinds of event apart and unpacks them.
pub fn delivery_of(payload: &Value) -> Result<Delivery, UnknownEvent> {
    if let Some(records) = payload.get("Records").and_then(Value::as_array) {
        let messages = records
            .iter()
            .map(|r| r.pointer("/Sns/Message").and_then(Value::as_str).map(str::to_owned).ok_or(UnknownEvent::Neither))
            .collect::<Result<_, _>>()?;
        return Ok(Delivery::SesEvents(messages));
    }
    let Some(data) = payload.pointer("/awslogs/data").and_then(Value::as_str) else {
        return Err(UnknownEvent::Neither);
    };
    let zipped = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| UnknownEvent::Logs(format!("base64: {e}")))?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_string(&mut json)
        .map_err(|e| UnknownEvent::Logs(format!("gzip: {e}")))?;
    let batch: LogsBatch = serde_json::from_str(&json).map_err(|e| UnknownEvent::Logs(format!("json: {e}")))?;
    Ok(Delivery::SmsLogs(batch.log_events.into_iter().map(|e| e.message).collect()))
}

/// What one invocation did, returned as its response (and logged).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Messages moved out of `sending`.
    pub settled: usize,
    /// Reports about messages already final (duplicates, late or out of order).
    pub unchanged: usize,
    /// Reports naming no message that awaits one.
    pub unknown: usize,
    /// Events that are not outcomes (sent, delayed, opened).
    pub ignored: usize,
    pub unreadable: usize,
}

/// Applies every report in `delivery`. `Err` when the store failed: the invocation is retried.
pub async fn apply(outbox: &dyn Outbox, delivery: Delivery) -> Result<Tally, motcua_domain::ports::StoreError> {
    let read: Vec<Result<Option<ProviderReport>, UnreadableReport>> = match delivery {
        Delivery::SesEvents(events) => events.iter().map(|e| reports::ses_event(e)).collect(),
        Delivery::SmsLogs(logs) => logs.iter().map(|l| reports::sms_delivery_log(l)).collect(),
    };
    let mut tally = Tally::default();
    for report in read {
        let report = match report {
            Ok(Some(report)) => report,
            Ok(None) => {
                tally.ignored += 1;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "delivery report skipped");
                tally.unreadable += 1;
                continue;
            }
        };
        match apply_report(outbox, &report.provider_id, report.outcome).await? {
            Applied::Settled => tally.settled += 1,
            Applied::Unchanged => tally.unchanged += 1,
            Applied::Unknown => {
                tracing::info!(provider_id = report.provider_id.as_str(), "delivery report for no awaited message");
                tally.unknown += 1;
            }
        }
    }
    tracing::info!(
        settled = tally.settled,
        unchanged = tally.unchanged,
        unknown = tally.unknown,
        ignored = tally.ignored,
        unreadable = tally.unreadable,
        "delivery reports"
    );
    Ok(tally)
}

#[cfg(test)]
mod tests;
