//! Notifications to applicants: the outbox message type and one template per notice kind,
//! email in Vietnamese with diacritics, SMS without (GSM-7, at most two segments).

pub mod arrivals;
mod choice;
pub mod delivery;
pub mod reports;
pub mod retention;
pub mod sms;
mod templates;

pub use choice::{ChosenChannels, InvalidChoice};
pub use delivery::DeliveryState;
pub use templates::{messages_for, NoticeKind};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::lifecycle::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    Sms,
    Email,
    /// A Zalo Notification Service (ZNS) template message to the phone number's Zalo account.
    Zalo,
    /// A step handed to another agency: an edXML package over the national document axis to the
    /// agency's code ([`crate::axis::exchange::handover`]).
    Axis,
}

/// The channels a client may name (an applicant's choice): the axis is the system's own.
impl utoipa::PartialSchema for MessageChannel {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(MessageChannel::NOTICES.map(MessageChannel::as_str)))
            .into()
    }
}

impl utoipa::ToSchema for MessageChannel {}

impl MessageChannel {
    /// The channels a notice to a person goes by.
    pub const NOTICES: [MessageChannel; 3] = [MessageChannel::Sms, MessageChannel::Email, MessageChannel::Zalo];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Sms => "sms",
            MessageChannel::Email => "email",
            MessageChannel::Zalo => "zalo",
            MessageChannel::Axis => "axis",
        }
    }

    /// Whether the channel reaches a phone number (SMS and Zalo) rather than an address.
    pub fn to_phone(self) -> bool {
        matches!(self, MessageChannel::Sms | MessageChannel::Zalo)
    }
}

/// One message in the outbox, committed with the transition that raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    /// `<dossier code>:<event seq>:<channel>`: stable, so a retry never sends twice.
    pub id: String,
    /// The dossier the notice is about; for an officer's digest, its key
    /// ([`crate::warnings::digest::key`]). Always the id's part before its first `:`.
    pub dossier_code: String,
    pub kind: NoticeKind,
    pub channel: MessageChannel,
    /// E.164 phone number or email address (personal data: never logged).
    pub recipient: String,
    pub subject: Option<String>,
    pub text: String,
    /// The dossier's status when the message was raised; none for a message about no one
    /// dossier (an officer's digest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    pub created_at: DateTime<Utc>,
    /// The same notice on the applicant's other contact, sent only if this one cannot reach
    /// them (see [`delivery::fallback_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Box<Fallback>>,
}

impl OutgoingMessage {
    /// The sequence number of the history event that raised the notice, from the id.
    pub fn event_seq(&self) -> Option<u32> {
        let mut parts = self.id.rsplitn(3, ':');
        let (_channel, seq) = (parts.next()?, parts.next()?);
        parts.next()?;
        seq.parse().ok()
    }
}

/// Why a test message cannot be addressed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a phone number (SMS, Zalo) or an email address (email)")]
pub struct InvalidRecipient(pub String);

/// The message `motcua notify test` sends to `to` on `channel`: no dossier, no personal data,
/// its own id (the time it was made), so each test is a new message.
pub fn test_message(
    channel: MessageChannel,
    to: &str,
    now: DateTime<Utc>,
) -> Result<OutgoingMessage, InvalidRecipient> {
    let recipient = match channel {
        MessageChannel::Sms | MessageChannel::Zalo => {
            crate::contact::PhoneNumber::parse(to).map(|p| p.e164().to_owned()).ok()
        }
        MessageChannel::Email => crate::contact::Email::parse(to).map(|e| e.as_str().to_owned()).ok(),
        MessageChannel::Axis => None,
    }
    .ok_or_else(|| InvalidRecipient(to.to_owned()))?;
    let key = format!("TEST-{}", now.format("%Y%m%d%H%M%S%3f"));
    let when = crate::calendar::vietnam::display(now);
    let text = match channel {
        MessageChannel::Sms => format!("motcua: tin nhan thu luc {when}. Kenh SMS hoat dong."),
        MessageChannel::Zalo => format!("motcua: tin nhắn thử lúc {when}. Kênh Zalo hoạt động."),
        MessageChannel::Axis => String::new(),
        MessageChannel::Email => {
            format!("Đây là thư thử của hệ thống một cửa điện tử motcua, gửi lúc {when}.\n\nKênh email hoạt động.")
        }
    };
    Ok(OutgoingMessage {
        id: format!("{key}:test:{}", channel.as_str()),
        dossier_code: key,
        kind: NoticeKind::Test,
        channel,
        recipient,
        subject: (channel == MessageChannel::Email).then(|| "Thư thử của hệ thống một cửa điện tử".to_owned()),
        text,
        status: None,
        created_at: now,
        fallback: None,
    })
}

/// A notice rendered for the applicant's other contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fallback {
    pub channel: MessageChannel,
    /// Personal data: never logged.
    pub recipient: String,
    pub subject: Option<String>,
    pub text: String,
}

#[cfg(test)]
mod tests;
