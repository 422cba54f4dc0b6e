//! Outbox items: written beside their dossier in the action's transaction, delivered on AWS by
//! `notify` from the table's stream. Each item carries its delivery `state`; every move is an
//! update conditioned on the state it leaves. Open messages hold one `Lists` index entry: in
//! `created` under the pending list by next attempt, in `sending` under the sending list by
//! deadline, so the sweeper finds both without scanning. A provider's message id points back to
//! its item through a small pointer item written with the hand-off.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use motcua_domain::notify::delivery::Settlement;
use motcua_domain::notify::{DeliveryState, OutgoingMessage};
use motcua_domain::ports::{Outbox, StoreError, StoreResult, StoredMessage};

use super::items::{self, body, n, s, text, with_body};
use super::keys::{self, Index};
use super::query::{Page, Range};
use super::{condition_failed, failure, DynamoStore, Item};
use crate::codec::ts;

/// A new outbox item: in `created`, due for an attempt at once.
pub fn new_item(m: &OutgoingMessage) -> StoreResult<Item> {
    let mut item = with_body(keys::message(&m.dossier_code, &m.id), m)?;
    item.insert("attempts".into(), n(0));
    item.insert("state".into(), s(DeliveryState::Created.as_str()));
    item.insert("created_at".into(), s(ts(m.created_at)));
    items::index(&mut item, Index::Lists, entry(keys::PENDING_MESSAGES, &m.id, m.created_at));
    Ok(item)
}

fn stored(item: &Item) -> StoreResult<StoredMessage> {
    let attempts = items::number(item, "attempts")?;
    let state = text(item, "state").ok().and_then(DeliveryState::parse);
    let optional = |name: &str| text(item, name).ok().map(str::to_owned);
    Ok(StoredMessage {
        message: body(item)?,
        state: state.ok_or_else(|| StoreError::Corrupt("outbox item without a delivery state".into()))?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        provider_id: optional("provider_id"),
        last_error: optional("last_error"),
    })
}

/// A position in the pending or sending list: "<time>#<id>".
fn entry(list: &str, id: &str, at: DateTime<Utc>) -> keys::Key {
    (list.into(), format!("{}#{id}", ts(at)))
}

/// Everything listed up to `now` in `list`, oldest first.
fn due(list: &str, now: DateTime<Utc>, limit: usize) -> Page {
    // "$" sorts just after "#", so an entry due at `now` itself is included.
    let range = Range::Between("0".into(), format!("{}$", ts(now)));
    Page::index(Index::Lists, list.into(), range, limit.clamp(1, 1000))
}

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// An update expression with its names and values, sent alone or inside a transaction.
struct Expression {
    update: String,
    values: Vec<(&'static str, AttributeValue)>,
}

/// Records `s` on a message, conditioned on it being in `sending`.
fn settle_expression(id: &str, s: &Settlement) -> Expression {
    let mut sets = vec!["#state = :state".to_owned()];
    let mut values = vec![(":state", items::s(s.state.as_str())), (":sending", items::s("sending"))];
    if let Some(p) = &s.provider_id {
        sets.push("provider_id = :provider, sent_at = :now".into());
        values.push((":provider", items::s(p)));
        values.push((":now", items::s(ts(Utc::now()))));
    }
    if let Some(e) = &s.error {
        sets.push("last_error = :error".into());
        values.push((":error", items::s(e.chars().take(500).collect::<String>())));
    }
    let listed = match (s.state, s.retry_at, s.deadline) {
        (DeliveryState::Created, Some(at), _) => Some(entry(keys::PENDING_MESSAGES, id, at)),
        (DeliveryState::Sending, _, Some(at)) => Some(entry(keys::SENDING_MESSAGES, id, at)),
        (state, _, _) if state.is_final() => Some(entry(keys::FINAL_MESSAGES, id, Utc::now())),
        _ => None,
    };
    let update = match listed {
        Some((pk, sk)) => {
            sets.push("#lpk = :lpk, #lsk = :lsk".into());
            values.push((":lpk", items::s(pk)));
            values.push((":lsk", items::s(sk)));
            format!("SET {}", sets.join(", "))
        }
        None => format!("SET {} REMOVE #lpk, #lsk", sets.join(", ")),
    };
    Expression { update, values }
}

const SETTLE_CONDITION: &str = "#state = :sending";

fn names() -> [(&'static str, &'static str); 3] {
    [("#state", "state"), ("#lpk", Index::Lists.pk()), ("#lsk", Index::Lists.sk())]
}

impl DynamoStore {
    fn message_key(id: &str) -> Item {
        items::key(keys::message(keys::code_of_message(id), id))
    }

    /// Settles with one conditional `UpdateItem` (no other item to write).
    async fn settle_alone(&self, id: &str, e: Expression) -> StoreResult<bool> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::message_key(id)))
            .update_expression(e.update)
            .condition_expression(SETTLE_CONDITION);
        for (name, value) in names() {
            request = request.expression_attribute_names(name, value);
        }
        for (name, value) in e.values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }

    fn settle_in_transaction(&self, id: &str, e: Expression) -> StoreResult<TransactWriteItem> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::message_key(id)))
            .update_expression(e.update)
            .condition_expression(SETTLE_CONDITION);
        for (name, value) in names() {
            update = update.expression_attribute_names(name, value);
        }
        for (name, value) in e.values {
            update = update.expression_attribute_values(name, value);
        }
        Ok(TransactWriteItem::builder().update(built(update.build())?).build())
    }
}

