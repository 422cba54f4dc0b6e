//! The store contract: what every adapter of the dossier store, catalogue and outbox ports must
//! do, written once against the ports and run against each adapter with [`store_contract!`].

mod delivery;
pub mod fixtures;
mod passwords;
mod payments;
mod portal;

pub use delivery::*;
pub use passwords::*;
pub use payments::*;
pub use portal::*;

use chrono::{Duration, NaiveDate, Utc};
use motcua_domain::catalogue::{Agency, AgencyLevel, OfficerId, OnlineLevel, Procedure};
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{Status, StepProgress};
use motcua_domain::ports::{
    BuildCreate, Catalogue, Commit, DossierStore, Holiday, LimitUse, Limits, NationalCodes, Outbox, PaymentStore,
    ProcedureQuery, QueueQuery, ReportCounters, StoreError, StoredDocuments, SubjectRequests, SyncQueue, UploadStore,
};
use motcua_domain::reports::{Counts, Measure, Tally, TallyKey, TallyQuery};

use self::fixtures::*;

/// Everything a home's store provides.
pub trait Store:
    DossierStore
    + Catalogue
    + Outbox
    + Limits
    + UploadStore
    + StoredDocuments
    + ReportCounters
    + SyncQueue
    + NationalCodes
    + PaymentStore
    + SubjectRequests
    + motcua_domain::ports::AxisJournal
    + motcua_domain::ports::OfficerPasswords
    + Counting
    + Clone
    + 'static
{
}
impl<
        T: DossierStore
            + Catalogue
            + Outbox
            + Limits
            + UploadStore
            + StoredDocuments
            + ReportCounters
            + SyncQueue
            + NationalCodes
            + PaymentStore
            + SubjectRequests
            + motcua_domain::ports::AxisJournal
            + motcua_domain::ports::OfficerPasswords
            + Counting
            + Clone
            + 'static,
    > Store for T
{
}

/// A procedure's versions: a scheduled one leaves the current record alone until promoted on
/// its date, once; every version is kept.
pub async fn scheduled_versions_wait_for_their_date<S: Store>(store: S) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let first = procedure();
    store.put_procedure(&first).await.unwrap();
    let mut next = first.clone();
    next.name = "Cấp Phiếu lý lịch tư pháp (mẫu mới)".into();
    next.effective_from = Some(day(2027, 1, 1));
    store.schedule_procedure(&next).await.unwrap();
    assert_eq!(store.procedure(&first.code).await.unwrap(), Some(first.clone()), "the current record stays");
    assert_eq!(store.procedure_versions(&first.code).await.unwrap(), [first.clone(), next.clone()]);
    assert!(store.promote_procedures(day(2026, 12, 31)).await.unwrap().is_empty(), "not before its date");
    assert_eq!(store.promote_procedures(day(2027, 1, 1)).await.unwrap(), vec![first.code.clone()]);
    assert_eq!(store.procedure(&first.code).await.unwrap(), Some(next.clone()));
    assert!(store.promote_procedures(day(2027, 1, 2)).await.unwrap().is_empty(), "promoted once");
    let listed = store.procedures(ProcedureQuery { limit: 10, ..ProcedureQuery::default() }).await.unwrap();
    assert!(listed.contains(&next), "the lists show the version in force");
    let mut later = next.clone();
    later.effective_from = Some(day(2027, 2, 1));
    store.put_procedure(&later).await.unwrap();
    assert_eq!(store.procedure_versions(&first.code).await.unwrap(), [first, next, later]);
}

/// Requests for what is held about a person: kept once each, listed in the order made.
pub async fn subject_requests_are_kept_once_in_order<S: Store>(store: S) {
    use motcua_domain::privacy::{SubjectKind, SubjectRequest};
    let officer = motcua_domain::catalogue::OfficerRef {
        id: OfficerId::parse("admin").unwrap(),
        name: "Quản trị".into(),
        agency: agency(),
    };
    let start = Utc::now();
    let requests: Vec<SubjectRequest> = (0..3)
        .map(|i| SubjectRequest {
            id: format!("YC-20261201-0000000{i}"),
            at: start + Duration::seconds(2 - i),
            officer: officer.clone(),
            kind: SubjectKind::CitizenId,
            subject_digest: format!("i:{i:032}"),
            reason: "Đơn của chủ thể dữ liệu".into(),
            dossiers: i as usize,
        })
        .collect();
    for r in &requests {
        store.record_request(r).await.unwrap();
    }
    assert!(store.record_request(&requests[1]).await.is_err(), "a record is never written over");
    let listed = store.subject_requests(None, 10).await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["YC-20261201-00000002", "YC-20261201-00000001", "YC-20261201-00000000"], "by time");
    assert_eq!(listed[0], requests[2]);
    let rest = store.subject_requests(Some(&listed[0].position()), 1).await.unwrap();
    assert_eq!(rest, [requests[1].clone()]);
}

