//! What every floor does at init, as the real functions do: opens the connection to DynamoDB
//! with one `GetItem`.

use aws_sdk_dynamodb::types::AttributeValue;

/// Opens the connection during init.
pub async fn warm_up(client: &aws_sdk_dynamodb::Client) {
    let table = std::env::var("MOTCUA_TABLE").unwrap_or_default();
    let key = |v: &str| AttributeValue::S(v.into());
    let _ = client.get_item().table_name(table).key("pk", key("WARM-UP")).key("sk", key("#WARM-UP")).send().await;
}
