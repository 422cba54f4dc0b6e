//! Contract clauses for payment transactions: opened once per reference, listed while open,
//! settled as paid only by the commit that confirms them (together or not at all) and only
//! while open, failed at most once.

use chrono::{Duration, Utc};
use motcua_domain::lifecycle::Status;
use motcua_domain::payment::{reference_for, Transaction, TransactionState};
use motcua_domain::ports::{Commit, StoreError};

use super::fixtures::*;
use super::Store;

fn open(code: &motcua_domain::codes::DossierCode, attempt: u32, minutes_ago: i64) -> Transaction {
    Transaction {
        reference: reference_for(code, attempt),
        dossier: code.clone(),
        amount_vnd: 50_000,
        state: TransactionState::Created,
        created_at: Utc::now() - Duration::minutes(minutes_ago),
        settled_at: None,
        platform_id: None,
        bank: None,
    }
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
    let paid = Transaction {
        state: TransactionState::Paid,
        settled_at: Some(Utc::now()),
        platform_id: Some("GD1".into()),
        bank: Some("VCB".into()),
        ..first.clone()
    };
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

    assert!(!store.fail_transaction(&first.reference, Utc::now()).await.unwrap(), "paid stays paid");
    assert!(store.fail_transaction(&second.reference, Utc::now()).await.unwrap());
    assert!(!store.fail_transaction(&second.reference, Utc::now()).await.unwrap(), "failed once");
    let all = store.transactions_of(&d.code).await.unwrap();
    assert_eq!(all.iter().map(|t| t.state).collect::<Vec<_>>(), [TransactionState::Paid, TransactionState::Failed]);
    assert!(store.open_transactions(Utc::now(), 10).await.unwrap().is_empty());
}
