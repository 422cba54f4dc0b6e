//! Dossiers, history, idempotency records and daily code sequences in DynamoDB.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem, Update};
use chrono::NaiveDate;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{Dossier, HistoryEvent};
use motcua_domain::ports::{
    BuildCreate, Commit, DossierStore, IdempotencyRecord, QueueQuery, StoreError, StoreResult, StoredDossier,
};

use super::items::{self, body, expires_in_days, n, s, with_body};
use super::keys::{self, Index};
use super::query::{Page, Range};
use super::schema::EXPIRES_AT;
use super::{failure, DynamoStore, Item};
use crate::codec::ts;

/// How long an idempotency record and a day's sequence counter are kept (housekeeping only: a
/// replay after this long is a new request, and a past day's counter is never bumped again).
const KEEP_DAYS: i64 = 30;

/// How many codes a filing tries when the one it was given is already taken (a sequence
/// counter restored from a backup can lag behind the dossiers).
const ALLOCATIONS: usize = 5;

/// Why a transaction did not commit.
enum Refused {
    /// The new dossier's code is already taken.
    CodeTaken,
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

/// What a transaction item is, to tell which condition failed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Dossier,
    Event,
    Message,
    Sync,
    Payment,
    Idempotency,
    Limit,
    Upload,
    Stored,
    Search,
}

/// The dossier's item; the secret hash is written only with a new dossier and never changes.
fn dossier_item(d: &Dossier, secret_hash: Option<&str>) -> StoreResult<Item> {
    let mut item = with_body(keys::dossier(&d.code), d)?;
    item.insert("version".into(), n(d.version));
    if let Some(hash) = secret_hash {
        item.insert("secret_hash".into(), s(hash));
    }
    item.insert("status".into(), s(d.status.as_str()));
    for (index, key) in keys::dossier_entries(d) {
        items::index(&mut item, index, key);
    }
    Ok(item)
}

