//! Delivers the outbox, one message at a time, through the state machine of
//! [`motcua_domain::notify::delivery`]: claim (`created` → `sending`, one conditional write),
//! check the SMS caps, hand the message to the notifier, record the settlement. Only the sender
//! whose claim succeeded ever calls the provider, so redelivered stream records, restarted
//! workers and racing sweepers never send a message twice. The same [`Courier`] runs in the
//! one-machine worker loop, in `notify` on the stream, and in the scheduled sweeper.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::limits::vietnam_day_start;
use motcua_domain::notify::delivery::{self, DeliveryReport, HandOff, Settlement, SmsCaps};
use motcua_domain::notify::{arrivals, MessageChannel, NoticeKind, OutgoingMessage};
use motcua_domain::ports::{
    Clock, Enclosures, LimitUse, Limits, Notifier, NotifyError, Outbox, StoreResult, StoredMessage,
};
use rand::Rng;
use sha2::{Digest, Sha256};
use tokio::sync::watch;

const BATCH: usize = 50;

/// How early a claim may take a message before its next attempt is due (clock skew between
/// the writer and the sender).
const CLAIM_SLACK: chrono::Duration = chrono::Duration::seconds(30);

/// What became of one message the courier was asked to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Handed over (delivered, or awaiting its receipt).
    HandedOver,
    /// Failed for now; back in `created` with its next attempt time.
    WillRetry,
    /// Failed for good (a fallback message, if any, was created with it).
    Failed,
    /// Not ours to send: another sender has it, it is final, or not yet due.
    NotClaimed,
    /// The store failed before anything was sent; nothing changed.
    StoreFailed,
    /// Sent or refused, but the outcome could not be recorded; the sweeper will close it.
    Unrecorded,
}

/// Sends messages and settles them: the outbox, the provider, the caps and a clock.
#[derive(Clone)]
pub struct Courier {
    pub outbox: Arc<dyn Outbox>,
    pub notifier: Arc<dyn Notifier>,
    /// The printed forms an email carries (a refusal, a supplement request, an apology).
    pub enclosures: Arc<dyn Enclosures>,
    pub limits: Arc<dyn Limits>,
    pub clock: Arc<dyn Clock>,
    pub caps: SmsCaps,
}

