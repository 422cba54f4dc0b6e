//! Sends the portal sync queue ([`motcua_domain::portal`]): each dossier's items strictly in
//! event order, one claimed item at a time, so item N+1 never leaves before the portal
//! acknowledged N. A failure sets the item's next attempt (backoff with jitter) and holds the
//! dossier's later items behind it; after [`motcua_domain::portal::MAX_ATTEMPTS`] it is parked,
//! visible in the counts and on the officer view, until reconciliation queues it again. The same
//! [`PortalCourier`] runs in the one-machine worker loop and in `notify` on AWS (the stream's new
//! sync items, and the scheduled sweep for retries).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{Dossier, EventActor, HistoryEvent};
use motcua_domain::portal::{self, queue::CLAIM_TIMEOUT, Attempt, Settled, SyncItem, SyncState, Update};
use motcua_domain::ports::{
    CatalogueReader, Clock, DossierStore, NationalCodes, NationalPortal, PortalRecord, StoreError, SyncQueue,
};
use rand::Rng;
use tokio::sync::watch;

/// Due items read per pass.
const BATCH: usize = 100;

/// Dossiers sent at once in a pass.
const PARALLEL: usize = 8;

/// How early a claim may take an item before its next attempt (clock skew between writers and
/// senders).
const CLAIM_SLACK: chrono::Duration = chrono::Duration::seconds(5);

/// Where one dossier's sending stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// Everything is acknowledged.
    Synced { sent: usize },
    /// The head item waits for its next attempt.
    Waiting { sent: usize },
    /// The head item is parked.
    Parked { sent: usize },
    /// Another sender holds the head item.
    Busy { sent: usize },
    /// The store could not be read or written; nothing more was tried.
    StoreFailed { sent: usize },
}

impl Drained {
    pub fn sent(self) -> usize {
        match self {
            Drained::Synced { sent }
            | Drained::Waiting { sent }
            | Drained::Parked { sent }
            | Drained::Busy { sent }
            | Drained::StoreFailed { sent } => sent,
        }
    }
}

/// What reconciling one dossier found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    /// The status code the dossier has here.
    pub local: String,
    /// What the portal holds (`None`: it has never heard of the dossier).
    pub portal: Option<String>,
    /// Whether the dossier was queued to be sent again.
    pub requeued: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("không có hồ sơ {0} / no dossier {0}")]
    NotFound(DossierCode),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Portal(#[from] motcua_domain::ports::PortalError),
}

/// Sends the queue to the portal.
#[derive(Clone)]
pub struct PortalCourier {
    pub queue: Arc<dyn SyncQueue>,
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn CatalogueReader>,
    pub codes: Arc<dyn NationalCodes>,
    pub portal: Arc<dyn NationalPortal>,
    pub clock: Arc<dyn Clock>,
}

/// A dossier and its history as read for sending, with the names of the agencies they name.
struct Loaded {
    dossier: Dossier,
    history: Vec<HistoryEvent>,
    units: BTreeMap<AgencyCode, String>,
    national: Option<portal::NationalCode>,
}

/// Why an item could not be built.
enum NotBuilt {
    Unsendable(String),
    Store(StoreError),
}

