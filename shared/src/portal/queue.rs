//! A sync item's life: `pending` (waiting for its turn or its next attempt), `acknowledged` by
//! the portal (final), or `parked` (given up on after [`MAX_ATTEMPTS`], or unsendable as it is:
//! re-queued by reconciliation once the cause is fixed). Items of one dossier are sent in order;
//! a pending or parked item holds back every later one.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::codes::DossierCode;

/// Attempts at one item before it is parked (about two and a half hours of backoff).
pub const MAX_ATTEMPTS: u32 = 10;

/// The first retry's delay; each next one doubles, up to [`MAX_DELAY`].
const FIRST_DELAY: Duration = Duration::seconds(10);
const MAX_DELAY: Duration = Duration::hours(1);

/// How long a sender may hold an item before another may take it (the portal's calls time out
/// well within it).
pub const CLAIM_TIMEOUT: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Pending,
    Acknowledged,
    Parked,
}

impl SyncState {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Pending => "pending",
            SyncState::Acknowledged => "acknowledged",
            SyncState::Parked => "parked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [SyncState::Pending, SyncState::Acknowledged, SyncState::Parked].into_iter().find(|s| s.as_str() == text)
    }
}

/// One transition of one dossier, to be told to the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncItem {
    pub dossier: DossierCode,
    /// The history event's number.
    pub seq: u32,
    pub state: SyncState,
    /// Attempts so far (claims).
    pub attempts: u32,
    /// When a pending item may next be sent.
    pub next_attempt_at: DateTime<Utc>,
    /// The claim of the sender holding it now, and until when.
    pub claim: Option<(String, DateTime<Utc>)>,
    /// Why the last attempt failed, or why it is parked.
    pub last_error: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// How many documents the dossier held after the event (later supplements add more): the
    /// record sends those only. Unknown for an item queued again by reconciliation.
    pub documents: Option<u32>,
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The portal took it (or said it had it already).
    Acknowledged,
    /// A failure that may pass (the portal down, a timeout, an error answer).
    Failed(String),
    /// It cannot be sent as it is (no national code): parked at once.
    Unsendable(String),
}

/// What to record after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    Acknowledged { at: DateTime<Utc> },
    Retry { at: DateTime<Utc>, error: String },
    Parked { reason: String },
}

/// What follows attempt number `attempts` (1 for the first) ending as `attempt`; `jitter` in
/// 0.8..1.2 spreads retries of many items.
pub fn after_attempt(attempts: u32, attempt: Attempt, now: DateTime<Utc>, jitter: f64) -> Settled {
    match attempt {
        Attempt::Acknowledged => Settled::Acknowledged { at: now },
        Attempt::Unsendable(reason) => Settled::Parked { reason },
        Attempt::Failed(error) if attempts >= MAX_ATTEMPTS => Settled::Parked {
            reason: format!("{attempts} lần gửi không thành công / {attempts} attempts failed: {error}"),
        },
        Attempt::Failed(error) => Settled::Retry { at: now + delay(attempts, jitter), error },
    }
}

fn delay(attempts: u32, jitter: f64) -> Duration {
    let doubled = FIRST_DELAY * 2i32.saturating_pow(attempts.saturating_sub(1).min(20));
    let capped = doubled.min(MAX_DELAY);
    Duration::milliseconds((capped.num_milliseconds() as f64 * jitter.clamp(0.5, 1.5)) as i64)
}

/// Where a dossier's sync stands, for the officer view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SyncStanding {
    /// The last event the portal acknowledged (its number in the history).
    pub acknowledged: Option<u32>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Events not yet acknowledged.
    pub pending: u32,
    /// The event holding the others back, parked, and why.
    pub parked: Option<ParkedItem>,
    /// When the next attempt is due, if one is.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParkedItem {
    pub seq: u32,
    pub reason: String,
}

