//! Drains the outbox: delivers each committed message through the notifier and marks it sent.
//! Delivery is idempotent per message id, so a crash between sending and marking never sends
//! twice; a failed message is retried on later passes, up to a bounded number of attempts.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::ports::{Clock, Notifier, NotifyError, Outbox};
use tokio::sync::watch;

const BATCH: usize = 50;

/// One pass over the pending messages; returns how many were delivered.
pub async fn drain_once(outbox: &dyn Outbox, notifier: &dyn Notifier, clock: &dyn Clock) -> usize {
    let pending = match outbox.pending(BATCH).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "outbox: cannot read pending messages");
            return 0;
        }
    };
    let mut delivered = 0;
    for m in pending {
        match notifier.deliver(&m).await {
            Ok(provider_id) => {
                if let Err(e) = outbox.mark_sent(&m.id, &provider_id, clock.now()).await {
                    tracing::warn!(message_id = %m.id, error = %e, "outbox: delivered but not yet marked; will be skipped as a duplicate");
                } else {
                    delivered += 1;
                    tracing::info!(message_id = %m.id, channel = m.channel.as_str(), "notification delivered");
                }
            }
            Err(NotifyError::Temporary(e) | NotifyError::Permanent(e)) => {
                tracing::warn!(message_id = %m.id, error = %e, "notification not delivered");
                let _ = outbox.mark_failed(&m.id, &e).await;
            }
        }
    }
    delivered
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