fn hashed(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn jitter() -> f64 {
    rand::thread_rng().gen_range(0.8..1.2)
}

impl Courier {
    /// Sends the message `id` if it can be claimed now.
    pub async fn send(&self, id: &str) -> Sent {
        let now = self.clock.now();
        let claimed = match self.outbox.claim(id, now + CLAIM_SLACK, delivery::claim_deadline(now)).await {
            Ok(Some(m)) => m,
            Ok(None) => return Sent::NotClaimed,
            Err(e) => {
                tracing::warn!(message_id = id, error = %e, "outbox: cannot claim the message");
                return Sent::StoreFailed;
            }
        };
        let m = &claimed.message;
        if m.kind == NoticeKind::Arrival {
            let settlement = self.gather(m, claimed.attempts).await;
            return self.record(id, &settlement).await;
        }
        let settlement = match self.within_caps(&claimed).await {
            Ok(true) => self.hand_over(m, claimed.attempts).await,
            Ok(false) => {
                tracing::warn!(message_id = id, channel = m.channel.as_str(), "cap reached; not sent");
                let channel = if m.channel == MessageChannel::Zalo { "Zalo" } else { "SMS" };
                delivery::refused(m, &format!("{channel} cap reached for this dossier or phone number today"))
            }
            Err(e) => {
                // Counted nothing we can trust: try again later, as after a temporary failure.
                delivery::after_hand_off(m, claimed.attempts, HandOff::Temporary(e.to_string()), now, jitter())
            }
        };
        self.record(id, &settlement).await
    }

    /// An arrival is not sent alone: it gathers every arrival of its officer's quarter hour into
    /// their digest (posted once, whichever arrival gathers first; the digest is then sent as
    /// any message is) and counts as delivered in it.
    async fn gather(&self, m: &OutgoingMessage, attempts: u32) -> Settlement {
        let now = self.clock.now();
        let posted = async {
            let gathered: Vec<OutgoingMessage> = self
                .outbox
                .under(&m.dossier_code)
                .await?
                .into_iter()
                .map(|s| s.message)
                .filter(|a| a.kind == NoticeKind::Arrival)
                .collect();
            let digest = arrivals::digest(&gathered, now)
                .ok_or_else(|| motcua_domain::ports::StoreError::Corrupt("an arrival not under its own key".into()))?;
            self.outbox.post(std::slice::from_ref(&digest)).await?;
            Ok::<String, motcua_domain::ports::StoreError>(digest.id)
        };
        match posted.await {
            Ok(digest_id) => delivery::gathered(digest_id),
            Err(e) => delivery::after_hand_off(m, attempts, HandOff::Temporary(e.to_string()), now, jitter()),
        }
    }

    /// Whether the caps allow this message; only a first attempt is counted.
    async fn within_caps(&self, m: &StoredMessage) -> StoreResult<bool> {
        if !delivery::capped(m.message.channel) || m.attempts > 1 {
            return Ok(true);
        }
        // Both caps count in the same Vietnam day, read from the clock once.
        let window_start = vietnam_day_start(self.clock.now());
        let day = |key: String, max| LimitUse { key, window_start, window: chrono::Duration::days(1), max };
        // SMS keep their keys of before Zalo existed; Zalo counts under its own.
        let channel = m.message.channel.as_str();
        let phone = day(format!("{channel}-phone:{}", hashed(&m.message.recipient)), self.caps.per_phone_per_day);
        let dossier = day(format!("{channel}-dossier:{}", m.message.dossier_code), self.caps.per_dossier_per_day);
        Ok(self.limits.take(&dossier).await? && self.limits.take(&phone).await?)
    }

    async fn hand_over(&self, m: &OutgoingMessage, attempts: u32) -> Settlement {
        let sent = match self.enclosures.of(m).await {
            Ok(enclosures) => self.notifier.deliver(m, &enclosures).await,
            Err(e) => Err(e),
        };
        let outcome = match sent {
            Ok(provider_id) => {
                HandOff::Accepted { provider_id, confirmed: !self.notifier.awaits_delivery_reports(m.channel) }
            }
            Err(NotifyError::Temporary(e)) => HandOff::Temporary(e),
            Err(NotifyError::Permanent(e)) => HandOff::Permanent(e),
            Err(NotifyError::Unknown(e)) => HandOff::Unknown(e),
        };
        delivery::after_hand_off(m, attempts, outcome, self.clock.now(), jitter())
    }

    async fn record(&self, id: &str, s: &Settlement) -> Sent {
        match self.outbox.settle(id, s).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(message_id = id, "outbox: the message left `sending` before it was settled");
                return Sent::Unrecorded;
            }
            Err(e) => {
                tracing::warn!(message_id = id, error = %e, "outbox: cannot record the outcome");
                return Sent::Unrecorded;
            }
        }
        let state = s.state.as_str();
        match s.state {
            motcua_domain::notify::DeliveryState::Created => {
                tracing::warn!(
                    message_id = id,
                    error = s.error.as_deref().unwrap_or(""),
                    "notification will be retried"
                );
                Sent::WillRetry
            }
            st if st.is_final() && st != motcua_domain::notify::DeliveryState::Delivered => {
                tracing::error!(
                    message_id = id,
                    state,
                    error = s.error.as_deref().unwrap_or(""),
                    "notification failed"
                );
                if let Some(next) = &s.follow_up {
                    tracing::info!(message_id = id, fallback = %next.id, "falling back to the other channel");
                }
                Sent::Failed
            }
            _ => {
                tracing::info!(message_id = id, state, "notification handed over");
                Sent::HandedOver
            }
        }
    }

    /// One pass over the due messages (fallbacks and retries included); returns how many were
    /// handed over.
    pub async fn drain_once(&self) -> usize {
        self.drain(None).await
    }

    /// [`Courier::drain_once`], stopping between two messages once `stop` turns true (the
    /// Lambda's time running out: the rest wait for the next run).
    pub async fn drain_until(&self, stop: &watch::Receiver<bool>) -> usize {
        self.drain(Some(stop)).await
    }

    /// [`Courier::drain_once`], stopping between two messages once `stop` turns true (the rest
    /// wait in `created` for the next start).
    async fn drain(&self, stop: Option<&watch::Receiver<bool>>) -> usize {
        let pending = match self.outbox.pending(self.clock.now(), BATCH).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot read pending messages");
                return 0;
            }
        };
        let mut handed = 0;
        for p in pending {
            if stop.is_some_and(|s| *s.borrow()) {
                break;
            }
            if self.send(&p.message.id).await == Sent::HandedOver {
                handed += 1;
            }
        }
        handed
    }

    /// Moves every message left in `sending` past its deadline to a final state (or back to
    /// `created` for an idempotent provider); returns how many it moved.
    pub async fn sweep_once(&self) -> usize {
        self.sweep_before(self.clock.now()).await
    }

    /// At the start of the only sender of a store (one machine): every claim still open was
    /// made by a process that is gone, whatever its deadline.
    pub async fn recover_after_restart(&self) -> usize {
        self.sweep_before(self.clock.now() + delivery::CLAIM_TIMEOUT + chrono::Duration::seconds(1)).await
    }

    async fn sweep_before(&self, before: chrono::DateTime<chrono::Utc>) -> usize {
        let overdue = match self.outbox.overdue(before, BATCH).await {
            Ok(o) => o,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot read overdue messages");
                return 0;
            }
        };
        let mut closed = 0;
        for m in overdue {
            let s = delivery::swept(m.provider_id.is_some(), self.notifier.idempotent(), self.clock.now());
            match self.outbox.settle(&m.message.id, &s).await {
                Ok(true) => {
                    tracing::error!(message_id = %m.message.id, state = s.state.as_str(), "notification swept");
                    closed += 1;
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(message_id = %m.message.id, error = %e, "outbox: cannot sweep"),
            }
        }
        closed
    }

    /// Applies a delivery receipt to the message `id`; `Ok(false)` when it changes nothing
    /// (unknown message, final already, duplicate or out of order).
    pub async fn delivery_report(&self, id: &str, receipt: DeliveryReport) -> StoreResult<bool> {
        settle_delivery_report(self.outbox.as_ref(), id, receipt).await
    }

    /// Runs until `shutdown` turns true: delivers due messages and sweeps, polling every
    /// `interval` when idle. It stops between two messages: the one being handed over is
    /// settled first.
    pub async fn run(self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            let handed = self.drain(Some(&shutdown)).await;
            self.sweep_once().await;
            if *shutdown.borrow() {
                return;
            }
            if handed == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }
}

/// What a provider's report did to the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The message left `sending` for the state the report gives.
    Settled,
    /// The message was not in `sending` (final already, a duplicate or late report): unchanged.
    Unchanged,
    /// No message awaits a report for that provider id (not ours, or not awaiting receipts).
    Unknown,
}

/// Applies a provider's report to the message it handed over as `provider_id`.
pub async fn apply_report(outbox: &dyn Outbox, provider_id: &str, receipt: DeliveryReport) -> StoreResult<Applied> {
    let Some(id) = outbox.message_of_provider(provider_id).await? else { return Ok(Applied::Unknown) };
    Ok(if settle_delivery_report(outbox, &id, receipt).await? { Applied::Settled } else { Applied::Unchanged })
}

async fn settle_delivery_report(outbox: &dyn Outbox, id: &str, receipt: DeliveryReport) -> StoreResult<bool> {
    let Some(m) = outbox.message(id).await? else { return Ok(false) };
    let Some(s) = delivery::after_delivery_report(&m.message, m.state, receipt) else { return Ok(false) };
    outbox.settle(id, &s).await
}
