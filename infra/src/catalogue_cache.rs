//! A catalogue that remembers the procedures, agencies and holiday table it read, for a while.
//!
//! Every action reads its procedure, its agency, the holiday table and the agencies of its
//! workflow's steps; they change a few times a year, so a warm Lambda or the one-machine server
//! keeps them for [`CachedCatalogue::DEFAULT_TTL`] and an action costs its dossier's reads only.
//! A write through this catalogue forgets what it changed at once; a change made elsewhere (by
//! another Lambda's admin route) is seen within the time to live. Only found records are kept,
//! so the memory is bounded by the catalogue's size, not by what clients ask for. Officers are
//! not cached: a deactivated officer must stop being assignable at once. Procedure lists (the
//! public catalogue search, which on DynamoDB filters the whole procedure partition) are kept
//! by their query too, at most [`MOST_LISTS`] of them, all forgotten on any procedure write.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use motcua_domain::catalogue::{Agency, Officer, OfficerId, Procedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{Catalogue, CatalogueReader, CatalogueWriter, Holiday, ProcedureQuery, StoreResult};

/// Values read at some instant, kept until they are `ttl` old.
struct Memo<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    fn keep(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key, (Instant::now(), value));
        }
    }

    fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    /// Keeps `value` unless `most` entries are kept already: the expired go first, and if none
    /// has, nothing new is kept (what clients ask for cannot grow the memory).
    fn keep_bounded(&self, key: K, value: V, most: usize) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= most {
                let ttl = self.ttl;
                entries.retain(|_, (at, _)| at.elapsed() < ttl);
            }
            if entries.len() < most {
                entries.insert(key, (Instant::now(), value));
            }
        }
    }

    /// `key`'s value: kept, or read by `read` and kept when found.
    async fn read_through(&self, key: K, read: impl Future<Output = StoreResult<Option<V>>>) -> StoreResult<Option<V>> {
        if let Some(v) = self.get(&key) {
            return Ok(Some(v));
        }
        let found = read.await?;
        if let Some(v) = &found {
            self.keep(key, v.clone());
        }
        Ok(found)
    }

    /// Writes `key` by `write`, forgetting it before and after: a read racing the write cannot
    /// keep the old value past it.
    async fn write_through(&self, key: &K, write: impl Future<Output = StoreResult<()>>) -> StoreResult<()> {
        self.forget(key);
        let result = write.await;
        self.forget(key);
        result
    }
}

/// The most catalogue lists (searches of the public procedure catalogue) kept at once.
pub const MOST_LISTS: usize = 1_000;

/// [`Catalogue`] in front of another, keeping what it found for a time to live.
pub struct CachedCatalogue {
    inner: Arc<dyn Catalogue>,
    procedures: Memo<String, Procedure>,
    /// Procedure lists by their query (the anonymous catalogue search reads the whole
    /// procedure partition on DynamoDB): at most [`MOST_LISTS`], all forgotten on any write.
    lists: Memo<String, Vec<Procedure>>,
    agencies: Memo<AgencyCode, Agency>,
    holidays: Memo<(), Vec<Holiday>>,
}

impl CachedCatalogue {
    /// How long a record read is trusted: a catalogue change reaches every warm instance within it.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

    pub fn new(inner: Arc<dyn Catalogue>, ttl: Duration) -> Self {
        Self {
            inner,
            procedures: Memo::new(ttl),
            lists: Memo::new(ttl),
            agencies: Memo::new(ttl),
            holidays: Memo::new(ttl),
        }
    }
}

#[async_trait]
impl CatalogueReader for CachedCatalogue {
    async fn procedure(&self, code: &str) -> StoreResult<Option<Procedure>> {
        self.procedures.read_through(code.to_owned(), self.inner.procedure(code)).await
    }

    async fn procedures(&self, query: ProcedureQuery) -> StoreResult<Vec<Procedure>> {
        let key = format!("{query:?}");
        if let Some(list) = self.lists.get(&key) {
            return Ok(list);
        }
        let list = self.inner.procedures(query).await?;
        self.lists.keep_bounded(key, list.clone(), MOST_LISTS);
        Ok(list)
    }

    async fn agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>> {
        self.agencies.read_through(code.clone(), self.inner.agency(code)).await
    }

    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<Procedure>> {
        self.inner.procedure_versions(code).await
    }

    async fn agencies(
        &self,
        parent: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Agency>> {
        self.inner.agencies(parent, after, limit).await
    }

    async fn holidays(&self) -> StoreResult<Vec<Holiday>> {
        Ok(self.holidays.read_through((), async { self.inner.holidays().await.map(Some) }).await?.unwrap_or_default())
    }

    async fn officer(&self, id: &OfficerId) -> StoreResult<Option<Officer>> {
        self.inner.officer(id).await
    }

    async fn officers(
        &self,
        agency: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Officer>> {
        self.inner.officers(agency, after, limit).await
    }
}

#[async_trait]
impl CatalogueWriter for CachedCatalogue {
    async fn put_procedure(&self, procedure: &Procedure) -> StoreResult<()> {
        self.lists.forget_all();
        let written = self.procedures.write_through(&procedure.code, self.inner.put_procedure(procedure)).await;
        self.lists.forget_all();
        written
    }

    async fn put_procedures(&self, procedures: &[Procedure]) -> StoreResult<()> {
        let written = self.inner.put_procedures(procedures).await;
        self.lists.forget_all();
        // Whatever was written (all, or part of a failed batch) is read afresh.
        for p in procedures {
            self.procedures.forget(&p.code);
        }
        written
    }

    async fn schedule_procedure(&self, procedure: &Procedure) -> StoreResult<()> {
        // The current record stays until the version's date.
        self.inner.schedule_procedure(procedure).await
    }

    async fn promote_procedures(&self, today: chrono::NaiveDate) -> StoreResult<Vec<String>> {
        let promoted = self.inner.promote_procedures(today).await?;
        if !promoted.is_empty() {
            self.lists.forget_all();
        }
        for code in &promoted {
            self.procedures.forget(code);
        }
        Ok(promoted)
    }

    async fn put_agency(&self, agency: &Agency) -> StoreResult<()> {
        self.agencies.write_through(&agency.code, self.inner.put_agency(agency)).await
    }

    async fn put_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()> {
        self.holidays.write_through(&(), self.inner.put_holidays(year, holidays)).await
    }

    async fn put_officer(&self, officer: &Officer) -> StoreResult<()> {
        self.inner.put_officer(officer).await
    }
}

#[cfg(test)]
mod tests;
