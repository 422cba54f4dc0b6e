//! The report counters in DynamoDB. A transition's tallies ride on its history item (attribute
//! `tally`); the table's stream hands each new history item to the stream consumer, which adds
//! them with [`DynamoStore::count`]: one transaction of a marker for the item (which must not
//! exist yet) and an `ADD` to each counter item, so a redelivered record counts nothing twice.
//! Keeping the counters off the transition's own transaction keeps hot counter items (an
//! agency's busy day) from making concurrent transitions conflict.
//!
//! Counter items: `R#<agency>` / `<day>#<procedure>` for an agency's own counts,
//! `RO#<agency>` / `<day>#<officer>#<procedure>` for its officers', and the same by month
//! (`RM#`, `ROM#`, the month's first day); a report queries each agency's partitions, whole
//! months from the monthly items and the rest from the daily ones (`reports::Span`,
//! docs/dynamodb.md).

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use motcua_domain::catalogue::OfficerId;
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{CatalogueReader, ReportCounters, StoreError, StoreResult};
use motcua_domain::reports::{merge, month_of, Counts, Measure, Span, Summed, Tally, TallyKey, TallyQuery};

use super::items::{expires_in_days, key, n, s, text};
use super::keys;
use super::query::{Page, Range};
use super::schema::EXPIRES_AT;
use super::{failure, DynamoStore, Item};

/// The attribute of a history item holding its transition's tallies (JSON).
pub const TALLY: &str = "tally";

/// How long a counted marker is kept: longer than the stream keeps a record (24 hours).
const MARKER_DAYS: i64 = 7;

/// How many agencies' partitions a report reads at once.
const PARALLEL_READS: usize = 16;

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// The `ADD` of `tally` to its counter item at one grain, which remembers its own key in plain
/// attributes.
pub(super) fn add(table: &str, tally: &Tally, monthly: bool) -> StoreResult<TransactWriteItem> {
    let k = &tally.key;
    let mut names = HashMap::from([("#a".to_owned(), "agency".to_owned()), ("#p".to_owned(), "procedure".to_owned())]);
    let mut values: HashMap<String, AttributeValue> = HashMap::from([
        (":a".to_owned(), s(k.agency.as_str())),
        (":p".to_owned(), s(&k.procedure)),
        (":d".to_owned(), s(if monthly { month_of(k.day) } else { k.day }.format("%Y-%m-%d").to_string())),
    ]);
    names.insert("#d".into(), "day".into());
    let mut set = vec!["#a = :a", "#p = :p", "#d = :d"];
    if let Some(o) = &k.officer {
        names.insert("#o".into(), "officer".into());
        values.insert(":o".into(), s(o.as_str()));
        set.push("#o = :o");
    }
    let mut adds = vec![];
    for (i, (m, v)) in tally.counts.non_zero().enumerate() {
        names.insert(format!("#m{i}"), m.name().into());
        values.insert(format!(":m{i}"), n(v));
        adds.push(format!("#m{i} :m{i}"));
    }
    let expression = format!("SET {} ADD {}", set.join(", "), adds.join(", "));
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::counter(k, monthly))))
        .update_expression(expression)
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .build()
        .map_err(invalid)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// A counter item's key and counts.
