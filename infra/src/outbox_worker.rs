//! Drains the outbox: delivers each committed message through the notifier and marks it sent.
//! Delivery is idempotent per message id, so a crash between sending and marking never sends
//! twice. A temporary failure is retried with exponential back-off and jitter (2 s, 4 s, …, at
//! most an hour apart) up to [`MAX_ATTEMPTS`]; a permanent failure, or the last attempt, leaves
//! the message in the outbox with its error for an operator.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_domain::ports::{Clock, Notifier, NotifyError, Outbox, PendingMessage};
use rand::Rng;
use tokio::sync::watch;

const BATCH: usize = 50;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: u32 = 10;

/// When to try again after the `attempts`-th failure: 2^attempts seconds (at most an hour),
/// spread by ±20% so that failed messages do not all return at once.
pub fn retry_at(now: DateTime<Utc>, attempts: u32) -> DateTime<Utc> {
    let base = 2f64.powi(attempts.min(12) as i32).min(3600.0);
    let spread = rand::thread_rng().gen_range(0.8..1.2);
    now + chrono::Duration::milliseconds((base * spread * 1000.0) as i64)
}

/// One pass over the pending messages; returns how many were delivered.
pub async fn drain_once(outbox: &dyn Outbox, notifier: &dyn Notifier, clock: &dyn Clock) -> usize {
    let pending = match outbox.pending(clock.now(), BATCH).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "outbox: cannot read pending messages");
            return 0;
        }
    };
    let mut delivered = 0;
    for p in pending {
        if deliver_one(outbox, notifier, clock, p).await == Delivery::Sent {
            delivered += 1;
        }
    }
    delivered
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Sent and recorded as sent (with the provider's message id).
    Sent,
    /// Failed for now; recorded with the time of the next attempt.
    WillRetry,
    /// Failed for good (permanent failure or attempts exhausted); recorded with the error.
    GivenUp,
    /// The outcome could not be recorded; the message stays as it was.
    Unrecorded,
}

/// Sends one pending message and records the outcome in the outbox.
pub async fn deliver_one(
    outbox: &dyn Outbox,
    notifier: &dyn Notifier,
    clock: &dyn Clock,
    p: PendingMessage,
) -> Delivery {
    let m = p.message;
    match notifier.deliver(&m).await {
        Ok(provider_id) => {
            if let Err(e) = outbox.mark_sent(&m.id, &provider_id, clock.now()).await {
                tracing::warn!(message_id = %m.id, error = %e, "outbox: delivered but not marked");
                return Delivery::Unrecorded;
            }
            tracing::info!(message_id = %m.id, channel = m.channel.as_str(), "notification delivered");
            Delivery::Sent
        }
        Err(failure) => {
            let attempts = p.attempts + 1;
            let (error, retry) = match failure {
                NotifyError::Temporary(e) if attempts < MAX_ATTEMPTS => (e, Some(retry_at(clock.now(), attempts))),
                NotifyError::Temporary(e) | NotifyError::Permanent(e) => (e, None),
            };
            if retry.is_some() {
                tracing::warn!(message_id = %m.id, attempts, error = %error, "notification not delivered; will retry");
            } else {
                tracing::error!(message_id = %m.id, attempts, error = %error, "notification given up");
            }
            if let Err(e) = outbox.mark_failed(&m.id, &error, retry).await {
                tracing::warn!(message_id = %m.id, error = %e, "outbox: cannot record the failure");
                return Delivery::Unrecorded;
            }
            if retry.is_some() {
                Delivery::WillRetry
            } else {
                Delivery::GivenUp
            }
        }
    }
}

/// Runs until `shutdown` turns true, polling every `interval` when idle.
pub async fn run(
    outbox: Arc<dyn Outbox>,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let delivered = drain_once(outbox.as_ref(), notifier.as_ref(), clock.as_ref()).await;
        if *shutdown.borrow() {
            return;
        }
        if delivered == 0 {
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
