//! The SQLite store: codes allocated without gaps or repeats under concurrency, version-
//! conditioned writes, idempotency records, and the outbox drained exactly once.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use motcua_domain::calendar::{DurationUnit, ProcessingTime};
use motcua_domain::catalogue::{ApplicantKind, Channel, SupplementRule};
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{Action, Applicant, Dossier, EventActor, HistoryEvent, NoticeKind, Status, Terms};
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Clock, Commit, DossierStore, IdempotencyRecord, Notifier, NotifyError, Outbox, StoreError};

use super::SqliteStore;
use crate::{outbox_worker, LocalSink, SystemClock};

fn agency() -> AgencyCode {
    AgencyCode::parse("000.00.03.H56").unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn dossier(code: DossierCode) -> Dossier {
    let now = Utc::now();
    Dossier {
        code,
        procedure_code: "2.000488".into(),
        agency_code: agency(),
        channel: Channel::Online,
        status: Status::Submitted,
        version: 1,
        applicant: Applicant {
            kind: ApplicantKind::Citizen,
            name: "Test".into(),
            citizen_id: None,
            tax_code: None,
            phone: None,
            email: None,
            address: None,
            delegate_name: None,
        },
        documents: vec![],
        terms: Terms {
            procedure_name: "x".into(),
            processing_time: ProcessingTime { amount: 1.0, unit: DurationUnit::WorkingDays },
            cutoff: None,
            supplement_rule: SupplementRule::Recompute,
            postal_return: false,
            workflow: vec![],
        },
        submitted_at: now,
        received_at: None,
        due_at: None,
        finished_at: None,
        returned_at: None,
        step: None,
        pause: None,
        supplement_requests: 0,
        extended: false,
        result: None,
        rating: None,
        events: 1,
    }
}

fn event(seq: u32, to: Status) -> HistoryEvent {
    HistoryEvent {
        seq,
        at: Utc::now(),
        action: Action::Submit,
        actor: EventActor::Applicant,
        from_status: None,
        to_status: to,
        from_step: None,
        to_step: None,
        note: None,
        assignee: None,
        step_due_at: None,
        due_at: None,
    }
}

fn message(code: &DossierCode, seq: u32) -> OutgoingMessage {
    OutgoingMessage {
        id: format!("{code}:{seq}:sms"),
        dossier_code: code.to_string(),
        kind: NoticeKind::Submitted,
        channel: MessageChannel::Sms,
        recipient: "+84912345678".into(),
        subject: None,
        text: "Ho so".into(),
        status: Status::Submitted,
        created_at: Utc::now(),
    }
}

fn create_commit(code: DossierCode, key: Option<&str>) -> Commit {
    Commit {
        dossier: dossier(code.clone()),
        expected_version: None,
        event: event(0, Status::Submitted),
        outbox: vec![message(&code, 0)],
        lookup_secret_hash: Some("hash".into()),
        idempotency: key.map(|k| IdempotencyRecord {
            scope: "submit".into(),
            key: k.into(),
            request_hash: "h".into(),
            status: 201,
            response: code.to_string(),
            created_at: Utc::now(),
        }),
    }
}

fn store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (SqliteStore::open(dir.path().join("db.sqlite3")).unwrap(), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_get_consecutive_unique_codes() {
    let (store, _dir) = store();
    let mut tasks = vec![];
    for _ in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.create(&agency(), day(), Box::new(|code| create_commit(code, None))).await.unwrap().code.sequence()
        }));
    }
    let mut seqs = vec![];
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
    // A new day starts again at 0001; another agency has its own counter.
    let next_day = day().succ_opt().unwrap();
    let d = store.create(&agency(), next_day, Box::new(|c| create_commit(c, None))).await.unwrap();
    assert_eq!(d.code.to_string(), "000.00.03.H56-260303-0001");
}

#[tokio::test]
async fn stale_writes_conflict_and_change_nothing() {
    let (store, _dir) = store();
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let mut next = d.clone();
    next.status = Status::Received;
    next.version = 2;
    let commit = |expected| Commit {
        dossier: next.clone(),
        expected_version: Some(expected),
        event: event(1, Status::Received),
        outbox: vec![],
        lookup_secret_hash: None,
        idempotency: None,
    };
    store.commit(commit(1)).await.unwrap();
    assert_eq!(store.commit(commit(1)).await, Err(StoreError::Conflict));
    assert_eq!(store.history(&d.code).await.unwrap().len(), 2);
    assert_eq!(store.get(&d.code).await.unwrap().unwrap().dossier.version, 2);
}

