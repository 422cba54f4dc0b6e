//! The portal sync queue and the national codes in DynamoDB. A sync item sits beside its
//! dossier (`S#<seq>`), put by the transition's transaction; every move is an update conditioned
//! on its state and claim. A pending item holds one `Lists` entry under the pending list by next
//! attempt, a parked one under the parked list, so the sender and the counts never scan.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Select, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::portal::{NationalCode, Settled, SyncCounts, SyncItem, SyncState};
use motcua_domain::ports::{NationalCodes, StoreError, StoreResult, SyncQueue};
use motcua_domain::reports::Tally;

use super::items::{self, body, n, s, text, with_body};
use super::keys::{self, Index};
use super::query::{Page, Range};
use super::{condition_failed, failure, DynamoStore, Item};
use crate::codec::{parse_ts, ts};
use crate::portal_worker::held_reason;

fn pending_entry(code: &str, seq: u32, next: DateTime<Utc>) -> keys::Key {
    (keys::PENDING_SYNC.into(), format!("{}#{code}#{seq:010}", ts(next)))
}

fn parked_entry(code: &str, seq: u32) -> keys::Key {
    (keys::PARKED_SYNC.into(), format!("{code}#{seq:010}"))
}

fn key_of(code: &str, seq: u32) -> Item {
    items::key(keys::sync_item(code, seq))
}

/// A new pending item for event `seq` (the dossier holding `documents` documents after it, when
/// known), due at `at`.
fn new_item(code: &str, seq: u32, documents: Option<usize>, at: DateTime<Utc>) -> Item {
    let mut item = key_of(code, seq);
    item.insert("code".into(), s(code));
    item.insert("seq".into(), n(seq));
    item.insert("state".into(), s(SyncState::Pending.as_str()));
    item.insert("attempts".into(), n(0));
    item.insert("next_at".into(), s(ts(at)));
    if let Some(n) = documents {
        item.insert("documents".into(), items::n(n));
    }
    items::index(&mut item, Index::Lists, pending_entry(code, seq, at));
    item
}

fn decode(item: &Item) -> StoreResult<SyncItem> {
    let optional = |name: &str| text(item, name).ok().map(str::to_owned);
    let state = text(item, "state")?;
    let claim = match (optional("claim"), optional("claim_until")) {
        (Some(token), Some(until)) => Some((token, parse_ts(&until)?)),
        _ => None,
    };
    Ok(SyncItem {
        dossier: DossierCode::parse(text(item, "code")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        seq: u32::try_from(items::number(item, "seq")?).map_err(|_| StoreError::Corrupt("sync seq".into()))?,
        state: SyncState::parse(state).ok_or_else(|| StoreError::Corrupt(format!("sync state {state}")))?,
        attempts: u32::try_from(items::number(item, "attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: parse_ts(text(item, "next_at")?)?,
        claim,
        last_error: optional("last_error"),
        acknowledged_at: optional("acknowledged_at").as_deref().map(parse_ts).transpose()?,
        documents: items::number(item, "documents").ok().and_then(|n| u32::try_from(n).ok()),
    })
}

fn error_text(e: &str) -> String {
    e.chars().take(500).collect()
}

impl DynamoStore {
    /// The transaction item queueing `seq` of `code` (a transition's).
    pub(super) fn queue_sync(
        &self,
        code: &str,
        seq: u32,
        documents: usize,
        at: DateTime<Utc>,
    ) -> StoreResult<TransactWriteItem> {
        self.put_new(new_item(code, seq, Some(documents), at))
    }

    /// One conditional update of a sync item; `false` when its condition failed.
    async fn update_sync(
        &self,
        code: &str,
        seq: u32,
        expression: &str,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<Option<Item>> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(code, seq)))
            .update_expression(expression)
            .condition_expression(condition)
            .expression_attribute_names("#state", "state")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew);
        if expression.contains("#lpk") {
            request = request
                .expression_attribute_names("#lpk", Index::Lists.pk())
                .expression_attribute_names("#lsk", Index::Lists.sk());
        }
        for (name, value) in values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(out) => Ok(Some(out.attributes().cloned().unwrap_or_default())),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }

    async fn count_list(&self, list: &str) -> StoreResult<u64> {
        let mut total = 0u64;
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(Index::Lists.name())
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", Index::Lists.pk())
                .expression_attribute_values(":pk", s(list))
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(failure)?;
            total += out.count() as u64;
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(total);
            }
        }
    }
}

