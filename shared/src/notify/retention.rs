//! How long a message keeps what it said and to whom (`docs/operations.md`, *Retention*): a
//! message in a final state keeps its recipient and text for [`DEFAULT_DAYS`] after it was
//! raised (long enough to answer "did you text me?" and for late delivery reports), then only
//! what the record needs: its id (dossier, event, channel), kind, channel, status, times,
//! attempts and provider id. The dossier's own history keeps what happened, for as long as
//! the archive rules keep the dossier.

use chrono::{DateTime, Duration, Utc};

use super::OutgoingMessage;

/// The retention period when none is configured.
pub const DEFAULT_DAYS: u32 = 90;
/// The longest period that may be configured (ten years).
pub const MAX_DAYS: u32 = 3653;

/// Why a configured period is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the retention period is a number of days from 1 to {MAX_DAYS}, not `{0}`")]
pub struct InvalidPeriod(pub String);

/// A retention period in days, as configured (`90`).
pub fn parse_days(text: &str) -> Result<u32, InvalidPeriod> {
    match text.trim().parse::<u32>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
        _ => Err(InvalidPeriod(text.to_owned())),
    }
}

/// Messages raised before this moment, once final, are redacted.
pub fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(days))
}

/// `m` without its personal data: no recipient, subject, text or fallback (which repeats
/// them on the other contact); what it was about stays.
pub fn redacted(m: &OutgoingMessage) -> OutgoingMessage {
    OutgoingMessage { recipient: String::new(), subject: None, text: String::new(), fallback: None, ..m.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{test_message, MessageChannel};

    #[test]
    fn a_redacted_message_keeps_the_record_and_loses_the_person() {
        let m = test_message(MessageChannel::Sms, "0912345678", Utc::now()).unwrap();
        let r = redacted(&m);
        assert_eq!((r.id.as_str(), r.kind, r.channel, r.created_at), (m.id.as_str(), m.kind, m.channel, m.created_at));
        assert!(r.recipient.is_empty() && r.text.is_empty() && r.subject.is_none() && r.fallback.is_none());
        assert!(!serde_json::to_string(&r).unwrap().contains("84912345678"));
        assert_eq!(parse_days("90"), Ok(90));
        for bad in ["0", "-1", "ninety", "4000"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }
}
