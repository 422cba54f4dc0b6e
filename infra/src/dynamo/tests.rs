//! The DynamoDB store against the store contract, on `moto_server` (a new table per test).

use super::{create_table, DynamoStore};
use crate::aws;

async fn fresh() -> (DynamoStore, ()) {
    let config = aws::local_config(&aws::moto_endpoint());
    let client = aws_sdk_dynamodb::Client::new(&config);
    let store = create_table(&client, &aws::unique_table("contract")).await.unwrap();
    store.warm_up().await.unwrap();
    (store, ())
}

crate::store_contract!(fresh().await);

#[tokio::test]
async fn creating_the_table_twice_is_harmless() {
    let (store, ()) = fresh().await;
    create_table(store.client(), store.table()).await.unwrap();
}

#[tokio::test]
async fn a_queue_without_agency_or_assignee_is_refused_rather_than_scanned() {
    use motcua_domain::ports::{DossierStore, QueueQuery};
    let (store, ()) = fresh().await;
    assert!(store.queue(QueueQuery { limit: 10, ..QueueQuery::default() }).await.is_err());
}

#[tokio::test]
async fn a_counter_behind_the_dossiers_skips_the_taken_codes() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use motcua_domain::ports::DossierStore;

    use crate::contract::fixtures::{agency, create_commit, day};
    let (store, ()) = fresh().await;
    for _ in 0..3 {
        store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    }
    // As after restoring the counter item from an older backup.
    let (pk, sk) = super::keys::sequence(&agency(), "2026-03-02");
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("pk", AttributeValue::S(pk))
        .item("sk", AttributeValue::S(sk))
        .item("last", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    let d = store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    assert_eq!(d.code.sequence(), 4, "codes 2 and 3 are taken, so the filing gets 4");
}

/// The first backfill: messages made final before the `OUTBOX#FINAL` list existed are put on
/// it, a page at a time, resuming from the checkpoint; then retention finds them.
#[tokio::test]
async fn a_backfill_lists_final_messages_of_the_older_layout_and_resumes() {
    use chrono::{Duration, Utc};
    use motcua_domain::notify::delivery::Settlement;
    use motcua_domain::notify::DeliveryState;
    use motcua_domain::ports::{DossierStore, Outbox};

    use super::backfill::{FinalMessagesListed, Progress};
    use crate::contract::fixtures::{agency, create_commit, day};
    let (store, ()) = fresh().await;
    for _ in 0..3 {
        store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap();
    }
    let now = Utc::now() + Duration::seconds(1);
    let messages = store.pending(now, 100).await.unwrap();
    assert!(!messages.is_empty());
    for m in &messages {
        store.claim(&m.message.id, now, now + Duration::minutes(1)).await.unwrap().unwrap();
        let delivered = Settlement {
            state: DeliveryState::Delivered,
            provider_id: Some(format!("p-{}", m.message.id)),
            error: None,
            retry_at: None,
            deadline: None,
            follow_up: None,
        };
        assert!(store.settle(&m.message.id, &delivered).await.unwrap());
        // As an older release left it: final, on no list.
        let key = super::items::key(super::keys::message(&m.message.dossier_code, &m.message.id));
        store
            .client()
            .update_item()
            .table_name(store.table())
            .set_key(Some(key))
            .update_expression("REMOVE gsi1pk, gsi1sk")
            .send()
            .await
            .unwrap();
    }
    let later = now + Duration::days(100);
    assert_eq!(store.redact_final(later, later, 100).await.unwrap(), 0, "not listed: retention cannot see them");

    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("final-messages.json");
    let quiet = |_: &Progress| {};
    let first = store.backfill(&FinalMessagesListed, &checkpoint, 2, Some(2), &quiet).await.unwrap();
    assert_eq!((first.pages, first.finished), (2, false), "{first:?}");
    assert!(first.resume.is_some() && checkpoint.exists());
    let done = store.backfill(&FinalMessagesListed, &checkpoint, 2, None, &quiet).await.unwrap();
    assert!(done.finished && done.pages > 2);
    assert_eq!(done.rewritten, messages.len() as u64, "each message once, across both runs: {done:?}");
    let again = store.backfill(&FinalMessagesListed, &checkpoint, 2, None, &quiet).await.unwrap();
    assert_eq!(again, done, "a finished backfill does nothing");
    let fresh_run = store.backfill(&FinalMessagesListed, &dir.path().join("again.json"), 100, None, &quiet).await;
    assert_eq!(fresh_run.unwrap().rewritten, 0, "every message is in the new shape");
    assert_eq!(store.redact_final(later, later, 100).await.unwrap(), messages.len());
}

/// The second backfill: the applicant index's keys an older release wrote on each dossier (the
/// unkeyed hash of a citizen ID) are removed, and new dossiers never get them.
#[tokio::test]
async fn a_backfill_removes_the_applicant_index_keys_of_the_older_layout() {
    use motcua_domain::ports::DossierStore;

    use super::backfill::{ApplicantIndexDropped, Progress};
    use crate::contract::fixtures::{agency, create_commit, day};
    let (store, ()) = fresh().await;
    let mut codes = vec![];
    for _ in 0..3 {
        codes.push(store.create(&agency(), day(), Box::new(|c| create_commit(c, None))).await.unwrap().code);
    }
    let item = |code: &motcua_domain::codes::DossierCode| {
        let key = super::items::key(super::keys::dossier(code));
        let store = store.clone();
        async move {
            store.client().get_item().table_name(store.table()).set_key(Some(key)).send().await.unwrap().item.unwrap()
        }
    };
    assert!(!item(&codes[0]).await.contains_key("gsi4pk"), "new dossiers carry no applicant key");
    // As an older release left them.
    for code in &codes[..2] {
        store
            .client()
            .update_item()
            .table_name(store.table())
            .set_key(Some(super::items::key(super::keys::dossier(code))))
            .update_expression("SET gsi4pk = :pk, gsi4sk = :sk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S("AP#0123456789abcdef".into()),
            )
            .expression_attribute_values(":sk", aws_sdk_dynamodb::types::AttributeValue::S(format!("2026#{code}")))
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let quiet = |_: &Progress| {};
    let done =
        store.backfill(&ApplicantIndexDropped, &dir.path().join("applicants.json"), 100, None, &quiet).await.unwrap();
    assert_eq!((done.rewritten, done.finished), (2, true), "{done:?}");
    for code in &codes {
        let kept = item(code).await;
        assert!(!kept.contains_key("gsi4pk") && !kept.contains_key("gsi4sk"), "{code}");
        assert!(store.get(code).await.unwrap().is_some(), "the dossier itself untouched");
    }
}