fn summed(item: &Item) -> StoreResult<Summed> {
    let agency = AgencyCode::parse(text(item, "agency")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let officer = match item.get("officer") {
        Some(AttributeValue::S(o)) => Some(OfficerId::parse(o).map_err(|e| StoreError::Corrupt(e.to_string()))?),
        _ => None,
    };
    let mut counts = Counts::new();
    for &m in Measure::ALL {
        if let Some(AttributeValue::N(v)) = item.get(m.name()) {
            counts.add(m, v.parse().map_err(|_| StoreError::Corrupt(format!("counter {} is not a number", m.name())))?);
        }
    }
    Ok(Summed { agency, procedure: text(item, "procedure")?.to_owned(), officer, counts })
}

impl DynamoStore {
    /// Adds the tallies of history item `seq` of dossier `code`, unless they were added already:
    /// `true` when this call added them.
    pub async fn count(&self, code: &str, seq: u32, tallies: &[Tally]) -> StoreResult<bool> {
        let mut marker = key(keys::counted(code, seq));
        marker.insert(EXPIRES_AT.into(), expires_in_days(MARKER_DAYS));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(invalid)?;
        let mut writes = vec![TransactWriteItem::builder().put(put).build()];
        // A transaction names an item once: tallies of two days of one month share its item.
        let mut months: Vec<Tally> = vec![];
        for t in tallies.iter().filter(|t| !t.counts.is_zero()) {
            writes.push(add(&self.table, t, false)?);
            let key = TallyKey { day: month_of(t.key.day), ..t.key.clone() };
            match months.iter_mut().find(|m| m.key == key) {
                Some(m) => m.counts.add_all(&t.counts),
                None => months.push(Tally { key, counts: t.counts.clone() }),
            }
        }
        for m in months.iter().filter(|m| !m.counts.is_zero()) {
            writes.push(add(&self.table, m, true)?);
        }
        let sent = self.client.transact_write_items().set_transact_items(Some(writes)).send().await;
        let Err(e) = sent else { return Ok(true) };
        match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(cancelled))
                if cancelled.cancellation_reasons().first().and_then(|r| r.code())
                    == Some("ConditionalCheckFailed") =>
            {
                Ok(false)
            }
            Some(TransactWriteItemsError::TransactionCanceledException(_)) => Err(StoreError::Conflict),
            _ => Err(failure(e)),
        }
    }

    /// Adds the tallies of the history item the stream names by its keys (`D#<code>`, `sk`), read
    /// from the table (the stream carries keys only: no personal data travels on it), once;
    /// whether they were added now (`false`: counted before, or nothing to count).
    pub async fn count_event(&self, code: &str, sk: &str) -> StoreResult<bool> {
        let seq = sk
            .strip_prefix(keys::EVENT_PREFIX)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("not a history item's key: {sk}")))?;
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key((format!("D#{code}"), sk.to_owned()))))
            .projection_expression("#t")
            .expression_attribute_names("#t", TALLY)
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        let Some(AttributeValue::S(json)) = out.item().and_then(|i| i.get(TALLY)) else { return Ok(false) };
        let tallies: Vec<Tally> =
            serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("a history item's tally: {e}")))?;
        if tallies.is_empty() {
            return Ok(false);
        }
        self.count(code, seq, &tallies).await
    }

    /// Adds the tallies of every history item of dossier `code` not yet counted: what the stream
    /// consumer does for each, for a home that missed the stream just now (the counted markers
    /// are kept a week: this catches up, it does not rebuild). Returns how many it added.
    pub async fn count_history(&self, code: &str) -> StoreResult<usize> {
        let page = Page::table(format!("D#{code}"), Range::Prefix(keys::EVENT_PREFIX.into())).consistent();
        let mut added = 0;
        for item in self.query_all(page).await? {
            let Some(AttributeValue::S(json)) = item.get(TALLY) else { continue };
            let tallies: Vec<Tally> =
                serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("a history item's tally: {e}")))?;
            let seq = text(&item, keys::SK)?
                .strip_prefix(keys::EVENT_PREFIX)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| StoreError::Corrupt("a history item's key".into()))?;
            added += usize::from(self.count(code, seq, &tallies).await?);
        }
        Ok(added)
    }

    /// Every agency code in the catalogue.
    async fn all_agencies(&self) -> StoreResult<Vec<AgencyCode>> {
        let mut out: Vec<AgencyCode> = vec![];
        loop {
            let after = out.last().map(|a| a.to_string());
            let page = self.agencies(None, after.as_deref(), 1000).await?;
            let done = page.len() < 1000;
            out.extend(page.into_iter().map(|a| a.code));
            if done {
                return Ok(out);
            }
        }
    }

    /// One agency's counter items over the query's days, summed: whole months from the monthly
    /// items, the days of partly covered months from the daily ones.
    async fn summed_of(&self, agency: AgencyCode, q: TallyQuery) -> StoreResult<Vec<Summed>> {
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let span = Span::of(q.from, q.to);
        let mut ranges: Vec<(bool, Option<chrono::NaiveDate>, chrono::NaiveDate)> = vec![];
        if let Some((first, last)) = span.months {
            ranges.push((true, first, last));
        }
        ranges.extend(span.days.iter().map(|&(a, b)| (false, Some(a), b)));
        let mut parts = vec![];
        for (monthly, from, to) in ranges {
            let partition = keys::counters(&agency, q.officers, monthly);
            // `#` sorts before every character of a procedure code or an officer id, `~` after.
            let low = from.map_or_else(|| "0".to_owned(), |f| format!("{}#", day(f)));
            let high = format!("{}#~", day(to));
            for item in self.query_all(Page::table(partition, Range::Between(low, high))).await? {
                let mut s = summed(&item)?;
                s.counts = q.measures().iter().map(|&m| (m, s.counts.get(m))).collect();
                parts.push(s);
            }
        }
        Ok(merge(parts))
    }
}

#[async_trait]
impl ReportCounters for DynamoStore {
    async fn summed(&self, q: &TallyQuery) -> StoreResult<Vec<Summed>> {
        let agencies = match &q.agencies {
            Some(a) => a.clone(),
            None => self.all_agencies().await?,
        };
        let mut parts = vec![];
        for chunk in agencies.chunks(PARALLEL_READS) {
            let mut reads = tokio::task::JoinSet::new();
            for agency in chunk {
                let (store, agency, q) = (self.clone(), agency.clone(), q.clone());
                reads.spawn(async move { store.summed_of(agency, q).await });
            }
            while let Some(done) = reads.join_next().await {
                parts.extend(done.map_err(invalid)??);
            }
        }
        Ok(merge(parts))
    }
}
