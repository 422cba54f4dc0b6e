//! Contract clauses for the portal sync queue: every commit queues its item in the same write,
//! a dossier's items reach the portal in event order and once each however many senders race,
//! failures back off and park after their attempts with the later items held behind, and
//! reconciliation's requeue releases them; the national codes round-trip.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::Status;
use motcua_domain::portal::{NationalCode, SyncState, Update, MAX_ATTEMPTS};
use motcua_domain::ports::{Clock, NationalPortal, PortalAck, PortalError, PortalRecord, StoreError};

use super::fixtures::*;
use super::Store;
use crate::portal_worker::{Drained, PortalCourier};

/// A clock the test moves.
pub struct Moving(pub Mutex<DateTime<Utc>>);

impl Clock for Moving {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl Moving {
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

/// Records what reaches it; fails the next `failing` calls (all of them while `down`).
#[derive(Default)]
pub struct Recording {
    pub sent: Mutex<Vec<(String, u32, String)>>,
    pub failing: AtomicU32,
    pub down: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl NationalPortal for Recording {
    async fn send(&self, update: &Update) -> Result<PortalAck, PortalError> {
        tokio::task::yield_now().await;
        if self.down.load(Ordering::SeqCst)
            || self.failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
        {
            return Err(PortalError::Unavailable("connection refused".into()));
        }
        let entry = (update.dossier.code.clone(), update.seq, update.dossier.status.clone());
        self.sent.lock().unwrap().push(entry);
        Ok(PortalAck::Accepted)
    }

    async fn look_up(&self, code: &DossierCode) -> Result<Option<PortalRecord>, PortalError> {
        let sent = self.sent.lock().unwrap();
        let last = sent.iter().rev().find(|(c, ..)| *c == code.to_string());
        Ok(last.map(|(_, _, status)| PortalRecord { status: status.clone() }))
    }
}

fn courier<S: Store>(store: &S, portal: Arc<Recording>, clock: Arc<Moving>) -> PortalCourier {
    PortalCourier {
        queue: Arc::new(store.clone()),
        dossiers: Arc::new(store.clone()),
        catalogue: Arc::new(store.clone()),
        codes: Arc::new(store.clone()),
        portal,
        clock,
    }
}

fn national() -> NationalCode {
    NationalCode {
        procedure: "2.000488".into(),
        national_code: "2.000488".into(),
        field_code: "TP".into(),
        field_name: "Tư pháp".into(),
    }
}

/// A dossier with `events` events (0 filed, then received, processing, …).
async fn lived<S: Store>(store: &S, events: u32) -> DossierCode {
    let mut d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    d.received_at = None;
    let statuses = [Status::Received, Status::Processing, Status::Processing, Status::Resolved, Status::Returned];
    for seq in 1..events {
        let mut next = d.clone();
        next.status = statuses[(seq as usize - 1) % statuses.len()];
        next.version = d.version + 1;
        next.events = seq + 1;
        let mut event = event(seq, next.status);
        if seq == 1 {
            // The reception: the one event whose timely acknowledgement the reports count.
            event.action = motcua_domain::lifecycle::Action::Receive;
            next.received_at = Some(event.at);
        }
        store.commit(transition(next.clone(), d.version, event)).await.unwrap();
        d = next;
    }
    d.code
}

fn soon() -> Arc<Moving> {
    Arc::new(Moving(Mutex::new(Utc::now() + Duration::minutes(1))))
}

pub async fn each_commit_queues_its_sync_item_and_a_losing_commit_none<S: Store>(store: S) {
    let code = lived(&store, 3).await;
    let items = store.sync_items(&code).await.unwrap();
    assert_eq!(
        items.iter().map(|i| (i.seq, i.state)).collect::<Vec<_>>(),
        [(0, SyncState::Pending), (1, SyncState::Pending), (2, SyncState::Pending)]
    );
    let mut stale = store.get(&code).await.unwrap().unwrap().dossier;
    stale.version += 1;
    let losing = transition(stale, 1, event(3, Status::Refused));
    assert_eq!(store.commit(losing).await, Err(StoreError::Conflict));
    assert_eq!(store.sync_items(&code).await.unwrap().len(), 3, "the losing commit queued nothing");
    let due = store.due_items(Utc::now() + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(due.len(), 3);
    assert_eq!(store.sync_counts().await.unwrap().pending, 3);
}

pub async fn racing_senders_sync_each_dossier_in_order_once<S: Store>(store: S) {
    store.put_national_code(&national()).await.unwrap();
    let a = lived(&store, 5).await;
    let b = lived(&store, 4).await;
    let portal = Arc::new(Recording::default());
    let clock = soon();
    let mut racers = vec![];
    for _ in 0..4 {
        let c = courier(&store, portal.clone(), clock.clone());
        racers.push(tokio::spawn(async move { c.drain_due().await }));
    }
    let sent: usize = futures_sum(racers).await;
    assert_eq!(sent, 9, "every item acknowledged once among the senders");
    let log = portal.sent.lock().unwrap().clone();
    for (code, n) in [(&a, 5), (&b, 4)] {
        let seqs: Vec<u32> = log.iter().filter(|(c, ..)| *c == code.to_string()).map(|(_, s, _)| *s).collect();
        assert_eq!(seqs, (0..n).collect::<Vec<_>>(), "{code}: in order, once each");
    }
    assert!(store.sync_items(&a).await.unwrap().iter().all(|i| i.state == SyncState::Acknowledged));
    assert_eq!(store.sync_counts().await.unwrap().pending, 0);
    // Each reception acknowledged within the hour is counted once, with its acknowledgement.
    let today = motcua_domain::calendar::vietnam::to_local(Utc::now()).date();
    let query = motcua_domain::reports::TallyQuery {
        agencies: Some(vec![agency()]),
        from: Some(today - Duration::days(1)),
        to: today + Duration::days(1),
        officers: false,
        measures: Some(vec![motcua_domain::reports::Measure::PortalSyncedTimely]),
    };
    let summed = store.summed(&query).await.unwrap();
    let synced: i64 = summed.iter().map(|s| s.counts.get(motcua_domain::reports::Measure::PortalSyncedTimely)).sum();
    assert_eq!(synced, 2, "two receptions, counted once each among racing senders: {summed:?}");
    let c = courier(&store, portal.clone(), clock);
    assert_eq!(c.drain(&a).await, Drained::Synced { sent: 0 });
}

async fn futures_sum(tasks: Vec<tokio::task::JoinHandle<usize>>) -> usize {
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total
}

pub async fn failures_back_off_park_and_hold_the_rest_until_requeued<S: Store>(store: S) {
    store.put_national_code(&national()).await.unwrap();
    let code = lived(&store, 3).await;
    let portal = Arc::new(Recording::default());
    let clock = soon();
    let c = courier(&store, portal.clone(), clock.clone());
    portal.failing.store(1, Ordering::SeqCst);
    assert_eq!(c.drain(&code).await, Drained::Waiting { sent: 0 });
    let items = store.sync_items(&code).await.unwrap();
    let head = &items[0];
    assert_eq!((head.attempts, head.state), (1, SyncState::Pending));
    assert!(head.last_error.as_deref().unwrap().contains("connection refused"));
    assert!(items[1].next_attempt_at >= head.next_attempt_at, "the rest wait behind the head");
    assert_eq!(c.drain(&code).await, Drained::Waiting { sent: 0 }, "not due again yet");
    clock.advance(Duration::minutes(1));
    assert_eq!(c.drain(&code).await, Drained::Synced { sent: 3 });

    // Down for good: parked after its attempts, the later items parked behind it.
    let code = lived(&store, 3).await;
    portal.down.store(true, Ordering::SeqCst);
    let mut last = Drained::Synced { sent: 0 };
    for _ in 0..MAX_ATTEMPTS {
        last = c.drain(&code).await;
        clock.advance(Duration::hours(2));
    }
    assert_eq!(last, Drained::Parked { sent: 0 });
    let items = store.sync_items(&code).await.unwrap();
    assert!(items.iter().all(|i| i.state == SyncState::Parked), "{items:?}");
    assert!(items[1].last_error.as_deref().unwrap().contains("held behind event 0"));
    assert_eq!(store.sync_counts().await.unwrap().parked, 3);
    assert_eq!(store.parked_items(10).await.unwrap().len(), 3);
    assert!(store.due_items(clock.now(), 10).await.unwrap().is_empty(), "nothing parked is due");
    assert_eq!(c.drain(&code).await, Drained::Parked { sent: 0 });

    // Back up: reconciliation finds the portal without the dossier and queues it again.
    portal.down.store(false, Ordering::SeqCst);
    let found = c.reconcile(&code).await.unwrap();
    assert_eq!((found.local.as_str(), found.portal.as_deref(), found.requeued), ("4", None, true));
    assert_eq!(c.drain(&code).await, Drained::Synced { sent: 3 });
    assert_eq!(store.sync_items(&code).await.unwrap().iter().map(|i| i.attempts).collect::<Vec<_>>(), [1, 1, 1]);
    let found = c.reconcile(&code).await.unwrap();
    assert_eq!((found.portal.as_deref(), found.requeued), (Some("4"), false), "in step: nothing queued");
}

pub async fn an_unmapped_procedure_parks_until_its_code_exists_and_the_portal_differs<S: Store>(store: S) {
    let code = lived(&store, 2).await;
    let portal = Arc::new(Recording::default());
    let clock = soon();
    let c = courier(&store, portal.clone(), clock.clone());
    assert_eq!(c.drain(&code).await, Drained::Parked { sent: 0 });
    let head = &store.sync_items(&code).await.unwrap()[0];
    assert_eq!((head.state, head.attempts), (SyncState::Parked, 1), "parked at the first attempt");
    assert!(head.last_error.as_deref().unwrap().contains("2.000488"));
    assert!(portal.sent.lock().unwrap().is_empty());

    store.put_national_code(&national()).await.unwrap();
    assert!(c.reconcile(&code).await.unwrap().requeued);
    assert_eq!(c.drain(&code).await, Drained::Synced { sent: 2 });

    // Everything acknowledged, and the portal says something else: the latest is sent again.
    portal.sent.lock().unwrap().push((code.to_string(), 9, "1".into()));
    let found = c.reconcile(&code).await.unwrap();
    assert_eq!((found.local.as_str(), found.portal.as_deref(), found.requeued), ("2", Some("1"), true));
    assert_eq!(c.drain(&code).await, Drained::Synced { sent: 1 });
    assert_eq!(portal.sent.lock().unwrap().last().unwrap().1, 1);
}

pub async fn national_codes_round_trip_in_order<S: Store>(store: S) {
    assert_eq!(store.national_code("2.000488").await.unwrap(), None);
    for p in ["2.000488", "1.000001", "3.000003"] {
        store.put_national_code(&NationalCode { procedure: p.into(), ..national() }).await.unwrap();
    }
    let changed = NationalCode { field_name: "Hộ tịch".into(), ..national() };
    store.put_national_code(&changed).await.unwrap();
    assert_eq!(store.national_code("2.000488").await.unwrap(), Some(changed));
    let listed: Vec<String> = store.national_codes(None, 10).await.unwrap().into_iter().map(|c| c.procedure).collect();
    assert_eq!(listed, ["1.000001", "2.000488", "3.000003"]);
    let after: Vec<String> =
        store.national_codes(Some("1.000001"), 1).await.unwrap().into_iter().map(|c| c.procedure).collect();
    assert_eq!(after, ["2.000488"]);
}
