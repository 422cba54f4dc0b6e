//! Fixed-window counters on DynamoDB: one conditional `ADD` per use, expired by TTL.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use motcua_domain::ports::{Limits, StoreResult};

use super::items::{self, n};
use super::{condition_failed, failure, keys, DynamoStore, EXPIRES_AT};
use crate::codec::ts;

#[async_trait]
impl Limits for DynamoStore {
    async fn take(&self, key: &str, window_start: DateTime<Utc>, window: Duration, max: u32) -> StoreResult<bool> {
        let taken = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::limit(key, &ts(window_start)))))
            .update_expression("ADD used :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(used) OR used < :max")
            .expression_attribute_names("#expires", EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(max))
            // Kept a day past the window, then removed by TTL.
            .expression_attribute_values(":expires", n((window_start + window + Duration::days(1)).timestamp()))
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
