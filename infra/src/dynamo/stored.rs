//! The applicants' document store in DynamoDB: one item per document in its owner's partition
//! (the owner's key hashed), put inside the dossier's transaction and read by owner.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use motcua_domain::documents::{Owner, StoredDocument, UploadId};
use motcua_domain::ports::{StoreError, StoreResult, StoredDocuments};

use super::items::{self, body, with_body};
use super::keys;
use super::query::{Page, Range};
use super::{failure, DynamoStore};

/// `document`, put (again, the same, when already kept) in the dossier's transaction.
pub(super) fn keep(table: &str, document: &StoredDocument) -> StoreResult<TransactWriteItem> {
    let item = with_body(keys::stored_document(&document.owner, document.id.as_str()), document)?;
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

#[async_trait]
impl StoredDocuments for DynamoStore {
    async fn stored_documents(&self, owner: &Owner, limit: usize) -> StoreResult<Vec<StoredDocument>> {
        // An owner holds tens of documents, not thousands: read the partition, sort by time.
        let page = Page::table(keys::stored_documents(owner), Range::Prefix(keys::STORED_PREFIX.into()));
        let mut documents: Vec<StoredDocument> =
            self.query_all(page).await?.iter().map(body).collect::<Result<_, _>>()?;
        documents.sort_by(|a, b| b.provenance.recorded_at.cmp(&a.provenance.recorded_at).then(a.id.cmp(&b.id)));
        documents.truncate(limit);
        Ok(documents)
    }

    async fn stored_document(&self, owner: &Owner, id: &UploadId) -> StoreResult<Option<StoredDocument>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::stored_document(owner, id.as_str()))))
            .send()
            .await
            .map_err(failure)?;
        out.item().map(body).transpose()
    }
}
