//! The AWS notifier: SMS through SNS `Publish` to E.164 numbers (transactional, with the
//! province's registered sender id), email through SES `SendEmail` (UTF-8, tagged with the
//! notification id for delivery receipts), or `SendRawEmail` with the same tag when it carries
//! enclosures (the printed forms, as a MIME message built by [`mime`]). Sending once per notification id is the outbox's
//! job: only the sender that claimed a message (see `outbox_worker::Courier`) hands it over,
//! and the provider's message id is recorded with the settlement.

use async_trait::async_trait;
use aws_sdk_ses::primitives::Blob;
use aws_sdk_ses::types::{Body, Content, Destination, Message, MessageTag, RawMessage};
use aws_sdk_sns::config::http::HttpResponse;
use aws_sdk_sns::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sns::types::MessageAttributeValue;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};

use crate::mime;

/// Who messages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Senders {
    /// SNS `AWS.SNS.SMS.SenderID` (the registered brand name), if any.
    pub sms_sender_id: Option<String>,
    /// SES `Source`: a verified address or an address of a verified domain.
    pub email_from: String,
    /// SES configuration set that publishes delivery, bounce and complaint events.
    pub configuration_set: Option<String>,
    /// Whether SMS delivery-status logs reach the `receipts` function; without them, the
    /// carrier's acceptance counts as delivery.
    pub sms_receipts: bool,
    /// Whether the configuration set's events reach the `receipts` function.
    pub email_receipts: bool,
}

impl Senders {
    /// From `MOTCUA_EMAIL_FROM` (required), `MOTCUA_SMS_SENDER_ID` and
    /// `MOTCUA_SES_CONFIGURATION_SET`, and `MOTCUA_DELIVERY_RECEIPTS`: the channels whose
    /// receipts are wired up, comma-separated (`sms`, `email`; `true` for both).
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let receipts = var("MOTCUA_DELIVERY_RECEIPTS").unwrap_or_default();
        let receipts_for = |channel: &str| receipts.split(',').map(str::trim).any(|c| c == channel || c == "true");
        Ok(Self {
            sms_sender_id: var("MOTCUA_SMS_SENDER_ID"),
            email_from: var("MOTCUA_EMAIL_FROM").ok_or("MOTCUA_EMAIL_FROM is not set")?,
            configuration_set: var("MOTCUA_SES_CONFIGURATION_SET"),
            sms_receipts: receipts_for("sms"),
            email_receipts: receipts_for("email"),
        })
    }
}

pub struct AwsNotifier {
    sns: aws_sdk_sns::Client,
    ses: aws_sdk_ses::Client,
    senders: Senders,
}

/// Service errors that say this message can never be delivered as it is; everything else
/// (throttling, 5xx, network, credentials, configuration) may pass and is retried.
const PERMANENT: &[&str] = &[
    "InvalidParameter",
    "InvalidParameterValue",
    "InvalidParameterException",
    "ValidationError",
    "MessageRejected",
    "EndpointDisabled",
    "OptedOut",
];

/// What a failed call says about the message. Only a definite answer allows a retry: a refusal
/// (throttling, a 4xx) or a connection that never opened. A 5xx, a timeout, a connection lost
/// after the request went out or an unreadable answer may hide a message the provider took,
/// so it is `Unknown` and never resent (at most once: no duplicate SMS).
fn classify<E>(service: &str, e: SdkError<E, HttpResponse>) -> NotifyError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let context = format!("{service}: {}", aws_sdk_sns::error::DisplayErrorContext(&e));
    match &e {
        SdkError::ServiceError(failed) => {
            let code = failed.err().code().unwrap_or("Unknown");
            let status = failed.raw().status().as_u16();
            let text = format!("{service} {code} (HTTP {status}): {}", failed.err().message().unwrap_or(""));
            if PERMANENT.contains(&code) {
                NotifyError::Permanent(text)
            } else if status >= 500 {
                NotifyError::Unknown(text)
            } else {
                NotifyError::Temporary(text)
            }
        }
        SdkError::ConstructionFailure(_) => NotifyError::Permanent(context),
        // Refused before any byte went out: the connection could not be opened.
        SdkError::DispatchFailure(_) if never_connected(&context) => NotifyError::Temporary(context),
        _ => NotifyError::Unknown(context),
    }
}