impl PortalCourier {
    /// Sends `code`'s items in order until all are acknowledged or one cannot go now.
    pub async fn drain(&self, code: &DossierCode) -> Drained {
        let token = uuid_like();
        let mut sent = 0;
        let mut loaded: Option<Loaded> = None;
        loop {
            let items = match self.queue.sync_items(code).await {
                Ok(items) => items,
                Err(e) => return self.store_failed(code, e, sent),
            };
            let Some(head) = items.iter().find(|i| i.state != SyncState::Acknowledged) else {
                return Drained::Synced { sent };
            };
            let now = self.clock.now();
            let behind = items.iter().any(|i| i.seq > head.seq && i.state == SyncState::Pending);
            let blocked = match head.state {
                SyncState::Parked => Some(Drained::Parked { sent }),
                _ if head.next_attempt_at > now + CLAIM_SLACK => Some(Drained::Waiting { sent }),
                _ => None,
            };
            if let Some(blocked) = blocked {
                if behind {
                    if let Err(e) = self.queue.hold_behind(head).await {
                        return self.store_failed(code, e, sent);
                    }
                }
                return blocked;
            }
            let claimed = match self.queue.claim_item(code, head.seq, &token, now, now + CLAIM_TIMEOUT).await {
                Ok(Some(c)) => c,
                Ok(None) => return Drained::Busy { sent },
                Err(e) => return self.store_failed(code, e, sent),
            };
            let attempt = match self.update(&claimed, &mut loaded).await {
                Ok(update) => match self.portal.send(&update).await {
                    Ok(_) => Attempt::Acknowledged,
                    Err(e) => Attempt::Failed(e.to_string()),
                },
                Err(NotBuilt::Unsendable(reason)) => Attempt::Unsendable(reason),
                Err(NotBuilt::Store(e)) => Attempt::Failed(e.to_string()),
            };
            let settled = portal::after_attempt(claimed.attempts, attempt, self.clock.now(), jitter());
            let tally = match (&settled, &loaded) {
                (Settled::Acknowledged { at }, Some(l)) => l
                    .history
                    .iter()
                    .find(|e| e.seq == claimed.seq)
                    .map(|e| portal::sync_tally(&l.dossier, &l.history, e, *at))
                    .unwrap_or_default(),
                _ => vec![],
            };
            match self.queue.settle_item(code, claimed.seq, &token, &settled, &tally).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(dossier = %code, seq = claimed.seq, "portal sync: the claim was lost before settling");
                    return Drained::Busy { sent };
                }
                Err(e) => return self.store_failed(code, e, sent),
            }
            match settled {
                Settled::Acknowledged { .. } => {
                    tracing::debug!(dossier = %code, seq = claimed.seq, "portal sync acknowledged");
                    sent += 1;
                }
                Settled::Retry { at, error } => {
                    tracing::warn!(dossier = %code, seq = claimed.seq, attempts = claimed.attempts, error, "portal sync will be retried");
                    let head = SyncItem { next_attempt_at: at, ..claimed };
                    if behind {
                        let _ = self.queue.hold_behind(&head).await;
                    }
                    return Drained::Waiting { sent };
                }
                Settled::Parked { reason } => {
                    tracing::error!(dossier = %code, seq = claimed.seq, reason, "portal sync parked");
                    let head = SyncItem { state: SyncState::Parked, ..claimed };
                    if behind {
                        let _ = self.queue.hold_behind(&head).await;
                    }
                    return Drained::Parked { sent };
                }
            }
        }
    }

    fn store_failed(&self, code: &DossierCode, e: StoreError, sent: usize) -> Drained {
        tracing::warn!(dossier = %code, error = %e, "portal sync: the store failed");
        Drained::StoreFailed { sent }
    }

    /// The update of `item`'s event, reading the dossier again only when it has no such event yet.
    async fn update(&self, item: &SyncItem, loaded: &mut Option<Loaded>) -> Result<Update, NotBuilt> {
        let (code, seq) = (&item.dossier, item.seq);
        if !loaded.as_ref().is_some_and(|l| l.history.iter().any(|e| e.seq == seq)) {
            *loaded = Some(self.load(code).await?);
        }
        let l = loaded.as_ref().expect("loaded above");
        let unit = |a: &AgencyCode| l.units.get(a).cloned().unwrap_or_else(|| a.to_string());
        let documents = item.documents.map(|n| n as usize);
        portal::update_at(&l.dossier, &l.history, seq, documents, l.national.as_ref(), &unit)
            .map_err(|e| NotBuilt::Unsendable(e.to_string()))
    }

    async fn load(&self, code: &DossierCode) -> Result<Loaded, NotBuilt> {
        let (stored, history) = self
            .dossiers
            .get_with_history(code)
            .await
            .map_err(NotBuilt::Store)?
            .ok_or_else(|| NotBuilt::Unsendable(format!("không có hồ sơ {code} / no dossier {code}")))?;
        let dossier = stored.dossier;
        let mut agencies: BTreeSet<AgencyCode> = [dossier.agency_code.clone()].into();
        for e in &history {
            if let EventActor::Officer { officer, .. } = &e.actor {
                agencies.insert(officer.agency.clone());
            }
        }
        let mut units = BTreeMap::new();
        for a in agencies {
            if let Some(agency) = self.catalogue.agency(&a).await.map_err(NotBuilt::Store)? {
                units.insert(a, agency.name);
            }
        }
        let national = self.codes.national_code(&dossier.procedure_code).await.map_err(NotBuilt::Store)?;
        Ok(Loaded { dossier, history, units, national })
    }

    /// One pass over the due items: each of their dossiers drained in turn. Returns how many
    /// items the portal acknowledged.
    pub async fn drain_due(&self) -> usize {
        let due = match self.queue.due_items(self.clock.now() + CLAIM_SLACK, BATCH).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "portal sync: cannot read the due items");
                return 0;
            }
        };
        // Each dossier once, the soonest due first; several dossiers at a time (each one's items
        // still go strictly in order), so the portal's answers overlap the store's writes.
        let mut seen = BTreeSet::new();
        let mut dossiers = due.into_iter().map(|i| i.dossier).filter(|d| seen.insert(d.to_string()));
        let mut running = tokio::task::JoinSet::new();
        let mut sent = 0;
        loop {
            while running.len() < PARALLEL {
                let Some(code) = dossiers.next() else { break };
                let courier = self.clone();
                running.spawn(async move { courier.drain(&code).await.sent() });
            }
            match running.join_next().await {
                Some(Ok(n)) => sent += n,
                Some(Err(e)) => tracing::error!(error = %e, "portal sync: a sender task failed"),
                None => return sent,
            }
        }
    }

    /// Runs until `shutdown` turns true, passing over the due items, polling every `interval`
    /// when a pass sent nothing.
    pub async fn run(self, interval: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            let sent = self.drain_due().await;
            if *shutdown.borrow() {
                return;
            }
            if sent == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Compares what the portal holds of `code` with its status here, and queues the dossier
    /// again when they differ (or when its sync is parked).
    pub async fn reconcile(&self, code: &DossierCode) -> Result<Reconciled, ReconcileError> {
        let (stored, history) =
            self.dossiers.get_with_history(code).await?.ok_or_else(|| ReconcileError::NotFound(code.clone()))?;
        let local = stored.dossier.status.dvcqg_code().to_string();
        let held = self.portal.look_up(code).await?;
        let parked = self.queue.sync_items(code).await?.iter().any(|i| i.state == SyncState::Parked);
        let differs = held.as_ref().map(|r: &PortalRecord| r.status.as_str()) != Some(local.as_str());
        let latest = history.last().map_or(0, |e| e.seq);
        let requeued = (differs || parked) && self.queue.requeue(code, latest, self.clock.now()).await?;
        if requeued {
            tracing::info!(dossier = %code, local, portal = ?held.as_ref().map(|r| &r.status), "portal sync requeued");
        }
        Ok(Reconciled { local, portal: held.map(|r| r.status), requeued })
    }
}

/// Why an item waits parked behind another (both stores write it).
pub(crate) fn held_reason(head: u32) -> String {
    format!("chờ sau sự kiện {head} / held behind event {head}")
}

fn jitter() -> f64 {
    rand::thread_rng().gen_range(0.8..1.2)
}

/// A claim token: random, unique enough among the senders of one table.
fn uuid_like() -> String {
    let bits: u128 = rand::thread_rng().gen();
    format!("{bits:032x}")
}