#[async_trait]
impl Outbox for DynamoStore {
    async fn post(&self, messages: &[OutgoingMessage]) -> StoreResult<usize> {
        let mut added = 0;
        for m in messages {
            match self.put_absent(new_item(m)?).await {
                Ok(()) => added += 1,
                Err(StoreError::Conflict) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(added)
    }

    async fn pending(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>> {
        let found = self.query_limited(due(keys::PENDING_MESSAGES, now, limit)).await?;
        found.iter().map(stored).collect()
    }

    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>> {
        let found = self.query_limited(due(keys::SENDING_MESSAGES, now, limit)).await?;
        found.iter().map(stored).collect()
    }

    async fn under(&self, key: &str) -> StoreResult<Vec<StoredMessage>> {
        let (pk, _) = keys::message(key, "");
        let page = Page::table(pk, Range::Prefix(keys::MESSAGE_PREFIX.into())).consistent();
        self.query_all(page).await?.iter().map(stored).collect()
    }

    async fn message(&self, id: &str) -> StoreResult<Option<StoredMessage>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::message_key(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        out.item().map(stored).transpose()
    }

    async fn message_of_provider(&self, provider_id: &str) -> StoreResult<Option<String>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::provider_message(provider_id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        Ok(out.item().and_then(|item| text(item, "message").ok().map(str::to_owned)))
    }

    async fn claim(
        &self,
        id: &str,
        due_by: DateTime<Utc>,
        deadline: DateTime<Utc>,
    ) -> StoreResult<Option<StoredMessage>> {
        let (pk, sk) = entry(keys::SENDING_MESSAGES, id, deadline);
        let claimed = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::message_key(id)))
            .update_expression("SET #state = :sending, attempts = attempts + :one, #lpk = :pk, #lsk = :sk")
            .condition_expression("#state = :created AND #lpk = :pending AND #lsk <= :due")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#lpk", Index::Lists.pk())
            .expression_attribute_names("#lsk", Index::Lists.sk())
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":created", s("created"))
            .expression_attribute_values(":pending", s(keys::PENDING_MESSAGES))
            .expression_attribute_values(":due", s(format!("{}$", ts(due_by))))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":sk", s(sk))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match claimed {
            Ok(out) => out.attributes().map(stored).transpose(),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }

    async fn redact_final(&self, before: DateTime<Utc>, now: DateTime<Utc>, limit: usize) -> StoreResult<usize> {
        let found = self.query_limited(due(keys::FINAL_MESSAGES, before, limit)).await?;
        let mut redacted = 0;
        for item in &found {
            let m = stored(item)?;
            let kept = motcua_domain::notify::retention::redacted(&m.message);
            let written = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(Self::message_key(&m.message.id)))
                .update_expression("SET body = :body, redacted_at = :now REMOVE #lpk, #lsk")
                .condition_expression("#lpk = :final")
                .expression_attribute_names("#lpk", Index::Lists.pk())
                .expression_attribute_names("#lsk", Index::Lists.sk())
                .expression_attribute_values(":body", s(crate::codec::to_json(&kept)?))
                .expression_attribute_values(":now", s(ts(now)))
                .expression_attribute_values(":final", s(keys::FINAL_MESSAGES))
                .send()
                .await;
            match written {
                Ok(_) => redacted += 1,
                // Redacted meanwhile by another run.
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(failure(e)),
            }
        }
        Ok(redacted)
    }

    async fn settle(&self, id: &str, settlement: &Settlement) -> StoreResult<bool> {
        let expression = settle_expression(id, settlement);
        // Receipts name the provider's id: point it back here while one is awaited.
        let pointer = settlement.provider_id.as_ref().filter(|_| settlement.state == DeliveryState::Sending);
        if pointer.is_none() && settlement.follow_up.is_none() {
            return self.settle_alone(id, expression).await;
        }
        let mut writes = vec![self.settle_in_transaction(id, expression)?];
        if let Some(p) = pointer {
            let mut pointer = items::key(keys::provider_message(p));
            pointer.insert("message".into(), s(id));
            pointer.insert(super::EXPIRES_AT.into(), items::expires_in_days(30));
            let put = built(Put::builder().table_name(&self.table).set_item(Some(pointer)).build())?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        if let Some(next) = &settlement.follow_up {
            writes.push(self.put_new(new_item(next)?)?);
        }
        let Err(e) = self.client.transact_write_items().set_transact_items(Some(writes)).send().await else {
            return Ok(true);
        };
        let reasons = match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(c)) => c.cancellation_reasons().to_vec(),
            _ => vec![],
        };
        let failed = |r: &aws_sdk_dynamodb::types::CancellationReason| r.code() == Some("ConditionalCheckFailed");
        match reasons.first() {
            // The message was no longer in `sending`: nothing was written.
            Some(r) if failed(r) => Ok(false),
            // Another writer on the same items right now: the caller may try again.
            _ if !reasons.is_empty() => Err(StoreError::Conflict),
            _ => Err(failure(e)),
        }
    }
}
