//! Fixed-window counters on DynamoDB: one conditional `ADD` per use, expired by TTL.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::Update;
use chrono::{DateTime, Duration, Utc};
use motcua_domain::ports::{LimitUse, Limits, StoreResult};

use super::items::{self, n};
use super::{condition_failed, failure, keys, DynamoStore, EXPIRES_AT};
use crate::codec::ts;

impl DynamoStore {
    /// Counts `limit`'s use, on the condition that its window holds fewer than `max` uses.
    /// The item is kept a day past the window, then removed by TTL.
    pub(super) fn limit_update(&self, limit: &LimitUse) -> UpdateBuilder {
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::limit(&limit.key, &ts(limit.window_start)))))
            .update_expression("ADD used :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(used) OR used < :max")
            .expression_attribute_names("#expires", EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(limit.max))
            .expression_attribute_values(
                ":expires",
                n((limit.window_start + limit.window + Duration::days(1)).timestamp()),
            )
    }
}

#[async_trait]
impl Limits for DynamoStore {
    async fn take(&self, limit: &LimitUse) -> StoreResult<bool> {
        // The same update as in a transaction, sent on its own.
        let update = self.limit_update(limit);
        let taken = self
            .client
            .update_item()
            .set_table_name(update.get_table_name().clone())
            .set_key(update.get_key().clone())
            .set_update_expression(update.get_update_expression().clone())
            .set_condition_expression(update.get_condition_expression().clone())
            .set_expression_attribute_names(update.get_expression_attribute_names().clone())
            .set_expression_attribute_values(update.get_expression_attribute_values().clone())
            .send()
            .await;
        match taken {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }

    async fn used(&self, key: &str, window_start: DateTime<Utc>) -> StoreResult<u32> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::limit(key, &ts(window_start)))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        let used = out.item().map(|item| items::number(item, "used")).transpose()?.unwrap_or(0);
        Ok(u32::try_from(used).unwrap_or(u32::MAX))
    }
}
