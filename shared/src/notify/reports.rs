//! Delivery reports from the providers, read into [`DeliveryReport`]s: SES events (published by a
//! configuration set to an SNS topic, or an identity's feedback notifications) and SNS SMS
//! delivery-status log entries. Each report names the provider's message id, which the outbox
//! recorded when it handed the message over.
//!
//! | provider report                          | receipt                              |
//! |------------------------------------------|--------------------------------------|
//! | SES `Delivery`                           | delivered                            |
//! | SES `Complaint` (it reached the inbox)   | delivered                            |
//! | SES `Bounce`, `Permanent`                | permanent failure                    |
//! | SES `Bounce`, `Transient`/`Undetermined` | temporary failure                    |
//! | SES `Reject`, `Rendering Failure`        | permanent failure                    |
//! | SES `Send`, `DeliveryDelay`, opens, …    | nothing (not an outcome)             |
//! | SMS `SUCCESS`                            | delivered                            |
//! | SMS `FAILURE`, number invalid/opted out/blocked | permanent failure             |
//! | SMS `FAILURE`, anything else             | temporary failure                    |
//!
//! Reports carry the recipient's address or phone number: nothing here keeps or shows them.

use serde::Deserialize;

use super::delivery::DeliveryReport;

/// One provider's report about one message.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderReport {
    pub provider_id: String,
    pub outcome: DeliveryReport,
}

/// A report that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable delivery report: {0}")]
pub struct UnreadableReport(String);

impl UnreadableReport {
    /// `why` names what is missing or malformed, never a value the report carried.
    pub fn new(why: String) -> Self {
        Self(why)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    /// Configuration-set event publishing names it `eventType`; identity notifications,
    /// `notificationType`.
    #[serde(alias = "notificationType")]
    event_type: String,
    mail: SesMail,
    #[serde(default)]
    bounce: Option<SesBounce>,
    #[serde(default)]
    reject: Option<SesReason>,
    #[serde(default)]
    failure: Option<SesFailure>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesMail {
    message_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesBounce {
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
}

#[derive(Deserialize)]
struct SesReason {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesFailure {
    #[serde(default)]
    error_message: String,
}

fn unreadable(what: &str, e: serde_json::Error) -> UnreadableReport {
    // serde's message names the field and position, never the value.
    UnreadableReport(format!("{what}: {e}"))
}

/// Reads one SES event (the `Message` of its SNS notification). `Ok(None)` for events that
/// are not an outcome (sent, delayed, opened, clicked).
pub fn ses_event(json: &str) -> Result<Option<ProviderReport>, UnreadableReport> {
    let event: SesEvent = serde_json::from_str(json).map_err(|e| unreadable("SES event", e))?;
    let outcome = match event.event_type.as_str() {
        "Delivery" | "Complaint" => DeliveryReport::Delivered,
        "Bounce" => {
            let bounce = event.bounce.ok_or_else(|| UnreadableReport("SES bounce without `bounce`".into()))?;
            let why = format!("SES bounce: {} {}", bounce.bounce_type, bounce.bounce_sub_type).trim_end().to_owned();
            match bounce.bounce_type.as_str() {
                "Permanent" => DeliveryReport::PermanentFailure(why),
                _ => DeliveryReport::TemporaryFailure(why),
            }
        }
        "Reject" => DeliveryReport::PermanentFailure(format!(
            "SES rejected the message: {}",
            event.reject.map(|r| r.reason).unwrap_or_default()
        )),
        "Rendering Failure" => DeliveryReport::PermanentFailure(format!(
            "SES could not render the message: {}",
            event.failure.map(|f| f.error_message).unwrap_or_default()
        )),
        _ => return Ok(None),
    };
    Ok(Some(ProviderReport { provider_id: event.mail.message_id, outcome }))
}

#[derive(Deserialize)]
struct SmsLog {
    notification: SmsNotification,
    status: String,
    #[serde(default)]
    delivery: SmsDelivery,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SmsNotification {
    message_id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SmsDelivery {
    #[serde(default)]
    provider_response: String,
}

/// Carrier answers that will not change on a later try.
const SMS_PERMANENT: &[&str] =
    &["invalid phone number", "opted out", "blocked as spam", "not a mobile", "no longer in service"];

/// Reads one SNS SMS delivery-status log entry (the `message` of a CloudWatch Logs event).
pub fn sms_delivery_log(json: &str) -> Result<Option<ProviderReport>, UnreadableReport> {
    let log: SmsLog = serde_json::from_str(json).map_err(|e| unreadable("SMS delivery log", e))?;
    let answer = log.delivery.provider_response;
    let outcome = match log.status.as_str() {
        "SUCCESS" => DeliveryReport::Delivered,
        "FAILURE" => {
            let lower = answer.to_lowercase();
            let why = format!("SMS carrier: {answer}");
            if SMS_PERMANENT.iter().any(|sign| lower.contains(sign)) {
                DeliveryReport::PermanentFailure(why)
            } else {
                DeliveryReport::TemporaryFailure(why)
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(ProviderReport { provider_id: log.notification.message_id, outcome }))
}

#[cfg(test)]
mod tests;