impl SyncStanding {
    /// From one dossier's items, in any order.
    pub fn of(items: &[SyncItem]) -> Self {
        let mut items: Vec<&SyncItem> = items.iter().collect();
        items.sort_by_key(|i| i.seq);
        let last_ack = items.iter().rev().find(|i| i.state == SyncState::Acknowledged);
        let open: Vec<&&SyncItem> = items.iter().filter(|i| i.state != SyncState::Acknowledged).collect();
        let head = open.first();
        Self {
            acknowledged: last_ack.map(|i| i.seq),
            acknowledged_at: last_ack.and_then(|i| i.acknowledged_at),
            pending: open.len() as u32,
            parked: head
                .filter(|i| i.state == SyncState::Parked)
                .map(|i| ParkedItem { seq: i.seq, reason: i.last_error.clone().unwrap_or_default() }),
            next_attempt_at: head.filter(|i| i.state == SyncState::Pending).map(|i| i.next_attempt_at),
            last_error: head.and_then(|i| i.last_error.clone()),
        }
    }
}

/// The queue as a whole, for operators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SyncCounts {
    pub pending: u64,
    pub parked: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_770_000_000 + s, 0).unwrap()
    }

    #[test]
    fn failures_back_off_doubling_up_to_an_hour_then_park() {
        let now = at(0);
        let retry_at = |n| match after_attempt(n, Attempt::Failed("down".into()), now, 1.0) {
            Settled::Retry { at, .. } => (at - now).num_seconds(),
            other => panic!("{other:?}"),
        };
        assert_eq!([retry_at(1), retry_at(2), retry_at(3)], [10, 20, 40]);
        assert_eq!(retry_at(9), 2560);
        assert!(matches!(
            after_attempt(MAX_ATTEMPTS, Attempt::Failed("down".into()), now, 1.0),
            Settled::Parked { reason } if reason.contains("down") && reason.contains("10 attempts")
        ));
        let jittered = after_attempt(20, Attempt::Failed("x".into()), now, 1.2);
        assert!(matches!(jittered, Settled::Parked { .. }));
        match after_attempt(8, Attempt::Failed("x".into()), now, 1.2) {
            Settled::Retry { at, .. } => assert_eq!((at - now).num_seconds(), 1536),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unsendable_item_parks_at_once_and_an_acknowledged_one_is_final() {
        assert_eq!(
            after_attempt(1, Attempt::Unsendable("no code".into()), at(0), 1.0),
            Settled::Parked { reason: "no code".into() }
        );
        assert_eq!(after_attempt(3, Attempt::Acknowledged, at(5), 1.0), Settled::Acknowledged { at: at(5) });
    }

    fn item(seq: u32, state: SyncState) -> SyncItem {
        SyncItem {
            dossier: DossierCode::parse("000.00.03.H56-260302-0001").unwrap(),
            seq,
            state,
            attempts: 1,
            next_attempt_at: at(i64::from(seq)),
            claim: None,
            last_error: (state != SyncState::Acknowledged).then(|| format!("error {seq}")),
            acknowledged_at: (state == SyncState::Acknowledged).then(|| at(100 + i64::from(seq))),
            documents: None,
        }
    }

    #[test]
    fn the_standing_names_the_last_acknowledgement_and_what_holds_the_rest_back() {
        use SyncState::*;
        let s = SyncStanding::of(&[item(2, Pending), item(0, Acknowledged), item(1, Parked), item(3, Pending)]);
        assert_eq!(s.acknowledged, Some(0));
        assert_eq!(s.acknowledged_at, Some(at(100)));
        assert_eq!(s.pending, 3);
        assert_eq!(s.parked, Some(ParkedItem { seq: 1, reason: "error 1".into() }));
        assert_eq!(s.next_attempt_at, None);
        let s = SyncStanding::of(&[item(0, Acknowledged), item(1, Acknowledged), item(2, Pending)]);
        assert_eq!((s.acknowledged, s.pending, s.parked.clone(), s.next_attempt_at), (Some(1), 1, None, Some(at(2))));
        assert_eq!(SyncStanding::of(&[]), SyncStanding::default());
    }
}
