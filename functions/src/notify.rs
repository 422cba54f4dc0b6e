//! `notify`: the consumer of the table's stream, and the outbox's sweeper on a schedule.
//!
//! The stream carries keys only (no personal data travels on it): each record names an item,
//! read from the table when needed. Each new history item (an `INSERT` whose sort key starts
//! `E#`) holds its transition's report tallies, added to the counters once
//! ([`motcua_infra::DynamoStore::count_event`]; docs/reports.md).
//!
//! Each new portal sync item (an `INSERT` whose sort key starts `S#`) sends its dossier's queue
//! to the national portal in order ([`PortalCourier::drain`], when the portal is configured);
//! the schedule sends what is due again and publishes the queue's pending and parked counts as
//! metrics (the parked alarm watches them).
//!
//! Each new outbox item (an `INSERT` whose sort key starts `M#`: a notice, or a fallback
//! created by a failure) is claimed and sent by [`Courier::send`]: only a successful claim
//! (`created` → `sending`) leads to the provider, so a redelivered record or a retried batch
//! never sends twice. Temporary failures go back to `created` with their next attempt time and
//! are picked up by the scheduled sweep, which also closes messages stuck in `sending`. Only
//! records that could not be looked at (a store error before any sending, a record that cannot
//! be read) are reported as partial batch failures, so the stream retries them and finally
//! routes them to the dead-letter queue.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use motcua_domain::codes::DossierCode;
use motcua_domain::notify::retention;
use motcua_domain::ports::{Outbox, SyncQueue};
use motcua_infra::dynamo::keys::SYNC_PREFIX;
use motcua_infra::dynamo::keys::{EVENT_PREFIX, MESSAGE_PREFIX};
use motcua_infra::outbox_worker::{Courier, Sent};
use motcua_infra::portal_worker::{Drained, PortalCourier};
use motcua_infra::DynamoStore;

/// What a record is about.
enum Record<'a> {
    /// A new outbox item: the message id.
    NewMessage(&'a str),
    /// A new history item: its dossier and sort key (its tallies are read from the table).
    NewEvent { code: &'a str, sk: &'a str },
    /// A new portal sync item: its dossier.
    NewSync(DossierCode),
    /// Anything else on the stream (dossiers, events, updates, deletions by TTL).
    Other,
    /// Not a record this function can read.
    Unreadable,
}

fn classify(record: &EventRecord) -> Record<'_> {
    let sk = match record.change.keys.get("sk") {
        Some(serde_dynamo::AttributeValue::S(sk)) => sk,
        _ => return Record::Unreadable,
    };
    if record.event_name != "INSERT" {
        return Record::Other;
    }
    if let Some(id) = sk.strip_prefix(MESSAGE_PREFIX) {
        return if id.is_empty() { Record::Unreadable } else { Record::NewMessage(id) };
    }
    if sk.starts_with(SYNC_PREFIX) {
        return dossier_of(record).and_then(|c| DossierCode::parse(c).ok()).map_or(Record::Unreadable, Record::NewSync);
    }
    match (sk.starts_with(EVENT_PREFIX), dossier_of(record)) {
        (true, Some(code)) => Record::NewEvent { code, sk },
        (true, None) => Record::Unreadable,
        (false, _) => Record::Other,
    }
}

/// The dossier code of an item beside its dossier (partition `D#<code>`).
fn dossier_of(record: &EventRecord) -> Option<&str> {
    match record.change.keys.get("pk") {
        Some(serde_dynamo::AttributeValue::S(pk)) => pk.strip_prefix("D#"),
        _ => None,
    }
}

/// Adds a history item's tallies (read from the table) to the report counters, once; whether
/// it is done.
async fn count(counters: &DynamoStore, code: &str, sk: &str) -> bool {
    match counters.count_event(code, sk).await {
        Ok(added) => {
            tracing::debug!(dossier = code, sk, added, "tallies counted");
            true
        }
        Err(e) => {
            tracing::warn!(dossier = code, sk, error = %e, "tallies not counted, to retry");
            false
        }
    }
}

/// Sends `code`'s sync queue, when the portal is configured; whether the record is done (a
/// store failure retries it; a portal failure is the queue's to retry).
async fn sync(portal: Option<&PortalCourier>, code: &DossierCode) -> bool {
    match portal {
        Some(p) => !matches!(p.drain(code).await, Drained::StoreFailed { .. }),
        None => true,
    }
}

