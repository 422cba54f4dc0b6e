//! The floor of an HTTP function that keeps files (docs/performance.md): `sdk_floor_http`'s
//! `lambda_http` and DynamoDB client with its requests, plus the S3 client configured and used
//! as `infra/src/files/s3.rs` uses it (presigned `PUT` and `GET`, `HeadObject` with checksums,
//! range `GetObject`, `CopyObject`, `DeleteObject`), the secret read at init, and nothing of
//! motcua. `submit`, `receive`, `approve`, `query` and `web` are compared with this one.

#[path = "floor/secret.rs"]
mod secret;
#[path = "floor/warm_up.rs"]
mod warm_up;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use lambda_http::{service_fn, Body, Error, Request, Response};

struct Clients {
    table: aws_sdk_dynamodb::Client,
    files: aws_sdk_s3::Client,
}

async fn handle(c: &Clients, request: Request) -> Result<Response<Body>, Error> {
    let table = std::env::var("MOTCUA_TABLE")?;
    let bucket = std::env::var("MOTCUA_BUCKET")?;
    let path = request.uri().path().to_owned();
    let key = AttributeValue::S(path.clone());
    let sort = AttributeValue::S("#DOSSIER".into());
    let window = PresigningConfig::expires_in(std::time::Duration::from_secs(300))?;
    let found = match request.method().as_str() {
        "GET" => c.table.get_item().table_name(&table).key("pk", key).key("sk", sort).send().await?.item.is_some(),
        "HEAD" => {
            let query = c.table.query().table_name(&table).key_condition_expression("pk = :k");
            query.expression_attribute_values(":k", key).send().await?.count > 0
        }
        "PATCH" => {
            let update = c.table.update_item().table_name(&table).key("pk", key).key("sk", sort);
            update.send().await?.attributes.is_some()
        }
        "PUT" => {
            let put = c.files.put_object().bucket(&bucket).key(&path).content_length(1).content_type("application/pdf");
            let put = put.checksum_algorithm(ChecksumAlgorithm::Sha256).checksum_sha256("AAAA");
            !put.presigned(window).await?.uri().is_empty()
        }
        "OPTIONS" => {
            let head = c.files.head_object().bucket(&bucket).key(&path).checksum_mode(ChecksumMode::Enabled);
            let size = head.send().await?.content_length().unwrap_or(0);
            let got = c.files.get_object().bucket(&bucket).key(&path).range("bytes=0-9").send().await?;
            size > 0 && !got.body.collect().await?.into_bytes().is_empty()
        }
        "DELETE" => {
            let copy = c.files.copy_object().bucket(&bucket).key(format!("{path}.copy")).copy_source(&path);
            copy.checksum_algorithm(ChecksumAlgorithm::Sha256).send().await?;
            c.files.delete_object().bucket(&bucket).key(&path).send().await?;
            let get = c.files.get_object().bucket(&bucket).key(&path).response_content_disposition("attachment");
            !get.presigned(window).await?.uri().is_empty()
        }
        _ => {
            let put = Put::builder().table_name(&table).item("pk", key).item("sk", sort).build()?;
            c.table.transact_write_items().transact_items(TransactWriteItem::builder().put(put).build()).send().await?;
            true
        }
    };
    Ok(Response::builder().status(if found { 200 } else { 404 }).body(Body::Empty)?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let _key = secret::read(&config).await;
    let s3 = aws_sdk_s3::config::Builder::from(&config)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
    let clients =
        Clients { table: aws_sdk_dynamodb::Client::new(&config), files: aws_sdk_s3::Client::from_conf(s3.build()) };
    warm_up::warm_up(&clients.table).await;
    lambda_http::run(service_fn(|request| handle(&clients, request))).await
}
