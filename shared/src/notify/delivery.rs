//! The life of one notification, as a state machine:
//!
//! ```text
//! created ──claim──▶ sending ──accepted, confirmed──────────────▶ delivered
//!    ▲                  │ ──accepted, awaiting a receipt: stays sending
//!    │                  │ ──receipt────────────────────────────▶ delivered | temporary-failure | permanent-failure
//!    └──temporary, ─────┤ ──permanent refusal──────────────────▶ permanent-failure (+ fallback, once)
//!       (surely not     │ ──answer lost (may have gone out)────▶ technical-failure
//!       taken), retries │ ──temporary, no retries left─────────▶ technical-failure
//!                       └──swept past its deadline─────────────▶ technical-failure | temporary-failure
//!                          (back to created only for a provider that recognises a resent id)
//! ```
//!
//! A message is handed to a provider only by the one who moved it from `created` to `sending`,
//! so a redelivered stream record or a restarted worker never sends twice. A message left in
//! `sending` (its sender crashed, or no receipt came) is moved to a final state by the sweeper
//! when its deadline passes: it is never resent, because nobody can know whether it went out.
//! Final states never change again, whatever receipts arrive later or twice.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{MessageChannel, OutgoingMessage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Committed with its transition; waits for its (next) attempt.
    Created,
    /// Claimed by one sender; handed to the provider when it has a provider id.
    Sending,
    Delivered,
    /// The provider could not deliver for now (phone off, mailbox full) and gave up.
    TemporaryFailure,
    /// The recipient cannot be reached this way (invalid number, opted out, hard bounce, cap).
    PermanentFailure,
    /// Our side failed: retries ran out, or the sender vanished mid-send.
    TechnicalFailure,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 6] = [
        DeliveryState::Created,
        DeliveryState::Sending,
        DeliveryState::Delivered,
        DeliveryState::TemporaryFailure,
        DeliveryState::PermanentFailure,
        DeliveryState::TechnicalFailure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Created => "created",
            DeliveryState::Sending => "sending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::TemporaryFailure => "temporary_failure",
            DeliveryState::PermanentFailure => "permanent_failure",
            DeliveryState::TechnicalFailure => "technical_failure",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn is_final(self) -> bool {
        !matches!(self, DeliveryState::Created | DeliveryState::Sending)
    }
}

/// Attempts at handing a message to its provider before it is given up.
pub const MAX_ATTEMPTS: u32 = 10;
/// Longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::hours(1);
/// How long a claimed message may stay unhanded before the sweeper calls its sender lost.
pub const CLAIM_TIMEOUT: Duration = Duration::minutes(15);
/// How long a handed message waits for its delivery receipt (as carriers and GOV.UK Notify do).
pub const RECEIPT_TIMEOUT: Duration = Duration::hours(72);

/// The wait after the `attempts`-th failed attempt: 2^attempts seconds up to [`MAX_BACKOFF`],
/// scaled by `jitter` (the caller draws it from 0.8..1.2, so failed messages spread out).
pub fn backoff(attempts: u32, jitter: f64) -> Duration {
    let base = 2f64.powi(attempts.min(12) as i32).min(MAX_BACKOFF.num_seconds() as f64);
    Duration::milliseconds((base * jitter.clamp(0.5, 1.5) * 1000.0) as i64)
}

/// What the provider answered when handed the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandOff {
    /// Accepted, with its id. `confirmed`: acceptance is all the news that will come (no
    /// delivery receipts are configured), so the message counts as delivered.
    Accepted {
        provider_id: String,
        confirmed: bool,
    },
    Temporary(String),
    Permanent(String),
    /// The provider's answer was lost: it may have taken the message. Never resent.
    Unknown(String),
}

/// A delivery report that arrives after the hand-off (SES events, SMS delivery status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryReport {
    Delivered,
    /// The provider tried and gave up for now (unreachable phone, soft bounce).
    TemporaryFailure(String),
    /// The recipient cannot receive it (hard bounce, invalid or opted-out number).
    PermanentFailure(String),
}

/// The change to record on a message in `sending`, all in one write.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub state: DeliveryState,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    /// When `state` is `created` again: when to try next.
    pub retry_at: Option<DateTime<Utc>>,
    /// Until when the message may stay in `sending` (awaiting its receipt).
    pub deadline: Option<DateTime<Utc>>,
    /// A message to create with it: the fallback on the other channel.
    pub follow_up: Option<OutgoingMessage>,
}

impl Settlement {
    fn to(state: DeliveryState) -> Self {
        Self { state, provider_id: None, error: None, retry_at: None, deadline: None, follow_up: None }
    }

    fn failed(state: DeliveryState, error: String) -> Self {
        Self { error: Some(error), ..Self::to(state) }
    }
}

/// The message for the other channel when `m` cannot reach its recipient, if the applicant gave
/// one: same notice, id `<dossier>:<seq>:<channel>`, no fallback of its own (used once).
pub fn fallback_of(m: &OutgoingMessage) -> Option<OutgoingMessage> {
    let other = m.fallback.as_ref()?;
    let stem = m.id.rsplit_once(':').map(|(stem, _)| stem).unwrap_or(&m.id);
    Some(OutgoingMessage {
        id: format!("{stem}:{}", other.channel.as_str()),
        channel: other.channel,
        recipient: other.recipient.clone(),
        subject: other.subject.clone(),
        text: other.text.clone(),
        fallback: None,
        ..m.clone()
    })
}