/// What went over the document axis: each entry kept once, listed in the order noted.
pub async fn the_axis_journal_keeps_each_entry_once_in_order<S: Store>(store: S) {
    use motcua_domain::axis::journal::{Direction, JournalEntry, Outcome};
    use motcua_domain::ports::AxisMessage;
    let start = Utc::now();
    let entries: Vec<JournalEntry> = (0..3)
        .map(|i| {
            let mut e = JournalEntry::of(
                start + Duration::seconds(2 - i),
                if i == 0 { Direction::Sent } else { Direction::Received },
                if i == 0 { AxisMessage::Document } else { AxisMessage::Status },
                &format!("doc-{i}"),
                format!("<edXML>{i}</edXML>").as_bytes(),
                if i == 2 { Outcome::Refused } else { Outcome::Applied },
            );
            e.reason = (i == 2).then(|| "does not parse".to_owned());
            e
        })
        .collect();
    for e in &entries {
        store.note(e).await.unwrap();
    }
    let mut changed = entries[1].clone();
    changed.outcome = Outcome::Repeat;
    store.note(&changed).await.unwrap();
    let listed = store.journal(None, 10).await.unwrap();
    assert_eq!(
        listed,
        [entries[2].clone(), entries[1].clone(), entries[0].clone()],
        "by time, each once, as first noted"
    );
    let rest = store.journal(Some(&listed[0].position()), 1).await.unwrap();
    assert_eq!(rest, [entries[1].clone()]);
}

/// What brings a store's report counters up to its commits: nothing where a commit counts in
/// its own transaction (SQLite); the stream consumer's work, twice over as a redelivery would,
/// where it does not (DynamoDB).
#[async_trait::async_trait]
pub trait Counting {
    async fn catch_up(&self, code: &DossierCode);
}

#[async_trait::async_trait]
impl Counting for crate::SqliteStore {
    async fn catch_up(&self, _: &DossierCode) {}
}

#[async_trait::async_trait]
impl Counting for crate::DynamoStore {
    async fn catch_up(&self, code: &DossierCode) {
        for _ in 0..2 {
            self.count_history(&code.to_string()).await.unwrap();
        }
    }
}

/// Generates one `#[tokio::test]` per contract clause for the adapter that `$fresh` (an
/// expression giving `(store, guard)` for a new, empty store) opens.
#[macro_export]
macro_rules! store_contract {
    ($fresh:expr) => {
        $crate::store_contract!(@clauses $fresh;
            concurrent_creates_get_consecutive_codes,
            stale_writes_conflict_and_change_nothing,
            an_idempotency_key_creates_once,
            a_create_at_its_limit_writes_nothing,
            history_comes_back_in_order,
            queues_are_ordered_filtered_and_paginated,
            closed_dossiers_leave_the_queues,
            racing_senders_hand_each_message_over_once,
            a_sender_lost_mid_send_is_swept_to_a_final_state,
            failed_messages_back_off_and_end_in_a_final_state,
            receipts_settle_once_and_final_states_never_move,
            a_permanent_failure_falls_back_to_the_other_channel_once,
            sms_caps_hold_per_dossier_and_phone,
            posted_messages_are_added_once_and_delivered,
            final_messages_are_redacted_after_the_retention_period,
            catalogue_round_trips_and_searches,
            an_upload_is_attached_once_by_the_write_that_uses_it,
            stored_documents_are_kept_with_the_write_and_read_by_their_owner_only,
            report_counters_sum_what_the_commits_tallied,
            each_commit_queues_its_sync_item_and_a_losing_commit_none,
            racing_senders_sync_each_dossier_in_order_once,
            failures_back_off_park_and_hold_the_rest_until_requeued,
            an_unmapped_procedure_parks_until_its_code_exists_and_the_portal_differs,
            national_codes_round_trip_in_order,
            payment_transactions_settle_with_their_commit_once,
            subject_requests_are_kept_once_in_order,
            the_axis_journal_keeps_each_entry_once_in_order,
            scheduled_versions_wait_for_their_date,
            an_officers_password_failures_and_sessions_are_kept,
        );
    };
    (@clauses $fresh:expr; $($clause:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $clause() {
                let (store, _guard) = $fresh;
                $crate::contract::$clause(store).await;
            }
        )*
    };
}

