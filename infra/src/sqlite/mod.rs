//! The embedded store: one SQLite file in WAL mode. Writes go through one connection, so each
//! action is one `BEGIN IMMEDIATE` transaction; reads use a small pool of their own. Blocking
//! calls run on tokio's blocking threads.

mod axis_journal;
mod catalogue;
pub mod copies;
mod dossiers;
mod limits;
mod outbox;
mod passwords;
mod payments;
mod portal;
mod positions;
mod privacy;
mod schema;
mod search;
mod stored;
mod tallies;
mod uploads;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use motcua_domain::ports::StoreResult;
use rusqlite::{Connection, OpenFlags};

pub(crate) use crate::codec::{from_json, to_json, ts, unavailable};

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

const MAX_IDLE_READERS: usize = 8;

/// Where a memory database's name starts (see [`SqliteStore::in_memory`]).
const MEMORY_URI: &str = "file:motcua-memory-";

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if path.to_str().is_some_and(|p| p.starts_with(MEMORY_URI)) {
        flags |= OpenFlags::SQLITE_OPEN_URI;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: an acknowledged action survives a power cut, not only a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        let mut writer = open_connection(&path).map_err(unavailable)?;
        schema::migrate(&mut writer).map_err(unavailable)?;
        Ok(Self { inner: Arc::new(Inner { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) }) })
    }

    /// A private database in memory, for benchmarks: the same schema and statements with no
    /// disk under them, so it measures the work and not `fsync`. Its connections share it through
    /// SQLite's shared cache, where a reader meeting a writer fails instead of waiting: not for a
    /// server. It lives as long as the store.
    pub fn in_memory() -> StoreResult<Self> {
        let name = format!("{MEMORY_URI}{:016x}?mode=memory&cache=shared", rand::random::<u64>());
        Self::open(name)
    }

    /// A connection of its own to the store's database with the store's settings (WAL,
    /// `synchronous=FULL`), for tools measuring it from outside the ports: the benchmarks'
    /// raw-transaction floor.
    pub fn raw_connection(&self) -> StoreResult<Connection> {
        open_connection(&self.inner.path).map_err(unavailable)
    }

    /// Runs `f` in one immediate transaction on the writer connection.
    pub(crate) async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(|_| unavailable("writer lock poisoned"))?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(unavailable)?;
            let value = f(&tx)?;
            tx.commit().map_err(unavailable)?;
            Ok(value)
        })
        .await
        .map_err(unavailable)?
    }

    /// Runs `f` on a pooled read connection.
    pub(crate) async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().map_err(|_| unavailable("reader pool poisoned"))?.pop();
            let conn = match pooled {
                Some(c) => c,
                None => open_connection(&inner.path).map_err(unavailable)?,
            };
            let value = f(&conn);
            if let Ok(mut pool) = inner.readers.lock() {
                if pool.len() < MAX_IDLE_READERS {
                    pool.push(conn);
                }
            }
            value
        })
        .await
        .map_err(unavailable)?
    }

    /// Whether the database answers (for health checks).
    pub async fn ping(&self) -> StoreResult<()> {
        self.read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(unavailable)).await
    }

    /// Forgets idempotency records older than `before` (housekeeping, not correctness).
    pub async fn purge_idempotency(&self, before: DateTime<Utc>) -> StoreResult<usize> {
        let cutoff = ts(before);
        self.write(move |tx| tx.execute("DELETE FROM idempotency WHERE created_at < ?1", [cutoff]).map_err(unavailable))
            .await
    }
}

#[cfg(test)]
mod tests;
