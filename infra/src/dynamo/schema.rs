//! Creating the table (for tests, `motcua serve --store dynamodb --create-table`, and local
//! DynamoDB-compatible servers). On AWS the SAM template creates the same table.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use motcua_domain::ports::{StoreError, StoreResult};

use super::keys::{Index, PK, SK};
use super::{failure, DynamoStore};

/// The TTL attribute: epoch seconds after which DynamoDB may delete an item it is set on.
pub const EXPIRES_AT: &str = "expires_at";

fn key(name: &str, kind: KeyType) -> StoreResult<KeySchemaElement> {
    KeySchemaElement::builder().attribute_name(name).key_type(kind).build().map_err(invalid)
}

fn string_attribute(name: &str) -> StoreResult<AttributeDefinition> {
    AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build().map_err(invalid)
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("invalid table definition: {e}"))
}

/// Creates the table on demand with its indexes, a `KEYS_ONLY` stream and the TTL attribute,
/// unless it exists already; returns once it is active.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<DynamoStore> {
    let mut definitions = vec![string_attribute(PK)?, string_attribute(SK)?];
    let mut indexes = vec![];
    for index in Index::ALL {
        definitions.push(string_attribute(index.pk())?);
        definitions.push(string_attribute(index.sk())?);
        indexes.push(
            GlobalSecondaryIndex::builder()
                .index_name(index.name())
                .key_schema(key(index.pk(), KeyType::Hash)?)
                .key_schema(key(index.sk(), KeyType::Range)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(invalid)?,
        );
    }
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .set_attribute_definitions(Some(definitions))
        .set_global_secondary_indexes(Some(indexes))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .map_err(invalid)?,
        )
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => {}
        Err(e) => return Err(failure(e)),
    }
    for _ in 0..120 {
        let described = client.describe_table().table_name(table).send().await.map_err(failure)?;
        let status = described.table().and_then(|t| t.table_status()).map(|s| s.as_str().to_owned());
        if status.as_deref() == Some("ACTIVE") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let ttl = TimeToLiveSpecification::builder().attribute_name(EXPIRES_AT).enabled(true).build().map_err(invalid)?;
    let set = client.update_time_to_live().table_name(table).time_to_live_specification(ttl).send().await;
    if let Err(e) = set {
        use aws_sdk_dynamodb::error::ProvideErrorMetadata;
        // Already enabled is fine; anything else is not.
        if !e.as_service_error().and_then(|s| s.message()).is_some_and(|m| m.contains("already enabled")) {
            return Err(failure(e));
        }
    }
    Ok(DynamoStore::new(client.clone(), table))
}