pub async fn concurrent_creates_get_consecutive_codes<S: Store>(store: S) {
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
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>(), "no gaps, no repeats");
    let next_day = day().succ_opt().unwrap();
    let d = store.create(&agency(), next_day, Box::new(|c| create_commit(c, None))).await.unwrap();
    assert_eq!(d.code.to_string(), "000.00.03.H56-260303-0001", "a new day starts at 0001");
    let other = AgencyCode::parse("000.00.05.H56").unwrap();
    let d = store.create(&other, day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    assert_eq!(d.code.sequence(), 1, "each agency has its own counter");
}

pub async fn stale_writes_conflict_and_change_nothing<S: Store>(store: S) {
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let mut next = d.clone();
    next.status = Status::Received;
    next.version = 2;
    next.events = 2;
    let commit = |expected| Commit {
        settle: None,
        search: vec![],
        dossier: next.clone(),
        expected_version: Some(expected),
        event: event(1, Status::Received),
        outbox: vec![message(&d.code, 1)],
        lookup_secret_hash: None,
        idempotency: None,
        limit: None,
        attach: vec![],
        keep: vec![],
        tally: vec![],
    };
    store.commit(commit(1)).await.unwrap();
    assert_eq!(store.commit(commit(1)).await, Err(StoreError::Conflict));
    assert_eq!(store.history(&d.code).await.unwrap().len(), 2);
    let stored = store.get(&d.code).await.unwrap().unwrap();
    assert_eq!(stored.dossier.version, 2);
    assert_eq!(stored.lookup_secret_hash, "hash");
    let pending = store.pending(Utc::now() + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(pending.len(), 2, "the losing commit left no outbox item");

    // Two racing writers from the same version: exactly one wins.
    let mut racers = vec![];
    for i in 0..2u32 {
        let (s, mut third) = (store.clone(), next.clone());
        third.version = 3;
        third.events = 3;
        racers.push(tokio::spawn(async move {
            let commit = Commit {
                settle: None,
                search: vec![],
                dossier: third,
                expected_version: Some(2),
                event: event(2, if i == 0 { Status::Processing } else { Status::Refused }),
                outbox: vec![],
                lookup_secret_hash: None,
                idempotency: None,
                limit: None,
                attach: vec![],
                keep: vec![],
                tally: vec![],
            };
            s.commit(commit).await
        }));
    }
    let mut results = vec![];
    for r in racers {
        results.push(r.await.unwrap());
    }
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.contains(&Err(StoreError::Conflict)));
    assert_eq!(store.history(&d.code).await.unwrap().len(), 3);
    assert_eq!(
        store
            .get(&motcua_domain::codes::DossierCode::parse("000.00.03.H56-260302-0099").unwrap())
            .await
            .unwrap()
            .map(|s| s.dossier.version),
        None
    );
}

pub async fn an_idempotency_key_creates_once<S: Store>(store: S) {
    store.create(&agency(), day(), Box::new(|c| create_commit(c, Some("k")))).await.unwrap();
    let again = store.create(&agency(), day(), Box::new(|c| create_commit(c, Some("k")))).await;
    assert_eq!(again.unwrap_err(), StoreError::IdempotencyKeyTaken);
    let record = store.idempotency("submit", "k").await.unwrap().unwrap();
    assert_eq!(record.dossier.to_string(), "000.00.03.H56-260302-0001");
    assert!(store.idempotency("submit", "other").await.unwrap().is_none());
    assert!(store.idempotency("counter:x", "k").await.unwrap().is_none(), "keys are scoped");
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    assert!(d.code.sequence() >= 2, "codes are never reused");
    assert!(store.get(&d.code).await.unwrap().is_some());
}

pub async fn a_create_at_its_limit_writes_nothing<S: Store>(store: S) {
    let start = Utc::now() - Duration::minutes(1);
    let limit = LimitUse { key: "submissions:test".into(), window_start: start, window: Duration::hours(1), max: 2 };
    let limited = |key: Option<&'static str>| {
        let limit = limit.clone();
        Box::new(move |c| Commit { limit: Some(limit.clone()), ..create_commit(c, key) }) as BuildCreate
    };
    let first = store.create(&agency(), day(), limited(None)).await.unwrap();
    store.create(&agency(), day(), limited(None)).await.unwrap();
    let refused = store.create(&agency(), day(), limited(Some("k"))).await;
    assert_eq!(refused.unwrap_err(), StoreError::LimitReached);
    assert_eq!(store.used(&limit.key, start).await.unwrap(), 2, "the refused create counted nothing");
    assert!(store.idempotency("submit", "k").await.unwrap().is_none(), "nor wrote its record");
    let open = store.queue(QueueQuery { agency: Some(agency()), limit: 10, ..QueueQuery::default() }).await.unwrap();
    assert_eq!(open.len(), 2, "nor its dossier");
    // A transition may carry a limit too, and is refused the same way.
    let mut next = first.clone();
    next.version += 1;
    next.events += 1;
    let commit = Commit {
        settle: None,
        search: vec![],
        dossier: next,
        expected_version: Some(first.version),
        event: event(1, Status::Processing),
        outbox: vec![],
        lookup_secret_hash: None,
        idempotency: None,
        limit: Some(limit.clone()),
        attach: vec![],
        keep: vec![],
        tally: vec![],
    };
    assert_eq!(store.commit(commit).await.unwrap_err(), StoreError::LimitReached);
    assert_eq!(store.get(&first.code).await.unwrap().unwrap().dossier.version, first.version);
}