impl DynamoStore {
    /// Puts an item on its own that must not exist yet; [`StoreError::Conflict`] when it does.
    pub(super) async fn put_absent(&self, item: Item) -> StoreResult<()> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if super::condition_failed(&e) => Err(StoreError::Conflict),
            Err(e) => Err(failure(e)),
        }
    }

    /// Puts an item that must not exist yet (a new dossier, event, message or record).
    pub(super) fn put_new(&self, item: Item) -> StoreResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The dossier's new state as an update conditioned on the version it was read at: every
    /// attribute but the key and the secret hash is set, and index entries it no longer has are
    /// removed.
    fn update_dossier(&self, d: &Dossier, expected: u64) -> StoreResult<TransactWriteItem> {
        let item = dossier_item(d, None)?;
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::dossier(&d.code))))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected));
        let mut removes = vec![];
        for (i, index) in Index::ALL.iter().filter(|x| !item.contains_key(x.pk())).enumerate() {
            removes.push(format!("#r{i}a, #r{i}b"));
            update = update
                .expression_attribute_names(format!("#r{i}a"), index.pk())
                .expression_attribute_names(format!("#r{i}b"), index.sk());
        }
        let mut sets = vec![];
        for (i, (name, value)) in item.into_iter().filter(|(k, _)| k != keys::PK && k != keys::SK).enumerate() {
            sets.push(format!("#s{i} = :s{i}"));
            update = update
                .expression_attribute_names(format!("#s{i}"), name)
                .expression_attribute_values(format!(":s{i}"), value);
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let update =
            update.update_expression(expression).build().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Writes the dossier and the rest of `commit` as one transaction (`secret_hash` only
    /// matters for a new dossier).
    async fn transact(&self, commit: &Commit, secret_hash: &str) -> Result<(), Refused> {
        let d = &commit.dossier;
        let mut parts = vec![];
        let mut writes = vec![];
        let dossier = match commit.expected_version {
            None => self.put_new(dossier_item(d, Some(secret_hash))?)?,
            Some(expected) => self.update_dossier(d, expected)?,
        };
        parts.push(Part::Dossier);
        writes.push(dossier);
        let mut event = with_body(keys::event(&d.code, commit.event.seq), &commit.event)?;
        if !commit.tally.is_empty() {
            event.insert(
                super::TALLY.into(),
                s(serde_json::to_string(&commit.tally).map_err(|e| StoreError::Corrupt(e.to_string()))?),
            );
        }
        parts.push(Part::Event);
        writes.push(self.put_new(event)?);
        for m in &commit.outbox {
            parts.push(Part::Message);
            writes.push(self.put_new(super::outbox::new_item(m)?)?);
        }
        parts.push(Part::Sync);
        writes.push(self.queue_sync(&d.code.to_string(), commit.event.seq, d.documents.len(), commit.event.at)?);
        if let Some(t) = &commit.settle {
            parts.push(Part::Payment);
            writes.push(self.settle_payment(t)?);
        }
        if let Some(r) = &commit.idempotency {
            let mut item = with_body(keys::idempotency(&r.scope, &r.key), r)?;
            item.insert(EXPIRES_AT.into(), expires_in_days(KEEP_DAYS));
            parts.push(Part::Idempotency);
            writes.push(self.put_new(item)?);
        }
        if let Some(limit) = &commit.limit {
            let update = self.limit_update(limit).build().map_err(|e| StoreError::Unavailable(e.to_string()))?;
            parts.push(Part::Limit);
            writes.push(TransactWriteItem::builder().update(update).build());
        }
        for upload in &commit.attach {
            parts.push(Part::Upload);
            writes.push(self.attach_update(upload, &d.code)?);
        }
        for document in &commit.keep {
            parts.push(Part::Stored);
            writes.push(super::stored::keep(self, document)?);
        }
        for term in &commit.search {
            parts.push(Part::Search);
            writes.push(self.put_new(super::search::term_item(d, term))?);
        }
        let sent = self.client.transact_write_items().set_transact_items(Some(writes)).send().await;
        let Err(e) = sent else { return Ok(()) };
        match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                let failed: Vec<Part> = cancelled
                    .cancellation_reasons()
                    .iter()
                    .zip(&parts)
                    .filter(|(r, _)| r.code() == Some("ConditionalCheckFailed"))
                    .map(|(_, p)| *p)
                    .collect();
                if failed.contains(&Part::Idempotency) {
                    Err(StoreError::IdempotencyKeyTaken.into())
                } else if failed.contains(&Part::Dossier) && commit.expected_version.is_none() {
                    // Before the limit: a retried transaction that landed fails both.
                    Err(Refused::CodeTaken)
                } else if failed == [Part::Limit] {
                    Err(StoreError::LimitReached.into())
                } else if !failed.is_empty()
                    || cancelled.cancellation_reasons().iter().any(|r| r.code() == Some("TransactionConflict"))
                {
                    // A stale version, or another writer inside the same item right now.
                    Err(StoreError::Conflict.into())
                } else {
                    Err(failure(e).into())
                }
            }
            _ => Err(failure(e).into()),
        }
    }

    /// Adds `commit`'s tallies now, when this store counts inline; a failure is logged (the
    /// history item keeps them, for a recount).
    async fn count_inline(&self, commit: &Commit) {
        if !self.counts_inline || commit.tally.is_empty() {
            return;
        }
        let code = commit.dossier.code.to_string();
        if let Err(e) = self.count(&code, commit.event.seq, &commit.tally).await {
            tracing::error!(dossier = %code, seq = commit.event.seq, error = %e, "report tallies not counted");
        }
    }

    /// Whether `commit` is in the table already. Its dossier's head is the hash of its event,
    /// which names the dossier, the action, the time and the head before: no other write has it.
    async fn landed(&self, commit: &Commit) -> StoreResult<bool> {
        let head = &commit.dossier.history_head;
        Ok(!head.is_empty() && self.get(&commit.dossier.code).await?.is_some_and(|s| &s.dossier.history_head == head))
    }

    /// Bumps the day's counter of `agency` and returns the new value. A create that then fails
    /// leaves a gap; a number is never handed out twice.
    async fn next_sequence(&self, agency: &AgencyCode, date: NaiveDate) -> StoreResult<u32> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::sequence(agency, &date.format("%Y-%m-%d").to_string()))))
            .update_expression("ADD #last :one SET #expires = :expires")
            .expression_attribute_names("#last", "last")
            .expression_attribute_names("#expires", EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", expires_in_days(KEEP_DAYS))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(failure)?;
        let last = items::number(out.attributes().unwrap_or(&Item::new()), "last")?;
        u32::try_from(last).map_err(|_| StoreError::Corrupt("sequence out of range".into()))
    }
}