/// Sends, counts and syncs what the batch asks for; returns the records to retry.
pub async fn handle(
    courier: &Courier,
    counters: &DynamoStore,
    portal: Option<&PortalCourier>,
    event: Event,
) -> DynamoDbEventResponse {
    let mut failures = vec![];
    for record in &event.records {
        let done = match classify(record) {
            Record::Other => true,
            Record::Unreadable => {
                tracing::error!(event_id = record.event_id.as_str(), "stream record without a readable key");
                false
            }
            Record::NewMessage(id) => courier.send(id).await != Sent::StoreFailed,
            Record::NewEvent { code, sk } => count(counters, code, sk).await,
            Record::NewSync(code) => sync(portal, &code).await,
        };
        if !done {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            failures.push(failure);
        }
    }
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = failures;
    response
}

/// Publishes `figures` (name, value, unit) as CloudWatch metrics of the namespace `motcua`:
/// one line in the embedded metric format on stdout, which Lambda's log delivery turns into
/// metrics (no API call, no permission).
pub fn publish(figures: &[(&str, f64, &str)]) {
    println!("{}", crate::emf::line(&[], figures, &[]));
}

/// The outbox's lag as metrics: how long the oldest message due for an attempt has waited
/// since it was raised (`OutboxOldestDueSeconds`, 0 when none is due) and how many are due
/// (`OutboxDue`, counted up to 1,000).
pub async fn publish_outbox_lag(outbox: &dyn Outbox) {
    let now = chrono::Utc::now();
    match outbox.pending(now, 1000).await {
        Ok(due) => {
            let oldest = due.iter().map(|m| m.message.created_at).min();
            let lag = oldest.map_or(0.0, |o| (now - o).num_milliseconds().max(0) as f64 / 1000.0);
            publish(&[("OutboxOldestDueSeconds", lag, "Seconds"), ("OutboxDue", due.len() as f64, "Count")]);
        }
        Err(e) => tracing::warn!(error = %e, "cannot read the outbox's due messages"),
    }
}

/// The scheduled pass over the portal's queue: sends what is due (a few passes, so a backlog
/// drains without running into the timeout), then publishes the queue's counts as CloudWatch
/// metrics (embedded metric format: one JSON line on stdout). Returns the items acknowledged.
pub async fn sweep_portal(portal: Option<&PortalCourier>, queue: &DynamoStore) -> usize {
    let mut sent = 0;
    if let Some(p) = portal {
        for _ in 0..10 {
            let n = p.drain_due().await;
            sent += n;
            if n == 0 {
                break;
            }
        }
    }
    match queue.sync_counts().await {
        Ok(c) => {
            publish(&[
                ("PortalSyncPending", c.pending as f64, "Count"),
                ("PortalSyncParked", c.parked as f64, "Count"),
            ]);
            if c.parked > 0 {
                tracing::error!(parked = c.parked, pending = c.pending, "national portal sync: items parked");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot count the national portal sync queue"),
    }
    sent
}

/// The retention period of messages' personal data, from `MOTCUA_MESSAGE_RETENTION_DAYS`
/// ([`retention::DEFAULT_DAYS`] when unset); a message naming the setting when it is invalid.
pub fn retention_days() -> Result<u32, String> {
    match std::env::var("MOTCUA_MESSAGE_RETENTION_DAYS") {
        Ok(text) => retention::parse_days(&text).map_err(|e| format!("MOTCUA_MESSAGE_RETENTION_DAYS: {e}")),
        Err(_) => Ok(retention::DEFAULT_DAYS),
    }
}

/// Redacts the recipient and text of messages final for more than `days`, at most `batches`
/// batches of 500 (each batch a short write, so filings are not held up); how many.
pub async fn redact(outbox: &dyn Outbox, days: u32, batches: usize) -> usize {
    const BATCH: usize = 500;
    let now = chrono::Utc::now();
    let mut redacted = 0;
    for _ in 0..batches {
        match outbox.redact_final(retention::cutoff(now, days), now, BATCH).await {
            Ok(n) => {
                redacted += n;
                if n < BATCH {
                    break;
                }
                tokio::task::yield_now().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "message redaction failed; the next run retries");
                break;
            }
        }
    }
    if redacted > 0 {
        tracing::info!(messages = redacted, days, "recipients and texts redacted past the retention period");
    }
    redacted
}

/// The scheduled pass: sends what is due (retries, fallbacks the stream missed) and closes what
/// is stuck in `sending`. Returns (handed over, swept).
pub async fn sweep(courier: &Courier, stop: &tokio::sync::watch::Receiver<bool>) -> (usize, usize) {
    let mut handed = 0;
    // A few batches per run, so a backlog drains; it stops between two messages when the run's
    // time is nearly up, and the next run goes on.
    for _ in 0..10 {
        if *stop.borrow() {
            tracing::info!(handed, "outbox sweep: out of time, the rest next run");
            break;
        }
        let n = courier.drain_until(stop).await;
        handed += n;
        if n == 0 {
            break;
        }
    }
    let swept = courier.sweep_once().await;
    tracing::info!(handed, swept, "outbox sweep");
    (handed, swept)
}