pub async fn history_comes_back_in_order<S: Store>(store: S) {
    let mut d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    for seq in 1..12u32 {
        let mut next = d.clone();
        next.version += 1;
        next.events += 1;
        let commit = Commit {
            settle: None,
            search: vec![],
            dossier: next.clone(),
            expected_version: Some(d.version),
            event: event(seq, Status::Processing),
            // Messages live beside the events; reading the history must not pick them up.
            outbox: if seq % 4 == 0 { vec![message(&d.code, seq)] } else { vec![] },
            lookup_secret_hash: None,
            idempotency: None,
            limit: None,
            attach: vec![],
            keep: vec![],
            tally: vec![],
        };
        store.commit(commit).await.unwrap();
        d = next;
    }
    let history = store.history(&d.code).await.unwrap();
    let seqs: Vec<u32> = history.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..12).collect::<Vec<_>>());
    let (stored, together) = store.get_with_history(&d.code).await.unwrap().expect("the dossier is there");
    assert_eq!(stored.dossier.version, d.version);
    assert_eq!(together, history, "read together, the same history");
    let absent = DossierCode::new(agency(), day(), 9999).unwrap();
    assert!(store.get_with_history(&absent).await.unwrap().is_none());
}

pub async fn queues_are_ordered_filtered_and_paginated<S: Store>(store: S) {
    let now = Utc::now();
    let police = AgencyCode::parse("000.00.20.H56").unwrap();
    // Ten dossiers, received with due times in reverse order of creation, the even ones
    // assigned, the last two at an inter-agency step of the police.
    for i in 0..10i64 {
        let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
        let mut next = d.clone();
        next.status = Status::Processing;
        next.version = 2;
        next.events = 2;
        next.received_at = Some(now);
        next.due_at = Some(now + Duration::hours(100 - i));
        next.terms.workflow = vec![
            motcua_domain::catalogue::WorkflowStep {
                name: "a".into(),
                role: motcua_domain::catalogue::Role::Specialist,
                agency: None,
                share_percent: 50,
            },
            motcua_domain::catalogue::WorkflowStep {
                name: "b".into(),
                role: motcua_domain::catalogue::Role::Specialist,
                agency: Some(police.clone()),
                share_percent: 50,
            },
        ];
        next.step = Some(StepProgress {
            index: if i >= 8 { 1 } else { 0 },
            given_at: now,
            given_by: None,
            assignee: (i % 2 == 0).then(|| officer_ref("spec")),
            taken_at: None,
            due_at: now,
        });
        let commit = Commit {
            settle: None,
            search: vec![],
            dossier: next,
            expected_version: Some(1),
            event: event(1, Status::Processing),
            outbox: vec![],
            lookup_secret_hash: None,
            idempotency: None,
            limit: None,
            attach: vec![],
            keep: vec![],
            tally: vec![],
        };
        store.commit(commit).await.unwrap();
    }
    store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();

    let query = |after, limit| QueueQuery { agency: Some(agency()), after, limit, ..QueueQuery::default() };
    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = store.queue(query(after.clone(), 3)).await.unwrap();
        if page.is_empty() {
            break;
        }
        let last = page.last().unwrap();
        after = Some((last.due_at, last.code.to_string()));
        seen.extend(page);
    }
    assert_eq!(seen.len(), 9, "8 at the agency's own step + 1 not yet received; 2 sit with the police");
    assert_eq!(seen[0].due_at, None, "not yet received first");
    let dues: Vec<_> = seen[1..].iter().map(|d| d.due_at.unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "soonest due first");
    let police_queue =
        store.queue(QueueQuery { agency: Some(police), limit: 50, ..QueueQuery::default() }).await.unwrap();
    assert_eq!(police_queue.len(), 2);
    let mine = store
        .queue(QueueQuery { assignee: Some(OfficerId::parse("spec").unwrap()), limit: 50, ..QueueQuery::default() })
        .await
        .unwrap();
    assert_eq!(mine.len(), 5);
    let submitted = store
        .queue(QueueQuery {
            agency: Some(agency()),
            status: Some(Status::Submitted),
            limit: 50,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(submitted.len(), 1);
    let soon = store
        .queue(QueueQuery {
            agency: Some(agency()),
            due_before: Some(now + Duration::hours(94) + Duration::minutes(30)),
            limit: 50,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(soon.len(), 2, "due in 93 h and 94 h; the 91 h and 92 h ones are with the police");
}

pub async fn closed_dossiers_leave_the_queues<S: Store>(store: S) {
    let withdrawn = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let mut next = withdrawn.clone();
    next.status = Status::Withdrawn;
    next.version = 2;
    next.events = 2;
    let commit = Commit {
        settle: None,
        search: vec![],
        dossier: next,
        expected_version: Some(1),
        event: event(1, Status::Withdrawn),
        outbox: vec![],
        lookup_secret_hash: None,
        idempotency: None,
        limit: None,
        attach: vec![],
        keep: vec![],
        tally: vec![],
    };
    store.commit(commit).await.unwrap();
    let open = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let codes = |page: Vec<motcua_domain::lifecycle::Dossier>| page.into_iter().map(|d| d.code).collect::<Vec<_>>();
    let queue = QueueQuery { agency: Some(agency()), limit: 50, ..QueueQuery::default() };
    assert_eq!(
        codes(store.queue(queue.clone()).await.unwrap()),
        std::slice::from_ref(&open.code),
        "only open dossiers"
    );
    let by_status = QueueQuery { status: Some(Status::Withdrawn), ..queue.clone() };
    assert_eq!(codes(store.queue(by_status).await.unwrap()), [withdrawn.code], "closed ones by their status");
    let by_status = QueueQuery { status: Some(Status::Submitted), ..queue };
    assert_eq!(codes(store.queue(by_status).await.unwrap()), [open.code]);
}

pub async fn catalogue_round_trips_and_searches<S: Store>(store: S) {
    let province = AgencyCode::parse("000.00.00.H56").unwrap();
    let a = |code: &str, parent: Option<&AgencyCode>| Agency {
        code: AgencyCode::parse(code).unwrap(),
        name: format!("Cơ quan {code}"),
        parent: parent.cloned(),
        level: AgencyLevel::Province,
        address: "Nha Trang".into(),
        working_hours: Default::default(),
        external: false,
    };
    store.put_agency(&a("000.00.00.H56", None)).await.unwrap();
    store.put_agency(&a("000.00.03.H56", Some(&province))).await.unwrap();
    store.put_agency(&a("000.00.05.H56", Some(&province))).await.unwrap();
    assert_eq!(store.agencies(Some(&province), None, 10).await.unwrap().len(), 2);
    assert_eq!(store.agencies(None, None, 10).await.unwrap().len(), 3);
    let next = store.agencies(Some(&province), Some("000.00.03.H56"), 10).await.unwrap();
    assert_eq!(next.iter().map(|a| a.code.to_string()).collect::<Vec<_>>(), ["000.00.05.H56"]);
    assert_eq!(store.agency(&agency()).await.unwrap().unwrap().name, "Cơ quan 000.00.03.H56");

    let mut names = vec!["Đăng ký khai sinh", "Cấp phù hiệu xe taxi", "Chứng thực bản sao 100%_x"];
    for (i, name) in names.drain(..).enumerate() {
        let mut p = procedure();
        p.code = format!("1.00000{i}");
        p.name = name.into();
        p.online_level = if i == 1 { OnlineLevel::Partial } else { OnlineLevel::Full };
        store.put_procedure(&p).await.unwrap();
    }
    let search = |text: &str| ProcedureQuery {
        text: Some(motcua_domain::text::search_key(text)),
        limit: 10,
        ..ProcedureQuery::default()
    };
    assert_eq!(store.procedures(search("KHAI SINH")).await.unwrap()[0].code, "1.000000");
    assert_eq!(store.procedures(search("phu hieu taxi")).await.unwrap()[0].code, "1.000001");
    assert_eq!(store.procedures(search("100%")).await.unwrap().len(), 1, "wildcards are literal");
    assert_eq!(store.procedures(search("_")).await.unwrap().len(), 1, "`_` matches itself, not any character");
    let partial = ProcedureQuery { level: Some(OnlineLevel::Partial), limit: 10, ..ProcedureQuery::default() };
    assert_eq!(store.procedures(partial).await.unwrap().len(), 1);
    let page = ProcedureQuery { after: Some("1.000000".into()), limit: 1, ..ProcedureQuery::default() };
    assert_eq!(store.procedures(page).await.unwrap()[0].code, "1.000001");
    let mut renamed = store.procedure("1.000002").await.unwrap().unwrap();
    renamed.name = "Chứng thực chữ ký".into();
    store.put_procedure(&renamed).await.unwrap();
    assert_eq!(store.procedure("1.000002").await.unwrap().unwrap().name, "Chứng thực chữ ký");
    assert!(store.procedures(search("ban sao")).await.unwrap().is_empty(), "the search key follows the name");
    // An import's batch: more than one batch write's worth, new and replaced, listed and
    // searchable like one put each; the same batch again changes nothing.
    let batch: Vec<_> = (0..60)
        .map(|i| {
            let mut p = procedure();
            p.code = format!("3.{i:06}");
            p.name = format!("Thủ tục nhập số {i}");
            p
        })
        .chain(std::iter::once(Procedure { name: "Chứng thực hợp đồng".into(), ..renamed.clone() }))
        .collect();
    store.put_procedures(&batch).await.unwrap();
    store.put_procedures(&batch).await.unwrap();
    let imported = ProcedureQuery { after: Some("2.999999".into()), limit: 100, ..ProcedureQuery::default() };
    assert_eq!(store.procedures(imported).await.unwrap().len(), 60);
    assert_eq!(store.procedure("3.000059").await.unwrap().unwrap().name, "Thủ tục nhập số 59");
    assert_eq!(store.procedure("1.000002").await.unwrap().unwrap().name, "Chứng thực hợp đồng");
    assert_eq!(store.procedures(search("nhap so 42")).await.unwrap()[0].code, "3.000042");

    let h = |y, m, d| Holiday { date: chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(), name: "Lễ".into() };
    store.put_holidays(2026, &[h(2026, 1, 1), h(2026, 9, 2)]).await.unwrap();
    store.put_holidays(2027, &[h(2027, 1, 1)]).await.unwrap();
    store.put_holidays(2026, &[h(2026, 4, 30)]).await.unwrap();
    let dates: Vec<String> = store.holidays().await.unwrap().iter().map(|h| h.date.to_string()).collect();
    assert_eq!(dates, ["2026-04-30", "2027-01-01"], "a year is replaced whole");

    for id in ["a.motcua", "b.motcua", "c.motcua"] {
        store.put_officer(&officer(id)).await.unwrap();
    }
    let first = store.officers(Some(&agency()), None, 2).await.unwrap();
    assert_eq!(first.iter().map(|o| o.id.to_string()).collect::<Vec<_>>(), ["a.motcua", "b.motcua"]);
    let rest = store.officers(Some(&agency()), Some("b.motcua"), 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert!(store.officers(Some(&province), None, 10).await.unwrap().is_empty());
    assert_eq!(store.officer(&OfficerId::parse("c.motcua").unwrap()).await.unwrap().unwrap().name, "C.MOTCUA");
}

pub async fn an_upload_is_attached_once_by_the_write_that_uses_it<S: Store>(store: S) {
    use motcua_domain::documents::{MediaType, Upload, UploadId, UploadState};
    let upload = crate::files::pending_upload(b"abc", MediaType::Pdf);
    store.announce(&upload).await.unwrap();
    assert_eq!(store.announce(&upload).await, Err(StoreError::Conflict), "an id is announced once");
    assert_eq!(store.upload(&upload.id).await.unwrap(), Some(upload.clone()));
    // A pending upload cannot be attached: the whole write fails.
    let attach = |commit: Commit, u: &Upload| Commit { attach: vec![u.clone()], ..commit };
    let with = |u: &Upload| -> BuildCreate {
        let u = u.clone();
        Box::new(move |c| attach(create_commit(c, None), &u))
    };
    let pending = store.create(&agency(), day(), with(&upload)).await;
    assert_eq!(pending.unwrap_err(), StoreError::Conflict);
    assert!(store.mark_stored(&upload.id).await.unwrap());
    assert!(!store.mark_stored(&upload.id).await.unwrap(), "only a pending upload is marked");
    let stored = Upload { state: UploadState::Stored, ..upload.clone() };
    let d = store.create(&agency(), day(), with(&stored)).await.unwrap();
    let held = store.upload(&upload.id).await.unwrap().unwrap();
    assert_eq!(held.state, UploadState::Attached { dossier: d.code.clone() });
    // A second filing with the same upload writes nothing.
    let again = store.create(&agency(), day(), with(&stored)).await;
    assert_eq!(again.unwrap_err(), StoreError::Conflict);
    let missing = UploadId::from_random(rand::random());
    assert_eq!(store.upload(&missing).await.unwrap(), None);
    assert!(!store.mark_stored(&missing).await.unwrap());
}

pub async fn stored_documents_are_kept_with_the_write_and_read_by_their_owner_only<S: Store>(store: S) {
    use motcua_domain::contact::{CitizenId, TaxCode};
    use motcua_domain::documents::{Origin, Owner, Particulars, Provenance, StoredDocument};
    let owner = Owner::Citizen(CitizenId::parse("079203001234").unwrap());
    let other = Owner::Organisation(TaxCode::parse("0101234567").unwrap());
    let document = |bytes: &[u8], minutes: i64, owner: &Owner| {
        let file = crate::files::pending_upload(bytes, motcua_domain::documents::MediaType::Pdf).file();
        StoredDocument {
            id: file.id.clone(),
            owner: owner.clone(),
            name: "Giấy khai sinh".into(),
            particulars: Particulars { number: Some("12/2020".into()), ..Default::default() },
            provenance: Provenance {
                origin: Origin::Digitised,
                dossier: DossierCode::parse("000.00.03.H56-260302-0001").unwrap(),
                procedure_code: "1.001193".into(),
                recorded_by: Some(OfficerId::parse("tuphap.motcua").unwrap()),
                recorded_at: Utc::now() + Duration::minutes(minutes),
            },
            file,
        }
    };
    let (first, second, theirs) = (document(b"a", 0, &owner), document(b"b", 5, &owner), document(b"c", 1, &other));
    let keep = |docs: Vec<StoredDocument>| -> BuildCreate {
        Box::new(move |c| Commit { keep: docs.clone(), ..create_commit(c, None) })
    };
    store.create(&agency(), day(), keep(vec![first.clone(), theirs.clone()])).await.unwrap();
    store.create(&agency(), day(), keep(vec![second.clone(), first.clone()])).await.unwrap();
    assert_eq!(
        store.stored_documents(&owner, 10).await.unwrap(),
        [second.clone(), first.clone()],
        "latest first, once"
    );
    assert_eq!(store.stored_documents(&owner, 1).await.unwrap(), std::slice::from_ref(&second));
    assert_eq!(store.stored_document(&owner, &first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(store.stored_document(&other, &first.id).await.unwrap(), None, "someone else's is not found");
    assert_eq!(store.stored_documents(&other, 10).await.unwrap(), [theirs]);
    // A write that fails (its upload was never stored) keeps nothing.
    let lost = document(b"d", 9, &owner);
    let pending = crate::files::pending_upload(b"d", motcua_domain::documents::MediaType::Pdf);
    store.announce(&pending).await.unwrap();
    let failing: BuildCreate =
        Box::new(move |c| Commit { keep: vec![lost.clone()], attach: vec![pending.clone()], ..create_commit(c, None) });
    assert_eq!(store.create(&agency(), day(), failing).await.unwrap_err(), StoreError::Conflict);
    assert_eq!(store.stored_documents(&owner, 10).await.unwrap().len(), 2);
}

/// A tally of `counts` under (`day` of March 2026, the contract's agency, `2.000488`, `officer`).
fn tally_of(day: u32, officer: Option<&str>, counts: &[(Measure, i64)]) -> Tally {
    Tally {
        key: TallyKey {
            day: chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            agency: agency(),
            procedure: "2.000488".into(),
            officer: officer.map(|o| OfficerId::parse(o).unwrap()),
        },
        counts: counts.iter().copied().collect(),
    }
}

pub async fn report_counters_sum_what_the_commits_tallied<S: Store>(store: S) {
    use Measure as M;
    let home = Agency {
        code: agency(),
        name: "Sở Tư pháp".into(),
        parent: None,
        level: AgencyLevel::Province,
        address: "Nha Trang".into(),
        working_hours: Default::default(),
        external: false,
    };
    store.put_agency(&home).await.unwrap();
    let opened = vec![
        tally_of(2, None, &[(M::ReceivedOnline, 1), (M::WithinDelta, 1)]),
        tally_of(6, None, &[(M::WithinDelta, -1), (M::OverdueDelta, 1)]),
        // Days of February and April: a range across months adds whole months and days.
        Tally {
            key: TallyKey { day: NaiveDate::from_ymd_opt(2026, 2, 27).unwrap(), ..tally_of(1, None, &[]).key },
            counts: [(M::ReceivedPostal, 1)].into_iter().collect(),
        },
        Tally {
            key: TallyKey { day: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(), ..tally_of(1, None, &[]).key },
            counts: [(M::ReceivedDirect, 1)].into_iter().collect(),
        },
    ];
    let build = move |c| Commit { tally: opened.clone(), ..create_commit(c, None) };
    let d = store.create(&agency(), day(), Box::new(build)).await.unwrap();
    let mut next = d.clone();
    (next.version, next.events) = (d.version + 1, d.events + 1);
    let finished = vec![
        tally_of(4, None, &[(M::ResolvedEarly, 1), (M::WithinDelta, -1), (M::StepsEarly, 1), (M::StepMinutes, 300)]),
        tally_of(6, None, &[(M::WithinDelta, 1), (M::OverdueDelta, -1)]),
        tally_of(4, Some("tuphap.chuyenvien"), &[(M::StepsEarly, 1), (M::StepMinutes, 300)]),
    ];
    let commit = Commit {
        expected_version: Some(d.version),
        event: event(1, Status::Resolved),
        outbox: vec![],
        idempotency: None,
        tally: finished,
        ..create_commit(d.code.clone(), None)
    };
    store.commit(Commit { dossier: next, ..commit }).await.unwrap();
    store.catch_up(&d.code).await;

    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let sum = |from: Option<u32>, to: u32, officers: bool| {
        let query =
            TallyQuery { agencies: Some(vec![agency()]), from: from.map(day), to: day(to), officers, measures: None };
        let store = store.clone();
        async move { store.summed(&query).await.unwrap() }
    };
    let only = |summed: Vec<motcua_domain::reports::Summed>| {
        assert!(summed.len() <= 1, "one agency, one procedure: {summed:?}");
        summed.into_iter().next().map(|s| s.counts).unwrap_or_default()
    };
    let counts = |pairs: &[(Measure, i64)]| pairs.iter().copied().collect::<Counts>();
    assert_eq!(
        only(sum(None, 3, false).await),
        counts(&[(M::ReceivedPostal, 1), (M::ReceivedOnline, 1), (M::WithinDelta, 1)])
    );
    assert_eq!(
        only(sum(None, 31, false).await),
        counts(&[
            (M::ReceivedPostal, 1),
            (M::ReceivedOnline, 1),
            (M::ResolvedEarly, 1),
            (M::StepsEarly, 1),
            (M::StepMinutes, 300)
        ]),
        "counted once, though the stream delivered twice"
    );
    assert_eq!(
        only(sum(Some(3), 5, false).await),
        counts(&[(M::ResolvedEarly, 1), (M::WithinDelta, -1), (M::StepsEarly, 1), (M::StepMinutes, 300)])
    );
    // Across months: whole March from the monthly counters, the ends from the daily ones.
    let range = |from: NaiveDate, to: NaiveDate, measures: Option<Vec<Measure>>| {
        let query = TallyQuery { agencies: None, from: Some(from), to, officers: false, measures };
        let store = store.clone();
        async move { only(store.summed(&query).await.unwrap()) }
    };
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let march = counts(&[(M::ReceivedOnline, 1), (M::ResolvedEarly, 1), (M::StepsEarly, 1), (M::StepMinutes, 300)]);
    assert_eq!(range(date(3, 1), date(3, 31), None).await, march);
    let mut with_february = march.clone();
    with_february.add(M::ReceivedPostal, 1);
    assert_eq!(range(date(2, 27), date(4, 1), None).await, with_february);
    assert_eq!(range(date(2, 28), date(4, 1), None).await, march);
    let mut all = with_february.clone();
    all.add(M::ReceivedDirect, 1);
    assert_eq!(range(date(1, 1), date(4, 30), None).await, all);
    assert_eq!(range(date(4, 3), date(4, 30), None).await, Counts::new());
    // Only the measures asked for.
    let in_hand = Some(vec![M::WithinDelta, M::OverdueDelta, M::ReceivedOnline]);
    assert_eq!(range(date(3, 1), date(3, 3), in_hand).await, counts(&[(M::WithinDelta, 1), (M::ReceivedOnline, 1)]));
    let officers = sum(Some(1), 31, true).await;
    assert_eq!(officers.len(), 1);
    assert_eq!(officers[0].officer.as_ref().map(|o| o.as_str()), Some("tuphap.chuyenvien"));
    assert_eq!(officers[0].counts, counts(&[(M::StepsEarly, 1), (M::StepMinutes, 300)]));
    let elsewhere = TallyQuery {
        agencies: Some(vec![AgencyCode::parse("000.00.04.H56").unwrap()]),
        from: None,
        to: day(31),
        officers: false,
        measures: None,
    };
    assert!(store.summed(&elsewhere).await.unwrap().is_empty());
    assert!(store
        .summed(&TallyQuery { agencies: None, ..elsewhere })
        .await
        .unwrap()
        .iter()
        .any(|s| s.agency == agency()));
}