#[async_trait]
impl DossierStore for DynamoStore {
    async fn create(&self, agency: &AgencyCode, date: NaiveDate, build: BuildCreate) -> StoreResult<Dossier> {
        for _ in 0..ALLOCATIONS {
            let next = self.next_sequence(agency, date).await?;
            let code = DossierCode::new(agency.clone(), date, next).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let commit = build(code);
            let secret = commit.lookup_secret_hash.clone().unwrap_or_default();
            match self.transact(&commit, &secret).await {
                Ok(()) => {
                    self.count_inline(&commit).await;
                    return Ok(commit.dossier);
                }
                // The SDK retried a transaction whose first attempt landed (its answer was
                // lost): the code, or the idempotency key, is taken by this very filing.
                Err(Refused::CodeTaken | Refused::Store(StoreError::IdempotencyKeyTaken))
                    if self.landed(&commit).await? =>
                {
                    self.count_inline(&commit).await;
                    return Ok(commit.dossier);
                }
                Err(Refused::CodeTaken) => {
                    tracing::warn!(code = %commit.dossier.code, "dossier code already taken; allocating another");
                }
                Err(Refused::Store(e)) => return Err(e),
            }
        }
        Err(StoreError::Corrupt(format!("the sequence of {agency} on {date} keeps giving taken codes")))
    }

    async fn get(&self, code: &DossierCode) -> StoreResult<Option<StoredDossier>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::dossier(code))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        let Some(item) = out.item() else { return Ok(None) };
        Ok(Some(StoredDossier { dossier: body(item)?, lookup_secret_hash: items::text(item, "secret_hash")?.into() }))
    }

    async fn get_with_history(&self, code: &DossierCode) -> StoreResult<Option<(StoredDossier, Vec<HistoryEvent>)>> {
        // The dossier item ("#DOSSIER") sorts just before its events ("E#<digits>") and the
        // messages ("M#…") after them: one consistent Query reads the first two.
        let (pk, sk) = keys::dossier(code);
        let last_event = format!("{}{}", keys::EVENT_PREFIX, "9".repeat(10));
        let page = Page::table(pk, Range::Between(sk.clone(), last_event)).consistent();
        let items = self.query_all(page).await?;
        let Some((first, rest)) = items.split_first() else { return Ok(None) };
        if items::text(first, keys::SK)? != sk {
            return Ok(None);
        }
        let stored =
            StoredDossier { dossier: body(first)?, lookup_secret_hash: items::text(first, "secret_hash")?.into() };
        Ok(Some((stored, rest.iter().map(body).collect::<StoreResult<_>>()?)))
    }

    async fn commit(&self, commit: Commit) -> StoreResult<()> {
        if commit.expected_version.is_none() {
            return Err(StoreError::Conflict);
        }
        match self.transact(&commit, "").await {
            Ok(()) => {
                self.count_inline(&commit).await;
                Ok(())
            }
            Err(Refused::Store(StoreError::Conflict)) if self.landed(&commit).await? => {
                self.count_inline(&commit).await;
                Ok(())
            }
            Err(Refused::Store(e)) => Err(e),
            Err(Refused::CodeTaken) => Err(StoreError::Conflict),
        }
    }

    async fn history(&self, code: &DossierCode) -> StoreResult<Vec<HistoryEvent>> {
        let (pk, _) = keys::dossier(code);
        let page = Page::table(pk, Range::Prefix(keys::EVENT_PREFIX.into())).consistent();
        self.query_all(page).await?.iter().map(body).collect()
    }

    async fn queue(&self, q: QueueQuery) -> StoreResult<Vec<Dossier>> {
        let (index, partition) = match (&q.assignee, &q.agency, q.status) {
            (Some(officer), _, _) => (Index::People, keys::officer_queue(officer)),
            (None, Some(agency), Some(status)) => (Index::Groups, keys::status_queue(agency, status)),
            (None, Some(agency), None) => (Index::Lists, keys::agency_queue(agency)),
            (None, None, _) => {
                return Err(StoreError::Unavailable("a queue names an agency or an assignee".into()));
            }
        };
        let range = match q.due_before {
            // Received dossiers due before the time: positions from "0…" (a year) up to it.
            Some(before) => Range::Between("0".into(), ts(before)),
            None => Range::All,
        };
        let mut page = Page::index(index, partition.clone(), range, q.limit.clamp(1, 1000));
        if let Some((due, code)) = &q.after {
            let code = DossierCode::parse(code).map_err(|_| StoreError::Corrupt("bad queue cursor".into()))?;
            let mut start = items::key(keys::dossier(&code));
            items::index(&mut start, index, (partition, keys::queue_position(*due, &code.to_string())));
            page = page.after(start);
        }
        if index == Index::People {
            if let Some(agency) = &q.agency {
                page = page.filter_eq("gsi1pk", keys::agency_queue(agency));
            }
            if let Some(status) = q.status {
                page = page.filter_eq("status", status.as_str().to_owned());
            }
        }
        self.query_limited(page).await?.iter().map(body).collect()
    }

    async fn idempotency(&self, scope: &str, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::idempotency(scope, key))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        out.item().map(body).transpose()
    }
}
