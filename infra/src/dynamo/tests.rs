//! The DynamoDB store against the store contract, on `moto_server` (a new table per test).

use super::{create_table, DynamoStore};
use crate::aws;

async fn fresh() -> (DynamoStore, ()) {
    let config = aws::local_config(&aws::moto_endpoint());
    let client = aws_sdk_dynamodb::Client::new(&config);
    let store = create_table(&client, &aws::unique_table("contract")).await.unwrap().keying_owners(server_key());
    store.warm_up().await.unwrap();
    (store, ())
}

fn server_key() -> std::sync::Arc<[u8]> {
    b"a server key of at least thirty-two characters".as_slice().into()
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

/// The third backfill: documents an older release kept under the unkeyed hash of their owner
/// are read there until moved, then moved to the owner's keyed partition, once; a store without
/// the key refuses the document store instead of guessing.
#[tokio::test]
async fn a_backfill_moves_stored_documents_to_their_owners_keyed_partition() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use motcua_domain::contact::CitizenId;
    use motcua_domain::documents::{Origin, Owner, Particulars, Provenance, StoredDocument};
    use motcua_domain::ports::{DossierStore, StoreError, StoredDocuments};

    use super::backfill::{DocumentStoreKeyed, Progress};
    use crate::contract::fixtures::{agency, create_commit, day};
    let (store, ()) = fresh().await;
    let owner = Owner::Citizen(CitizenId::parse("079203001234").unwrap());
    let document = |bytes: &[u8]| {
        let file = crate::files::pending_upload(bytes, motcua_domain::documents::MediaType::Pdf).file();
        StoredDocument {
            id: file.id.clone(),
            owner: owner.clone(),
            name: "Giấy khai sinh".into(),
            particulars: Particulars::default(),
            provenance: Provenance {
                origin: Origin::Digitised,
                dossier: motcua_domain::codes::DossierCode::parse("000.00.03.H56-260302-0001").unwrap(),
                procedure_code: "1.001193".into(),
                recorded_by: None,
                recorded_at: chrono::Utc::now(),
            },
            file,
        }
    };
    let (old, new) = (document(b"old"), document(b"new"));
    let keep = vec![old.clone(), new.clone()];
    store
        .create(
            &agency(),
            day(),
            Box::new(move |c| motcua_domain::ports::Commit { keep: keep.clone(), ..create_commit(c, None) }),
        )
        .await
        .unwrap();
    let partition_of = |id: &str| {
        let store = store.clone();
        let sk = format!("{}{id}", super::keys::STORED_PREFIX);
        async move {
            let items = store.client().scan().table_name(store.table()).send().await.unwrap().items.unwrap_or_default();
            items
                .into_iter()
                .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()) == Some(&sk))
                .map(|i| i["pk"].as_s().unwrap().clone())
                .collect::<Vec<_>>()
        }
    };
    let keyed = super::keys::stored_documents(&owner.digest(&server_key()));
    let legacy = super::keys::legacy_stored_documents(&owner);
    assert_eq!(partition_of(old.id.as_str()).await, std::slice::from_ref(&keyed), "kept under the keyed digest");
    assert!(!keyed.contains(&legacy[2..]), "nothing of the unkeyed hash in the key");
    // As an older release left it: the same item under the unkeyed hash.
    let (from, to) =
        (super::keys::stored_document(&keyed, old.id.as_str()), super::keys::stored_document(&legacy, old.id.as_str()));
    let mut item = store
        .client()
        .get_item()
        .table_name(store.table())
        .set_key(Some(super::items::key(from.clone())))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    item.insert("pk".into(), AttributeValue::S(to.0.clone()));
    store.client().put_item().table_name(store.table()).set_item(Some(item)).send().await.unwrap();
    store.client().delete_item().table_name(store.table()).set_key(Some(super::items::key(from))).send().await.unwrap();
    assert_eq!(store.stored_documents(&owner, 10).await.unwrap().len(), 2, "read in both partitions meanwhile");
    assert_eq!(store.stored_document(&owner, &old.id).await.unwrap(), Some(old.clone()));

    let dir = tempfile::tempdir().unwrap();
    let quiet = |_: &Progress| {};
    let rewrite = DocumentStoreKeyed { server_key: server_key() };
    let done = store.backfill(&rewrite, &dir.path().join("documents.json"), 100, None, &quiet).await.unwrap();
    assert_eq!((done.rewritten, done.skipped, done.finished), (1, 0, true), "{done:?}");
    assert_eq!(partition_of(old.id.as_str()).await, std::slice::from_ref(&keyed), "moved, not copied");
    assert_eq!(partition_of(new.id.as_str()).await, [keyed], "the keyed one left alone");
    let mut listed = store.stored_documents(&owner, 10).await.unwrap();
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    let mut both = vec![old.clone(), new];
    both.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, both);
    let again = store.backfill(&rewrite, &dir.path().join("again.json"), 100, None, &quiet).await.unwrap();
    assert_eq!(again.rewritten, 0, "a second run finds nothing to move");

    let unkeyed = DynamoStore::new(store.client().clone(), store.table());
    assert!(matches!(unkeyed.stored_documents(&owner, 10).await, Err(StoreError::Unavailable(_))));
}
