//! The floor of an HTTP function (docs/performance.md): `lambda_http` and the DynamoDB client
//! making the same kinds of requests as the real functions (`GetItem`, `Query`, `UpdateItem`,
//! `PutItem`, `TransactWriteItems`), a secret read from Secrets Manager at init
//! (`floor/secret.rs`), and nothing of motcua. A real function's package is
//! compared with this one's; and this one's init, which like the real ones opens the connection
//! to DynamoDB with one `GetItem`, is the floor of theirs.

#[path = "floor/secret.rs"]
mod secret;
#[path = "floor/warm_up.rs"]
mod warm_up;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use lambda_http::{service_fn, Body, Error, Request, Response};

async fn handle(client: &aws_sdk_dynamodb::Client, request: Request) -> Result<Response<Body>, Error> {
    let table = std::env::var("MOTCUA_TABLE")?;
    let key = AttributeValue::S(request.uri().path().to_owned());
    let sort = AttributeValue::S("#DOSSIER".into());
    let found = match request.method().as_str() {
        "GET" => client.get_item().table_name(&table).key("pk", key).key("sk", sort).send().await?.item.is_some(),
        "HEAD" => {
            let query = client.query().table_name(&table).key_condition_expression("pk = :k");
            query.expression_attribute_values(":k", key).send().await?.count > 0
        }
        "PATCH" => {
            let update = client.update_item().table_name(&table).key("pk", key).key("sk", sort);
            update.send().await?.attributes.is_some()
        }
        "PUT" => {
            client.put_item().table_name(&table).item("pk", key).item("sk", sort).send().await?.attributes.is_some()
        }
        _ => {
            let put = Put::builder().table_name(&table).item("pk", key).item("sk", sort).build()?;
            client.transact_write_items().transact_items(TransactWriteItem::builder().put(put).build()).send().await?;
            true
        }
    };
    Ok(Response::builder().status(if found { 200 } else { 404 }).body(Body::Empty)?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let _key = secret::read(&config).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    warm_up::warm_up(&client).await;
    lambda_http::run(service_fn(|request| handle(&client, request))).await
}