fn permanently_failed(m: &OutgoingMessage, error: String) -> Settlement {
    Settlement { follow_up: fallback_of(m), ..Settlement::failed(DeliveryState::PermanentFailure, error) }
}

/// The settlement of a hand-off made on the `attempts`-th claim (1 for the first).
pub fn after_hand_off(
    m: &OutgoingMessage,
    attempts: u32,
    outcome: HandOff,
    now: DateTime<Utc>,
    jitter: f64,
) -> Settlement {
    match outcome {
        HandOff::Accepted { provider_id, confirmed: true } => {
            Settlement { provider_id: Some(provider_id), ..Settlement::to(DeliveryState::Delivered) }
        }
        HandOff::Accepted { provider_id, confirmed: false } => Settlement {
            provider_id: Some(provider_id),
            deadline: Some(now + RECEIPT_TIMEOUT),
            ..Settlement::to(DeliveryState::Sending)
        },
        HandOff::Temporary(error) if attempts < MAX_ATTEMPTS => Settlement {
            retry_at: Some(now + backoff(attempts, jitter)),
            ..Settlement::failed(DeliveryState::Created, error)
        },
        HandOff::Temporary(error) => {
            Settlement::failed(DeliveryState::TechnicalFailure, format!("no attempt succeeded in {attempts}: {error}"))
        }
        HandOff::Permanent(error) => permanently_failed(m, error),
        HandOff::Unknown(error) => Settlement::failed(
            DeliveryState::TechnicalFailure,
            format!("the provider's answer was lost; not resent, it may have gone out: {error}"),
        ),
    }
}

/// An officer's arrival gathered into their digest `digest_id` (sent in its place): delivered.
pub fn gathered(digest_id: String) -> Settlement {
    Settlement { provider_id: Some(digest_id), ..Settlement::to(DeliveryState::Delivered) }
}

/// A message that may not be sent at all (a cap was reached): failed for good on this channel,
/// and the other channel is used instead when there is one.
pub fn refused(m: &OutgoingMessage, reason: &str) -> Settlement {
    permanently_failed(m, reason.to_owned())
}

/// The settlement a receipt brings to a message in `state`; `None` when it must not move
/// (final already, or not yet handed over: a receipt can only settle a message in `sending`).
pub fn after_delivery_report(m: &OutgoingMessage, state: DeliveryState, receipt: DeliveryReport) -> Option<Settlement> {
    if state != DeliveryState::Sending {
        return None;
    }
    Some(match receipt {
        DeliveryReport::Delivered => Settlement::to(DeliveryState::Delivered),
        DeliveryReport::TemporaryFailure(error) => Settlement::failed(DeliveryState::TemporaryFailure, error),
        DeliveryReport::PermanentFailure(error) => permanently_failed(m, error),
    })
}

/// What becomes of a message found in `sending` past its deadline. Handed over (it has a
/// provider id) but no receipt came: a temporary failure. Claimed by a sender that never
/// reported back: it may or may not have gone out, so it is a technical failure and is not
/// resent, unless the provider is `idempotent` (it recognises a message id it has already
/// taken, as the local sink does): then it goes back to `created` and is tried again at once.
pub fn swept(handed: bool, idempotent: bool, now: DateTime<Utc>) -> Settlement {
    match (handed, idempotent) {
        (true, _) => {
            Settlement::failed(DeliveryState::TemporaryFailure, "no delivery receipt before the deadline".into())
        }
        (false, true) => Settlement {
            retry_at: Some(now),
            ..Settlement::failed(DeliveryState::Created, "the sender stopped before reporting; retried".into())
        },
        (false, false) => Settlement::failed(
            DeliveryState::TechnicalFailure,
            "the sender stopped before reporting; not resent, it may have gone out".into(),
        ),
    }
}

/// How long a message may stay claimed before its hand-off counts as lost.
pub fn claim_deadline(now: DateTime<Utc>) -> DateTime<Utc> {
    now + CLAIM_TIMEOUT
}

/// Caps on the messages that cost (OWASP API4: SMS spend is a target): per dossier and per
/// phone number, per Vietnam calendar day, each channel (SMS, Zalo) counted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsCaps {
    pub per_dossier_per_day: u32,
    pub per_phone_per_day: u32,
}

impl Default for SmsCaps {
    fn default() -> Self {
        // A dossier raises at most ~4 notices on a busy day; a person rarely files more than
        // a few dossiers a day. Anything above is a loop or abuse.
        Self { per_dossier_per_day: 6, per_phone_per_day: 15 }
    }
}

/// Whether a message of `channel` counts against the caps (each channel against its own
/// count: SMS and Zalo cost per message; email does not).
pub fn capped(channel: MessageChannel) -> bool {
    channel.to_phone()
}

#[cfg(test)]
mod tests;
