//! Announced uploads in DynamoDB: one item each, expired by TTL two days after the announcement
//! unless a dossier's transaction attaches it (which removes the TTL).

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::{Upload, UploadId, UploadState, UPLOAD_LIFETIME};
use motcua_domain::ports::{StoreError, StoreResult, UploadStore};

use super::items::{self, n, s, with_body};
use super::{condition_failed, failure, keys, DynamoStore, EXPIRES_AT};
use crate::codec::to_json;

impl DynamoStore {
    /// `upload` (read as stored) attached to `dossier`, on the condition that it is still stored.
    pub(super) fn attach_update(&self, upload: &Upload, dossier: &DossierCode) -> StoreResult<TransactWriteItem> {
        let attached = Upload { state: UploadState::Attached { dossier: dossier.clone() }, ..upload.clone() };
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::upload(upload.id.as_str()))))
            .update_expression("SET #state = :attached, body = :body REMOVE #expires")
            .condition_expression("#state = :stored")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#expires", EXPIRES_AT)
            .expression_attribute_values(":attached", s(attached.state.name()))
            .expression_attribute_values(":stored", s(UploadState::Stored.name()))
            .expression_attribute_values(":body", s(to_json(&attached)?))
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

#[async_trait]
impl UploadStore for DynamoStore {
    async fn announce(&self, upload: &Upload) -> StoreResult<()> {
        let mut item = with_body(keys::upload(upload.id.as_str()), upload)?;
        item.insert("state".into(), s(upload.state.name()));
        item.insert(EXPIRES_AT.into(), n((upload.created_at + UPLOAD_LIFETIME * 2).timestamp()));
        self.put_absent(item).await
    }

    async fn upload(&self, id: &UploadId) -> StoreResult<Option<Upload>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::upload(id.as_str()))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        out.item().map(items::body).transpose()
    }

    async fn mark_stored(&self, id: &UploadId) -> StoreResult<bool> {
        let Some(upload) = self.upload(id).await? else { return Ok(false) };
        if upload.state != UploadState::Pending {
            return Ok(false);
        }
        let stored = Upload { state: UploadState::Stored, ..upload };
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::upload(id.as_str()))))
            .update_expression("SET #state = :stored, body = :body")
            .condition_expression("#state = :pending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":stored", s(UploadState::Stored.name()))
            .expression_attribute_values(":pending", s(UploadState::Pending.name()))
            .expression_attribute_values(":body", s(to_json(&stored)?))
            .send()
            .await;
        match updated {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }
}
