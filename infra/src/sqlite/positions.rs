//! Records kept once by their position (a time, then an id), listed in that order: the requests
//! for what is held about a person, and the document axis's journal. Each table is
//! `(position TEXT PRIMARY KEY, body TEXT NOT NULL)`.

use motcua_domain::ports::StoreResult;
use rusqlite::params;
use serde::de::DeserializeOwned;

use super::{from_json, unavailable, SqliteStore};

/// What writing a position that is kept already does.
#[derive(Debug, Clone, Copy)]
pub(super) enum Again {
    /// Refused (the record is never written over).
    Refused,
    /// Nothing (the first record stays).
    Ignored,
}

impl SqliteStore {
    /// Keeps `body` at `position` of `table`.
    pub(super) async fn put_at(
        &self,
        table: &'static str,
        position: String,
        body: String,
        again: Again,
    ) -> StoreResult<()> {
        let verb = match again {
            Again::Refused => "INSERT",
            Again::Ignored => "INSERT OR IGNORE",
        };
        self.write(move |tx| {
            tx.execute(&format!("{verb} INTO {table} (position, body) VALUES (?1, ?2)"), params![position, body])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    /// The records of `table` after `after`, in order, at most `limit` (1 to 1,000).
    pub(super) async fn list_after<T: DeserializeOwned + Send + 'static>(
        &self,
        table: &'static str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<T>> {
        let after = after.unwrap_or_default().to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!("SELECT body FROM {table} WHERE position > ?1 ORDER BY position LIMIT ?2"))
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![after, limit.clamp(1, 1000) as i64], |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            rows.map(|r| from_json(&r.map_err(unavailable)?)).collect()
        })
        .await
    }
}
