//! The applicants' document store in DynamoDB: one item per document in its owner's partition
//! (the owner's key keyed under the server key, [`keys::stored_documents`]), put inside the
//! dossier's transaction and read by owner. Reads also look in the unkeyed partition the store
//! used before ([`keys::legacy_stored_documents`]) until the backfill has emptied it.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use motcua_domain::documents::{Owner, StoredDocument, UploadId};
use motcua_domain::ports::{StoreError, StoreResult, StoredDocuments};

use super::items::{self, body, with_body};
use super::keys;
use super::query::{Page, Range};
use super::{failure, DynamoStore};

/// `document`, put (again, the same, when already kept) in the dossier's transaction.
pub(super) fn keep(store: &DynamoStore, document: &StoredDocument) -> StoreResult<TransactWriteItem> {
    let partition = store.owner_partition(&document.owner)?;
    let item = with_body(keys::stored_document(&partition, document.id.as_str()), document)?;
    let put = Put::builder()
        .table_name(&store.table)
        .set_item(Some(item))
        .build()
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

#[async_trait]
impl StoredDocuments for DynamoStore {
    async fn stored_documents(&self, owner: &Owner, limit: usize) -> StoreResult<Vec<StoredDocument>> {
        // An owner holds tens of documents, not thousands: read the partition, sort by time.
        let mut documents: Vec<StoredDocument> = Vec::new();
        for partition in [self.owner_partition(owner)?, keys::legacy_stored_documents(owner)] {
            let page = Page::table(partition, Range::Prefix(keys::STORED_PREFIX.into()));
            for item in self.query_all(page).await? {
                let document: StoredDocument = body(&item)?;
                // One the backfill moved between the two reads is listed once.
                if !documents.iter().any(|d| d.id == document.id) {
                    documents.push(document);
                }
            }
        }
        documents.sort_by(|a, b| b.provenance.recorded_at.cmp(&a.provenance.recorded_at).then(a.id.cmp(&b.id)));
        documents.truncate(limit);
        Ok(documents)
    }

    async fn stored_document(&self, owner: &Owner, id: &UploadId) -> StoreResult<Option<StoredDocument>> {
        for partition in [self.owner_partition(owner)?, keys::legacy_stored_documents(owner)] {
            let out = self
                .client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(items::key(keys::stored_document(&partition, id.as_str()))))
                .send()
                .await
                .map_err(failure)?;
            if let Some(item) = out.item() {
                return body(item).map(Some);
            }
        }
        Ok(None)
    }
}
