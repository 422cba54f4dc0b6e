//! The package-size floor of `notify` (docs/performance.md): `lambda_runtime` with the DynamoDB,
//! SNS and SES clients making the kinds of requests `notify` makes (`Query`, `UpdateItem`,
//! `TransactWriteItems`; SNS `Publish`; SES `SendEmail`), a secret read from Secrets Manager at init
//! (`floor/secret.rs`), and nothing of motcua.

#[path = "floor/secret.rs"]
mod secret;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_ses::types::{Body, Content, Destination, Message};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

struct Clients {
    dynamodb: aws_sdk_dynamodb::Client,
    sns: aws_sdk_sns::Client,
    ses: aws_sdk_ses::Client,
}

async fn handle(c: &Clients, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let table = std::env::var("MOTCUA_TABLE")?;
    let text = event.payload["text"].as_str().unwrap_or_default().to_owned();
    let key = AttributeValue::S(text.clone());
    match event.payload["kind"].as_str() {
        Some("sms") => {
            c.sns.publish().phone_number(&text).message(&text).send().await?;
        }
        Some("email") => {
            let content = Content::builder().data(&text).build()?;
            let message =
                Message::builder().subject(content.clone()).body(Body::builder().text(content).build()).build();
            let to = Destination::builder().to_addresses(&text).build();
            c.ses.send_email().source(&text).destination(to).message(message).send().await?;
        }
        Some("claim") => {
            c.dynamodb.update_item().table_name(&table).key("pk", key.clone()).key("sk", key).send().await?;
        }
        Some("settle") => {
            let put = Put::builder().table_name(&table).item("pk", key.clone()).item("sk", key).build()?;
            c.dynamodb
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().put(put).build())
                .send()
                .await?;
        }
        _ => {
            let q = c.dynamodb.query().table_name(&table).key_condition_expression("pk = :k");
            q.expression_attribute_values(":k", key).send().await?;
        }
    }
    Ok(Value::Null)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let _key = secret::read(&config).await;
    let clients = Clients {
        dynamodb: aws_sdk_dynamodb::Client::new(&config),
        sns: aws_sdk_sns::Client::new(&config),
        ses: aws_sdk_ses::Client::new(&config),
    };
    lambda_runtime::run(service_fn(|event| handle(&clients, event))).await
}
