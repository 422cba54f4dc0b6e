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
