//! Contract clauses for payment transactions: opened once per reference, listed while open,
//! settled as paid by the commit that confirms them (together or not at all) and only
//! while open; ended alone (failed, or paid without moving the dossier) at most once.

use chrono::{Duration, Utc};
use motcua_domain::lifecycle::Status;
use motcua_domain::payment::{Transaction, TransactionState};
use motcua_domain::ports::{Commit, StoreError};

use super::fixtures::*;
use super::Store;

fn open(code: &motcua_domain::codes::DossierCode, attempt: u32, minutes_ago: i64) -> Transaction {
    Transaction::open(code, attempt, 50_000, Utc::now() - Duration::minutes(minutes_ago))
}

pub async fn payment_transactions_settle_with_their_commit_once<S: Store>(store: S) {
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    let first = open(&d.code, 1, 30);
    let second = open(&d.code, 2, 1);
    store.open_transaction(&first).await.unwrap();
    store.open_transaction(&second).await.unwrap();
    assert_eq!(store.open_transaction(&first).await, Err(StoreError::Conflict), "a reference is opened once");
    assert_eq!(store.transaction(&first.reference).await.unwrap(), Some(first.clone()));
    assert_eq!(store.transaction("nothing").await.unwrap(), None);
    let listed = store.open_transactions(Utc::now() - Duration::minutes(15), 10).await.unwrap();
    assert_eq!(listed, vec![first.clone()], "open for more than 15 minutes: only the first");

    // The confirming commit settles it; a stale one writes neither.
    let paid = first.paid("GD1", "VCB", Utc::now());
    let mut next = d.clone();
    (next.version, next.events, next.status) = (d.version + 1, d.events + 1, Status::Received);
    let confirm = |expected| Commit {
        settle: Some(paid.clone()),
        ..transition(next.clone(), expected, event(1, Status::Received))
    };
    assert_eq!(store.commit(confirm(9)).await, Err(StoreError::Conflict));
    assert_eq!(store.transaction(&first.reference).await.unwrap().unwrap().state, TransactionState::Created);
    store.commit(confirm(d.version)).await.unwrap();
    assert_eq!(store.transaction(&first.reference).await.unwrap(), Some(paid.clone()));
    assert!(store.open_transactions(Utc::now(), 10).await.unwrap().iter().all(|t| t.reference != first.reference));
    // Settling it again (a second callback racing the first) writes nothing.
    let mut later = next.clone();
    (later.version, later.events) = (next.version + 1, next.events + 1);
    let again = Commit {
        dossier: later,
        expected_version: Some(next.version),
        event: event(2, Status::Received),
        ..confirm(next.version)
    };
    assert_eq!(store.commit(again).await, Err(StoreError::Conflict));
    assert_eq!(store.history(&d.code).await.unwrap().len(), 2);

    assert!(!store.close_transaction(&first.failed(Utc::now())).await.unwrap(), "paid stays paid");
    let failed = second.failed(Utc::now());
    assert!(store.close_transaction(&failed).await.unwrap());
    assert!(!store.close_transaction(&second.paid("GD2", "BIDV", Utc::now())).await.unwrap(), "ended once");
    assert_eq!(store.transaction(&second.reference).await.unwrap(), Some(failed));
    let all = store.transactions_of(&d.code).await.unwrap();
    assert_eq!(all.iter().map(|t| t.state).collect::<Vec<_>>(), [TransactionState::Paid, TransactionState::Failed]);
    assert!(store.open_transactions(Utc::now(), 10).await.unwrap().is_empty());

    // A payment that reaches a dossier it can no longer move is kept, paid, with why.
    let third = open(&d.code, 3, 0);
    store.open_transaction(&third).await.unwrap();
    let kept = Transaction { unapplied: Some("withdrawn".into()), ..third.paid("GD3", "VCB", Utc::now()) };
    assert!(store.close_transaction(&kept).await.unwrap());
    assert_eq!(store.transaction(&third.reference).await.unwrap(), Some(kept));
}
