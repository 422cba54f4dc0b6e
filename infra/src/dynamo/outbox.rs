//! Outbox items: written beside their dossier in the action's transaction, delivered on AWS by
//! `notify` from the table's stream, and listed for the one-machine worker (and for sweeping)
//! through the pending-messages index entry they hold until sent or given up.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::notify::OutgoingMessage;
use motcua_domain::ports::{Outbox, PendingMessage, StoreResult};

use super::items::{self, body, n, s, with_body};
use super::keys::{self, Index};
use super::query::{Page, Range};
use super::{condition_failed, failure, DynamoStore, Item};
use crate::codec::ts;

/// A new outbox item: not yet attempted, due for an attempt at once.
pub fn new_item(m: &OutgoingMessage) -> StoreResult<Item> {
    let mut item = with_body(keys::message(&m.dossier_code, &m.id), m)?;
    item.insert("attempts".into(), n(0));
    item.insert("created_at".into(), s(ts(m.created_at)));
    items::index(&mut item, Index::Lists, pending_entry(&m.id, m.created_at));
    Ok(item)
}

fn pending_message(item: &Item) -> StoreResult<PendingMessage> {
    let attempts = items::number(item, "attempts")?;
    Ok(PendingMessage { message: body(item)?, attempts: u32::try_from(attempts).unwrap_or(u32::MAX) })
}

fn pending_entry(id: &str, at: DateTime<Utc>) -> keys::Key {
    (keys::PENDING_MESSAGES.into(), format!("{}#{id}", ts(at)))
}

impl DynamoStore {
    /// Updates an unsent message; a message already sent (or unknown) is left alone.
    async fn update_unsent(
        &self,
        id: &str,
        expression: &str,
        values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
    ) -> StoreResult<()> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::message(keys::code_of_message(id), id))))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(sent_at)")
            .expression_attribute_names("#lpk", Index::Lists.pk())
            .expression_attribute_names("#lsk", Index::Lists.sk());
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(failure(e)),
        }
    }
}

#[async_trait]
impl Outbox for DynamoStore {
    async fn pending(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<PendingMessage>> {
        // Positions are "<next attempt>#<id>"; "$" sorts just after "#", so every attempt due
        // at `now` itself is included.
        let range = Range::Between("0".into(), format!("{}$", ts(now)));
        let page = Page::index(Index::Lists, keys::PENDING_MESSAGES.into(), range, limit.clamp(1, 1000));
        let found = self.query_limited(page).await?;
        found.iter().map(pending_message).collect()
    }

    async fn unsent(&self, id: &str) -> StoreResult<Option<PendingMessage>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::message(keys::code_of_message(id), id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        match out.item() {
            Some(item) if !item.contains_key("sent_at") && item.contains_key(Index::Lists.pk()) => {
                Ok(Some(pending_message(item)?))
            }
            _ => Ok(None),
        }
    }

    async fn mark_sent(&self, id: &str, provider_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let values = vec![(":at", s(ts(at))), (":provider", s(provider_id)), (":one", n(1))];
        self.update_unsent(
            id,
            "SET sent_at = :at, provider_id = :provider, attempts = attempts + :one REMOVE #lpk, #lsk",
            values,
        )
        .await
    }

    async fn mark_failed(&self, id: &str, error: &str, retry_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        let error: String = error.chars().take(500).collect();
        let mut values = vec![(":error", s(error)), (":one", n(1))];
        let expression = match retry_at {
            Some(at) => {
                let (pk, sk) = pending_entry(id, at);
                values.push((":pk", s(pk)));
                values.push((":sk", s(sk)));
                "SET last_error = :error, attempts = attempts + :one, #lpk = :pk, #lsk = :sk"
            }
            None => "SET last_error = :error, attempts = attempts + :one REMOVE #lpk, #lsk",
        };
        self.update_unsent(id, expression, values).await
    }
}
