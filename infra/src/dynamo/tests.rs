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
