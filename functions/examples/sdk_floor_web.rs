//! The floor of the `web` function (docs/performance.md): `lambda_http`, the DynamoDB client
//! reading as the pages read the catalogue (`GetItem`, `Query`), the Lambda client invoking a
//! function with a request's event as the pages invoke the families' (`Invoke`), a secret read
//! from Secrets Manager at init (`floor/secret.rs`), and nothing of motcua. The `web` package is
//! compared with this one's.

#[path = "floor/secret.rs"]
mod secret;
#[path = "floor/warm_up.rs"]
mod warm_up;

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{service_fn, Body, Error, Request, Response};

struct Clients {
    table: aws_sdk_dynamodb::Client,
    functions: aws_sdk_lambda::Client,
}

async fn handle(clients: &Clients, request: Request) -> Result<Response<Body>, Error> {
    let table = std::env::var("MOTCUA_TABLE")?;
    let key = AttributeValue::S(request.uri().path().to_owned());
    let found = match request.method().as_str() {
        "GET" => {
            let get =
                clients.table.get_item().table_name(&table).key("pk", key).key("sk", AttributeValue::S("#".into()));
            get.send().await?.item.is_some()
        }
        "HEAD" => {
            let query = clients.table.query().table_name(&table).key_condition_expression("pk = :k");
            query.expression_attribute_values(":k", key).send().await?.count > 0
        }
        _ => {
            let event = format!("{{\"rawPath\": {:?}}}", request.uri().path());
            let function = std::env::var("MOTCUA_FUNCTION_QUERY")?;
            let invoke = clients.functions.invoke().function_name(function);
            let answer = invoke.payload(aws_sdk_lambda::primitives::Blob::new(event)).send().await?;
            answer.function_error().is_none()
        }
    };
    Ok(Response::builder().status(if found { 200 } else { 404 }).body(Body::Empty)?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let _key = secret::read(&config).await;
    let clients =
        Clients { table: aws_sdk_dynamodb::Client::new(&config), functions: aws_sdk_lambda::Client::new(&config) };
    warm_up::warm_up(&clients.table).await;
    lambda_http::run(service_fn(|request| handle(&clients, request))).await
}
