//! The package-size floor of `receipts` (docs/performance.md): `lambda_runtime` with the
//! DynamoDB client making the kinds of requests `receipts` makes (`GetItem`, `UpdateItem`,
//! `TransactWriteItems`), and nothing of motcua.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

async fn handle(client: &aws_sdk_dynamodb::Client, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let table = std::env::var("MOTCUA_TABLE")?;
    let key = AttributeValue::S(event.payload["id"].as_str().unwrap_or_default().to_owned());
    match event.payload["kind"].as_str() {
        Some("settle") => {
            client.update_item().table_name(&table).key("pk", key.clone()).key("sk", key).send().await?;
        }
        Some("fallback") => {
            let put = Put::builder().table_name(&table).item("pk", key.clone()).item("sk", key).build()?;
            client.transact_write_items().transact_items(TransactWriteItem::builder().put(put).build()).send().await?;
        }
        _ => {
            client.get_item().table_name(&table).key("pk", key.clone()).key("sk", key).send().await?;
        }
    }
    Ok(Value::Null)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    lambda_runtime::run(service_fn(|event| handle(&client, event))).await
}