/// Whether the error says the connection was never made (refused, unreachable, DNS).
fn never_connected(context: &str) -> bool {
    ["client error (Connect)", "Connection refused", "dns error", "failed to lookup address"]
        .iter()
        .any(|sign| context.contains(sign))
}

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, NotifyError> {
    r.map_err(|e| NotifyError::Permanent(format!("cannot build the request: {e}")))
}

impl AwsNotifier {
    /// Clients without the SDK's own retries: a retry after a lost answer could send twice,
    /// so only the outbox decides when to try again.
    pub fn new(config: &aws_config::SdkConfig, senders: Senders) -> Self {
        let once = aws_config::retry::RetryConfig::disabled();
        let sns = aws_sdk_sns::config::Builder::from(config).retry_config(once.clone()).build();
        let ses = aws_sdk_ses::config::Builder::from(config).retry_config(once).build();
        Self { sns: aws_sdk_sns::Client::from_conf(sns), ses: aws_sdk_ses::Client::from_conf(ses), senders }
    }

    async fn sms(&self, m: &OutgoingMessage) -> Result<String, NotifyError> {
        let attribute =
            |value: &str| built(MessageAttributeValue::builder().data_type("String").string_value(value).build());
        let mut publish = self
            .sns
            .publish()
            .phone_number(&m.recipient)
            .message(&m.text)
            .message_attributes("AWS.SNS.SMS.SMSType", attribute("Transactional")?);
        if let Some(sender) = &self.senders.sms_sender_id {
            publish = publish.message_attributes("AWS.SNS.SMS.SenderID", attribute(sender)?);
        }
        let sent = publish.send().await.map_err(|e| classify("SNS", e))?;
        Ok(sent.message_id().unwrap_or_default().to_owned())
    }

    /// The tag that ties SES's delivery events to the message: letters, digits, `_`, `-` and
    /// `.` only.
    fn tag(m: &OutgoingMessage) -> Result<MessageTag, NotifyError> {
        let value: String =
            m.id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
        built(MessageTag::builder().name("notification").value(value).build())
    }

    async fn email_with(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        let subject = m.subject.as_deref().unwrap_or("motcua");
        let boundary = Self::tag(m)?.value;
        let raw = mime::message(&self.senders.email_from, &m.recipient, subject, &m.text, enclosures, &boundary);
        let sent = self
            .ses
            .send_raw_email()
            .source(&self.senders.email_from)
            .destinations(&m.recipient)
            .raw_message(built(RawMessage::builder().data(Blob::new(raw)).build())?)
            .tags(Self::tag(m)?)
            .set_configuration_set_name(self.senders.configuration_set.clone())
            .send()
            .await
            .map_err(|e| classify("SES", e))?;
        Ok(sent.message_id().to_owned())
    }

    async fn email(&self, m: &OutgoingMessage) -> Result<String, NotifyError> {
        let utf8 = |text: &str| built(Content::builder().data(text).charset("UTF-8").build());
        let message = Message::builder()
            .subject(utf8(m.subject.as_deref().unwrap_or("motcua"))?)
            .body(Body::builder().text(utf8(&m.text)?).build())
            .build();
        let sent = self
            .ses
            .send_email()
            .source(&self.senders.email_from)
            .destination(Destination::builder().to_addresses(&m.recipient).build())
            .message(message)
            .tags(Self::tag(m)?)
            .set_configuration_set_name(self.senders.configuration_set.clone())
            .send()
            .await
            .map_err(|e| classify("SES", e))?;
        Ok(sent.message_id().to_owned())
    }
}

#[async_trait]
impl Notifier for AwsNotifier {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        match m.channel {
            MessageChannel::Sms => self.sms(m).await,
            MessageChannel::Email if enclosures.is_empty() => self.email(m).await,
            MessageChannel::Email => self.email_with(m, enclosures).await,
            // AWS carries SMS and email: a Zalo message goes by SMS instead.
            MessageChannel::Zalo => Err(NotifyError::Permanent("no Zalo official account is configured here".into())),
            MessageChannel::Axis => Err(NotifyError::Permanent("the document axis is not reached from here".into())),
        }
    }

    fn awaits_delivery_reports(&self, channel: MessageChannel) -> bool {
        match channel {
            MessageChannel::Sms => self.senders.sms_receipts,
            MessageChannel::Email => self.senders.email_receipts && self.senders.configuration_set.is_some(),
            MessageChannel::Zalo | MessageChannel::Axis => false,
        }
    }
}

#[cfg(test)]
mod tests;