#[async_trait]
impl SyncQueue for DynamoStore {
    async fn due_items(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<SyncItem>> {
        let range = Range::Between("0".into(), format!("{}$", ts(now)));
        let page = Page::index(Index::Lists, keys::PENDING_SYNC.into(), range, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(decode).collect()
    }

    async fn sync_items(&self, code: &DossierCode) -> StoreResult<Vec<SyncItem>> {
        let (partition, _) = keys::sync_item(&code.to_string(), 0);
        let page = Page::table(partition, Range::Prefix(keys::SYNC_PREFIX.into())).consistent();
        self.query_all(page).await?.iter().map(decode).collect()
    }

    async fn claim_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<SyncItem>> {
        let claimed = self
            .update_sync(
                &code.to_string(),
                seq,
                "SET attempts = attempts + :one, claim = :token, claim_until = :until",
                "#state = :pending AND next_at <= :now AND (attribute_not_exists(claim_until) OR claim_until < :now)",
                vec![
                    (":one", n(1)),
                    (":token", s(token)),
                    (":until", s(ts(until))),
                    (":pending", s("pending")),
                    (":now", s(ts(now))),
                ],
            )
            .await?;
        claimed.as_ref().map(decode).transpose()
    }

    async fn settle_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        settled: &Settled,
        tally: &[Tally],
    ) -> StoreResult<bool> {
        let code = code.to_string();
        let mut values = vec![(":token", s(token)), (":pending", s("pending"))];
        let expression = match settled {
            Settled::Acknowledged { at } => {
                values.push((":state", s("acknowledged")));
                values.push((":at", s(ts(*at))));
                "SET #state = :state, acknowledged_at = :at REMOVE claim, claim_until, #lpk, #lsk".to_owned()
            }
            Settled::Retry { at, error } => {
                let (pk, sk) = pending_entry(&code, seq, *at);
                values.extend([
                    (":next", s(ts(*at))),
                    (":error", s(error_text(error))),
                    (":lpk", s(pk)),
                    (":lsk", s(sk)),
                ]);
                "SET next_at = :next, last_error = :error, #lpk = :lpk, #lsk = :lsk REMOVE claim, claim_until"
                    .to_owned()
            }
            Settled::Parked { reason } => {
                let (pk, sk) = parked_entry(&code, seq);
                values.extend([
                    (":state", s("parked")),
                    (":error", s(error_text(reason))),
                    (":lpk", s(pk)),
                    (":lsk", s(sk)),
                ]);
                "SET #state = :state, last_error = :error, #lpk = :lpk, #lsk = :lsk REMOVE claim, claim_until"
                    .to_owned()
            }
        };
        let condition = "#state = :pending AND claim = :token";
        if tally.is_empty() {
            return Ok(self.update_sync(&code, seq, &expression, condition, values).await?.is_some());
        }
        // With the counters it adds, in one transaction: settled and counted once, or neither.
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_of(&code, seq)))
            .update_expression(&expression)
            .condition_expression(condition)
            .expression_attribute_names("#state", "state");
        if expression.contains("#lpk") {
            update = update
                .expression_attribute_names("#lpk", Index::Lists.pk())
                .expression_attribute_names("#lsk", Index::Lists.sk());
        }
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        let update = update.build().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut writes = vec![TransactWriteItem::builder().update(update).build()];
        for t in tally {
            for monthly in [false, true] {
                writes.push(super::tallies::add(&self.table, t, monthly)?);
            }
        }
        match self.client.transact_write_items().set_transact_items(Some(writes)).send().await {
            Ok(_) => Ok(true),
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c))
                    if c.cancellation_reasons().first().and_then(|r| r.code()) == Some("ConditionalCheckFailed") =>
                {
                    Ok(false)
                }
                _ => Err(failure(e)),
            },
        }
    }

    async fn hold_behind(&self, head: &SyncItem) -> StoreResult<()> {
        let code = head.dossier.to_string();
        for item in self.sync_items(&head.dossier).await? {
            if item.seq <= head.seq || item.state != SyncState::Pending || item.claim.is_some() {
                continue;
            }
            let held = match head.state {
                SyncState::Parked => {
                    let (pk, sk) = parked_entry(&code, item.seq);
                    let values = vec![
                        (":pending", s("pending")),
                        (":state", s("parked")),
                        (":error", s(held_reason(head.seq))),
                        (":lpk", s(pk)),
                        (":lsk", s(sk)),
                    ];
                    let set = "SET #state = :state, last_error = :error, #lpk = :lpk, #lsk = :lsk";
                    self.update_sync(&code, item.seq, set, "#state = :pending AND attribute_not_exists(claim)", values)
                }
                SyncState::Pending if item.next_attempt_at < head.next_attempt_at => {
                    let (pk, sk) = pending_entry(&code, item.seq, head.next_attempt_at);
                    let values = vec![
                        (":pending", s("pending")),
                        (":next", s(ts(head.next_attempt_at))),
                        (":lpk", s(pk)),
                        (":lsk", s(sk)),
                    ];
                    self.update_sync(
                        &code,
                        item.seq,
                        "SET next_at = :next, #lpk = :lpk, #lsk = :lsk",
                        "#state = :pending",
                        values,
                    )
                }
                _ => continue,
            };
            held.await?;
        }
        Ok(())
    }

    async fn requeue(&self, code: &DossierCode, latest: u32, now: DateTime<Utc>) -> StoreResult<bool> {
        let text_code = code.to_string();
        let items = self.sync_items(code).await?;
        let mut unparked = false;
        for item in items.iter().filter(|i| i.state == SyncState::Parked) {
            let (pk, sk) = pending_entry(&text_code, item.seq, now);
            let values = vec![
                (":parked", s("parked")),
                (":state", s("pending")),
                (":zero", n(0)),
                (":next", s(ts(now))),
                (":lpk", s(pk)),
                (":lsk", s(sk)),
            ];
            let set =
                "SET #state = :state, attempts = :zero, next_at = :next, #lpk = :lpk, #lsk = :lsk REMOVE last_error";
            unparked |= self.update_sync(&text_code, item.seq, set, "#state = :parked", values).await?.is_some();
        }
        if unparked || items.iter().any(|i| i.state == SyncState::Pending) {
            return Ok(unparked);
        }
        let mut item = new_item(&text_code, latest, None, now);
        item.remove(keys::PK);
        item.remove(keys::SK);
        let mut request = self.client.update_item().table_name(&self.table).set_key(Some(key_of(&text_code, latest)));
        let mut sets = vec![];
        for (i, (name, value)) in item.into_iter().enumerate() {
            sets.push(format!("#a{i} = :a{i}"));
            request = request
                .expression_attribute_names(format!("#a{i}"), name)
                .expression_attribute_values(format!(":a{i}"), value);
        }
        request
            .update_expression(format!(
                "SET {} REMOVE acknowledged_at, last_error, claim, claim_until, documents",
                sets.join(", ")
            ))
            .send()
            .await
            .map_err(failure)?;
        Ok(true)
    }

    async fn parked_items(&self, limit: usize) -> StoreResult<Vec<SyncItem>> {
        let page = Page::index(Index::Lists, keys::PARKED_SYNC.into(), Range::All, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(decode).collect()
    }

    async fn sync_counts(&self) -> StoreResult<SyncCounts> {
        Ok(SyncCounts {
            pending: self.count_list(keys::PENDING_SYNC).await?,
            parked: self.count_list(keys::PARKED_SYNC).await?,
        })
    }
}

#[async_trait]
impl NationalCodes for DynamoStore {
    async fn national_code(&self, procedure: &str) -> StoreResult<Option<NationalCode>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::national_code(procedure))))
            .send()
            .await
            .map_err(failure)?;
        out.item().map(body).transpose()
    }

    async fn put_national_code(&self, code: &NationalCode) -> StoreResult<()> {
        let mut item = with_body(keys::national_code(&code.procedure), code)?;
        items::index(&mut item, Index::Lists, (keys::NATIONAL_CODES.into(), code.procedure.clone()));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(failure)?;
        Ok(())
    }

    async fn national_codes(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<NationalCode>> {
        let range = after.map_or(Range::All, |a| Range::After(a.to_owned()));
        let page = Page::index(Index::Lists, keys::NATIONAL_CODES.into(), range, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(body).collect()
    }
}
