//! The production store: one DynamoDB table (single-table design, see [`keys`] and
//! `docs/dynamodb.md`). Each action is one `TransactWriteItems` of the dossier, conditioned on
//! its version, with its history event, outbox items and idempotency record; the day's dossier
//! sequence is an atomic counter bumped just before. Lists are `Query`s on three overloaded
//! indexes; nothing on a request path scans.

mod axis_journal;
pub mod backfill;
mod catalogue;
mod dossiers;
mod items;
pub mod keys;
mod limits;
mod outbox;
mod passwords;
mod payments;
mod portal;
mod privacy;
mod query;
mod schema;
mod search;
mod stored;
mod tallies;
#[cfg(test)]
mod tests;
mod uploads;

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use motcua_domain::ports::{StoreError, StoreResult};

pub use schema::{create_table, EXPIRES_AT};
pub use tallies::TALLY;

type Item = HashMap<String, AttributeValue>;

/// The DynamoDB store: a client and the table it works on. Cloning shares the client.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// Adds each commit's tallies right after it (a home with no stream consumer: `motcua serve
    /// --store dynamodb`); on AWS the stream does it.
    counts_inline: bool,
    /// The server key, which spells the owners of stored documents in their partitions'
    /// keys ([`motcua_domain::documents::Owner::digest`]); without it the document store is
    /// refused (a home that commits or reads it must have the key).
    owner_key: Option<std::sync::Arc<[u8]>>,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into(), counts_inline: false, owner_key: None }
    }

    /// The same store, spelling the owners of stored documents under `server_key`.
    pub fn keying_owners(mut self, server_key: std::sync::Arc<[u8]>) -> Self {
        self.owner_key = Some(server_key);
        self
    }

    /// The partition of `owner`'s stored documents, or a refusal when this store has no key.
    fn owner_partition(&self, owner: &motcua_domain::documents::Owner) -> StoreResult<String> {
        let key = self.owner_key.as_deref().ok_or_else(|| {
            StoreError::Unavailable("the applicants' document store needs the server key (keying_owners)".into())
        })?;
        Ok(keys::stored_documents(&owner.digest(key)))
    }

    /// The same store, adding each commit's tallies right after it instead of leaving them to
    /// the table's stream (for a server that runs no stream consumer).
    pub fn counting_inline(mut self) -> Self {
        self.counts_inline = true;
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Opens the connection to DynamoDB (TLS handshake included) with one cheap read, so that
    /// a Lambda pays for it during init rather than on its first request.
    pub async fn warm_up(&self) -> StoreResult<()> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, AttributeValue::S("WARM-UP".into()))
            .key(keys::SK, AttributeValue::S("#WARM-UP".into()))
            .send()
            .await
            .map_err(failure)?;
        Ok(())
    }
}

/// A failed call: throttling, network and service errors are all "unavailable" (the caller may
/// retry); the error code is kept for the logs.
fn failure<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e.as_service_error() {
        Some(service) => StoreError::Unavailable(format!(
            "DynamoDB {}: {}",
            service.code().unwrap_or("error"),
            service.message().unwrap_or("")
        )),
        None => StoreError::Unavailable(format!("DynamoDB: {}", aws_sdk_dynamodb::error::DisplayErrorContext(&e))),
    }
}

/// Whether a single-item write failed only because its condition did not hold.
fn condition_failed<E, R>(e: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}