#[tokio::test]
async fn an_idempotency_key_creates_once() {
    let (store, _dir) = store();
    store.create(&agency(), day(), Box::new(|c| create_commit(c, Some("k")))).await.unwrap();
    let again = store.create(&agency(), day(), Box::new(|c| create_commit(c, Some("k")))).await;
    assert_eq!(again.unwrap_err(), StoreError::IdempotencyKeyTaken);
    let record = store.idempotency("submit", "k").await.unwrap().unwrap();
    assert_eq!(record.response, "000.00.03.H56-260302-0001");
    // The failed create consumed no sequence number and left no dossier.
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    assert_eq!(d.code.sequence(), 2);
}

#[tokio::test]
async fn the_outbox_is_delivered_exactly_once_even_after_a_restart() {
    let (store, dir) = store();
    for _ in 0..3 {
        store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    }
    let path = dir.path().join("sent.jsonl");
    let sink = LocalSink::open(&path).unwrap();
    // Deliver one message without marking it, as if the process died in between.
    let pending = store.pending(Utc::now(), 10).await.unwrap();
    assert_eq!(pending.len(), 3);
    motcua_domain::ports::Notifier::deliver(&sink, &pending[0].message).await.unwrap();
    drop(sink);
    let sink = Arc::new(LocalSink::open(&path).unwrap());
    assert_eq!(outbox_worker::drain_once(&store, sink.as_ref(), &SystemClock).await, 3);
    assert_eq!(outbox_worker::drain_once(&store, sink.as_ref(), &SystemClock).await, 0);
    let lines = std::fs::read_to_string(&path).unwrap();
    assert_eq!(lines.lines().count(), 3, "{lines}");
    assert!(store.pending(Utc::now() + chrono::Duration::days(1), 10).await.unwrap().is_empty());
}

/// A notifier that always fails, temporarily or for good.
struct Failing(fn(String) -> NotifyError);

#[async_trait::async_trait]
impl Notifier for Failing {
    async fn deliver(&self, _: &OutgoingMessage) -> Result<String, NotifyError> {
        Err((self.0)("gateway down".into()))
    }
}

struct FixedClock(chrono::DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<Utc> {
        self.0
    }
}

#[tokio::test]
async fn failed_messages_back_off_and_are_given_up_in_the_end() {
    let (store, _dir) = store();
    store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let mut now = Utc::now();
    let temporary = Failing(NotifyError::Temporary);
    assert_eq!(outbox_worker::drain_once(&store, &temporary, &FixedClock(now)).await, 0);
    // Not again at once: the first retry waits about 2 seconds (±20%).
    assert!(store.pending(now + chrono::Duration::milliseconds(1500), 10).await.unwrap().is_empty());
    let again = store.pending(now + chrono::Duration::milliseconds(2500), 10).await.unwrap();
    assert_eq!(again[0].attempts, 1);
    for _ in 1..outbox_worker::MAX_ATTEMPTS {
        now += chrono::Duration::hours(2);
        outbox_worker::drain_once(&store, &temporary, &FixedClock(now)).await;
    }
    assert!(store.pending(now + chrono::Duration::days(365), 10).await.unwrap().is_empty(), "given up");

    let (store, _dir) = self::store();
    store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    outbox_worker::drain_once(&store, &Failing(NotifyError::Permanent), &FixedClock(Utc::now())).await;
    assert!(store.pending(Utc::now() + chrono::Duration::days(365), 10).await.unwrap().is_empty(), "no retry");
}

#[test]
fn back_off_doubles_up_to_an_hour() {
    let now = Utc::now();
    let wait = |n| (outbox_worker::retry_at(now, n) - now).num_milliseconds();
    assert!((1600..=2400).contains(&wait(1)));
    assert!((6400..=9600).contains(&wait(3)));
    assert!(wait(30) <= 3_600_000 * 12 / 10);
}
